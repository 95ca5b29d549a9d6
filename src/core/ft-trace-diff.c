/* ft-trace-diff.c: two traces aligned by call path
 *
 * SPDX-License-Identifier: MIT
 *
 * Breadth first, so that each entry's children are contiguous and a
 * tree model can index them in O(1).  Siblings are matched by their step
 * and occurrence index through a hash table: O(n) overall.  Outputs are
 * compared only for aligned calls, by their raw text in the two files.
 */

#define G_LOG_DOMAIN "ft-trace-diff"

#include "config.h"

#include <math.h>
#include <string.h>

#include "ft-trace-diff.h"
#include "ft-trace-private.h"

struct _FtTraceDiff
{
  gatomicrefcount ref_count;
  FtTrace        *a;
  FtTrace        *b;
  FtDiffOptions   options;
  GArray         *entries;   /* FtDiffEntry */
  guint           n_top;
  guint           counts[4];
};

void
ft_diff_options_init (FtDiffOptions *options)
{
  g_return_if_fail (options != NULL);

  options->min_ms = 1.0;
  options->ratio = 0.2;
}

char *
ft_trace_dup_path_step (FtTrace  *trace,
                        FtNodeId  node)
{
  g_autofree char *name = NULL;
  const char *module;

  g_return_val_if_fail (FT_IS_TRACE (trace), NULL);

  name = ft_trace_dup_display_name (trace, node);
  module = ft_trace_get_module (trace, node);
  return g_strconcat (module != NULL ? module : "", "::", name != NULL ? name : "", NULL);
}

/* The children of a node (or the roots) as "step#k" keys. */
static GPtrArray *
child_keys (FtTrace  *trace,
            FtNodeId  node)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = node == FT_NODE_NONE ? ft_trace_get_n_roots (trace) : ft_trace_get_n_children (trace, node);
  GPtrArray *keys = g_ptr_array_new_full (n, g_free);

  for (guint i = 0; i < n; i++)
    {
      FtNodeId c = node == FT_NODE_NONE ? ft_trace_get_root (trace, i) : ft_trace_get_child (trace, node, i);
      /* Roots by position: two runs of one script may have named it differently. */
      char *step = node == FT_NODE_NONE ? g_strdup ("") : ft_trace_dup_path_step (trace, c);
      guint k = GPOINTER_TO_UINT (g_hash_table_lookup (seen, step));

      g_ptr_array_add (keys, g_strdup_printf ("%s#%u", step, k));
      g_hash_table_replace (seen, step, GUINT_TO_POINTER (k + 1));
    }
  return keys;
}

static FtNodeId
nth_child (FtTrace  *trace,
           FtNodeId  node,
           guint     i)
{
  return node == FT_NODE_NONE ? ft_trace_get_root (trace, i) : ft_trace_get_child (trace, node, i);
}

/* Where the loader saw a node's output in the file; FALSE when it did not
 * keep the range (a value over 64 KiB). */
static gboolean
output_range (FtTrace  *trace,
              FtNodeId  node,
              guint64  *offset,
              gsize    *len)
{
  const FtNode *n = ft_trace_peek_node (trace, node);
  guint64 base;

  if (n->priv & FT_PRIV_RANGES_UNKNOWN)
    return FALSE;
  *offset = 0;
  *len = 0;
  if (!(n->vr_info & (1 << FT_VALUE_OUTPUT)))
    return TRUE;
  base = (n->vr_info & (1 << (3 + FT_VALUE_OUTPUT))) ? n->tail_off : n->head_off;
  *offset = base + n->vr_start[FT_VALUE_OUTPUT];
  *len = n->vr_len[FT_VALUE_OUTPUT];
  return TRUE;
}

/* The tracer writes equal values as equal text, so comparing the raw
 * bytes is enough and ten times cheaper than parsing both; -1 when a
 * range is not known. */
