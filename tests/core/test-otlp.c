/* test-otlp.c: OTLP export to a local SoupServer receiver
 *
 * SPDX-License-Identifier: MIT
 *
 * The receiver decodes what it gets (JSON with json-glib, protobuf with the
 * small decoder below, gzip with GZlibDecompressor) into plain span
 * records, and the tests check them against the trace the spans came from.
 * Only 127.0.0.1; every wait is the main loop running until the export
 * reports back.
 */

#define G_LOG_DOMAIN "test-otlp"

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "ft-otlp-exporter.h"
#include "ft-trace.h"

static char *tmp_dir;

/* Decoded spans ---------------------------------------------------------- */

typedef struct
{
  char       *trace_id;     /* hex */
  char       *span_id;
  char       *parent_id;    /* NULL for a root span */
  char       *name;
  guint64     start;
  guint64     end;
  int         kind;
  GHashTable *attrs;        /* key -> value as text ("true", "12", "1.5", "abc") */
  int         status_code;
  char       *status_message;
  char       *event_name;   /* first event */
  GHashTable *event_attrs;
} Span;

static void
span_free (Span *s)
{
  g_free (s->trace_id);
  g_free (s->span_id);
  g_free (s->parent_id);
  g_free (s->name);
  g_hash_table_unref (s->attrs);
  g_clear_pointer (&s->event_attrs, g_hash_table_unref);
  g_free (s->status_message);
  g_free (s->event_name);
  g_free (s);
}

static Span *
span_new (void)
{
  Span *s = g_new0 (Span, 1);

  s->attrs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return s;
}

static char *
to_hex (const guint8 *data,
        gsize         len)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

/* Protobuf decoder: just enough wire format for ExportTraceServiceRequest. */

typedef struct
{
  const guint8 *p;
  gsize         len;
  gsize         pos;
} Pb;

typedef struct
{
  guint         field;
  guint         wire;
  guint64       v;         /* varint, fixed64, fixed32 */
  const guint8 *data;      /* length-delimited */
  gsize         len;
} PbField;

static guint64
pb_varint (Pb *pb)
{
  guint64 v = 0;
  guint shift = 0;

  while (TRUE)
    {
      guint8 b;

      g_assert_cmpuint (pb->pos, <, pb->len);
      g_assert_cmpuint (shift, <, 64);
      b = pb->p[pb->pos++];
      v |= (guint64) (b & 0x7F) << shift;
      if (!(b & 0x80))
        return v;
      shift += 7;
    }
}

static gboolean
pb_next (Pb      *pb,
         PbField *f)
{
  guint64 key;

  if (pb->pos >= pb->len)
    return FALSE;
  key = pb_varint (pb);
  f->field = key >> 3;
  f->wire = key & 7;
  switch (f->wire)
    {
    case 0:
      f->v = pb_varint (pb);
      break;
    case 1:
      g_assert_cmpuint (pb->pos + 8, <=, pb->len);
      f->v = 0;
      for (int i = 7; i >= 0; i--)
        f->v = (f->v << 8) | pb->p[pb->pos + i];
      pb->pos += 8;
      break;
    case 2:
      f->len = pb_varint (pb);
      g_assert_cmpuint (pb->pos + f->len, <=, pb->len);
      f->data = pb->p + pb->pos;
      pb->pos += f->len;
      break;
    case 5:
      g_assert_cmpuint (pb->pos + 4, <=, pb->len);
      pb->pos += 4;
      break;
    default:
      g_error ("wire type %u is not valid protobuf here", f->wire);
    }
  return TRUE;
}

static Pb
pb_sub (const PbField *f)
{
  g_assert_cmpuint (f->wire, ==, 2);
  return (Pb) { f->data, f->len, 0 };
}

static char *
pb_any_value (const PbField *any)
{
  Pb pb = pb_sub (any);
  PbField f;
  double d;

  while (pb_next (&pb, &f))
    switch (f.field)
      {
      case 1: g_assert_true (g_utf8_validate ((const char *) f.data, f.len, NULL));
              return g_strndup ((const char *) f.data, f.len);
      case 2: return g_strdup (f.v ? "true" : "false");
      case 3: return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) f.v);
      case 4: memcpy (&d, &f.v, 8);
              return g_strdup_printf ("%g", d);
      default: break;
      }
  return g_strdup ("");
}

static void
pb_key_value (const PbField *kv,
              GHashTable    *attrs)
{
  Pb pb = pb_sub (kv);
  PbField f;
  char *key = NULL, *value = NULL;

  while (pb_next (&pb, &f))
    if (f.field == 1)
      key = g_strndup ((const char *) f.data, f.len);
    else if (f.field == 2)
      value = pb_any_value (&f);
  g_assert_nonnull (key);
  g_assert_nonnull (value);
  g_assert_false (g_hash_table_contains (attrs, key));
  g_hash_table_insert (attrs, key, value);
}

static Span *
pb_span (const PbField *sf)
{
  Pb pb = pb_sub (sf);
  Span *s = span_new ();
  PbField f;

  while (pb_next (&pb, &f))
    switch (f.field)
      {
      case 1: g_assert_cmpuint (f.len, ==, 16); s->trace_id = to_hex (f.data, f.len); break;
      case 2: g_assert_cmpuint (f.len, ==, 8); s->span_id = to_hex (f.data, f.len); break;
      case 4: g_assert_cmpuint (f.len, ==, 8); s->parent_id = to_hex (f.data, f.len); break;
      case 5: s->name = g_strndup ((const char *) f.data, f.len); break;
      case 6: s->kind = f.v; break;
      case 7: g_assert_cmpuint (f.wire, ==, 1); s->start = f.v; break;
      case 8: g_assert_cmpuint (f.wire, ==, 1); s->end = f.v; break;
      case 9: pb_key_value (&f, s->attrs); break;
      case 11:
        {
          Pb ev = pb_sub (&f);
          PbField e;

          s->event_attrs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          while (pb_next (&ev, &e))
            if (e.field == 2)
              s->event_name = g_strndup ((const char *) e.data, e.len);
            else if (e.field == 3)
              pb_key_value (&e, s->event_attrs);
          break;
        }
      case 15:
        {
          Pb st = pb_sub (&f);
          PbField e;

          while (pb_next (&st, &e))
            if (e.field == 2)
              s->status_message = g_strndup ((const char *) e.data, e.len);
            else if (e.field == 3)
              s->status_code = e.v;
          break;
        }
      default:
        g_error ("unexpected Span field %u", f.field);
      }
  return s;
}

static void
decode_protobuf (GBytes     *body,
                 GPtrArray  *spans,
                 GHashTable *resource)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);
  Pb req = { data, len, 0 };
  PbField rs;

  while (pb_next (&req, &rs))
    {
      Pb rpb = pb_sub (&rs);
      PbField f;

      g_assert_cmpuint (rs.field, ==, 1);
      while (pb_next (&rpb, &f))
        {
          if (f.field == 1)
            {
              Pb res = pb_sub (&f);
              PbField a;

              while (pb_next (&res, &a))
                if (a.field == 1 && !g_hash_table_contains (resource, "service.name"))
                  pb_key_value (&a, resource);
            }
          else if (f.field == 2)
            {
              Pb ss = pb_sub (&f);
              PbField sp;

              while (pb_next (&ss, &sp))
                if (sp.field == 2)
                  g_ptr_array_add (spans, pb_span (&sp));
                else
                  g_assert_cmpuint (sp.field, ==, 1);   /* scope */
            }
        }
    }
}

