/* ft-otlp-encoder.c: a trace as OTLP spans, in batches
 *
 * SPDX-License-Identifier: MIT
 *
 * Mapping (docs/export.md says the same for users):
 * - every node is a span: calls, and also the root (the script) and the
 *   thread and process nodes, so Jaeger shows the same hierarchy as the
 *   viewer.  With trace_per_call the root and thread nodes are left out
 *   and each top-level call starts a trace of its own.
 * - span ids are the node's index plus one in the low 32 bits under a
 *   random high half drawn per export: unique, never zero, and a parent's
 *   id is known without a table.
 * - times: flowtrace.started_unix_ns + start_ns, end = start + duration;
 *   traces without start_ns (the original tool's) get synthesised times:
 *   each child starts where its previous sibling ended.  Either way a
 *   child is clamped inside its parent, as Jaeger expects.
 *
 * The walk is an explicit stack, so a batch can stop after any span and
 * the next one resumes there.  Both encodings are written by hand into
 * one growing buffer: json-glib builders and a protobuf library would
 * cost more than the encoding itself at a million spans.
 */

#define G_LOG_DOMAIN "ft-otlp-encoder"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ft-otlp-encoder.h"
#include "ft-trace-private.h"

typedef struct
{
  FtNodeId  node;
  guint     next_child;
  guint     call_depth;     /* calls from the top down to this node, itself included */
  guint64   span_id;        /* 0: not exported (a container with trace_per_call) */
  guint64   parent_span;    /* nearest exported ancestor's span id, or 0 */
  guint64   start;
  guint64   end;
  guint64   cursor;         /* where the next synthesised child starts */
  guint8    trace_id[16];
  const char *thread_name;
  gint64    thread_id;
  gint64    pid;
  guint     has_thread_id : 1;
  guint     has_pid : 1;
} Frame;

struct _FtOtlpEncoder
{
  FtTrace       *trace;
  FtOtlpOptions  options;
  char          *service_name;

  guint64        id_high;        /* random high half of every span id */
  guint8         trace_id[16];
  guint64        base_ns;        /* unix time of start_ns 0 */
  guint64        n_spans;

  GArray        *stack;          /* of Frame */
  guint          next_root;
  gboolean       done;

  GHashTable    *escaped;        /* interned string -> valid UTF-8, JSON-escaped when JSON */
  GString       *body;
  GString       *span;           /* scratch for one protobuf span */
  GString       *header;
  gint64         root_pid;
  gboolean       has_root_pid;
  char          *python_version;
};

/* Options --------------------------------------------------------------- */

void
ft_otlp_options_init (FtOtlpOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->encoding = FT_OTLP_ENCODING_PROTOBUF;
}

void
ft_otlp_options_clear (FtOtlpOptions *options)
{
  g_return_if_fail (options != NULL);

  g_clear_pointer (&options->service_name, g_free);
}

gboolean
ft_otlp_encoding_from_string (const char     *text,
                              FtOtlpEncoding *encoding)
{
  g_return_val_if_fail (encoding != NULL, FALSE);

  if (g_strcmp0 (text, "json") == 0)
    *encoding = FT_OTLP_ENCODING_JSON;
  else if (g_strcmp0 (text, "protobuf") == 0 || g_strcmp0 (text, "proto") == 0)
    *encoding = FT_OTLP_ENCODING_PROTOBUF;
  else
    return FALSE;
  return TRUE;
}

const char *
ft_otlp_encoding_to_string (FtOtlpEncoding encoding)
{
  return encoding == FT_OTLP_ENCODING_JSON ? "json" : "protobuf";
}

const char *
ft_otlp_encoding_content_type (FtOtlpEncoding encoding)
{
  return encoding == FT_OTLP_ENCODING_JSON ? "application/json" : "application/x-protobuf";
}

/* Node classification ---------------------------------------------------- */

static gboolean
is_container (FtOtlpEncoder *self,
              FtNodeId       node,
              const Frame   *parent)
{
  FtNodeKind kind;

  if (parent == NULL)
    return TRUE;
  kind = ft_trace_get_kind (self->trace, node);
  if (kind == FT_NODE_KIND_THREAD)
    return TRUE;
  /* A process started by a call belongs to that call's trace. */
  return kind == FT_NODE_KIND_PROCESS && parent->call_depth == 0;
}

/* Is the node, with its callees, left out by the filters? */
static gboolean
is_filtered (FtOtlpEncoder *self,
             FtNodeId       node,
             guint          call_depth)
{
  double duration;

  if (self->options.max_depth > 0 && call_depth > self->options.max_depth)
    return TRUE;
  if (self->options.min_duration_ms > 0)
    {
      duration = ft_trace_get_duration_ms (self->trace, node);
      /* An unfinished call has no duration: it is kept. */
      if (!isnan (duration) && duration < self->options.min_duration_ms)
        return TRUE;
    }
  return FALSE;
}

