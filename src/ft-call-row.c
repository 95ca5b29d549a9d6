/* ft-call-row.c
 *
 * SPDX-License-Identifier: MIT
 *
 * A row is a node id (or a synthetic "Class#instance" group) plus a
 * reference on the trace: a few bytes, made when GTK asks for the row and
 * dropped when it scrolls away.  Every text is computed from the trace on
 * demand.
 */

#define G_LOG_DOMAIN "ft-call-row"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ft-call-row.h"
#include "ft-format.h"

struct _FtCallRow
{
  GObject   parent_instance;
  FtTrace  *trace;
  FtNodeId  node;         /* for a group: its first member */
  gint64    instance_id;
  GArray   *members;      /* FtNodeId; NULL unless a group */
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_MODULE,
  PROP_DURATION_TEXT,
  PROP_CHILDREN_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FtCallRow, ft_call_row, G_TYPE_OBJECT)

static void
ft_call_row_finalize (GObject *object)
{
  FtCallRow *self = (FtCallRow *)object;

  g_clear_object (&self->trace);
  g_clear_pointer (&self->members, g_array_unref);

  G_OBJECT_CLASS (ft_call_row_parent_class)->finalize (object);
}

static void
ft_call_row_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FtCallRow *self = FT_CALL_ROW (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_take_string (value, ft_call_row_dup_title (self));
      break;

    case PROP_MODULE:
      g_value_set_string (value, ft_call_row_get_module (self));
      break;

    case PROP_DURATION_TEXT:
      g_value_take_string (value, ft_call_row_dup_duration_text (self));
      break;

    case PROP_CHILDREN_TEXT:
      g_value_take_string (value, ft_call_row_dup_children_text (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ft_call_row_class_init (FtCallRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ft_call_row_finalize;
  object_class->get_property = ft_call_row_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODULE] =
    g_param_spec_string ("module", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION_TEXT] =
    g_param_spec_string ("duration-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHILDREN_TEXT] =
    g_param_spec_string ("children-text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ft_call_row_init (FtCallRow *self)
{
  self->node = FT_NODE_NONE;
}

FtCallRow *
ft_call_row_new_node (FtTrace  *trace,
                      FtNodeId  node)
{
  FtCallRow *self;

  g_return_val_if_fail (FT_IS_TRACE (trace), NULL);

  self = g_object_new (FT_TYPE_CALL_ROW, NULL);
  self->trace = g_object_ref (trace);
  self->node = node;

  return self;
}

FtCallRow *
ft_call_row_new_group (FtTrace *trace,
                       gint64   instance_id,
                       GArray  *members)
{
  FtCallRow *self;

  g_return_val_if_fail (FT_IS_TRACE (trace), NULL);
  g_return_val_if_fail (members != NULL && members->len > 0, NULL);

  self = g_object_new (FT_TYPE_CALL_ROW, NULL);
  self->trace = g_object_ref (trace);
  self->node = g_array_index (members, FtNodeId, 0);
  self->instance_id = instance_id;
  self->members = g_array_ref (members);

  return self;
}

FtTrace *
ft_call_row_get_trace (FtCallRow *self)
{
  g_return_val_if_fail (FT_IS_CALL_ROW (self), NULL);

  return self->trace;
}

/* For a group row: its first member, so that the detail pane and the
 * panels have something to show. */
FtNodeId
ft_call_row_get_node (FtCallRow *self)
{
  g_return_val_if_fail (FT_IS_CALL_ROW (self), FT_NODE_NONE);

  return self->node;
}

gboolean
ft_call_row_is_group (FtCallRow *self)
{
  g_return_val_if_fail (FT_IS_CALL_ROW (self), FALSE);

  return self->members != NULL;
}

gint64
ft_call_row_get_instance_id (FtCallRow *self)
{
  g_return_val_if_fail (FT_IS_CALL_ROW (self), 0);

  return self->instance_id;
}

GArray *
ft_call_row_get_members (FtCallRow *self)
{
  g_return_val_if_fail (FT_IS_CALL_ROW (self), NULL);

  return self->members;
}

/* A child process: its name and its pid (from the node's own text; only
 * process rows pay for it). */
static char *
dup_process_title (FtCallRow *self)
{
  g_autofree char *name = ft_trace_dup_display_name (self->trace, self->node);
  g_autoptr(FtNodeDetail) detail = ft_trace_get_detail (self->trace, self->node, NULL);
  g_autofree char *pid = NULL;
  JsonNode *member = NULL;

  if (detail != NULL && detail->extra != NULL)
    member = json_object_get_member (json_node_get_object (detail->extra), "pid");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_INT64)
    return g_steal_pointer (&name);

  pid = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (member));
  /* Translators: a child process in the call tree: its program and its
   * process id, e.g. "worker.py (process 4242)" */
  return g_strdup_printf (_("%s (process %s)"), name, pid);
}

char *
ft_call_row_dup_title (FtCallRow *self)
{
  const char *class_name;

  g_return_val_if_fail (FT_IS_CALL_ROW (self), NULL);

  class_name = ft_trace_get_called (self->trace, self->node);
  if (self->members != NULL)
    return g_strdup_printf ("%s#%" G_GINT64_FORMAT,
                            class_name ? class_name : "?", self->instance_id);

  /* The original tool's "__instance__" grouping nodes read like ours. */
  if (ft_trace_get_kind (self->trace, self->node) == FT_NODE_KIND_INSTANCE)
    {
      gint64 instance_id;

      if (ft_trace_get_instance_id (self->trace, self->node, &instance_id))
        return g_strdup_printf ("%s#%" G_GINT64_FORMAT, class_name ? class_name : "?", instance_id);
      return g_strdup (class_name ? class_name : ft_trace_get_callable (self->trace, self->node));
    }

  if (ft_trace_get_kind (self->trace, self->node) == FT_NODE_KIND_PROCESS)
    return dup_process_title (self);

  return ft_trace_dup_display_name (self->trace, self->node);
}

const char *
ft_call_row_get_module (FtCallRow *self)
{
  g_return_val_if_fail (FT_IS_CALL_ROW (self), NULL);

  return ft_trace_get_module (self->trace, self->node);
}

double
ft_call_row_get_duration_ms (FtCallRow *self)
{
  double total = 0.0;

  g_return_val_if_fail (FT_IS_CALL_ROW (self), NAN);

  if (self->members == NULL)
    return ft_trace_get_duration_ms (self->trace, self->node);

  for (guint i = 0; i < self->members->len; i++)
    {
      double d = ft_trace_get_duration_ms (self->trace, g_array_index (self->members, FtNodeId, i));

      if (!isnan (d))
        total += d;
    }

  return total;
}

/* "12.3 ms · 40 %": the share is of the parent call's duration. */
char *
ft_call_row_dup_duration_text (FtCallRow *self)
{
  g_autofree char *duration = NULL;
  g_autofree char *share = NULL;
  FtNodeId parent;
  double ms;

  g_return_val_if_fail (FT_IS_CALL_ROW (self), NULL);

  ms = ft_call_row_get_duration_ms (self);
  if (isnan (ms))
    return g_strdup ("");
  duration = ft_format_duration (ms);
  parent = ft_trace_get_parent (self->trace, self->node);
  if (parent != FT_NODE_NONE)
    share = ft_format_share (ms, ft_trace_get_duration_ms (self->trace, parent));

  if (share == NULL)
    return g_steal_pointer (&duration);

  return g_strdup_printf ("%s · %s", duration, share);
}

char *
ft_call_row_dup_children_text (FtCallRow *self)
{
  guint n;

  g_return_val_if_fail (FT_IS_CALL_ROW (self), NULL);

  if (self->members != NULL)
    n = self->members->len;
  else
    n = ft_trace_get_n_children (self->trace, self->node);

  if (n == 0)
    return g_strdup ("");

  return g_strdup_printf ("%u", n);
}