/* JSON, per the OTLP/JSON rules: hex ids, lowerCamelCase, int64 as strings. */
static char *
json_any_value (JsonObject *value)
{
  if (json_object_has_member (value, "stringValue"))
    return g_strdup (json_object_get_string_member (value, "stringValue"));
  if (json_object_has_member (value, "boolValue"))
    return g_strdup (json_object_get_boolean_member (value, "boolValue") ? "true" : "false");
  if (json_object_has_member (value, "intValue"))
    {
      JsonNode *n = json_object_get_member (value, "intValue");

      g_assert_cmpint (json_node_get_value_type (n), ==, G_TYPE_STRING);
      return g_strdup (json_node_get_string (n));
    }
  if (json_object_has_member (value, "doubleValue"))
    return g_strdup_printf ("%g", json_object_get_double_member (value, "doubleValue"));
  g_error ("unexpected AnyValue");
}

static void
json_attrs (JsonArray  *array,
            GHashTable *attrs)
{
  for (guint i = 0; array && i < json_array_get_length (array); i++)
    {
      JsonObject *kv = json_array_get_object_element (array, i);
      const char *key = json_object_get_string_member (kv, "key");

      g_assert_false (g_hash_table_contains (attrs, key));
      g_hash_table_insert (attrs, g_strdup (key), json_any_value (json_object_get_object_member (kv, "value")));
    }
}

static guint64
json_u64_string (JsonObject *o,
                 const char *key)
{
  JsonNode *n = json_object_get_member (o, key);

  g_assert_nonnull (n);
  g_assert_cmpint (json_node_get_value_type (n), ==, G_TYPE_STRING);
  return g_ascii_strtoull (json_node_get_string (n), NULL, 10);
}

static Span *
json_span (JsonObject *o)
{
  Span *s = span_new ();

  s->trace_id = g_strdup (json_object_get_string_member (o, "traceId"));
  s->span_id = g_strdup (json_object_get_string_member (o, "spanId"));
  if (json_object_has_member (o, "parentSpanId"))
    s->parent_id = g_strdup (json_object_get_string_member (o, "parentSpanId"));
  s->name = g_strdup (json_object_get_string_member (o, "name"));
  s->kind = json_object_get_int_member (o, "kind");
  s->start = json_u64_string (o, "startTimeUnixNano");
  s->end = json_u64_string (o, "endTimeUnixNano");
  json_attrs (json_object_get_array_member (o, "attributes"), s->attrs);
  if (json_object_has_member (o, "status"))
    {
      JsonObject *st = json_object_get_object_member (o, "status");

      s->status_code = json_object_get_int_member (st, "code");
      s->status_message = g_strdup (json_object_get_string_member (st, "message"));
    }
  if (json_object_has_member (o, "events"))
    {
      JsonObject *ev = json_array_get_object_element (json_object_get_array_member (o, "events"), 0);

      s->event_name = g_strdup (json_object_get_string_member (ev, "name"));
      s->event_attrs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      json_attrs (json_object_get_array_member (ev, "attributes"), s->event_attrs);
      g_assert_cmpuint (json_u64_string (ev, "timeUnixNano"), ==, s->end);
    }
  return s;
}

static void
decode_json (GBytes     *body,
             GPtrArray  *spans,
             GHashTable *resource)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  JsonArray *rss;

  json_parser_load_from_data (parser, data, len, &error);
  g_assert_no_error (error);
  rss = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "resourceSpans");
  for (guint i = 0; i < json_array_get_length (rss); i++)
    {
      JsonObject *rs = json_array_get_object_element (rss, i);
      JsonArray *sss = json_object_get_array_member (rs, "scopeSpans");

      if (!g_hash_table_contains (resource, "service.name"))
        json_attrs (json_object_get_array_member (json_object_get_object_member (rs, "resource"), "attributes"), resource);
      for (guint j = 0; j < json_array_get_length (sss); j++)
        {
          JsonArray *arr = json_object_get_array_member (json_array_get_object_element (sss, j), "spans");

          for (guint k = 0; k < json_array_get_length (arr); k++)
            g_ptr_array_add (spans, json_span (json_array_get_object_element (arr, k)));
        }
    }
}

/* The receiver ----------------------------------------------------------- */

typedef struct
{
  guint  status;
  char  *retry_after;     /* header value or NULL */
  char  *content_type;
  char  *body;
} Scripted;

typedef struct
{
  SoupServer *server;
  char       *url;
  GQueue      script;          /* of Scripted*: answers for the next requests */
  GPtrArray  *spans;           /* of Span*, from accepted requests only */
  GHashTable *resource;
  guint       n_requests;
  guint       n_accepted;
  GPtrArray  *request_times;   /* of gint64* monotonic usec */
  char       *content_type;
  char       *content_encoding;
  char       *authorization;
  char       *tenant;
  GMainLoop  *loop;
  gboolean    done;
  gboolean    ok;
  GError     *error;
  FtOtlpReport report;
  guint       n_progress;
} Receiver;

static GBytes *
gunzip (GBytes *input)
{
  g_autoptr(GZlibDecompressor) dec = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) mem = g_memory_input_stream_new_from_bytes (input);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (mem, G_CONVERTER (dec));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
replace_str (char      **field,
             const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Receiver *r = user_data;
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) body = NULL;
  Scripted *answer = g_queue_pop_head (&r->script);
  gint64 *now = g_new (gint64, 1);

  *now = g_get_monotonic_time ();
  g_ptr_array_add (r->request_times, now);
  r->n_requests++;
  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  g_assert_cmpstr (path, ==, "/v1/traces");
  replace_str (&r->content_type, soup_message_headers_get_one (req, "Content-Type"));
  replace_str (&r->content_encoding, soup_message_headers_get_one (req, "Content-Encoding"));
  replace_str (&r->authorization, soup_message_headers_get_one (req, "Authorization"));
  replace_str (&r->tenant, soup_message_headers_get_one (req, "X-Tenant"));

  if (answer != NULL && answer->status != 200)
    {
      if (answer->retry_after)
        soup_message_headers_replace (resp, "Retry-After", answer->retry_after);
      soup_server_message_set_status (msg, answer->status, NULL);
      if (answer->body)
        soup_server_message_set_response (msg, answer->content_type, SOUP_MEMORY_COPY,
                                          answer->body, strlen (answer->body));
      g_free (answer->retry_after);
      g_free (answer->content_type);
      g_free (answer->body);
      g_free (answer);
      return;
    }

  raw = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  body = g_strcmp0 (r->content_encoding, "gzip") == 0 ? gunzip (raw) : g_bytes_ref (raw);
  if (g_strcmp0 (r->content_type, "application/json") == 0)
    decode_json (body, r->spans, r->resource);
  else
    {
      g_assert_cmpstr (r->content_type, ==, "application/x-protobuf");
      decode_protobuf (body, r->spans, r->resource);
    }
  r->n_accepted++;
  soup_server_message_set_status (msg, 200, NULL);
  if (answer != NULL && answer->body != NULL)
    soup_server_message_set_response (msg, answer->content_type, SOUP_MEMORY_COPY,
                                      answer->body, strlen (answer->body));
  else
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
  if (answer != NULL)
    {
      g_free (answer->retry_after);
      g_free (answer->content_type);
      g_free (answer->body);
      g_free (answer);
    }
}