static gboolean
inputs_present (FtOtlpEncoder *self,
                FtNodeId       node)
{
  const FtNode *n = ft_trace_peek_node (self->trace, node);
  g_autoptr(FtNodeDetail) detail = NULL;

  if (n->flags & FT_NODE_FLAG_EMPTY_IO)
    return FALSE;
  if (!(n->priv & FT_PRIV_RANGES_UNKNOWN))
    return (n->vr_info & (1 << FT_VALUE_INPUTS)) != 0 && n->vr_len[FT_VALUE_INPUTS] > 2;

  detail = ft_trace_get_detail (self->trace, node, NULL);
  return detail != NULL && detail->inputs != NULL
      && json_object_get_size (json_node_get_object (detail->inputs)) > 0;
}

static gboolean
extra_int (FtOtlpEncoder *self,
           FtNodeId       node,
           const char    *key,
           gint64        *value)
{
  g_autoptr(FtNodeDetail) detail = ft_trace_get_detail (self->trace, node, NULL);
  JsonObject *extra;
  JsonNode *member;

  if (detail == NULL || detail->extra == NULL)
    return FALSE;
  extra = json_node_get_object (detail->extra);
  member = json_object_get_member (extra, key);
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (member);
  return TRUE;
}

/* Times ------------------------------------------------------------------ */

static guint64
ms_to_ns (double ms)
{
  if (!(ms > 0))
    return 0;
  /* beyond 2^64 ns (584 years): the cast would be undefined */
  if (ms >= 1.8e13)
    return G_MAXUINT64 / 2;
  return (guint64) llround (ms * 1e6);
}

/* An integer member of the metadata, FALSE when absent or of another
 * type (a hand-edited or foreign file must not trip json-glib). */
static gboolean
meta_int (JsonObject *meta,
          const char *key,
          gint64     *value)
{
  JsonNode *member = meta != NULL ? json_object_get_member (meta, key) : NULL;

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (member);
  return TRUE;
}

static void
place_in_time (FtOtlpEncoder *self,
               Frame         *frame,
               Frame         *parent)
{
  gint64 start_ns = ft_trace_get_start_ns (self->trace, frame->node);
  double duration = ft_trace_get_duration_ms (self->trace, frame->node);

  if (start_ns >= 0)
    frame->start = self->base_ns + start_ns;
  else
    frame->start = parent ? parent->cursor : self->base_ns;

  if (!isnan (duration))
    frame->end = frame->start + ms_to_ns (duration);
  else
    frame->end = parent ? parent->end : frame->start;

  if (parent != NULL)
    {
      frame->start = CLAMP (frame->start, parent->start, parent->end);
      frame->end = CLAMP (frame->end, frame->start, parent->end);
      parent->cursor = frame->end;
    }
  frame->cursor = frame->start;
}

/* Unix time of start_ns 0: the tracer's own record, else the file's
 * modification time less the run (the original tool wrote the file as
 * the run ended), else now. */
static void
find_base_time (FtOtlpEncoder *self)
{
  JsonObject *meta = ft_trace_get_metadata (self->trace);
  g_autoptr(GFileInfo) info = NULL;
  guint64 end_ns = (guint64) g_get_real_time () * 1000;
  double run_ms = 0;
  guint64 run_ns;

  gint64 started;

  if (meta_int (meta, "started_unix_ns", &started) && started > 0)
    {
      self->base_ns = started;
      return;
    }

  info = g_file_query_info (ft_trace_get_file (self->trace), G_FILE_ATTRIBUTE_TIME_MODIFIED,
                            G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info != NULL)
    end_ns = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_GUINT64_CONSTANT (1000000000);
  if (ft_trace_get_n_roots (self->trace) > 0)
    run_ms = ft_trace_get_duration_ms (self->trace, ft_trace_get_root (self->trace, 0));
  run_ns = ms_to_ns (run_ms);
  self->base_ns = run_ns < end_ns ? end_ns - run_ns : 0;
}

/* The walk ----------------------------------------------------------------- */

static void
random_bytes (guint8 *out,
              gsize   len)
{
  for (gsize i = 0; i < len; i += 4)
    {
      guint32 r = g_random_int ();
      memcpy (out + i, &r, MIN (4, len - i));
    }
}