static int
raw_outputs_differ (FtTraceDiff *self,
                    FtNodeId     a,
                    FtNodeId     b)
{
  guint64 off_a, off_b;
  gsize len_a, len_b;
  g_autofree guint8 *text_a = NULL;
  g_autofree guint8 *text_b = NULL;

  if (!output_range (self->a, a, &off_a, &len_a) || !output_range (self->b, b, &off_b, &len_b))
    return -1;
  if (len_a != len_b)
    return TRUE;
  if (len_a == 0)
    return FALSE;
  text_a = g_malloc (len_a);
  text_b = g_malloc (len_b);
  if (!ft_trace_read_range (self->a, off_a, len_a, text_a, NULL) ||
      !ft_trace_read_range (self->b, off_b, len_b, text_b, NULL))
    return -1;
  return memcmp (text_a, text_b, len_a) != 0;
}

static gboolean
outputs_differ (FtTraceDiff *self,
                FtNodeId     a,
                FtNodeId     b)
{
  int raw = raw_outputs_differ (self, a, b);
  g_autoptr(FtNodeDetail) da = NULL;
  g_autoptr(FtNodeDetail) db = NULL;

  if (raw >= 0)
    return raw;
  da = ft_trace_get_detail (self->a, a, NULL);
  db = ft_trace_get_detail (self->b, b, NULL);
  if (da == NULL || db == NULL)
    return FALSE;
  if ((da->output == NULL) != (db->output == NULL))
    return TRUE;
  return da->output != NULL && !json_node_equal (da->output, db->output);
}

static guint8
compare (FtTraceDiff *self,
         FtNodeId     a,
         FtNodeId     b)
{
  double ta = ft_trace_get_duration_ms (self->a, a);
  double tb = ft_trace_get_duration_ms (self->b, b);
  guint8 changes = FT_DIFF_CHANGE_NONE;

  if (!isnan (ta) && !isnan (tb))
    {
      double delta = fabs (ta - tb);

      if (delta >= self->options.min_ms && delta >= self->options.ratio * MAX (ta, tb))
        changes |= FT_DIFF_CHANGE_DURATION;
    }
  if (g_strcmp0 (ft_trace_get_error (self->a, a), ft_trace_get_error (self->b, b)) != 0)
    changes |= FT_DIFF_CHANGE_ERROR;
  if (outputs_differ (self, a, b))
    changes |= FT_DIFF_CHANGE_OUTPUT;
  return changes;
}

static void
add_entry (FtTraceDiff *self,
           guint32      parent,
           FtNodeId     a,
           FtNodeId     b)
{
  FtDiffEntry e = { a, b, parent, 0, 0, FT_DIFF_SAME, 0, 0 };

  if (a == FT_NODE_NONE)
    e.kind = FT_DIFF_ADDED;
  else if (b == FT_NODE_NONE)
    e.kind = FT_DIFF_REMOVED;
  else
    {
      e.changes = compare (self, a, b);
      e.kind = e.changes ? FT_DIFF_CHANGED : FT_DIFF_SAME;
    }
  self->counts[e.kind]++;
  g_array_append_val (self->entries, e);
}

/* Appends the aligned children of (a, b), in B's order with A's removed
 * calls placed before the next aligned one. */
static void
align_children (FtTraceDiff *self,
                guint32      parent,
                FtNodeId     a,
                FtNodeId     b)
{
  g_autoptr(GPtrArray) ka = a != FT_NODE_NONE || parent == G_MAXUINT32 ? child_keys (self->a, a) : g_ptr_array_new ();
  g_autoptr(GPtrArray) kb = b != FT_NODE_NONE || parent == G_MAXUINT32 ? child_keys (self->b, b) : g_ptr_array_new ();
  g_autoptr(GHashTable) index_a = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree gboolean *used = g_new0 (gboolean, ka->len + 1);
  guint next_a = 0;

  for (guint i = 0; i < ka->len; i++)
    g_hash_table_insert (index_a, ka->pdata[i], GUINT_TO_POINTER (i + 1));

  for (guint j = 0; j < kb->len; j++)
    {
      guint i = GPOINTER_TO_UINT (g_hash_table_lookup (index_a, kb->pdata[j]));

      if (i == 0)
        {
          add_entry (self, parent, FT_NODE_NONE, nth_child (self->b, b, j));
          continue;
        }
      for (; next_a < i - 1; next_a++)
        if (!used[next_a])
          {
            used[next_a] = TRUE;
            add_entry (self, parent, nth_child (self->a, a, next_a), FT_NODE_NONE);
          }
      used[i - 1] = TRUE;
      add_entry (self, parent, nth_child (self->a, a, i - 1), nth_child (self->b, b, j));
    }
  for (guint i = 0; i < ka->len; i++)
    if (!used[i])
      add_entry (self, parent, nth_child (self->a, a, i), FT_NODE_NONE);
}