static Receiver *
receiver_new_tls (GTlsCertificate *certificate)
{
  Receiver *r = g_new0 (Receiver, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  r->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (r->server, "/v1/traces", handler_cb, r, NULL);
  soup_server_listen_local (r->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY
                                          | (certificate ? SOUP_SERVER_LISTEN_HTTPS : 0), &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (r->server);
  g_assert_nonnull (uris);
  r->url = g_strdup_printf ("%s://127.0.0.1:%d/v1/traces", certificate ? "https" : "http",
                            g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  r->spans = g_ptr_array_new_with_free_func ((GDestroyNotify) span_free);
  r->resource = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  r->request_times = g_ptr_array_new_with_free_func (g_free);
  r->loop = g_main_loop_new (NULL, FALSE);
  return r;
}

static Receiver *
receiver_new (void)
{
  return receiver_new_tls (NULL);
}

static void
receiver_free (Receiver *r)
{
  soup_server_disconnect (r->server);
  g_object_unref (r->server);
  g_free (r->url);
  g_ptr_array_unref (r->spans);
  g_hash_table_unref (r->resource);
  g_ptr_array_unref (r->request_times);
  g_free (r->content_type);
  g_free (r->content_encoding);
  g_free (r->authorization);
  g_free (r->tenant);
  g_main_loop_unref (r->loop);
  g_clear_error (&r->error);
  g_assert_true (g_queue_is_empty (&r->script));
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Receiver, receiver_free)

static void
receiver_script (Receiver   *r,
                 guint       status,
                 const char *retry_after,
                 const char *content_type,
                 const char *body)
{
  Scripted *s = g_new0 (Scripted, 1);

  s->status = status;
  s->retry_after = g_strdup (retry_after);
  s->content_type = g_strdup (content_type);
  s->body = g_strdup (body);
  g_queue_push_tail (&r->script, s);
}

static void
progress_cb (guint64  sent,
             guint64  total,
             gpointer user_data)
{
  Receiver *r = user_data;

  g_assert_cmpuint (sent, <=, total);
  r->n_progress++;
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Receiver *r = user_data;

  r->ok = ft_otlp_exporter_export_finish (FT_OTLP_EXPORTER (object), result, &r->report, &r->error);
  r->done = TRUE;
  g_main_loop_quit (r->loop);
}

static void
run_export (Receiver       *r,
            FtOtlpExporter *exporter,
            FtTrace        *trace)
{
  ft_otlp_exporter_export_async (exporter, trace, NULL, progress_cb, r, NULL, exported_cb, r);
  g_main_loop_run (r->loop);
  g_assert_true (r->done);
}

/* Helpers ----------------------------------------------------------------- */

static FtTrace *
load_data_trace (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FtTrace *trace = ft_trace_load (file, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return trace;
}

static FtTrace *
load_text_trace (const char *name,
                 const char *text)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FtTrace *trace;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return trace;
}

static FtOtlpExporter *
new_exporter (Receiver       *r,
              FtOtlpEncoding  encoding,
              gboolean        gzip)
{
  FtOtlpOptions options;
  g_autoptr(GError) error = NULL;
  FtOtlpExporter *exporter;

  ft_otlp_options_init (&options);
  options.encoding = encoding;
  options.gzip = gzip;
  exporter = ft_otlp_exporter_new (r->url, &options, &error);
  g_assert_no_error (error);
  ft_otlp_exporter_set_retry (exporter, 3, 20, 100);
  return exporter;
}

static GHashTable *
spans_by_id (GPtrArray *spans)
{
  GHashTable *by_id = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < spans->len; i++)
    {
      Span *s = spans->pdata[i];

      g_assert_false (g_hash_table_contains (by_id, s->span_id));   /* none twice */
      g_hash_table_insert (by_id, s->span_id, s);
    }
  return by_id;
}

static FtNodeId
node_of_span (FtTrace *trace,
              Span    *s)
{
  const char *id_text = g_hash_table_lookup (s->attrs, "flowtrace.id");
  gint64 id;

  g_assert_nonnull (id_text);
  id = g_ascii_strtoll (id_text, NULL, 10);
  for (FtNodeId n = 0; n < ft_trace_get_n_nodes (trace); n++)
    if (ft_trace_get_id (trace, n) == id)
      return n;
  g_error ("no node with id %" G_GINT64_FORMAT, id);
}

static char *
expected_name (FtTrace  *trace,
               FtNodeId  node)
{
  const char *callable = ft_trace_get_callable (trace, node);
  const char *called = ft_trace_get_called (trace, node);
  GString *name = g_string_new (ft_trace_get_module (trace, node));
  gint64 instance;

  g_string_append (name, "::");
  if (g_strcmp0 (callable, called) != 0)
    g_string_append_printf (name, "%s.", called);
  g_string_append (name, callable);
  if (ft_trace_get_instance_id (trace, node, &instance))
    g_string_append_printf (name, "#%" G_GINT64_FORMAT, instance);
  return g_string_free (name, FALSE);
}

/* Every node a span; one trace id; parents as in the tree; children
 * inside their parents; names, attributes, errors as the trace says. */
static void
check_mapping (FtTrace   *trace,
               GPtrArray *spans)
{
  g_autoptr(GHashTable) by_id = spans_by_id (spans);
  const char *trace_id = NULL;
  guint n_errors = 0, n_methods = 0;

  g_assert_cmpuint (spans->len, ==, ft_trace_get_n_nodes (trace));
  for (guint i = 0; i < spans->len; i++)
    {
      Span *s = spans->pdata[i];
      FtNodeId node = node_of_span (trace, s);
      FtNodeId parent_node = ft_trace_get_parent (trace, node);
      g_autofree char *name = expected_name (trace, node);
      const char *error = ft_trace_get_error (trace, node);
      gint64 instance;

      g_assert_cmpuint (strlen (s->trace_id), ==, 32);
      g_assert_cmpuint (strlen (s->span_id), ==, 16);
      g_assert_cmpstr (s->trace_id, !=, "00000000000000000000000000000000");
      if (trace_id == NULL)
        trace_id = s->trace_id;
      g_assert_cmpstr (s->trace_id, ==, trace_id);
      g_assert_cmpint (s->kind, ==, 1);
      g_assert_cmpstr (s->name, ==, name);
      g_assert_cmpuint (s->start, <=, s->end);
      g_assert_cmpuint (s->start, >, G_GUINT64_CONSTANT (1500000000) * 1000000000);

      if (parent_node == FT_NODE_NONE)
        g_assert_null (s->parent_id);
      else
        {
          Span *parent = g_hash_table_lookup (by_id, s->parent_id);

          g_assert_nonnull (parent);
          g_assert_cmpuint (node_of_span (trace, parent), ==, parent_node);
          g_assert_cmpuint (s->start, >=, parent->start);
          g_assert_cmpuint (s->end, <=, parent->end);
        }

      g_assert_cmpstr (g_hash_table_lookup (s->attrs, "code.function"), ==, ft_trace_get_callable (trace, node));
      g_assert_cmpstr (g_hash_table_lookup (s->attrs, "flowtrace.module"), ==, ft_trace_get_module (trace, node));
      g_assert_cmpstr (g_hash_table_lookup (s->attrs, "flowtrace.called"), ==, ft_trace_get_called (trace, node));
      g_assert_cmpstr (g_hash_table_lookup (s->attrs, "code.filepath"), ==, ft_trace_get_file_name (trace, node));
      g_assert_true (g_hash_table_contains (s->attrs, "flowtrace.inputs_present"));
      if (!isnan (ft_trace_get_duration_ms (trace, node)))
        {
          double d = g_ascii_strtod (g_hash_table_lookup (s->attrs, "flowtrace.duration_ms"), NULL);

          g_assert_cmpfloat_with_epsilon (d, ft_trace_get_duration_ms (trace, node), 1e-3);
        }
      if (ft_trace_get_instance_id (trace, node, &instance))
        {
          g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, instance);

          g_assert_cmpstr (g_hash_table_lookup (s->attrs, "flowtrace.instance_id"), ==, text);
          n_methods++;
        }
      if (ft_trace_get_line (trace, node) > 0)
        {
          g_autofree char *text = g_strdup_printf ("%u", ft_trace_get_line (trace, node));

          g_assert_cmpstr (g_hash_table_lookup (s->attrs, "code.lineno"), ==, text);
        }
      if (parent_node != FT_NODE_NONE && ft_trace_get_kind (trace, node) == FT_NODE_KIND_CALL
          && ft_trace_get_metadata (trace) != NULL)
        {
          g_assert_true (g_hash_table_contains (s->attrs, "thread.id"));
          g_assert_true (g_hash_table_contains (s->attrs, "thread.name"));
          g_assert_true (g_hash_table_contains (s->attrs, "process.pid"));
        }

      if (error != NULL)
        {
          n_errors++;
          g_assert_cmpint (s->status_code, ==, 2);
          g_assert_cmpstr (s->status_message, ==, error);
          g_assert_cmpstr (s->event_name, ==, "exception");
          g_assert_cmpstr (g_hash_table_lookup (s->event_attrs, "exception.message"), ==, error);
          if (ft_trace_get_error_type (trace, node) != NULL)
            g_assert_cmpstr (g_hash_table_lookup (s->event_attrs, "exception.type"), ==,
                             ft_trace_get_error_type (trace, node));
        }
      else
        {
          g_assert_cmpint (s->status_code, ==, 0);
          g_assert_null (s->event_name);
        }
    }
  /* The sample has both, or the checks above prove little. */
  g_assert_cmpuint (n_errors, >, 0);
  g_assert_cmpuint (n_methods, >, 0);
}

/* Tests ------------------------------------------------------------------- */

static void
test_mapping (gconstpointer data)
{
  FtOtlpEncoding encoding = GPOINTER_TO_INT (data);
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_data_trace ("complex-app.json");
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, encoding, FALSE);
  g_autoptr(GError) error = NULL;

  ft_otlp_exporter_add_header_text (exporter, "Authorization=Bearer s3cr3t=x", &error);
  g_assert_no_error (error);
  ft_otlp_exporter_add_header (exporter, "X-Tenant", "acme", &error);
  g_assert_no_error (error);
  run_export (r, exporter, trace);

  g_assert_no_error (r->error);
  g_assert_true (r->ok);
  g_assert_cmpstr (r->content_type, ==, encoding == FT_OTLP_ENCODING_JSON ? "application/json" : "application/x-protobuf");
  g_assert_null (r->content_encoding);
  g_assert_cmpstr (r->authorization, ==, "Bearer s3cr3t=x");
  g_assert_cmpstr (r->tenant, ==, "acme");
  g_assert_cmpstr (g_hash_table_lookup (r->resource, "service.name"), ==, "complex-app");
  check_mapping (trace, r->spans);
  g_assert_cmpuint (r->report.n_spans, ==, ft_trace_get_n_nodes (trace));
  g_assert_cmpuint (r->report.n_spans_total, ==, r->report.n_spans);
  g_assert_cmpuint (r->report.n_batches, ==, 1);
  g_assert_cmpuint (r->report.n_retries, ==, 0);
  g_assert_cmpuint (r->report.n_failures, ==, 0);
  g_assert_cmpuint (r->report.n_bytes, >, 0);
  g_assert_cmpuint (r->n_progress, >=, 2);
}