static void
thread_info (FtOtlpEncoder *self,
             Frame         *frame)
{
  FtNodeKind kind = ft_trace_get_kind (self->trace, frame->node);
  gint64 value;

  if (kind == FT_NODE_KIND_THREAD)
    {
      frame->thread_name = ft_trace_get_thread_name (self->trace, frame->node);
      if (frame->thread_name == NULL)
        frame->thread_name = ft_trace_get_callable (self->trace, frame->node);
      frame->has_thread_id = extra_int (self, frame->node, "thread_id", &value);
      if (frame->has_thread_id)
        frame->thread_id = value;
    }
  else if (kind == FT_NODE_KIND_PROCESS && extra_int (self, frame->node, "pid", &value))
    {
      frame->has_pid = TRUE;
      frame->pid = value;
      /* A child process's threads are its own. */
      frame->thread_name = NULL;
      frame->has_thread_id = FALSE;
    }
}

/* Pushes @node; FALSE when the filters leave it out. */
static gboolean
push_node (FtOtlpEncoder *self,
           FtNodeId       node,
           gboolean       counting)
{
  Frame *parent = self->stack->len ? &g_array_index (self->stack, Frame, self->stack->len - 1) : NULL;
  gboolean container = is_container (self, node, parent);
  Frame frame = { 0 };

  frame.node = node;
  frame.call_depth = container ? (parent ? parent->call_depth : 0) : parent->call_depth + 1;
  if (!container && is_filtered (self, node, frame.call_depth))
    return FALSE;

  if (parent != NULL)
    {
      memcpy (frame.trace_id, parent->trace_id, 16);
      frame.parent_span = parent->span_id ? parent->span_id : parent->parent_span;
      frame.thread_name = parent->thread_name;
      frame.thread_id = parent->thread_id;
      frame.has_thread_id = parent->has_thread_id;
      frame.pid = parent->pid;
      frame.has_pid = parent->has_pid;
    }
  else
    {
      memcpy (frame.trace_id, self->trace_id, 16);
      frame.pid = self->root_pid;
      frame.has_pid = self->has_root_pid;
    }

  if (!(container && self->options.trace_per_call))
    frame.span_id = self->id_high | ((guint64) node + 1);
  if (self->options.trace_per_call && !container && frame.parent_span == 0 && !counting)
    random_bytes (frame.trace_id, 16);
  if (!counting)
    {
      place_in_time (self, &frame, parent);
      if (container)
        thread_info (self, &frame);
    }

  g_array_append_val (self->stack, frame);
  return TRUE;
}

/* Advances to the next exported span; NULL at the end.  The returned
 * frame is the top of the stack, valid until the next call. */
static Frame *
next_span (FtOtlpEncoder *self,
           gboolean       counting)
{
  while (TRUE)
    {
      Frame *top;
      guint n_children;

      if (self->stack->len == 0)
        {
          if (self->next_root >= ft_trace_get_n_roots (self->trace))
            return NULL;
          push_node (self, ft_trace_get_root (self->trace, self->next_root++), counting);
          top = &g_array_index (self->stack, Frame, self->stack->len - 1);
          if (top->span_id != 0)
            return top;
          continue;
        }

      top = &g_array_index (self->stack, Frame, self->stack->len - 1);
      n_children = ft_trace_get_n_children (self->trace, top->node);
      if (top->next_child < n_children)
        {
          FtNodeId child = ft_trace_get_child (self->trace, top->node, top->next_child++);

          if (push_node (self, child, counting))
            {
              top = &g_array_index (self->stack, Frame, self->stack->len - 1);
              if (top->span_id != 0)
                return top;
            }
          continue;
        }

      g_array_set_size (self->stack, self->stack->len - 1);
    }
}

static guint64
count_spans (FtOtlpEncoder *self)
{
  guint64 n = 0;

  while (next_span (self, TRUE) != NULL)
    n++;
  g_array_set_size (self->stack, 0);
  self->next_root = 0;
  return n;
}

/* Strings ------------------------------------------------------------------ */

static void
json_escape_into (GString    *out,
                  const char *text)
{
  static const char hex[] = "0123456789abcdef";

  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
      else if (*p < 0x20)
        {
          g_string_append (out, "\\u00");
          g_string_append_c (out, hex[*p >> 4]);
          g_string_append_c (out, hex[*p & 0xF]);
        }
      else
        g_string_append_c (out, *p);
    }
}

/* Valid UTF-8, escaped for JSON when the encoding is JSON.  Interned
 * strings are cached, as a trace repeats its modules and classes a
 * million times; others come back newly allocated in *owned. */
static const char *
clean_string (FtOtlpEncoder *self,
              const char    *text,
              gboolean       interned,
              char         **owned)
{
  g_autofree char *valid = NULL;
  char *result;

  if (interned && (result = g_hash_table_lookup (self->escaped, text)) != NULL)
    return result;

  valid = g_utf8_make_valid (text, -1);
  if (self->options.encoding == FT_OTLP_ENCODING_JSON)
    {
      GString *out = g_string_sized_new (strlen (valid) + 8);

      json_escape_into (out, valid);
      result = g_string_free (out, FALSE);
    }
  else
    result = g_steal_pointer (&valid);

  if (interned)
    g_hash_table_insert (self->escaped, (gpointer) text, result);
  else
    *owned = result;
  return result;
}

