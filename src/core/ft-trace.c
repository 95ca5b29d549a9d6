/* ft-trace.c: a trace loaded into a compact node table
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "ft-trace"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ft-trace-loader.h"
#include "ft-trace-private.h"

G_DEFINE_TYPE (FtTrace, ft_trace, G_TYPE_OBJECT)

G_DEFINE_QUARK (ft-trace-error-quark, ft_trace_error)

static void
ft_trace_finalize (GObject *object)
{
  FtTrace *self = (FtTrace *) object;

  g_clear_object (&self->file);
  g_clear_object (&self->io_stream);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->nodes, g_free);
  g_clear_pointer (&self->children, g_free);
  g_clear_pointer (&self->roots, g_array_unref);
  g_clear_pointer (&self->string_ids, g_hash_table_unref);
  g_clear_pointer (&self->strings, g_ptr_array_unref);
  g_clear_pointer (&self->chunk, g_string_chunk_free);
  g_clear_pointer (&self->metadata, json_object_unref);
  g_clear_pointer (&self->salvage_message, g_free);
  g_clear_pointer (&self->part_files, g_ptr_array_unref);
  g_clear_pointer (&self->part_sizes, g_array_unref);
  g_clear_pointer (&self->part_streams, g_ptr_array_unref);
  g_mutex_clear (&self->io_lock);

  G_OBJECT_CLASS (ft_trace_parent_class)->finalize (object);
}

static void
ft_trace_class_init (FtTraceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ft_trace_finalize;
}

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
ft_trace_init (FtTrace *self)
{
  g_mutex_init (&self->io_lock);
  self->roots = g_array_new (FALSE, FALSE, sizeof (FtNodeId));
  self->chunk = g_string_chunk_new (64 * 1024);
  self->strings = g_ptr_array_new ();
  g_ptr_array_add (self->strings, NULL);
  self->string_ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->part_files = g_ptr_array_new_with_free_func (g_object_unref);
  self->part_sizes = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->part_streams = g_ptr_array_new_with_free_func (unref_if_set);
}

void
ft_node_detail_free (FtNodeDetail *detail)
{
  if (detail == NULL)
    return;
  g_clear_pointer (&detail->inputs, json_node_unref);
  g_clear_pointer (&detail->inputs_after, json_node_unref);
  g_clear_pointer (&detail->output, json_node_unref);
  g_clear_pointer (&detail->memory_before, json_node_unref);
  g_clear_pointer (&detail->memory_after, json_node_unref);
  g_clear_pointer (&detail->extra, json_node_unref);
  g_free (detail);
}

/* ---------------------------------------------------------------- loading */

gboolean
ft_trace_read_range (FtTrace  *self,
                     guint64   offset,
                     gsize     len,
                     guint8   *out,
                     GError  **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->io_lock);
  guint k = FT_OFFSET_FILE (offset);
  GInputStream **stream;
  gsize n_read = 0;

  if (k > self->part_files->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "no side file %u", k);
      return FALSE;
    }
  stream = k == 0 ? &self->io_stream : (GInputStream **) &self->part_streams->pdata[k - 1];
  if (*stream == NULL)
    {
      GFile *file = k == 0 ? self->file : self->part_files->pdata[k - 1];
      *stream = G_INPUT_STREAM (g_file_read (file, NULL, error));
      if (*stream == NULL)
        return FALSE;
    }

  if (!g_seekable_seek (G_SEEKABLE (*stream), FT_OFFSET_POS (offset), G_SEEK_SET, NULL, error) ||
      !g_input_stream_read_all (*stream, out, len, &n_read, NULL, error))
    return FALSE;

  if (n_read != len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("%s changed on disk since it was opened; open it again"),
                   self->display_name);
      return FALSE;
    }
  return TRUE;
}

static void
load_metadata (FtTrace *self)
{
  g_autofree guint8 *text = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  if (self->meta_len == 0 || self->meta_len > 16 * 1024 * 1024)
    return;

  text = g_malloc (self->meta_len);
  if (!ft_trace_read_range (self, self->meta_off, self->meta_len, text, NULL))
    return;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, (const char *) text, self->meta_len, NULL))
    return;
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_OBJECT (root))
    self->metadata = json_object_ref (json_node_get_object (root));
}