/* Threads and a child process: every thread's calls carry its name and id. */
static void
test_threads (void)
{
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_data_trace ("conc-demo.json");
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, FT_OTLP_ENCODING_PROTOBUF, TRUE);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  run_export (r, exporter, trace);
  g_assert_no_error (r->error);
  g_assert_cmpstr (r->content_encoding, ==, "gzip");
  g_assert_cmpuint (r->spans->len, ==, ft_trace_get_n_nodes (trace));
  for (guint i = 0; i < r->spans->len; i++)
    {
      Span *s = r->spans->pdata[i];

      if (g_str_has_prefix (s->name, "__main__::fetch_page"))
        {
          const char *thread = g_hash_table_lookup (s->attrs, "thread.name");

          g_assert_true (g_str_has_prefix (thread, "io-worker-"));
          g_hash_table_add (names, (gpointer) thread);
        }
    }
  g_assert_cmpuint (g_hash_table_size (names), >=, 2);
}

static void
test_batching (gconstpointer data)
{
  FtOtlpEncoding encoding = GPOINTER_TO_INT (data);
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_data_trace ("complex-app.json");
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, encoding, TRUE);
  guint n = ft_trace_get_n_nodes (trace);

  ft_otlp_exporter_set_batch_limits (exporter, 7, 1 << 20);
  run_export (r, exporter, trace);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->n_requests, ==, (n + 6) / 7);
  g_assert_cmpuint (r->report.n_batches, ==, (n + 6) / 7);
  /* All spans, none twice, one trace across the batches. */
  check_mapping (trace, r->spans);
}

static void
test_retry_after (gconstpointer data)
{
  const char *retry_after = data;
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_data_trace ("complex-app.json");
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, FT_OTLP_ENCODING_PROTOBUF, FALSE);
  g_autofree char *header = NULL;
  gint64 gap;

  if (retry_after == NULL)
    {
      /* An HTTP-date two seconds ahead: at least one second away. */
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 2);

      header = soup_date_time_to_string (later, SOUP_DATE_HTTP);
      retry_after = header;
    }
  ft_otlp_exporter_set_batch_limits (exporter, 20, 1 << 20);
  receiver_script (r, 200, NULL, NULL, NULL);
  receiver_script (r, 503, retry_after, "text/plain", "busy");
  run_export (r, exporter, trace);

  g_assert_no_error (r->error);
  g_assert_true (r->ok);
  g_assert_cmpuint (r->report.n_retries, ==, 1);
  g_assert_cmpuint (r->report.n_failures, ==, 0);
  g_assert_cmpuint (r->n_requests, ==, r->report.n_batches + 1);
  /* The retry waited as the server asked (the backoff alone is 20 ms). */
  gap = *(gint64 *) r->request_times->pdata[2] - *(gint64 *) r->request_times->pdata[1];
  g_assert_cmpint (gap, >=, 900 * 1000);
  check_mapping (trace, r->spans);
}