/* Protobuf writer ----------------------------------------------------------- */

enum { WT_VARINT = 0, WT_FIXED64 = 1, WT_LEN = 2, WT_FIXED32 = 5 };

static guint
varint_size (guint64 v)
{
  guint n = 1;

  while (v >= 0x80)
    {
      v >>= 7;
      n++;
    }
  return n;
}

static void
put_varint (GString *out,
            guint64  v)
{
  guint8 buf[10];
  guint n = 0;

  while (v >= 0x80)
    {
      buf[n++] = (guint8) (v | 0x80);
      v >>= 7;
    }
  buf[n++] = (guint8) v;
  g_string_append_len (out, (const char *) buf, n);
}

static void
put_tag (GString *out,
         guint    field,
         guint    wire_type)
{
  put_varint (out, ((guint64) field << 3) | wire_type);
}

static void
put_len (GString    *out,
         guint       field,
         const void *data,
         gsize       len)
{
  put_tag (out, field, WT_LEN);
  put_varint (out, len);
  g_string_append_len (out, data, len);
}

static void
put_fixed64 (GString *out,
             guint    field,
             guint64  v)
{
  guint8 buf[8];

  put_tag (out, field, WT_FIXED64);
  for (int i = 0; i < 8; i++)
    buf[i] = (guint8) (v >> (8 * i));
  g_string_append_len (out, (const char *) buf, 8);
}

static void
put_id (GString *out,
        guint    field,
        guint64  id)
{
  guint8 buf[8];

  for (int i = 0; i < 8; i++)
    buf[i] = (guint8) (id >> (56 - 8 * i));
  put_len (out, field, buf, 8);
}

/* KeyValue { key = 1; AnyValue value = 2 } with AnyValue's oneof:
 * string 1, bool 2, int 3, double 4. */
static void
pb_kv_head (GString    *out,
            guint       field,
            const char *key,
            gsize       any_len)
{
  gsize klen = strlen (key);
  gsize kv_len = 1 + varint_size (klen) + klen + 1 + varint_size (any_len) + any_len;

  put_tag (out, field, WT_LEN);
  put_varint (out, kv_len);
  put_len (out, 1, key, klen);
  put_tag (out, 2, WT_LEN);
  put_varint (out, any_len);
}

static void
pb_kv_string (GString    *out,
              guint       field,
              const char *key,
              const char *value)
{
  gsize vlen = strlen (value);

  pb_kv_head (out, field, key, 1 + varint_size (vlen) + vlen);
  put_len (out, 1, value, vlen);
}

static void
pb_kv_int (GString    *out,
           guint       field,
           const char *key,
           gint64      value)
{
  pb_kv_head (out, field, key, 1 + varint_size ((guint64) value));
  put_tag (out, 3, WT_VARINT);
  put_varint (out, (guint64) value);
}

static void
pb_kv_bool (GString    *out,
            guint       field,
            const char *key,
            gboolean    value)
{
  pb_kv_head (out, field, key, 2);
  put_tag (out, 2, WT_VARINT);
  put_varint (out, value ? 1 : 0);
}

static void
pb_kv_double (GString    *out,
              guint       field,
              const char *key,
              double      value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);   /* IEEE 754, little-endian on the wire */
  pb_kv_head (out, field, key, 9);
  put_fixed64 (out, 4, bits);
}

/* JSON writer --------------------------------------------------------------- */

static void
json_hex (GString      *out,
          const guint8 *bytes,
          gsize         len)
{
  static const char hex[] = "0123456789abcdef";

  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      g_string_append_c (out, hex[bytes[i] >> 4]);
      g_string_append_c (out, hex[bytes[i] & 0xF]);
    }
  g_string_append_c (out, '"');
}

static void
json_id (GString *out,
         guint64  id)
{
  guint8 buf[8];

  for (int i = 0; i < 8; i++)
    buf[i] = (guint8) (id >> (56 - 8 * i));
  json_hex (out, buf, 8);
}

static void
json_kv_open (GString    *out,
              gboolean   *first,
              const char *key)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;
  g_string_append (out, "{\"key\":\"");
  g_string_append (out, key);   /* our own keys: nothing to escape */
  g_string_append (out, "\",\"value\":{");
}

static void
json_kv_string (GString    *out,
                gboolean   *first,
                const char *key,
                const char *escaped)
{
  json_kv_open (out, first, key);
  g_string_append (out, "\"stringValue\":\"");
  g_string_append (out, escaped);
  g_string_append (out, "\"}}");
}

