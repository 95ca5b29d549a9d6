/* ft-call-model.c
 *
 * SPDX-License-Identifier: MIT
 *
 * Plain children need no memory at all: the trace stores them
 * contiguously, so get_item() is O(1).  Only when Python internals are
 * hidden (their children lifted in their place) or calls are grouped by
 * instance does a model keep an array of what it shows, built for that
 * one parent when the parent is expanded.
 */

#define G_LOG_DOMAIN "ft-call-model"

#include "config.h"

#include <glib/gi18n.h>

#include "ft-call-model.h"
#include "ft-call-row.h"

typedef struct
{
  FtNodeId  node;     /* a call, or the first member of a group */
  gint64    instance_id;
  GArray   *members;  /* NULL for a call */
} Entry;

struct _FtCallModel
{
  GObject           parent_instance;
  FtTrace          *trace;
  FtNodeId          parent;   /* FT_NODE_NONE: the roots, or a list */
  FtCallModelFlags  flags;
  GArray           *entries;  /* Entry, or NULL when plain */
  GHashTable       *groups;   /* instance_id -> entry index + 1 */
};

static GType
ft_call_model_get_item_type (GListModel *model)
{
  return FT_TYPE_CALL_ROW;
}

static guint
ft_call_model_get_n_items (GListModel *model)
{
  FtCallModel *self = FT_CALL_MODEL (model);

  if (self->entries != NULL)
    return self->entries->len;
  if (self->parent == FT_NODE_NONE)
    return ft_trace_get_n_roots (self->trace);
  return ft_trace_get_n_children (self->trace, self->parent);
}

static gpointer
ft_call_model_get_item (GListModel *model,
                        guint       position)
{
  FtCallModel *self = FT_CALL_MODEL (model);
  const Entry *entry;

  if (position >= ft_call_model_get_n_items (model))
    return NULL;

  if (self->entries == NULL)
    {
      FtNodeId node = self->parent == FT_NODE_NONE
        ? ft_trace_get_root (self->trace, position)
        : ft_trace_get_child (self->trace, self->parent, position);
      return ft_call_row_new_node (self->trace, node);
    }

  entry = &g_array_index (self->entries, Entry, position);
  if (entry->members != NULL)
    return ft_call_row_new_group (self->trace, entry->instance_id, entry->members);
  return ft_call_row_new_node (self->trace, entry->node);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ft_call_model_get_item_type;
  iface->get_n_items = ft_call_model_get_n_items;
  iface->get_item = ft_call_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (FtCallModel, ft_call_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
clear_entry (gpointer data)
{
  Entry *entry = data;

  g_clear_pointer (&entry->members, g_array_unref);
}

static void
ft_call_model_finalize (GObject *object)
{
  FtCallModel *self = (FtCallModel *)object;

  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_object (&self->trace);

  G_OBJECT_CLASS (ft_call_model_parent_class)->finalize (object);
}

static void
ft_call_model_class_init (FtCallModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ft_call_model_finalize;
}

static void
ft_call_model_init (FtCallModel *self)
{
  self->parent = FT_NODE_NONE;
}

static gboolean
is_hidden (FtCallModel *self,
           FtNodeId     node)
{
  return (self->flags & FT_CALL_MODEL_HIDE_INTERNALS) != 0
      && (ft_trace_get_flags (self->trace, node) & FT_NODE_FLAG_INTERNAL) != 0;
}

static void
append_visible (FtCallModel *self,
                GArray      *out,
                FtNodeId     node)
{
  guint n;

  if (!is_hidden (self, node))
    {
      g_array_append_val (out, node);
      return;
    }

  /* A hidden internal call gives its place to its own children. */
  n = ft_trace_get_n_children (self->trace, node);
  for (guint i = 0; i < n; i++)
    append_visible (self, out, ft_trace_get_child (self->trace, node, i));
}

/* Calls on one object gather under one "Class#id" row placed where the
 * first of them was; other calls keep their order. */
static void
build_entries (FtCallModel *self,
               GArray      *visible)
{
  gboolean group = (self->flags & FT_CALL_MODEL_GROUP_INSTANCE) != 0;

  self->entries = g_array_sized_new (FALSE, TRUE, sizeof (Entry), visible->len);
  g_array_set_clear_func (self->entries, clear_entry);
  if (group)
    self->groups = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < visible->len; i++)
    {
      Entry entry = { g_array_index (visible, FtNodeId, i), 0, NULL };
      gpointer index;

      if (!group || !ft_trace_get_instance_id (self->trace, entry.node, &entry.instance_id))
        {
          g_array_append_val (self->entries, entry);
          continue;
        }

      index = g_hash_table_lookup (self->groups, &entry.instance_id);
      if (index == NULL)
        {
          entry.members = g_array_new (FALSE, FALSE, sizeof (FtNodeId));
          g_array_append_val (entry.members, entry.node);
          g_array_append_val (self->entries, entry);
          g_hash_table_insert (self->groups, g_memdup2 (&entry.instance_id, sizeof (gint64)),
                               GUINT_TO_POINTER (self->entries->len));
        }
      else
        {
          Entry *first = &g_array_index (self->entries, Entry, GPOINTER_TO_UINT (index) - 1);
          g_array_append_val (first->members, entry.node);
        }
    }
}

static FtCallModel *
new_model (FtTrace          *trace,
           FtNodeId          parent,
           FtCallModelFlags  flags)
{
  FtCallModel *self = g_object_new (FT_TYPE_CALL_MODEL, NULL);

  self->trace = g_object_ref (trace);
  self->parent = parent;
  self->flags = flags;

  return self;
}

FtCallModel *
ft_call_model_new_children (FtTrace          *trace,
                            FtNodeId          parent,
                            FtCallModelFlags  flags)
{
  g_autoptr(GArray) visible = NULL;
  FtCallModel *self;
  guint n;

  g_return_val_if_fail (FT_IS_TRACE (trace), NULL);

  self = new_model (trace, parent, flags);
  if (flags == FT_CALL_MODEL_PLAIN)
    return self;

  n = parent == FT_NODE_NONE ? ft_trace_get_n_roots (trace) : ft_trace_get_n_children (trace, parent);
  visible = g_array_sized_new (FALSE, FALSE, sizeof (FtNodeId), n);
  for (guint i = 0; i < n; i++)
    append_visible (self, visible,
                    parent == FT_NODE_NONE ? ft_trace_get_root (trace, i)
                                           : ft_trace_get_child (trace, parent, i));
  build_entries (self, visible);

  return self;
}

/* A fixed list of calls: a group's members, or the root of a panel.
 * They are shown as given, never hidden nor grouped again. */
FtCallModel *
ft_call_model_new_list (FtTrace          *trace,
                        GArray           *nodes,
                        FtCallModelFlags  flags)
{
  FtCallModel *self;

  g_return_val_if_fail (FT_IS_TRACE (trace), NULL);
  g_return_val_if_fail (nodes != NULL, NULL);

  self = new_model (trace, FT_NODE_NONE, flags);
  self->flags &= ~FT_CALL_MODEL_GROUP_INSTANCE;
  self->entries = g_array_sized_new (FALSE, TRUE, sizeof (Entry), nodes->len);
  g_array_set_clear_func (self->entries, clear_entry);
  for (guint i = 0; i < nodes->len; i++)
    {
      Entry entry = { g_array_index (nodes, FtNodeId, i), 0, NULL };
      g_array_append_val (self->entries, entry);
    }

  return self;
}

static gboolean
find_entry (FtCallModel *self,
            FtNodeId     node,
            guint       *position)
{
  /* Entries are in file order (a group sits at its first member), so a
   * binary search finds plain calls. */
  guint lo = 0, hi = self->entries->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      FtNodeId at = g_array_index (self->entries, Entry, mid).node;

      if (at == node)
        {
          *position = mid;
          return TRUE;
        }
      if (at < node)
        lo = mid + 1;
      else
        hi = mid;
    }

  /* A list model (a panel or a group) is small: a scan is fine. */
  for (guint i = 0; i < self->entries->len; i++)
    if (g_array_index (self->entries, Entry, i).node == node)
      {
        *position = i;
        return TRUE;
      }

  return FALSE;
}