static void
test_retry_429_then_give_up (void)
{
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_data_trace ("complex-app.json");
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, FT_OTLP_ENCODING_JSON, FALSE);

  ft_otlp_exporter_set_retry (exporter, 2, 10, 40);
  for (int i = 0; i < 3; i++)
    receiver_script (r, i == 0 ? 429 : (i == 1 ? 502 : 504), NULL, NULL, NULL);
  run_export (r, exporter, trace);

  g_assert_false (r->ok);
  g_assert_error (r->error, FT_OTLP_ERROR, FT_OTLP_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (r->error->message, "504"));
  g_assert_cmpuint (r->n_requests, ==, 3);
  g_assert_cmpuint (r->report.n_retries, ==, 2);
  g_assert_cmpuint (r->report.n_failures, ==, 1);
  g_assert_cmpuint (r->report.n_spans, ==, 0);
}

static void
test_fail_fast (gconstpointer data)
{
  FtOtlpEncoding encoding = GPOINTER_TO_INT (data);
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_data_trace ("complex-app.json");
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, encoding, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *long_text = g_strnfill (5000, 'x');
  g_autofree char *body = g_strdup_printf ("{\"code\":3,\"message\":\"span 7: invalid parent span id %s\"}", long_text);

  ft_otlp_exporter_add_header (exporter, "Authorization", "Bearer top-secret-value", &error);
  g_assert_no_error (error);
  receiver_script (r, 400, NULL, "application/json", body);
  run_export (r, exporter, trace);

  g_assert_false (r->ok);
  g_assert_error (r->error, FT_OTLP_ERROR, FT_OTLP_ERROR_REJECTED);
  g_assert_nonnull (strstr (r->error->message, "400"));
  g_assert_nonnull (strstr (r->error->message, "span 7: invalid parent span id xxx"));
  g_assert_cmpuint (strlen (r->error->message), <, 600);   /* cut */
  g_assert_null (strstr (r->error->message, "top-secret"));
  g_assert_cmpuint (r->n_requests, ==, 1);                 /* no retry */
  g_assert_cmpuint (r->report.n_retries, ==, 0);
  g_assert_cmpuint (r->report.n_failures, ==, 1);
}

/* The receiver's protobuf google.rpc.Status message is read too. */
static void
test_fail_fast_protobuf_status (void)
{
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_data_trace ("complex-app.json");
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, FT_OTLP_ENCODING_PROTOBUF, FALSE);
  /* Status { code = 3; message = "no tenant" } */
  static const char status[] = "\x08\x03\x12\x09no tenant";

  receiver_script (r, 401, NULL, "application/x-protobuf", status);
  run_export (r, exporter, trace);
  g_assert_error (r->error, FT_OTLP_ERROR, FT_OTLP_ERROR_REJECTED);
  g_assert_nonnull (strstr (r->error->message, "401: no tenant"));
}

/* A 200 with a partial success still loses spans: the export says so. */
static void
test_partial_success (gconstpointer data)
{
  FtOtlpEncoding encoding = GPOINTER_TO_INT (data);
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_data_trace ("complex-app.json");
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, encoding, FALSE);

  if (encoding == FT_OTLP_ENCODING_JSON)
    receiver_script (r, 200, NULL, "application/json",
                     "{\"partialSuccess\":{\"rejectedSpans\":\"3\",\"errorMessage\":\"spans too old\"}}");
  else
    /* ExportTraceServiceResponse { partial_success { rejected_spans: 3, error_message: "spans too old" } } */
    receiver_script (r, 200, NULL, "application/x-protobuf", "\x0a\x11\x08\x03\x12\x0dspans too old");
  run_export (r, exporter, trace);

  g_assert_false (r->ok);
  g_assert_error (r->error, FT_OTLP_ERROR, FT_OTLP_ERROR_REJECTED);
  g_assert_nonnull (strstr (r->error->message, "refused 3 spans: spans too old"));
  g_assert_cmpuint (r->report.n_rejected, ==, 3);
}

static void
test_unreachable (void)
{
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_data_trace ("complex-app.json");
  g_autoptr(FtOtlpExporter) exporter = NULL;
  g_autoptr(GError) error = NULL;
  FtOtlpOptions options;

  /* The receiver's port, closed: nothing listens there any more. */
  soup_server_disconnect (r->server);
  ft_otlp_options_init (&options);
  exporter = ft_otlp_exporter_new (r->url, &options, &error);
  g_assert_no_error (error);
  ft_otlp_exporter_add_header (exporter, "X-Api-Key", "hunter2", &error);
  ft_otlp_exporter_set_retry (exporter, 2, 10, 20);
  run_export (r, exporter, trace);

  g_assert_error (r->error, FT_OTLP_ERROR, FT_OTLP_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (r->error->message, "127.0.0.1"));
  g_assert_null (strstr (r->error->message, "hunter2"));
  g_assert_cmpuint (r->report.n_retries, ==, 2);
  g_assert_cmpuint (r->report.n_failures, ==, 1);
}

static void
test_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FtOtlpExporter) exporter = NULL;
  FtOtlpOptions options;

  ft_otlp_options_init (&options);
  for (guint i = 0; i < 4; i++)
    {
      const char *bad[] = { "localhost:4318", "ftp://host/v1/traces", "http://", "not a url" };

      g_assert_null (ft_otlp_exporter_new (bad[i], &options, &error));
      g_assert_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_BAD_URL);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_clear_error (&error);
    }

  exporter = ft_otlp_exporter_new ("https://user:pw@collector.example:4318/v1/traces?token=abc", &options, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ft_otlp_exporter_get_display_url (exporter), ==, "https://collector.example:4318/v1/traces");

  g_assert_false (ft_otlp_exporter_add_header_text (exporter, "Bearer-only-token", &error));
  g_assert_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_BAD_HEADER);
  g_assert_null (strstr (error->message, "Bearer-only-token"));
  g_clear_error (&error);
  g_assert_false (ft_otlp_exporter_add_header_text (exporter, "X-Key=abc\r\nInjected: 1", &error));
  g_assert_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_BAD_HEADER);
  g_assert_nonnull (strstr (error->message, "X-Key"));
  g_assert_null (strstr (error->message, "abc"));
  g_clear_error (&error);
  g_assert_false (ft_otlp_exporter_add_header_text (exporter, "Bad Name=v", &error));
  g_assert_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_BAD_HEADER);
}

/* The original tool's files have no start_ns: times are made up, children
 * inside parents and siblings one after the other. */