static gboolean
part_number (const char *name,
             const char *base,
             guint64    *k)
{
  gsize blen = strlen (base);
  const char *rest;
  char *end = NULL;

  if (strncmp (name, base, blen) != 0 || !g_str_has_prefix (name + blen, ".thread-"))
    return FALSE;
  rest = name + blen + strlen (".thread-");
  *k = g_ascii_strtoull (rest, &end, 10);
  return end != rest && *k > 0 && strcmp (end, ".part") == 0;
}

static int
compare_parts (gconstpointer a,
               gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

/* "<trace>.thread-K.part": the calls of other threads while the tracer ran
 * (it appends them at the end).  Used only if the trace did not end. */
static void
find_part_files (FtTrace      *self,
                 GCancellable *cancellable)
{
  g_autoptr(GFile) dir = g_file_get_parent (self->file);
  g_autofree char *base = g_file_get_basename (self->file);
  g_autoptr(GFileEnumerator) children = NULL;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (guint64) * 2);
  GFileInfo *info;

  if (dir == NULL || base == NULL)
    return;
  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                        G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  while (children != NULL &&
         g_file_enumerator_iterate (children, &info, NULL, cancellable, NULL) && info != NULL)
    {
      guint64 entry[2];

      if (part_number (g_file_info_get_name (info), base, &entry[0]))
        {
          entry[1] = g_file_info_get_size (info);
          g_array_append_vals (found, entry, 1);
        }
    }

  g_array_sort (found, compare_parts);
  for (guint i = 0; i < found->len && i < 1000; i++)
    {
      const guint64 *entry = &((const guint64 *) (gpointer) found->data)[2 * i];
      g_autofree char *name = g_strdup_printf ("%s.thread-%" G_GUINT64_FORMAT ".part", base, entry[0]);

      g_ptr_array_add (self->part_files, g_file_get_child (dir, name));
      g_array_append_val (self->part_sizes, entry[1]);
      g_ptr_array_add (self->part_streams, NULL);
    }
}

static void
set_salvage_message (FtTrace *self)
{
  g_autofree char *where = g_format_size_full (self->salvage_offset, G_FORMAT_SIZE_LONG_FORMAT);

  self->salvage_message =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                  "The run did not end: the trace stops after %s. %u call was recovered.",
                                  "The run did not end: the trace stops after %s. %u calls were recovered.",
                                  self->n_calls),
                     where, self->n_calls);

  if (self->n_merged_parts > 0)
    {
      g_autofree char *plain = g_steal_pointer (&self->salvage_message);

      self->salvage_message =
        g_strdup_printf ("%s %s", plain,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "The calls of one more thread were read from its side file.",
                                      "The calls of more threads were read from their side files.",
                                      self->n_merged_parts));
    }
}

FtTrace *
ft_trace_load (GFile                *file,
               GCancellable         *cancellable,
               FtTraceProgressFunc   progress,
               gpointer              progress_data,
               GError              **error)
{
  g_autoptr(FtTrace) self = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  self = g_object_new (FT_TYPE_TRACE, NULL);
  self->file = g_object_ref (file);
  self->display_name = g_file_get_parse_name (file);

  /* Before opening: opening a FIFO or a device could block forever. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return NULL;
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE,
                   _("%s: byte 0: expected a trace file, but this is a folder or a special file"),
                   self->display_name);
      return NULL;
    }
  self->file_size = g_file_info_get_size (info);

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;
  find_part_files (self, cancellable);

  if (!ft_trace_parse_stream (self, G_INPUT_STREAM (stream), cancellable,
                              progress, progress_data, error))
    return NULL;

  /* keep the stream for reading slices on demand */
  self->io_stream = G_INPUT_STREAM (g_steal_pointer (&stream));

  load_metadata (self);
  if (self->salvaged)
    set_salvage_message (self);

  return g_steal_pointer (&self);
}