/* int64 travels as a decimal string in OTLP/JSON. */
static void
json_kv_int (GString    *out,
             gboolean   *first,
             const char *key,
             gint64      value)
{
  json_kv_open (out, first, key);
  g_string_append_printf (out, "\"intValue\":\"%" G_GINT64_FORMAT "\"}}", value);
}

static void
json_kv_bool (GString    *out,
              gboolean   *first,
              const char *key,
              gboolean    value)
{
  json_kv_open (out, first, key);
  g_string_append (out, value ? "\"boolValue\":true}}" : "\"boolValue\":false}}");
}

static void
json_kv_double (GString    *out,
                gboolean   *first,
                const char *key,
                double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  json_kv_open (out, first, key);
  g_string_append (out, "\"doubleValue\":");
  /* the proto3 JSON mapping's spelling: a bare inf is not JSON */
  if (isnan (value))
    g_string_append (out, "\"NaN\"");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  else
    g_string_append (out, g_ascii_dtostr (buf, sizeof buf, value));
  g_string_append (out, "}}");
}

/* One span, either encoding --------------------------------------------------- */

typedef struct
{
  GString  *out;
  guint     field;    /* protobuf field of the attribute list */
  gboolean  json;
  gboolean  first;
} Attrs;

static void
attr_string (FtOtlpEncoder *self,
             Attrs         *a,
             const char    *key,
             const char    *value,
             gboolean       interned)
{
  g_autofree char *owned = NULL;

  if (value == NULL)
    return;
  value = clean_string (self, value, interned, &owned);
  if (a->json)
    json_kv_string (a->out, &a->first, key, value);
  else
    pb_kv_string (a->out, a->field, key, value);
}

static void
attr_int (Attrs      *a,
          const char *key,
          gint64      value)
{
  if (a->json)
    json_kv_int (a->out, &a->first, key, value);
  else
    pb_kv_int (a->out, a->field, key, value);
}

static void
attr_bool (Attrs      *a,
           const char *key,
           gboolean    value)
{
  if (a->json)
    json_kv_bool (a->out, &a->first, key, value);
  else
    pb_kv_bool (a->out, a->field, key, value);
}

static void
attr_double (Attrs      *a,
             const char *key,
             double      value)
{
  if (a->json)
    json_kv_double (a->out, &a->first, key, value);
  else
    pb_kv_double (a->out, a->field, key, value);
}

/* `module::Class.callable#instance_id`, `module::callable` without a class. */
static char *
span_name (FtOtlpEncoder *self,
           FtNodeId       node)
{
  const char *module = ft_trace_get_module (self->trace, node);
  const char *callable = ft_trace_get_callable (self->trace, node);
  const char *called = ft_trace_get_called (self->trace, node);
  GString *name = g_string_new (NULL);
  gint64 instance_id;

  if (module != NULL)
    g_string_append_printf (name, "%s::", module);
  if (called != NULL && callable != NULL && g_strcmp0 (called, callable) != 0)
    g_string_append_printf (name, "%s.", called);
  g_string_append (name, callable ? callable : "?");
  if (ft_trace_get_instance_id (self->trace, node, &instance_id))
    g_string_append_printf (name, "#%" G_GINT64_FORMAT, instance_id);

  return g_string_free (name, FALSE);
}

static char *
code_namespace (FtOtlpEncoder *self,
                FtNodeId       node)
{
  const char *module = ft_trace_get_module (self->trace, node);
  const char *callable = ft_trace_get_callable (self->trace, node);
  const char *called = ft_trace_get_called (self->trace, node);

  if (called != NULL && callable != NULL && g_strcmp0 (called, callable) != 0)
    return module ? g_strdup_printf ("%s.%s", module, called) : g_strdup (called);
  return g_strdup (module);
}

/* The exception class: error_type, else the name before "(" in the repr. */
static char *
exception_type (FtOtlpEncoder *self,
                FtNodeId       node)
{
  const char *type = ft_trace_get_error_type (self->trace, node);
  const char *error = ft_trace_get_error (self->trace, node);
  const char *paren;

  if (type != NULL)
    return g_strdup (type);
  paren = strchr (error, '(');
  return paren && paren > error ? g_strndup (error, paren - error) : g_strdup (error);
}

/* A generator's or coroutine's life (docs/trace-format.md): its kind,
 * how often it was resumed, how long it ran and waited. */