static const char original_trace[] =
  "[{\"id\":0,\"callable\":\"script.py\",\"module\":\"__main__\",\"called\":\"script.py\",\"caller\":null,"
  "\"instance_id\":null,\"inputs\":{},\"output\":null,\"error\":null,\"duration_ms\":10.0,\"calls\":["
  "{\"id\":1,\"callable\":\"lookup\",\"module\":\"demo.prices\",\"called\":\"PriceBook\",\"caller\":\"x\","
  "\"instance_id\":140000000001,\"inputs\":{\"sku\":\"A-1\"},\"output\":9.99,\"error\":null,\"duration_ms\":2.5,\"calls\":["
  "{\"id\":2,\"callable\":\"norm\",\"module\":\"demo.prices\",\"called\":\"norm\",\"caller\":\"x\",\"instance_id\":null,"
  "\"inputs\":{},\"output\":null,\"error\":null,\"duration_ms\":1.0,\"calls\":[]}]},"
  "{\"id\":3,\"callable\":\"total\",\"module\":\"demo.taxes\",\"called\":\"total\",\"caller\":\"x\",\"instance_id\":null,"
  "\"inputs\":{\"items\":[1,2]},\"output\":null,\"error\":\"KeyError('vat')\",\"duration_ms\":3.0,\"calls\":[]},"
  "{\"id\":4,\"callable\":\"late\",\"module\":\"demo.taxes\",\"called\":\"late\",\"caller\":\"x\",\"instance_id\":null,"
  "\"inputs\":{},\"output\":null,\"error\":null,\"duration_ms\":null,\"calls\":[]}"
  "]}]";

static Span *
find_span (GPtrArray  *spans,
           const char *name)
{
  for (guint i = 0; i < spans->len; i++)
    if (g_str_equal (((Span *) spans->pdata[i])->name, name))
      return spans->pdata[i];
  g_error ("no span named %s", name);
}

static void
test_synthesised_times (void)
{
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_text_trace ("original.json", original_trace);
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, FT_OTLP_ENCODING_JSON, FALSE);
  Span *root, *lookup, *norm, *total, *late;

  run_export (r, exporter, trace);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->spans->len, ==, 5);
  root = find_span (r->spans, "__main__::script.py");
  lookup = find_span (r->spans, "demo.prices::PriceBook.lookup#140000000001");
  norm = find_span (r->spans, "demo.prices::norm");
  total = find_span (r->spans, "demo.taxes::total");
  late = find_span (r->spans, "demo.taxes::late");

  g_assert_cmpuint (root->end - root->start, ==, 10000000);
  g_assert_cmpuint (lookup->start, ==, root->start);
  g_assert_cmpuint (lookup->end - lookup->start, ==, 2500000);
  g_assert_cmpuint (norm->start, ==, lookup->start);
  g_assert_cmpuint (norm->end, <=, lookup->end);
  g_assert_cmpuint (total->start, ==, lookup->end);        /* siblings in order */
  g_assert_cmpuint (total->end - total->start, ==, 3000000);
  g_assert_cmpuint (late->start, ==, total->end);
  g_assert_cmpuint (late->end, ==, root->end);              /* no duration: runs to its parent's end */
  g_assert_cmpstr (g_hash_table_lookup (total->attrs, "flowtrace.inputs_present"), ==, "true");
  g_assert_cmpstr (g_hash_table_lookup (late->attrs, "flowtrace.inputs_present"), ==, "false");
  g_assert_cmpstr (g_hash_table_lookup (total->event_attrs, "exception.type"), ==, "KeyError");
  g_assert_cmpstr (g_hash_table_lookup (r->resource, "service.name"), ==, "original");
  check_mapping (trace, r->spans);
}

/* A coroutine's and an async generator's lives carry their kind, resumes
 * and running/suspended times; a life inside it that overlaps a later
 * sibling stays inside its parent. */
static const char life_trace[] =
  "[{\"id\":0,\"callable\":\"a.py\",\"module\":\"__main__\",\"called\":\"a.py\",\"caller\":null,"
  "\"instance_id\":null,\"flowtrace\":{\"version\":2,\"started_unix_ns\":1700000000000000000,\"complete\":true},"
  "\"start_ns\":0,\"inputs\":{},\"calls\":["
  "{\"id\":1,\"callable\":\"main\",\"module\":\"m\",\"called\":\"main\",\"caller\":null,\"instance_id\":null,"
  "\"kind\":\"coroutine\",\"start_ns\":1000,\"inputs\":{},\"calls\":["
   "{\"id\":3,\"callable\":\"later\",\"module\":\"m\",\"called\":\"later\",\"caller\":null,\"instance_id\":null,"
   "\"start_ns\":3000,\"inputs\":{},\"calls\":[],\"output\":null,\"error\":null,\"duration_ms\":0.001},"
   "{\"id\":2,\"callable\":\"ticks\",\"module\":\"m\",\"called\":\"ticks\",\"caller\":null,\"instance_id\":null,"
   "\"kind\":\"async_generator\",\"start_ns\":2000,\"inputs\":{},\"calls\":[],\"output\":null,\"error\":null,"
   "\"duration_ms\":0.004,\"running_ms\":0.001,\"suspended_ms\":0.003,\"resumes\":2,\"yields\":2,\"closed\":true}"
  "],\"output\":null,\"error\":null,\"duration_ms\":0.008,\"running_ms\":0.002,\"suspended_ms\":0.006,"
  "\"resumes\":3,\"yields\":3}"
  "],\"output\":null,\"error\":null,\"duration_ms\":0.01}]";

static void
test_lives (void)
{
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_text_trace ("lives.json", life_trace);
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, FT_OTLP_ENCODING_JSON, FALSE);
  Span *main_span, *ticks, *later;

  run_export (r, exporter, trace);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->spans->len, ==, 4);
  main_span = find_span (r->spans, "m::main");
  ticks = find_span (r->spans, "m::ticks");
  later = find_span (r->spans, "m::later");
  g_assert_cmpstr (g_hash_table_lookup (main_span->attrs, "flowtrace.kind"), ==, "coroutine");
  g_assert_cmpstr (g_hash_table_lookup (main_span->attrs, "flowtrace.resumes"), ==, "3");
  g_assert_nonnull (g_hash_table_lookup (main_span->attrs, "flowtrace.running_ms"));
  g_assert_nonnull (g_hash_table_lookup (main_span->attrs, "flowtrace.suspended_ms"));
  g_assert_false (g_hash_table_contains (main_span->attrs, "flowtrace.closed"));
  g_assert_cmpstr (g_hash_table_lookup (ticks->attrs, "flowtrace.kind"), ==, "async_generator");
  g_assert_cmpstr (g_hash_table_lookup (ticks->attrs, "flowtrace.closed"), ==, "true");
  g_assert_false (g_hash_table_contains (later->attrs, "flowtrace.kind"));
  g_assert_false (g_hash_table_contains (later->attrs, "flowtrace.resumes"));
  /* start_ns places them, whatever their order in the file */
  g_assert_cmpuint (ticks->start, <, later->start);
  g_assert_cmpuint (ticks->start, >=, main_span->start);
  g_assert_cmpuint (ticks->end, <=, main_span->end);
}

/* start_ns and 3-decimal durations can put a child a little outside its
 * parent; Jaeger expects it inside, so it is clamped. */