/* Marks every ancestor of a difference; parents precede children. */
static void
mark_changed_below (FtTraceDiff *self)
{
  for (guint i = self->entries->len; i-- > 0;)
    {
      FtDiffEntry *e = &g_array_index (self->entries, FtDiffEntry, i);

      if (e->parent != G_MAXUINT32 && (e->kind != FT_DIFF_SAME || e->changed_below))
        g_array_index (self->entries, FtDiffEntry, e->parent).changed_below = TRUE;
    }
}

FtTraceDiff *
ft_trace_diff_new (FtTrace             *a,
                   FtTrace             *b,
                   const FtDiffOptions *options)
{
  FtTraceDiff *self;

  g_return_val_if_fail (FT_IS_TRACE (a), NULL);
  g_return_val_if_fail (FT_IS_TRACE (b), NULL);

  self = g_new0 (FtTraceDiff, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->a = g_object_ref (a);
  self->b = g_object_ref (b);
  if (options != NULL)
    self->options = *options;
  else
    ft_diff_options_init (&self->options);
  self->entries = g_array_new (FALSE, FALSE, sizeof (FtDiffEntry));

  align_children (self, G_MAXUINT32, FT_NODE_NONE, FT_NODE_NONE);
  self->n_top = self->entries->len;
  /* Breadth first: entries appended while this loop walks them. */
  for (guint i = 0; i < self->entries->len; i++)
    {
      FtDiffEntry e = g_array_index (self->entries, FtDiffEntry, i);
      guint first = self->entries->len;

      align_children (self, i, e.a, e.b);
      g_array_index (self->entries, FtDiffEntry, i).first_child = first;
      g_array_index (self->entries, FtDiffEntry, i).n_children = self->entries->len - first;
    }
  mark_changed_below (self);
  return self;
}

FtTraceDiff *
ft_trace_diff_ref (FtTraceDiff *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ft_trace_diff_unref (FtTraceDiff *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_object (&self->a);
  g_clear_object (&self->b);
  g_array_unref (self->entries);
  g_free (self);
}

FtTrace *
ft_trace_diff_get_a (FtTraceDiff *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->a;
}

FtTrace *
ft_trace_diff_get_b (FtTraceDiff *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->b;
}

guint
ft_trace_diff_get_n_entries (FtTraceDiff *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->entries->len;
}

const FtDiffEntry *
ft_trace_diff_get_entry (FtTraceDiff *self,
                         guint        index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);
  return &g_array_index (self->entries, FtDiffEntry, index);
}

guint
ft_trace_diff_get_n_top (FtTraceDiff *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_top;
}

guint
ft_trace_diff_count (FtTraceDiff *self,
                     FtDiffKind   kind)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (kind <= FT_DIFF_CHANGED, 0);
  return self->counts[kind];
}

FtTrace *
ft_trace_diff_get_entry_trace (FtTraceDiff *self,
                               guint        index,
                               FtNodeId    *node)
{
  const FtDiffEntry *e = ft_trace_diff_get_entry (self, index);

  g_return_val_if_fail (e != NULL && node != NULL, NULL);

  *node = e->b != FT_NODE_NONE ? e->b : e->a;
  return e->b != FT_NODE_NONE ? self->b : self->a;
}