static gboolean
locate_in_group (FtCallModel *self,
                 FtNodeId     node,
                 guint       *position,
                 guint       *group_position)
{
  gint64 instance_id;
  gpointer index;
  const Entry *entry;

  if (self->groups == NULL || !ft_trace_get_instance_id (self->trace, node, &instance_id))
    return FALSE;

  index = g_hash_table_lookup (self->groups, &instance_id);
  if (index == NULL)
    return FALSE;

  *position = GPOINTER_TO_UINT (index) - 1;
  entry = &g_array_index (self->entries, Entry, *position);
  for (guint i = 0; i < entry->members->len; i++)
    if (g_array_index (entry->members, FtNodeId, i) == node)
      {
        *group_position = i;
        return TRUE;
      }

  return FALSE;
}

/* Where @node is shown in this model: @position, and when it sits inside
 * an instance group, @group_position inside that group (else G_MAXUINT). */
gboolean
ft_call_model_locate (FtCallModel *self,
                      FtNodeId     node,
                      guint       *position,
                      guint       *group_position)
{
  g_return_val_if_fail (FT_IS_CALL_MODEL (self), FALSE);
  g_return_val_if_fail (position != NULL && group_position != NULL, FALSE);

  *group_position = G_MAXUINT;

  if (self->entries == NULL)
    {
      FtNodeId parent = ft_trace_get_parent (self->trace, node);

      if (parent != self->parent)
        return FALSE;
      *position = ft_trace_get_index (self->trace, node);
      return TRUE;
    }

  if (locate_in_group (self, node, position, group_position))
    return TRUE;

  return find_entry (self, node, position);
}

/* The create function of the GtkTreeListModel: NULL for a leaf, so that
 * no expander is drawn. */
GListModel *
ft_call_model_create_children (FtCallRow        *row,
                               FtCallModelFlags  flags)
{
  FtTrace *trace = ft_call_row_get_trace (row);
  FtNodeId node = ft_call_row_get_node (row);
  FtCallModel *model;

  if (ft_call_row_is_group (row))
    return G_LIST_MODEL (ft_call_model_new_list (trace, ft_call_row_get_members (row), flags));

  if (ft_trace_get_n_children (trace, node) == 0)
    return NULL;

  model = ft_call_model_new_children (trace, node, flags);
  if (g_list_model_get_n_items (G_LIST_MODEL (model)) == 0)
    {
      g_object_unref (model);
      return NULL;
    }

  return G_LIST_MODEL (model);
}