static const char rounded_trace[] =
  "[{\"id\":0,\"callable\":\"r.py\",\"module\":\"__main__\",\"called\":\"r.py\",\"caller\":null,"
  "\"instance_id\":null,\"flowtrace\":{\"version\":2,\"started_unix_ns\":1700000000000000000,\"complete\":true},"
  "\"start_ns\":0,\"inputs\":{},\"calls\":["
  "{\"id\":1,\"callable\":\"outer\",\"module\":\"m\",\"called\":\"outer\",\"caller\":null,\"instance_id\":null,"
  "\"start_ns\":1000,\"inputs\":{},\"calls\":["
  "{\"id\":2,\"callable\":\"early\",\"module\":\"m\",\"called\":\"early\",\"caller\":null,\"instance_id\":null,"
  "\"start_ns\":500,\"inputs\":{},\"calls\":[],\"output\":null,\"error\":null,\"duration_ms\":0.0002},"
  "{\"id\":3,\"callable\":\"late\",\"module\":\"m\",\"called\":\"late\",\"caller\":null,\"instance_id\":null,"
  "\"start_ns\":1500,\"inputs\":{},\"calls\":[],\"output\":null,\"error\":null,\"duration_ms\":0.001}"
  "],\"output\":null,\"error\":null,\"duration_ms\":0.001}"
  "],\"output\":null,\"error\":null,\"duration_ms\":0.01}]";

static void
test_clamped_times (void)
{
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_text_trace ("rounded.json", rounded_trace);
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, FT_OTLP_ENCODING_PROTOBUF, FALSE);
  const guint64 base = G_GUINT64_CONSTANT (1700000000000000000);
  Span *outer, *early, *late;

  run_export (r, exporter, trace);
  g_assert_no_error (r->error);
  outer = find_span (r->spans, "m::outer");
  early = find_span (r->spans, "m::early");
  late = find_span (r->spans, "m::late");
  g_assert_cmpuint (find_span (r->spans, "__main__::r.py")->start, ==, base);
  g_assert_cmpuint (outer->start, ==, base + 1000);
  g_assert_cmpuint (outer->end, ==, base + 2000);
  g_assert_cmpuint (early->start, ==, base + 1000);   /* moved to its parent's start */
  g_assert_cmpuint (early->end, ==, base + 1000);     /* 500 + 200 ns, then clamped */
  g_assert_cmpuint (late->start, ==, base + 1500);
  g_assert_cmpuint (late->end, ==, base + 2000);      /* 2500 cut at its parent's end */
}

/* Metadata of the wrong types (a hand-edited or foreign file) and a
 * duration beyond 2^64 ns: times from the file's date, no pid or Python
 * version, a valid body, and no critical from json-glib (fatal here). */
static const char odd_metadata_trace[] =
  "[{\"id\":0,\"callable\":\"odd.py\",\"module\":\"__main__\",\"called\":\"odd.py\",\"caller\":null,"
  "\"flowtrace\":{\"version\":\"2\",\"started_unix_ns\":\"soon\",\"pid\":[1],\"python\":3.11},"
  "\"inputs\":{},\"calls\":["
  "{\"id\":1,\"kind\":\"thread\",\"callable\":\"T\",\"thread_id\":{\"x\":1},\"calls\":["
  "{\"id\":2,\"callable\":\"forever\",\"module\":\"m\",\"called\":\"forever\",\"inputs\":{},"
  "\"calls\":[],\"output\":null,\"error\":null,\"duration_ms\":1e300}]}"
  "],\"output\":null,\"error\":null,\"duration_ms\":5}]";

static void
test_odd_metadata (gconstpointer data)
{
  FtOtlpEncoding encoding = GPOINTER_TO_INT (data);
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_text_trace ("odd-metadata.json", odd_metadata_trace);
  g_autoptr(FtOtlpExporter) exporter = new_exporter (r, encoding, FALSE);
  guint64 now_ns = (guint64) g_get_real_time () * 1000;
  Span *root, *forever;

  run_export (r, exporter, trace);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->spans->len, ==, 3);
  root = find_span (r->spans, "__main__::odd.py");
  forever = find_span (r->spans, "m::forever");
  /* the file was written just now: the run started 5 ms before that */
  g_assert_cmpuint (root->start, <=, now_ns);
  g_assert_cmpuint (root->start, >, now_ns - 3600 * G_GUINT64_CONSTANT (1000000000));
  g_assert_cmpuint (forever->end, ==, root->end);   /* clamped inside its caller */
  g_assert_cmpstr (g_hash_table_lookup (forever->attrs, "flowtrace.duration_ms"), ==, "1e+300");
  g_assert_false (g_hash_table_contains (r->resource, "process.pid"));
  g_assert_false (g_hash_table_contains (r->resource, "process.runtime.version"));
}

static void
test_filters (void)
{
  g_autoptr(FtTrace) trace = load_data_trace ("complex-app.json");
  FtOtlpOptions options;
  g_autoptr(FtOtlpEncoder) all = NULL;
  g_autoptr(FtOtlpEncoder) shallow = NULL;
  g_autoptr(FtOtlpEncoder) slow = NULL;
  guint n_top = 0, n_depth2 = 0, n_slow = 0, n_calls = 0;

  /* What the filters should keep, counted from the tree itself. */
  for (FtNodeId n = 0; n < ft_trace_get_n_nodes (trace); n++)
    {
      guint depth = 0;
      gboolean slow_chain = TRUE;

      if (ft_trace_get_kind (trace, n) != FT_NODE_KIND_CALL || ft_trace_get_parent (trace, n) == FT_NODE_NONE)
        continue;
      n_calls++;
      for (FtNodeId a = n; a != FT_NODE_NONE && ft_trace_get_kind (trace, a) == FT_NODE_KIND_CALL
                           && ft_trace_get_parent (trace, a) != FT_NODE_NONE; a = ft_trace_get_parent (trace, a))
        {
          depth++;
          if (ft_trace_get_duration_ms (trace, a) < 0.05)
            slow_chain = FALSE;
        }
      n_top += depth == 1;
      n_depth2 += depth <= 2;
      n_slow += slow_chain;
    }
  g_assert_cmpuint (n_top, <, n_depth2);
  g_assert_cmpuint (n_slow, <, n_calls);

  ft_otlp_options_init (&options);
  all = ft_otlp_encoder_new (trace, &options);
  g_assert_cmpuint (ft_otlp_encoder_get_n_spans (all), ==, ft_trace_get_n_nodes (trace));
  options.max_depth = 2;
  shallow = ft_otlp_encoder_new (trace, &options);
  g_assert_cmpuint (ft_otlp_encoder_get_n_spans (shallow), ==, n_depth2 + 2);   /* + root and thread */
  options.max_depth = 0;
  options.min_duration_ms = 0.05;
  slow = ft_otlp_encoder_new (trace, &options);
  g_assert_cmpuint (ft_otlp_encoder_get_n_spans (slow), ==, n_slow + 2);
}