typedef struct
{
  GFile               *file;
  FtTraceProgressFunc  progress;
  gpointer             progress_data;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  GError *error = NULL;
  FtTrace *trace;

  trace = ft_trace_load (data->file, cancellable, data->progress, data->progress_data, &error);
  if (trace == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, trace, g_object_unref);
}

void
ft_trace_load_async (GFile                *file,
                     GCancellable         *cancellable,
                     FtTraceProgressFunc   progress,
                     gpointer              progress_data,
                     GAsyncReadyCallback   callback,
                     gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  data->progress = progress;
  data->progress_data = progress_data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ft_trace_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

FtTrace *
ft_trace_load_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------- trace */

const FtNode *
ft_trace_peek_node (FtTrace  *self,
                    FtNodeId  node)
{
  return &self->nodes[node];
}

#define CHECK_NODE(val) \
  g_return_val_if_fail (FT_IS_TRACE (self), val); \
  g_return_val_if_fail (node < self->n_nodes, val)

GFile *
ft_trace_get_file (FtTrace *self)
{
  g_return_val_if_fail (FT_IS_TRACE (self), NULL);
  return self->file;
}

guint
ft_trace_get_n_nodes (FtTrace *self)
{
  g_return_val_if_fail (FT_IS_TRACE (self), 0);
  return self->n_nodes;
}

gboolean
ft_trace_is_salvaged (FtTrace *self)
{
  g_return_val_if_fail (FT_IS_TRACE (self), FALSE);
  return self->salvaged;
}

const char *
ft_trace_get_salvage_message (FtTrace *self)
{
  g_return_val_if_fail (FT_IS_TRACE (self), NULL);
  return self->salvage_message;
}

gboolean
ft_trace_is_complete (FtTrace *self)
{
  g_return_val_if_fail (FT_IS_TRACE (self), FALSE);

  if (self->salvaged)
    return FALSE;
  if (self->metadata != NULL && json_object_has_member (self->metadata, "complete"))
    {
      JsonNode *c = json_object_get_member (self->metadata, "complete");
      if (JSON_NODE_HOLDS_VALUE (c) && json_node_get_value_type (c) == G_TYPE_BOOLEAN)
        return json_node_get_boolean (c);
    }
  return TRUE;
}

JsonObject *
ft_trace_get_metadata (FtTrace *self)
{
  g_return_val_if_fail (FT_IS_TRACE (self), NULL);
  return self->metadata;
}

guint
ft_trace_get_n_calls (FtTrace *self)
{
  g_return_val_if_fail (FT_IS_TRACE (self), 0);
  return self->n_calls;
}

guint
ft_trace_get_n_incomplete (FtTrace *self)
{
  g_return_val_if_fail (FT_IS_TRACE (self), 0);
  return self->n_incomplete;
}

guint64
ft_trace_get_salvage_offset (FtTrace *self)
{
  g_return_val_if_fail (FT_IS_TRACE (self), 0);
  return self->salvage_offset;
}

guint
ft_trace_get_n_roots (FtTrace *self)
{
  g_return_val_if_fail (FT_IS_TRACE (self), 0);
  return self->roots->len;
}

FtNodeId
ft_trace_get_root (FtTrace *self,
                   guint    index)
{
  g_return_val_if_fail (FT_IS_TRACE (self), FT_NODE_NONE);
  g_return_val_if_fail (index < self->roots->len, FT_NODE_NONE);
  return g_array_index (self->roots, FtNodeId, index);
}

FtNodeId
ft_trace_get_parent (FtTrace  *self,
                     FtNodeId  node)
{
  CHECK_NODE (FT_NODE_NONE);
  return self->nodes[node].parent;
}

guint
ft_trace_get_n_children (FtTrace  *self,
                         FtNodeId  node)
{
  CHECK_NODE (0);
  return self->nodes[node].n_children;
}

FtNodeId
ft_trace_get_child (FtTrace  *self,
                    FtNodeId  node,
                    guint     index)
{
  CHECK_NODE (FT_NODE_NONE);
  g_return_val_if_fail (index < self->nodes[node].n_children, FT_NODE_NONE);
  return self->children[self->nodes[node].first_child + index];
}

static guint
bsearch_ids (const guint32 *ids,
             guint          n,
             guint32        wanted)
{
  guint lo = 0, hi = n;

  /* sibling ids increase: they are in file order */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (ids[mid] < wanted)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

guint
ft_trace_get_index (FtTrace  *self,
                    FtNodeId  node)
{
  guint32 parent;

  CHECK_NODE (0);
  parent = self->nodes[node].parent;
  if (parent == FT_NODE_NONE)
    return bsearch_ids ((const guint32 *) (gpointer) self->roots->data, self->roots->len, node);
  return bsearch_ids (self->children + self->nodes[parent].first_child,
                      self->nodes[parent].n_children, node);
}

guint
ft_trace_get_depth (FtTrace  *self,
                    FtNodeId  node)
{
  guint depth = 0;

  CHECK_NODE (0);
  while ((node = self->nodes[node].parent) != FT_NODE_NONE)
    depth++;
  return depth;
}

guint
ft_trace_get_n_descendants (FtTrace  *self,
                            FtNodeId  node)
{
  CHECK_NODE (0);
  return self->nodes[node].n_descendants;
}

FtNodeKind
ft_trace_get_kind (FtTrace  *self,
                   FtNodeId  node)
{
  CHECK_NODE (FT_NODE_KIND_CALL);
  return self->nodes[node].kind;
}

FtNodeFlags
ft_trace_get_flags (FtTrace  *self,
                    FtNodeId  node)
{
  CHECK_NODE (0);
  return self->nodes[node].flags;
}

gint64
ft_trace_get_id (FtTrace  *self,
                 FtNodeId  node)
{
  CHECK_NODE (-1);
  return self->nodes[node].id;
}

static inline const char *
node_str (FtTrace    *self,
          FtNodeId    node,
          FtStrField  field)
{
  return self->strings->pdata[self->nodes[node].str[field]];
}

const char *
ft_trace_get_callable (FtTrace  *self,
                       FtNodeId  node)
{
  CHECK_NODE (NULL);
  return node_str (self, node, FT_STR_CALLABLE);
}

const char *
ft_trace_get_module (FtTrace  *self,
                     FtNodeId  node)
{
  CHECK_NODE (NULL);
  return node_str (self, node, FT_STR_MODULE);
}

const char *
ft_trace_get_called (FtTrace  *self,
                     FtNodeId  node)
{
  CHECK_NODE (NULL);
  return node_str (self, node, FT_STR_CALLED);
}

const char *
ft_trace_get_caller (FtTrace  *self,
                     FtNodeId  node)
{
  CHECK_NODE (NULL);
  return node_str (self, node, FT_STR_CALLER);
}

const char *
ft_trace_get_file_name (FtTrace  *self,
                        FtNodeId  node)
{
  CHECK_NODE (NULL);
  return node_str (self, node, FT_STR_FILE);
}

const char *
ft_trace_get_thread_name (FtTrace  *self,
                          FtNodeId  node)
{
  CHECK_NODE (NULL);
  return node_str (self, node, FT_STR_THREAD);
}

const char *
ft_trace_get_error (FtTrace  *self,
                    FtNodeId  node)
{
  CHECK_NODE (NULL);
  return node_str (self, node, FT_STR_ERROR);
}

const char *
ft_trace_get_error_type (FtTrace  *self,
                         FtNodeId  node)
{
  CHECK_NODE (NULL);
  return node_str (self, node, FT_STR_ERROR_TYPE);
}

guint
ft_trace_get_line (FtTrace  *self,
                   FtNodeId  node)
{
  CHECK_NODE (0);
  return self->nodes[node].line;
}

gboolean
ft_trace_get_instance_id (FtTrace  *self,
                          FtNodeId  node,
                          gint64   *instance_id)
{
  CHECK_NODE (FALSE);
  if (!(self->nodes[node].flags & FT_NODE_FLAG_HAS_INSTANCE))
    return FALSE;
  if (instance_id != NULL)
    *instance_id = self->nodes[node].instance_id;
  return TRUE;
}

gint64
ft_trace_get_start_ns (FtTrace  *self,
                       FtNodeId  node)
{
  CHECK_NODE (-1);
  return self->nodes[node].start_ns;
}

double
ft_trace_get_duration_ms (FtTrace  *self,
                          FtNodeId  node)
{
  CHECK_NODE (NAN);
  return self->nodes[node].duration_ms;
}

char *
ft_trace_dup_display_name (FtTrace  *self,
                           FtNodeId  node)
{
  const char *callable, *called;

  CHECK_NODE (NULL);
  callable = node_str (self, node, FT_STR_CALLABLE);
  called = node_str (self, node, FT_STR_CALLED);

  if (callable == NULL)
    return g_strdup (called != NULL ? called : "?");
  /* methods, generator and coroutine methods included: Class.method */
  if (called != NULL && strcmp (called, callable) != 0 &&
      self->nodes[node].kind != FT_NODE_KIND_THREAD &&
      self->nodes[node].kind != FT_NODE_KIND_PROCESS &&
      self->nodes[node].kind != FT_NODE_KIND_INSTANCE)
    return g_strdup_printf ("%s.%s", called, callable);
  return g_strdup (callable);
}

/* ---------------------------------------------------------------- detail */

/* The node's own text: head + "calls":null + tail, so it parses as one
 * object without the children. */
char *
ft_trace_dup_node_text (FtTrace   *self,
                        FtNodeId   node,
                        gsize     *len,
                        GError   **error)
{
  static const char calls_null[] = "\"calls\":null";
  const FtNode *n;
  g_autofree char *text = NULL;
  gsize total, at;

  CHECK_NODE (NULL);
  n = &self->nodes[node];

  total = n->head_len + n->tail_len + sizeof calls_null + 1;
  text = g_malloc (total + 1);

  if (!ft_trace_read_range (self, n->head_off, n->head_len, (guint8 *) text, error))
    return NULL;
  at = n->head_len;

  if (n->priv & FT_PRIV_HAS_CALLS)
    {
      memcpy (text + at, calls_null, sizeof calls_null - 1);
      at += sizeof calls_null - 1;
      if (!ft_trace_read_range (self, n->tail_off, n->tail_len, (guint8 *) text + at, error))
        return NULL;
      at += n->tail_len;
    }
  if (n->priv & FT_PRIV_SYNTH_CLOSE)
    text[at++] = '}';
  text[at] = 0;

  if (len != NULL)
    *len = at;
  return g_steal_pointer (&text);
}

static guint
hex4 (const char *s)
{
  return g_ascii_xdigit_value (s[0]) << 12 | g_ascii_xdigit_value (s[1]) << 8 |
         g_ascii_xdigit_value (s[2]) << 4 | g_ascii_xdigit_value (s[3]);
}

/* JSON allows lone surrogate escapes (Python writes them for undecodable
 * bytes); json-glib refuses them.  Replace each with \ufffd in place, as
 * the loader does for names.  The text was validated on load. */
static void
replace_lone_surrogates (char  *text,
                         gsize  len)
{
  for (gsize i = 0; i + 1 < len; i++)
    {
      guint ch;

      if (text[i] != '\\')
        continue;
      if (text[i + 1] != 'u' || i + 6 > len)
        {
          i++;   /* skip the escaped character, e.g. the second '\\' of "\\\\" */
          continue;
        }
      ch = hex4 (text + i + 2);
      if (ch >= 0xD800 && ch < 0xDC00 && i + 12 <= len &&
          text[i + 6] == '\\' && text[i + 7] == 'u' &&
          hex4 (text + i + 8) >= 0xDC00 && hex4 (text + i + 8) < 0xE000)
        i += 11;   /* a valid pair */
      else if (ch >= 0xD800 && ch < 0xE000)
        {
          memcpy (text + i + 2, "fffd", 4);
          i += 5;
        }
      else
        i += 5;
    }
}

static gboolean
is_shown_elsewhere (const char *key)
{
  static const char * const keys[] = {
    "id", "callable", "module", "called", "caller", "file", "line", "thread",
    "error", "error_type", "instance_id", "start_ns", "duration_ms", "kind",
    "incomplete", "calls", "flowtrace", "inputs", "inputs_after", "output",
    "memory_before", "memory_after", "skipped_calls",
    /* a life's (FtNodeDetail.has_life) */
    "resumes", "yields", "running_ms", "suspended_ms", "closed",
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strcmp (key, keys[i]) == 0)
      return TRUE;
  return FALSE;
}

static double
number_member (JsonObject *object,
               const char *key)
{
  JsonNode *member = json_object_get_member (object, key);
  GType type;

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member))
    return NAN;
  type = json_node_get_value_type (member);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return NAN;
  return json_node_get_double (member);
}

