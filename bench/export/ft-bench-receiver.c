/* ft-bench-receiver.c: a local OTLP/HTTP receiver that counts spans
 *
 * SPDX-License-Identifier: MIT
 *
 *   ft-bench-receiver PORTFILE
 *
 * Listens on 127.0.0.1 (a free port, written to PORTFILE), accepts
 * POST /v1/traces in both encodings (gzip too), and counts the spans in
 * each request: protobuf by walking ExportTraceServiceRequest ->
 * ResourceSpans -> ScopeSpans -> spans, JSON by counting "spanId" keys.
 * GET /count answers "SPANS REQUESTS BYTES"; GET /reset zeroes them;
 * GET /quit stops the receiver.  For bench/export/run-bench.py.
 */

#define _GNU_SOURCE   /* memmem */

#include <libsoup/soup.h>
#include <string.h>

static guint64 n_spans, n_requests, n_bytes;
static GMainLoop *loop;

static gboolean
varint (const guint8 *p,
        gsize         len,
        gsize        *pos,
        guint64      *v)
{
  guint shift = 0;

  *v = 0;
  while (*pos < len && shift < 64)
    {
      guint8 b = p[(*pos)++];

      *v |= (guint64) (b & 0x7F) << shift;
      if (!(b & 0x80))
        return TRUE;
      shift += 7;
    }
  return FALSE;
}

/* Counts fields @want (length-delimited) at @depth of the path
 * request(1) -> resource_spans(2) -> scope_spans(2) -> spans. */
static guint64
count_pb (const guint8 *p,
          gsize         len,
          int           depth)
{
  static const guint path[] = { 1, 2, 2 };
  guint64 count = 0;
  gsize pos = 0;

  while (pos < len)
    {
      guint64 key, n;

      if (!varint (p, len, &pos, &key))
        return count;
      switch (key & 7)
        {
        case 0: if (!varint (p, len, &pos, &n)) return count; break;
        case 1: pos += 8; break;
        case 5: pos += 4; break;
        case 2:
          if (!varint (p, len, &pos, &n) || n > len - pos)
            return count;
          if ((key >> 3) == path[depth])
            count += depth == 2 ? 1 : count_pb (p + pos, n, depth + 1);
          pos += n;
          break;
        default:
          return count;
        }
    }
  return count;
}

static guint64
count_json (const char *p,
            gsize       len)
{
  static const char key[] = "\"spanId\"";
  const char *end = p + len;
  guint64 count = 0;

  while ((p = memmem (p, end - p, key, sizeof key - 1)) != NULL)
    {
      count++;
      p += sizeof key - 1;
    }
  return count;
}

static GBytes *
gunzip (GBytes *input)
{
  g_autoptr(GZlibDecompressor) dec = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) mem = g_memory_input_stream_new_from_bytes (input);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (mem, G_CONVERTER (dec));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, NULL);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static void
traces_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_one (req, "Content-Type");
  g_autoptr(GBytes) raw = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GBytes) body = NULL;
  gsize len;
  const void *data;

  n_bytes += g_bytes_get_size (raw);
  body = g_strcmp0 (soup_message_headers_get_one (req, "Content-Encoding"), "gzip") == 0
         ? gunzip (raw) : g_bytes_ref (raw);
  data = g_bytes_get_data (body, &len);
  if (g_strcmp0 (type, "application/json") == 0)
    n_spans += count_json (data, len);
  else
    n_spans += count_pb (data, len, 0);
  n_requests++;
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/x-protobuf", SOUP_MEMORY_STATIC, "", 0);
}

static void
control_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  g_autofree char *text = NULL;

  if (g_str_equal (path, "/reset"))
    n_spans = n_requests = n_bytes = 0;
  else if (g_str_equal (path, "/quit"))
    g_main_loop_quit (loop);
  text = g_strdup_printf ("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
                          n_spans, n_requests, n_bytes);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  GSList *uris;

  if (argc != 2)
    {
      g_printerr ("usage: ft-bench-receiver PORTFILE\n");
      return 2;
    }

  soup_server_add_handler (server, "/v1/traces", traces_cb, NULL, NULL);
  soup_server_add_handler (server, "/count", control_cb, NULL, NULL);
  soup_server_add_handler (server, "/reset", control_cb, NULL, NULL);
  soup_server_add_handler (server, "/quit", control_cb, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      g_printerr ("ft-bench-receiver: %s\n", error->message);
      return 1;
    }
  uris = soup_server_get_uris (server);
  port = g_strdup_printf ("%d\n", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  if (!g_file_set_contents (argv[1], port, -1, &error))
    {
      g_printerr ("ft-bench-receiver: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);
  return 0;
}