static void
life_attributes (FtOtlpEncoder *self,
                 Attrs         *a,
                 FtNodeId       node,
                 FtNodeKind     kind)
{
  g_autoptr(FtNodeDetail) detail = NULL;

  if (kind == FT_NODE_KIND_GENERATOR)
    attr_string (self, a, "flowtrace.kind", "generator", TRUE);
  else if (kind == FT_NODE_KIND_COROUTINE)
    attr_string (self, a, "flowtrace.kind", "coroutine", TRUE);
  else if (kind == FT_NODE_KIND_ASYNC_GENERATOR)
    attr_string (self, a, "flowtrace.kind", "async_generator", TRUE);
  else
    return;
  detail = ft_trace_get_detail (self->trace, node, NULL);
  if (detail == NULL || !detail->has_life)
    return;
  attr_int (a, "flowtrace.resumes", detail->resumes);
  if (!isnan (detail->running_ms))
    attr_double (a, "flowtrace.running_ms", detail->running_ms);
  if (!isnan (detail->suspended_ms))
    attr_double (a, "flowtrace.suspended_ms", detail->suspended_ms);
  if (detail->closed)
    attr_bool (a, "flowtrace.closed", TRUE);
}

static void
write_attributes (FtOtlpEncoder *self,
                  Attrs         *a,
                  Frame         *f)
{
  FtTrace *t = self->trace;
  FtNodeId node = f->node;
  g_autofree char *namespace = code_namespace (self, node);
  FtNodeKind kind = ft_trace_get_kind (t, node);
  double duration = ft_trace_get_duration_ms (t, node);
  gint64 instance_id;
  guint line;

  attr_string (self, a, "flowtrace.module", ft_trace_get_module (t, node), TRUE);
  attr_string (self, a, "flowtrace.called", ft_trace_get_called (t, node), TRUE);
  if (!isnan (duration))
    attr_double (a, "flowtrace.duration_ms", duration);
  if (ft_trace_get_instance_id (t, node, &instance_id))
    attr_int (a, "flowtrace.instance_id", instance_id);
  attr_bool (a, "flowtrace.inputs_present", inputs_present (self, node));
  attr_int (a, "flowtrace.id", ft_trace_get_id (t, node));
  if (kind == FT_NODE_KIND_THREAD)
    attr_string (self, a, "flowtrace.kind", "thread", TRUE);
  else if (kind == FT_NODE_KIND_PROCESS)
    attr_string (self, a, "flowtrace.kind", "process", TRUE);
  else if (f->parent_span == 0 && self->stack->len == 1)
    attr_string (self, a, "flowtrace.kind", "script", TRUE);
  else
    life_attributes (self, a, node, kind);
  if (ft_trace_get_flags (t, node) & FT_NODE_FLAG_INCOMPLETE)
    attr_bool (a, "flowtrace.incomplete", TRUE);
  attr_string (self, a, "code.function", ft_trace_get_callable (t, node), TRUE);
  attr_string (self, a, "code.namespace", namespace, FALSE);
  attr_string (self, a, "code.filepath", ft_trace_get_file_name (t, node), TRUE);
  if ((line = ft_trace_get_line (t, node)) > 0)
    attr_int (a, "code.lineno", line);
  if (f->has_thread_id)
    attr_int (a, "thread.id", f->thread_id);
  attr_string (self, a, "thread.name", f->thread_name, TRUE);
  if (f->has_pid)
    attr_int (a, "process.pid", f->pid);
}

static void
write_json_span (FtOtlpEncoder *self,
                 GString       *out,
                 Frame         *f)
{
  const char *error = ft_trace_get_error (self->trace, f->node);
  g_autofree char *name = span_name (self, f->node);
  g_autofree char *owned = NULL;
  Attrs a = { out, 0, TRUE, TRUE };

  g_string_append (out, "{\"traceId\":");
  json_hex (out, f->trace_id, 16);
  g_string_append (out, ",\"spanId\":");
  json_id (out, f->span_id);
  if (f->parent_span != 0)
    {
      g_string_append (out, ",\"parentSpanId\":");
      json_id (out, f->parent_span);
    }
  g_string_append (out, ",\"name\":\"");
  g_string_append (out, clean_string (self, name, FALSE, &owned));
  g_string_append_printf (out, "\",\"kind\":1,\"startTimeUnixNano\":\"%" G_GUINT64_FORMAT
                          "\",\"endTimeUnixNano\":\"%" G_GUINT64_FORMAT "\",\"attributes\":[",
                          f->start, f->end);
  write_attributes (self, &a, f);
  g_string_append_c (out, ']');

  if (error != NULL)
    {
      g_autofree char *type = exception_type (self, f->node);
      const char *message = clean_string (self, error, TRUE, NULL);

      g_string_append_printf (out, ",\"events\":[{\"timeUnixNano\":\"%" G_GUINT64_FORMAT
                              "\",\"name\":\"exception\",\"attributes\":[", f->end);
      a.first = TRUE;
      attr_string (self, &a, "exception.type", type, FALSE);
      attr_string (self, &a, "exception.message", error, TRUE);
      g_string_append (out, "]}],\"status\":{\"code\":2,\"message\":\"");
      g_string_append (out, message);
      g_string_append (out, "\"}");
    }
  g_string_append_c (out, '}');
}