static void
test_trace_per_call (void)
{
  g_autoptr(Receiver) r = receiver_new ();
  g_autoptr(FtTrace) trace = load_data_trace ("conc-demo.json");
  g_autoptr(FtOtlpExporter) exporter = NULL;
  g_autoptr(GHashTable) trace_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_id = NULL;
  g_autoptr(GError) error = NULL;
  FtOtlpOptions options;
  guint n_top = 0, n_roots = 0;

  ft_otlp_options_init (&options);
  options.trace_per_call = TRUE;
  options.max_depth = 1;
  options.service_name = (char *) "conc";
  exporter = ft_otlp_exporter_new (r->url, &options, &error);
  g_assert_no_error (error);
  run_export (r, exporter, trace);
  g_assert_no_error (r->error);

  /* Top-level calls: calls directly under a thread (or the root). */
  for (FtNodeId n = 0; n < ft_trace_get_n_nodes (trace); n++)
    {
      FtNodeId p = ft_trace_get_parent (trace, n);

      if (p != FT_NODE_NONE && ft_trace_get_kind (trace, n) == FT_NODE_KIND_CALL
          && (ft_trace_get_kind (trace, p) == FT_NODE_KIND_THREAD || ft_trace_get_parent (trace, p) == FT_NODE_NONE))
        n_top++;
    }

  by_id = spans_by_id (r->spans);
  g_assert_cmpuint (r->spans->len, ==, n_top);
  for (guint i = 0; i < r->spans->len; i++)
    {
      Span *s = r->spans->pdata[i];

      g_assert_null (s->parent_id);
      g_assert_false (g_hash_table_contains (s->attrs, "flowtrace.kind"));
      g_hash_table_add (trace_ids, s->trace_id);
      n_roots++;
    }
  g_assert_cmpuint (g_hash_table_size (trace_ids), ==, n_roots);
  g_assert_cmpstr (g_hash_table_lookup (r->resource, "service.name"), ==, "conc");
}

/* https with a self-signed certificate: refused at once against the
 * system's authorities, accepted with it as --cacert. */
static void
test_https (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *cert = g_build_filename (tmp_dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (tmp_dir, "key.pem", NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(FtTrace) trace = load_data_trace ("complex-app.json");
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed: it makes the test's self-signed certificate");
      return;
    }
  {
    const char *argv[] = { openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                           "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                           "-addext", "subjectAltName=IP:127.0.0.1", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);

  {
    g_autoptr(Receiver) r = receiver_new_tls (certificate);
    g_autoptr(FtOtlpExporter) exporter = new_exporter (r, FT_OTLP_ENCODING_PROTOBUF, FALSE);

    run_export (r, exporter, trace);
    g_assert_false (r->ok);
    g_assert_error (r->error, FT_OTLP_ERROR, FT_OTLP_ERROR_UNREACHABLE);
    g_assert_nonnull (strstr (r->error->message, "--cacert"));
    g_assert_cmpuint (r->report.n_retries, ==, 0);   /* a certificate does not get better */
    g_assert_cmpuint (r->n_requests, ==, 0);
  }
  {
    g_autoptr(Receiver) r = receiver_new_tls (certificate);
    g_autoptr(FtOtlpExporter) exporter = new_exporter (r, FT_OTLP_ENCODING_PROTOBUF, FALSE);

    g_assert_true (g_str_has_prefix (r->url, "https://"));
    ft_otlp_exporter_set_ca_file (exporter, cert, &error);
    g_assert_no_error (error);
    run_export (r, exporter, trace);
    g_assert_no_error (r->error);
    check_mapping (trace, r->spans);
  }
  g_remove (cert);
  g_remove (key);
}

/* In the ASan build, LeakSanitizer's own tracer crashes now and then while
 * it stops this program's idle libsoup and GTask threads at exit (gcc 12's
 * runtime, glibc 2.36: "Tracer caught signal 11").  Its leaks are checked
 * by valgrind instead: meson test --setup valgrind test-otlp. */
int __lsan_is_turned_off (void);

int
__lsan_is_turned_off (void)
{
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("test-otlp-XXXXXX", NULL);

  g_test_add_data_func ("/flowtrace/otlp/mapping/json", GINT_TO_POINTER (FT_OTLP_ENCODING_JSON), test_mapping);
  g_test_add_data_func ("/flowtrace/otlp/mapping/protobuf", GINT_TO_POINTER (FT_OTLP_ENCODING_PROTOBUF), test_mapping);
  g_test_add_func ("/flowtrace/otlp/threads-gzip", test_threads);
  g_test_add_data_func ("/flowtrace/otlp/batching/json-gzip", GINT_TO_POINTER (FT_OTLP_ENCODING_JSON), test_batching);
  g_test_add_data_func ("/flowtrace/otlp/batching/protobuf-gzip", GINT_TO_POINTER (FT_OTLP_ENCODING_PROTOBUF), test_batching);
  g_test_add_data_func ("/flowtrace/otlp/retry/503-retry-after-seconds", "1", test_retry_after);
  g_test_add_data_func ("/flowtrace/otlp/retry/503-retry-after-date", NULL, test_retry_after);
  g_test_add_func ("/flowtrace/otlp/retry/429-502-504-give-up", test_retry_429_then_give_up);
  g_test_add_data_func ("/flowtrace/otlp/fail-fast/400-json", GINT_TO_POINTER (FT_OTLP_ENCODING_JSON), test_fail_fast);
  g_test_add_data_func ("/flowtrace/otlp/fail-fast/400-protobuf", GINT_TO_POINTER (FT_OTLP_ENCODING_PROTOBUF), test_fail_fast);
  g_test_add_func ("/flowtrace/otlp/fail-fast/401-status", test_fail_fast_protobuf_status);
  g_test_add_data_func ("/flowtrace/otlp/partial-success/json", GINT_TO_POINTER (FT_OTLP_ENCODING_JSON), test_partial_success);
  g_test_add_data_func ("/flowtrace/otlp/partial-success/protobuf", GINT_TO_POINTER (FT_OTLP_ENCODING_PROTOBUF), test_partial_success);
  g_test_add_func ("/flowtrace/otlp/unreachable", test_unreachable);
  g_test_add_func ("/flowtrace/otlp/bad-input", test_bad_input);
  g_test_add_func ("/flowtrace/otlp/synthesised-times", test_synthesised_times);
  g_test_add_func ("/flowtrace/otlp/lives", test_lives);
  g_test_add_func ("/flowtrace/otlp/clamped-times", test_clamped_times);
  g_test_add_func ("/flowtrace/otlp/filters", test_filters);
  g_test_add_data_func ("/flowtrace/otlp/odd-metadata/json", GINT_TO_POINTER (FT_OTLP_ENCODING_JSON), test_odd_metadata);
  g_test_add_data_func ("/flowtrace/otlp/odd-metadata/protobuf", GINT_TO_POINTER (FT_OTLP_ENCODING_PROTOBUF), test_odd_metadata);
  g_test_add_func ("/flowtrace/otlp/trace-per-call", test_trace_per_call);
  g_test_add_func ("/flowtrace/otlp/https", test_https);

  status = g_test_run ();
  {
    g_autofree char *original = g_build_filename (tmp_dir, "original.json", NULL);
    g_autofree char *rounded = g_build_filename (tmp_dir, "rounded.json", NULL);

    g_remove (original);
    g_remove (rounded);
    g_rmdir (tmp_dir);
  }
  return status;
}
