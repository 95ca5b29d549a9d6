/* ft-trace-writer.c: write the visible part of a trace as a trace
 *
 * SPDX-License-Identifier: MIT
 *
 * Each node's text is copied from the original file: its head ('{' up to
 * the "calls" key) and its tail (after the calls' ']'), with only the kept
 * children in between.  Nothing is re-serialised, so values stay exactly
 * as the tracer wrote them.  An explicit stack: traces nest deeper than a
 * C stack likes.
 */

#define G_LOG_DOMAIN "ft-trace-writer"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ft-trace-private.h"
#include "ft-trace-writer.h"

#define FLUSH_SIZE (1 << 20)

typedef struct
{
  FtNodeId node;
  guint    next_child;
  gboolean wrote_child;
} Frame;

typedef struct
{
  FtTrace            *trace;
  const FtVisibleSet *set;
  GOutputStream      *out;
  GCancellable       *cancellable;
  GByteArray         *buf;
  GArray             *stack;
} Writer;

static gboolean
flush (Writer   *w,
       gboolean  force,
       GError  **error)
{
  if (w->buf->len == 0 || (!force && w->buf->len < FLUSH_SIZE))
    return TRUE;
  if (!g_output_stream_write_all (w->out, w->buf->data, w->buf->len, NULL, w->cancellable, error))
    return FALSE;
  g_byte_array_set_size (w->buf, 0);
  return TRUE;
}

static void
append (Writer     *w,
        const char *text)
{
  g_byte_array_append (w->buf, (const guint8 *) text, strlen (text));
}

static gboolean
append_range (Writer   *w,
              guint64   offset,
              gsize     len,
              GError  **error)
{
  guint at = w->buf->len;

  g_byte_array_set_size (w->buf, at + len);
  return ft_trace_read_range (w->trace, offset, len, w->buf->data + at, error);
}

static gboolean
visible (Writer   *w,
         FtNodeId  node)
{
  return w->set == NULL || ft_visible_set_contains (w->set, node);
}

static gboolean
open_node (Writer   *w,
           FtNodeId  node,
           GError  **error)
{
  const FtNode *n = ft_trace_peek_node (w->trace, node);
  Frame frame = { node, 0, FALSE };

  if (!append_range (w, n->head_off, n->head_len, error))
    return FALSE;
  if (n->priv & FT_PRIV_HAS_CALLS)
    append (w, "\"calls\":[");
  g_array_append_val (w->stack, frame);
  return flush (w, FALSE, error);
}

static gboolean
close_node (Writer   *w,
            FtNodeId  node,
            GError  **error)
{
  const FtNode *n = ft_trace_peek_node (w->trace, node);

  if (n->priv & FT_PRIV_HAS_CALLS)
    {
      append (w, "]");
      if (!append_range (w, n->tail_off, n->tail_len, error))
        return FALSE;
    }
  /* Salvage closed it: the file stops before its '}'.  Say so in the
   * copy, as repair does, or it would read as a call that returned. */
  if (n->priv & FT_PRIV_SYNTH_CLOSE)
    append (w, (n->priv & FT_PRIV_HAS_CALLS) || n->head_len > 1 ? ",\"incomplete\":true}"
                                                               : "\"incomplete\":true}");
  g_array_set_size (w->stack, w->stack->len - 1);
  return TRUE;
}

/* Writes root and its kept subtree. */
static gboolean
write_tree (Writer   *w,
            FtNodeId  root,
            GError  **error)
{
  if (!open_node (w, root, error))
    return FALSE;
  while (w->stack->len > 0)
    {
      Frame *top = &g_array_index (w->stack, Frame, w->stack->len - 1);
      guint n_children = ft_trace_get_n_children (w->trace, top->node);
      FtNodeId child = FT_NODE_NONE;

      while (top->next_child < n_children && child == FT_NODE_NONE)
        {
          FtNodeId c = ft_trace_get_child (w->trace, top->node, top->next_child++);

          if (visible (w, c))
            child = c;
        }
      if (child == FT_NODE_NONE)
        {
          if (!close_node (w, top->node, error))
            return FALSE;
          continue;
        }
      if (top->wrote_child)
        append (w, ",");
      top->wrote_child = TRUE;
      if (!open_node (w, child, error))
        return FALSE;
      if (g_cancellable_set_error_if_cancelled (w->cancellable, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ft_trace_write_visible (FtTrace             *trace,
                        const FtVisibleSet  *set,
                        GOutputStream       *out,
                        GCancellable        *cancellable,
                        GError             **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_sized_new (FLUSH_SIZE + 4096);
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  Writer w = { trace, set, out, cancellable, buf, stack };
  gboolean first = TRUE;

  g_return_val_if_fail (FT_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), FALSE);
  g_return_val_if_fail (set == NULL || set->n_nodes == ft_trace_get_n_nodes (trace), FALSE);

  append (&w, "[");
  for (guint i = 0; i < ft_trace_get_n_roots (trace); i++)
    {
      FtNodeId root = ft_trace_get_root (trace, i);

      if (!visible (&w, root))
        continue;
      if (!first)
        append (&w, ",");
      first = FALSE;
      if (!write_tree (&w, root, error))
        return FALSE;
    }
  append (&w, "]");
  return flush (&w, TRUE, error);
}

gboolean
ft_trace_write_visible_to_file (FtTrace             *trace,
                                const FtVisibleSet  *set,
                                GFile               *file,
                                GCancellable        *cancellable,
                                GError             **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (FT_IS_TRACE (trace), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  /* g_file_replace writes aside and renames on a successful close. */
  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                           cancellable, &local_error);
  if (stream == NULL ||
      !ft_trace_write_visible (trace, set, G_OUTPUT_STREAM (stream), cancellable, &local_error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &local_error))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      if (stream != NULL && !g_output_stream_is_closed (G_OUTPUT_STREAM (stream)))
        {
          /* Cancelling the close drops the temporary file, the old one stays. */
          g_autoptr(GCancellable) abort = g_cancellable_new ();

          g_cancellable_cancel (abort);
          g_output_stream_close (G_OUTPUT_STREAM (stream), abort, NULL);
        }
      g_set_error (error, local_error->domain, local_error->code,
                   _("Could not write “%s”: %s"), name, local_error->message);
      return FALSE;
    }
  return TRUE;
}