static void
write_pb_span (FtOtlpEncoder *self,
               GString       *out,
               Frame         *f)
{
  const char *error = ft_trace_get_error (self->trace, f->node);
  g_autofree char *name = span_name (self, f->node);
  g_autofree char *valid_name = g_utf8_make_valid (name, -1);
  GString *s = self->span;
  Attrs a = { s, 9, FALSE, TRUE };

  g_string_truncate (s, 0);
  put_len (s, 1, f->trace_id, 16);
  put_id (s, 2, f->span_id);
  if (f->parent_span != 0)
    put_id (s, 4, f->parent_span);
  put_len (s, 5, valid_name, strlen (valid_name));
  put_tag (s, 6, WT_VARINT);
  put_varint (s, 1);                      /* SPAN_KIND_INTERNAL */
  put_fixed64 (s, 7, f->start);
  put_fixed64 (s, 8, f->end);
  write_attributes (self, &a, f);

  if (error != NULL)
    {
      g_autoptr(GString) event = g_string_new (NULL);
      g_autoptr(GString) status = g_string_new (NULL);
      g_autofree char *type = exception_type (self, f->node);
      const char *message = clean_string (self, error, TRUE, NULL);
      Attrs ea = { event, 3, FALSE, TRUE };

      put_fixed64 (event, 1, f->end);
      put_len (event, 2, "exception", 9);
      attr_string (self, &ea, "exception.type", type, FALSE);
      attr_string (self, &ea, "exception.message", error, TRUE);
      put_len (s, 11, event->str, event->len);

      put_len (status, 2, message, strlen (message));
      put_tag (status, 3, WT_VARINT);
      put_varint (status, 2);             /* STATUS_CODE_ERROR */
      put_len (s, 15, status->str, status->len);
    }

  put_len (out, 2, s->str, s->len);       /* ScopeSpans.spans */
}

/* Request envelope ------------------------------------------------------------ */

static void
resource_attributes (FtOtlpEncoder *self,
                     Attrs         *a)
{
  attr_string (self, a, "service.name", self->service_name, FALSE);
  attr_string (self, a, "telemetry.sdk.name", "flowtrace", FALSE);
  attr_string (self, a, "telemetry.sdk.version", PACKAGE_VERSION, FALSE);
  attr_string (self, a, "telemetry.sdk.language", "c", FALSE);
  if (self->python_version != NULL)
    {
      attr_string (self, a, "process.runtime.name", "CPython", FALSE);
      attr_string (self, a, "process.runtime.version", self->python_version, FALSE);
    }
  if (self->has_root_pid)
    attr_int (a, "process.pid", self->root_pid);
}

static void
json_batch_start (FtOtlpEncoder *self,
                  GString       *out)
{
  Attrs a = { out, 0, TRUE, TRUE };

  g_string_append (out, "{\"resourceSpans\":[{\"resource\":{\"attributes\":[");
  resource_attributes (self, &a);
  g_string_append (out, "]},\"scopeSpans\":[{\"scope\":{\"name\":\"flowtrace\",\"version\":\""
                        PACKAGE_VERSION "\"},\"spans\":[");
}

/* Protobuf needs lengths first: the envelope is written once the spans are. */
static GBytes *
pb_finish_batch (FtOtlpEncoder *self)
{
  g_autoptr(GString) resource = g_string_new (NULL);
  g_autoptr(GString) scope = g_string_new (NULL);
  GString *head = self->header;
  Attrs a = { resource, 1, FALSE, TRUE };
  gsize scope_spans_len, resource_spans_len;
  GString *result;

  resource_attributes (self, &a);
  put_len (scope, 1, "flowtrace", 9);
  put_len (scope, 2, PACKAGE_VERSION, strlen (PACKAGE_VERSION));

  scope_spans_len = 1 + varint_size (scope->len) + scope->len + self->body->len;
  resource_spans_len = 1 + varint_size (resource->len) + resource->len
                     + 1 + varint_size (scope_spans_len) + scope_spans_len;

  g_string_truncate (head, 0);
  put_tag (head, 1, WT_LEN);                 /* ExportTraceServiceRequest.resource_spans */
  put_varint (head, resource_spans_len);
  put_len (head, 1, resource->str, resource->len);   /* ResourceSpans.resource */
  put_tag (head, 2, WT_LEN);                 /* ResourceSpans.scope_spans */
  put_varint (head, scope_spans_len);
  put_len (head, 1, scope->str, scope->len); /* ScopeSpans.scope */

  result = g_string_sized_new (head->len + self->body->len);
  g_string_append_len (result, head->str, head->len);
  g_string_append_len (result, self->body->str, self->body->len);
  return g_string_free_to_bytes (result);
}