/* The life fields of a generator or coroutine node (docs/trace-format.md,
 * "Generators and coroutines"); a node without "resumes" has none. */
static void
read_life (JsonObject   *object,
           FtNodeDetail *detail)
{
  JsonNode *closed = json_object_get_member (object, "closed");
  double resumes = number_member (object, "resumes");
  double yields = number_member (object, "yields");

  detail->running_ms = number_member (object, "running_ms");
  detail->suspended_ms = number_member (object, "suspended_ms");
  detail->yields = isnan (yields) ? -1 : (gint64) yields;
  detail->has_life = !isnan (resumes);
  detail->resumes = detail->has_life ? (gint64) resumes : 0;
  detail->closed = closed != NULL && JSON_NODE_HOLDS_VALUE (closed)
                   && json_node_get_value_type (closed) == G_TYPE_BOOLEAN
                   && json_node_get_boolean (closed);
}

static JsonNode *
take_object_member (JsonObject *object,
                    const char *key)
{
  JsonNode *member = json_object_get_member (object, key);

  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    return NULL;
  return json_node_copy (member);
}

FtNodeDetail *
ft_trace_get_detail (FtTrace   *self,
                     FtNodeId   node,
                     GError   **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonObject) extra = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  FtNodeDetail *detail;
  JsonObject *object;
  JsonNode *output;
  JsonNode *skipped;
  GList *keys;
  gsize len;

  CHECK_NODE (NULL);

  text = ft_trace_dup_node_text (self, node, &len, error);
  if (text == NULL)
    return NULL;

  replace_lone_surrogates (text, len);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, len, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE,
                   _("%s: byte %llu: the call could not be read again (%s); "
                     "the file may have changed since it was opened"),
                   self->display_name, (unsigned long long) self->nodes[node].head_off,
                   local_error != NULL ? local_error->message : _("not an object"));
      return NULL;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  detail = g_new0 (FtNodeDetail, 1);
  detail->inputs = take_object_member (object, "inputs");
  detail->inputs_after = take_object_member (object, "inputs_after");
  detail->memory_before = take_object_member (object, "memory_before");
  detail->memory_after = take_object_member (object, "memory_after");
  output = json_object_get_member (object, "output");
  if (output != NULL)
    detail->output = json_node_copy (output);
  skipped = json_object_get_member (object, "skipped_calls");
  if (skipped != NULL && JSON_NODE_HOLDS_VALUE (skipped)
      && json_node_get_value_type (skipped) == G_TYPE_INT64)
    detail->skipped_calls = MAX (json_node_get_int (skipped), 0);

  read_life (object, detail);

  extra = json_object_new ();
  keys = json_object_get_members (object);
  for (GList *l = keys; l != NULL; l = l->next)
    if (!is_shown_elsewhere (l->data))
      json_object_set_member (extra, l->data, json_node_copy (json_object_get_member (object, l->data)));
  g_list_free (keys);
  if (json_object_get_size (extra) > 0)
    {
      detail->extra = json_node_new (JSON_NODE_OBJECT);
      json_node_set_object (detail->extra, extra);
    }

  return detail;
}
