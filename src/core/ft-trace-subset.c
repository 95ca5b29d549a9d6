/* ft-trace-subset.c: a trace of only some nodes of another, in memory
 *
 * SPDX-License-Identifier: MIT
 *
 * The subset shares the source's interned strings and file offsets, so
 * only the node table and the children index are new.  This is how the
 * app shows a filtered view with the call tree, detail pane and search it
 * already has.
 */

#define G_LOG_DOMAIN "ft-trace-subset"

#include "config.h"

#include "ft-trace-private.h"
#include "ft-trace-subset.h"

static void
share_strings_and_files (FtTrace *self,
                         FtTrace *source)
{
  g_ptr_array_unref (self->strings);
  self->strings = g_ptr_array_ref (source->strings);
  g_hash_table_unref (self->string_ids);
  self->string_ids = g_hash_table_ref (source->string_ids);
  /* The strings live in the source's chunk. */
  g_object_set_data_full (G_OBJECT (self), "ft-subset-source", g_object_ref (source), g_object_unref);

  self->file = g_object_ref (source->file);
  self->display_name = g_strdup (source->display_name);
  self->meta_off = source->meta_off;
  self->meta_len = source->meta_len;
  if (source->metadata != NULL)
    self->metadata = json_object_ref (source->metadata);
  self->file_size = source->file_size;
  self->salvage_offset = source->salvage_offset;
  self->salvage_message = g_strdup (source->salvage_message);
  self->salvaged = source->salvaged;
  self->has_unicode_escapes = source->has_unicode_escapes;
  for (guint i = 0; i < source->part_files->len; i++)
    {
      g_ptr_array_add (self->part_files, g_object_ref (source->part_files->pdata[i]));
      g_ptr_array_add (self->part_streams, NULL);
    }
  g_array_append_vals (self->part_sizes, source->part_sizes->data, source->part_sizes->len);
  self->n_merged_parts = source->n_merged_parts;
}

/* As the loader counts them for ft_trace_get_n_calls(). */
static gboolean
is_call (const FtNode *n)
{
  return n->parent != FT_NODE_NONE && n->kind != FT_NODE_KIND_THREAD &&
         n->kind != FT_NODE_KIND_PROCESS && n->kind != FT_NODE_KIND_INSTANCE;
}

/* New ids in file order; parents before children, so one pass fixes links. */
static void
copy_nodes (FtTrace            *self,
            FtTrace            *source,
            const FtVisibleSet *set,
            guint32            *new_id)
{
  guint at = 0;

  for (guint i = 0; i < source->n_nodes; i++)
    {
      FtNode *n;

      if (!ft_visible_set_contains (set, i))
        {
          new_id[i] = FT_NODE_NONE;
          continue;
        }
      new_id[i] = at;
      n = &self->nodes[at++];
      *n = source->nodes[i];
      n->parent = n->parent == FT_NODE_NONE ? FT_NODE_NONE : new_id[n->parent];
      n->n_children = 0;
      n->n_descendants = 0;
      if (n->parent == FT_NODE_NONE)
        g_array_append_val (self->roots, new_id[i]);
      if (is_call (n))
        self->n_calls++;
      if (n->priv & FT_PRIV_SYNTH_CLOSE)
        self->n_incomplete++;
    }
}

/* Children stay contiguous per parent: a parent's kept children, in order. */
static void
link_children (FtTrace  *self,
               FtTrace  *source,
               guint32  *new_id)
{
  guint at = 0;

  for (guint i = 0; i < source->n_nodes; i++)
    {
      const FtNode *src = &source->nodes[i];
      FtNode *n;

      if (new_id[i] == FT_NODE_NONE)
        continue;
      n = &self->nodes[new_id[i]];
      n->first_child = at;
      for (guint c = 0; c < src->n_children; c++)
        {
          guint32 child = new_id[source->children[src->first_child + c]];

          if (child != FT_NODE_NONE)
            {
              self->children[at++] = child;
              n->n_children++;
            }
        }
    }
  /* Walking backwards, a node's count is complete when it adds to its parent. */
  for (guint i = self->n_nodes; i-- > 0;)
    {
      FtNode *n = &self->nodes[i];

      if (n->parent != FT_NODE_NONE)
        self->nodes[n->parent].n_descendants += n->n_descendants + 1;
    }
}

FtTrace *
ft_trace_new_subset (FtTrace            *source,
                     const FtVisibleSet *set)
{
  g_autofree guint32 *new_id = NULL;
  FtTrace *self;

  g_return_val_if_fail (FT_IS_TRACE (source), NULL);
  g_return_val_if_fail (set != NULL && set->n_nodes == source->n_nodes, NULL);

  self = g_object_new (FT_TYPE_TRACE, NULL);
  share_strings_and_files (self, source);
  self->n_nodes = set->n_visible;
  self->nodes = g_new0 (FtNode, MAX (self->n_nodes, 1));
  self->children = g_new0 (guint32, MAX (self->n_nodes, 1));
  new_id = g_new (guint32, MAX (source->n_nodes, 1));
  copy_nodes (self, source, set, new_id);
  link_children (self, source, new_id);
  return self;
}