static GBytes *
gzip_bytes (GBytes  *input,
            GError **error)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 1);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) zout = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  gsize len;
  const void *data = g_bytes_get_data (input, &len);

  if (!g_output_stream_write_all (zout, data, len, NULL, NULL, error) ||
      !g_output_stream_close (zout, NULL, error))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* Public ---------------------------------------------------------------------- */

static char *
default_service_name (FtTrace *trace)
{
  g_autofree char *base = g_file_get_basename (ft_trace_get_file (trace));
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_strdup (base);
}

static void
read_process_info (FtOtlpEncoder *self)
{
  JsonObject *meta = ft_trace_get_metadata (self->trace);
  JsonNode *python = meta != NULL ? json_object_get_member (meta, "python") : NULL;
  gint64 pid;

  if (python != NULL && JSON_NODE_HOLDS_VALUE (python) &&
      json_node_get_value_type (python) == G_TYPE_STRING)
    self->python_version = g_strdup (json_node_get_string (python));
  if (meta_int (meta, "pid", &pid))
    {
      self->root_pid = pid;
      self->has_root_pid = TRUE;
    }
  else if (ft_trace_get_n_roots (self->trace) > 0
           && extra_int (self, ft_trace_get_root (self->trace, 0), "pid", &pid))
    {
      self->root_pid = pid;
      self->has_root_pid = TRUE;
    }
}

FtOtlpEncoder *
ft_otlp_encoder_new (FtTrace             *trace,
                     const FtOtlpOptions *options)
{
  FtOtlpEncoder *self;

  g_return_val_if_fail (FT_IS_TRACE (trace), NULL);
  g_return_val_if_fail (options != NULL, NULL);

  self = g_new0 (FtOtlpEncoder, 1);
  self->trace = g_object_ref (trace);
  self->options = *options;
  self->options.service_name = NULL;
  self->service_name = options->service_name && options->service_name[0]
                       ? g_strdup (options->service_name) : default_service_name (trace);
  self->stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  self->escaped = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->body = g_string_sized_new (1 << 20);
  self->span = g_string_sized_new (1024);
  self->header = g_string_sized_new (256);
  self->id_high = (guint64) (g_random_int () | 1) << 32;
  random_bytes (self->trace_id, 16);
  self->trace_id[0] |= 1;   /* never all zeroes */

  find_base_time (self);
  read_process_info (self);
  self->n_spans = count_spans (self);

  return self;
}

void
ft_otlp_encoder_free (FtOtlpEncoder *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->trace);
  g_clear_pointer (&self->service_name, g_free);
  g_clear_pointer (&self->python_version, g_free);
  g_array_unref (self->stack);
  g_hash_table_unref (self->escaped);
  g_string_free (self->body, TRUE);
  g_string_free (self->span, TRUE);
  g_string_free (self->header, TRUE);
  g_free (self);
}

guint64
ft_otlp_encoder_get_n_spans (FtOtlpEncoder *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_spans;
}

const char *
ft_otlp_encoder_get_service_name (FtOtlpEncoder *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->service_name;
}

GBytes *
ft_otlp_encoder_next_batch (FtOtlpEncoder  *self,
                            guint           max_spans,
                            gsize           max_bytes,
                            guint          *n_spans,
                            GError        **error)
{
  gboolean json;
  g_autoptr(GBytes) plain = NULL;
  guint n = 0;
  Frame *f;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (max_spans > 0, NULL);

  if (n_spans)
    *n_spans = 0;
  if (self->done)
    return NULL;

  json = self->options.encoding == FT_OTLP_ENCODING_JSON;
  g_string_truncate (self->body, 0);
  if (json)
    json_batch_start (self, self->body);

  while (n < max_spans && self->body->len < max_bytes && (f = next_span (self, FALSE)) != NULL)
    {
      if (json)
        {
          if (n > 0)
            g_string_append_c (self->body, ',');
          write_json_span (self, self->body, f);
        }
      else
        write_pb_span (self, self->body, f);
      n++;
    }

  if (n == 0)
    {
      self->done = TRUE;
      return NULL;
    }

  if (json)
    {
      g_string_append (self->body, "]}]}]}");
      plain = g_bytes_new (self->body->str, self->body->len);
    }
  else
    plain = pb_finish_batch (self);

  if (n_spans)
    *n_spans = n;
  if (self->options.gzip)
    return gzip_bytes (plain, error);
  return g_steal_pointer (&plain);
}
