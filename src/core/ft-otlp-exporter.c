/* ft-otlp-exporter.c: send a trace to an OTLP/HTTP receiver
 *
 * SPDX-License-Identifier: MIT
 *
 * The whole export runs in one worker thread with a SoupSession of its
 * own, used synchronously: encode a batch, send it, repeat.  A batch is
 * only dropped from memory once the receiver accepted it, so no span is
 * lost silently (the original's batch processor dropped spans past its
 * 2048-span queue).  Retries follow the OTLP/HTTP specification: 429,
 * 502, 503 and 504 and connection errors are retried with exponential
 * backoff and jitter, honouring Retry-After; any other 4xx fails at once
 * with the server's own message.
 *
 * Header values are secrets (tokens): they go into requests and nowhere
 * else, never into a message, a log line or a setting.
 */

#define G_LOG_DOMAIN "ft-otlp-exporter"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "ft-otlp-exporter.h"

#define MAX_SERVER_MESSAGE 300
#define MAX_RETRY_AFTER_MS (300 * 1000)

struct _FtOtlpExporter
{
  GObject        parent_instance;

  GUri          *uri;
  char          *display_url;
  FtOtlpOptions  options;
  GPtrArray     *header_names;
  GPtrArray     *header_values;
  guint          max_spans;
  gsize          max_bytes;
  guint          max_retries;
  guint          initial_backoff_ms;
  guint          max_backoff_ms;
  GTlsDatabase  *tls_database;
};

G_DEFINE_FINAL_TYPE (FtOtlpExporter, ft_otlp_exporter, G_TYPE_OBJECT)

G_DEFINE_QUARK (ft-otlp-error-quark, ft_otlp_error)

static void
ft_otlp_exporter_finalize (GObject *object)
{
  FtOtlpExporter *self = (FtOtlpExporter *) object;

  g_clear_pointer (&self->uri, g_uri_unref);
  g_clear_pointer (&self->display_url, g_free);
  g_clear_pointer (&self->header_names, g_ptr_array_unref);
  g_clear_pointer (&self->header_values, g_ptr_array_unref);
  g_clear_object (&self->tls_database);
  ft_otlp_options_clear (&self->options);

  G_OBJECT_CLASS (ft_otlp_exporter_parent_class)->finalize (object);
}

static void
ft_otlp_exporter_class_init (FtOtlpExporterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ft_otlp_exporter_finalize;
}

static void
ft_otlp_exporter_init (FtOtlpExporter *self)
{
  self->header_names = g_ptr_array_new_with_free_func (g_free);
  self->header_values = g_ptr_array_new_with_free_func (g_free);
  self->max_spans = 2048;
  self->max_bytes = 4 << 20;
  self->max_retries = 5;
  self->initial_backoff_ms = 500;
  self->max_backoff_ms = 30000;
}

FtOtlpExporter *
ft_otlp_exporter_new (const char          *endpoint,
                      const FtOtlpOptions *options,
                      GError             **error)
{
  g_autoptr(FtOtlpExporter) self = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  g_return_val_if_fail (endpoint != NULL, NULL);
  g_return_val_if_fail (options != NULL, NULL);

  uri = g_uri_parse (endpoint, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || scheme == NULL
      || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_BAD_URL,
                   _("“%s” is not an OTLP/HTTP endpoint: give a URL such as "
                     "http://localhost:4318/v1/traces"), endpoint);
      return NULL;
    }

  self = g_object_new (FT_TYPE_OTLP_EXPORTER, NULL);
  self->uri = g_steal_pointer (&uri);
  /* No user, password or query: any of them may hold a secret. */
  self->display_url = g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (self->uri), NULL,
                                  g_uri_get_host (self->uri), g_uri_get_port (self->uri),
                                  g_uri_get_path (self->uri), NULL, NULL);
  self->options = *options;
  self->options.service_name = g_strdup (options->service_name);

  return g_steal_pointer (&self);
}

static gboolean
is_token (const char *name)
{
  if (name == NULL || name[0] == '\0')
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
ft_otlp_exporter_add_header (FtOtlpExporter *self,
                             const char     *name,
                             const char     *value,
                             GError        **error)
{
  g_return_val_if_fail (FT_IS_OTLP_EXPORTER (self), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (!is_token (name))
    {
      g_set_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_BAD_HEADER,
                   _("A header name may only hold letters, digits and !#$%%&'*+-.^_`|~ "
                     "(header %u)"), self->header_names->len + 1);
      return FALSE;
    }
  if (strpbrk (value, "\r\n") != NULL || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_BAD_HEADER,
                   _("The value of header “%s” holds a line break or is not valid text"), name);
      return FALSE;
    }

  g_ptr_array_add (self->header_names, g_strdup (name));
  g_ptr_array_add (self->header_values, g_strdup (value));
  return TRUE;
}

gboolean
ft_otlp_exporter_add_header_text (FtOtlpExporter *self,
                                  const char     *text,
                                  GError        **error)
{
  const char *eq;
  g_autofree char *name = NULL;

  g_return_val_if_fail (FT_IS_OTLP_EXPORTER (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  eq = strchr (text, '=');
  if (eq == NULL)
    {
      /* The text may be a bare token: it is not repeated here. */
      g_set_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_BAD_HEADER,
                   _("A header must be given as NAME=VALUE, e.g. Authorization=Bearer… "
                     "(header %u has no “=”)"), self->header_names->len + 1);
      return FALSE;
    }
  name = g_strstrip (g_strndup (text, eq - text));
  return ft_otlp_exporter_add_header (self, name, eq + 1, error);
}

void
ft_otlp_exporter_set_batch_limits (FtOtlpExporter *self,
                                   guint           max_spans,
                                   gsize           max_bytes)
{
  g_return_if_fail (FT_IS_OTLP_EXPORTER (self));

  self->max_spans = MAX (max_spans, 1);
  self->max_bytes = MAX (max_bytes, 1024);
}

void
ft_otlp_exporter_set_retry (FtOtlpExporter *self,
                            guint           max_retries,
                            guint           initial_backoff_ms,
                            guint           max_backoff_ms)
{
  g_return_if_fail (FT_IS_OTLP_EXPORTER (self));

  self->max_retries = max_retries;
  self->initial_backoff_ms = initial_backoff_ms;
  self->max_backoff_ms = MAX (max_backoff_ms, initial_backoff_ms);
}

gboolean
ft_otlp_exporter_set_ca_file (FtOtlpExporter  *self,
                              const char      *path,
                              GError         **error)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (FT_IS_OTLP_EXPORTER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  database = g_tls_file_database_new (path, &local_error);
  if (database == NULL)
    {
      g_set_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_BAD_CA_FILE,
                   _("Could not read the certificate authorities in “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  g_set_object (&self->tls_database, database);
  return TRUE;
}

const char *
ft_otlp_exporter_get_display_url (FtOtlpExporter *self)
{
  g_return_val_if_fail (FT_IS_OTLP_EXPORTER (self), NULL);

  return self->display_url;
}

/* The worker ------------------------------------------------------------ */

typedef struct
{
  FtTrace            *trace;
  FtOtlpReport        report;
  GMainContext       *context;
  FtOtlpProgressFunc  progress;
  gpointer            progress_data;
  GDestroyNotify      progress_destroy;
  char               *rejected_message;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->trace);
  g_clear_pointer (&data->context, g_main_context_unref);
  if (data->progress_destroy)
    data->progress_destroy (data->progress_data);
  g_free (data->rejected_message);
  g_free (data);
}

typedef struct
{
  GTask   *task;
  guint64  sent;
  guint64  total;
} ProgressCall;

static gboolean
progress_idle_cb (gpointer user_data)
{
  ProgressCall *call = user_data;
  ExportData *data = g_task_get_task_data (call->task);

  data->progress (call->sent, call->total, data->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_call_free (ProgressCall *call)
{
  g_object_unref (call->task);
  g_free (call);
}

static void
report_progress (GTask      *task,
                 ExportData *data)
{
  ProgressCall *call;

  if (data->progress == NULL)
    return;
  call = g_new0 (ProgressCall, 1);
  call->task = g_object_ref (task);
  call->sent = data->report.n_spans;
  call->total = data->report.n_spans_total;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, progress_idle_cb,
                              call, (GDestroyNotify) progress_call_free);
}

/* Sleeps @ms or until cancelled; FALSE when cancelled. */
static gboolean
cancellable_sleep (GCancellable *cancellable,
                   guint         ms)
{
  GPollFD pollfd;

  if (cancellable == NULL || !g_cancellable_make_pollfd (cancellable, &pollfd))
    {
      g_usleep ((gulong) ms * 1000);
      return TRUE;
    }
  g_poll (&pollfd, 1, ms);
  g_cancellable_release_fd (cancellable);
  return !g_cancellable_is_cancelled (cancellable);
}

/* Retry-After: delay-seconds or an HTTP-date; -1 when absent or unreadable. */
static gint64
retry_after_ms (SoupMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) now = NULL;
  char *end = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;
  while (g_ascii_isspace (*value))
    value++;
  if (g_ascii_isdigit (*value))
    {
      seconds = g_ascii_strtoull (value, &end, 10);
      return MIN (seconds * 1000, MAX_RETRY_AFTER_MS);
    }
  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return -1;
  now = g_date_time_new_now_utc ();
  return CLAMP (g_date_time_difference (date, now) / 1000, 0, MAX_RETRY_AFTER_MS);
}

static guint
backoff_ms (FtOtlpExporter *self,
            guint           attempt)
{
  guint64 delay = self->initial_backoff_ms;

  for (guint i = 0; i < attempt && delay < self->max_backoff_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->max_backoff_ms);
  /* Full jitter in the upper half, so a crowd of exporters spreads out. */
  return delay / 2 + g_random_int_range (0, (gint32) (delay / 2) + 1);
}

/* Reads google.rpc.Status.message (field 2) out of a protobuf body. */
static char *
pb_status_message (const guint8 *p,
                   gsize         len)
{
  gsize i = 0;

  while (i < len)
    {
      guint64 key = 0, v = 0;
      guint shift = 0;

      do { key |= (guint64) (p[i] & 0x7F) << shift; shift += 7; } while (i < len && (p[i++] & 0x80));
      if ((key & 7) == 0)
        {
          while (i < len && (p[i++] & 0x80));
          continue;
        }
      if ((key & 7) != 2)
        return NULL;
      shift = 0;
      do { v |= (guint64) (p[i] & 0x7F) << shift; shift += 7; } while (i < len && (p[i++] & 0x80));
      if (v > len - i)
        return NULL;
      if ((key >> 3) == 2)
        return g_strndup ((const char *) p + i, v);
      i += v;
    }
  return NULL;
}

/* What the server said, fit to show: its "message" when the body is an
 * OTLP status (JSON or protobuf), else the text; cut and cleaned. */
static char *
server_message (SoupMessage *msg,
                GBytes      *body)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  gsize len = 0;
  const guint8 *data = body ? g_bytes_get_data (body, &len) : NULL;
  g_autofree char *text = NULL;
  g_autofree char *valid = NULL;
  GString *out;

  if (len == 0)
    return g_strdup (soup_message_get_reason_phrase (msg));

  if (type != NULL && strstr (type, "protobuf") != NULL)
    text = pb_status_message (data, len);
  else if (type != NULL && strstr (type, "json") != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root, *message;

      /* "message" of another type (a foreign server) is no message */
      if (json_parser_load_from_data (parser, (const char *) data, len, NULL)
          && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root)
          && (message = json_object_get_member (json_node_get_object (root), "message")) != NULL
          && JSON_NODE_HOLDS_VALUE (message) && json_node_get_value_type (message) == G_TYPE_STRING)
        text = g_strdup (json_node_get_string (message));
    }
  if (text == NULL)
    text = g_strndup ((const char *) data, MIN (len, 4 * MAX_SERVER_MESSAGE));

  valid = g_utf8_make_valid (text, -1);
  out = g_string_new (NULL);
  for (const char *p = valid; *p && g_utf8_strlen (out->str, -1) < MAX_SERVER_MESSAGE; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, g_unichar_iscntrl (c) ? ' ' : c);
    }
  if (*valid && g_utf8_strlen (valid, -1) > MAX_SERVER_MESSAGE)
    g_string_append (out, "…");
  g_strstrip (out->str);
  return g_string_free (out, FALSE);
}

/* A partial success: how many spans the receiver refused, and why. */
static guint64
rejected_spans (SoupMessage *msg,
                GBytes      *body,
                char       **message)
{
  const char *type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  gsize len = 0;
  const guint8 *data = body ? g_bytes_get_data (body, &len) : NULL;

  if (len == 0 || type == NULL)
    return 0;

  if (strstr (type, "json") != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *partial;
      JsonNode *root, *n;

      if (!json_parser_load_from_data (parser, (const char *) data, len, NULL)
          || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root)
          || (n = json_object_get_member (json_node_get_object (root), "partialSuccess")) == NULL
          || !JSON_NODE_HOLDS_OBJECT (n))
        return 0;
      partial = json_node_get_object (n);
      n = json_object_get_member (partial, "errorMessage");
      *message = g_strdup (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                           ? json_node_get_string (n) : "");
      n = json_object_get_member (partial, "rejectedSpans");
      if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
        return 0;
      if (json_node_get_value_type (n) == G_TYPE_STRING)
        return g_ascii_strtoull (json_node_get_string (n), NULL, 10);
      return (guint64) json_node_get_int (n);
    }

  if (strstr (type, "protobuf") != NULL && len > 2 && data[0] == 0x0A && data[1] < 0x80)
    {
      /* ExportTraceServiceResponse { partial_success = 1 { rejected_spans = 1; error_message = 2 } } */
      const guint8 *p = data + 2;
      gsize plen = MIN (data[1], len - 2), i = 0;
      guint64 rejected = 0;

      while (i < plen)
        {
          guint8 key = p[i++];
          guint64 v = 0;
          guint shift = 0;

          do { v |= (guint64) (p[i] & 0x7F) << shift; shift += 7; } while (i < plen && (p[i++] & 0x80));
          if (key == 0x08)
            rejected = v;
          else if (key == 0x12 && v <= plen - i)
            {
              *message = g_strndup ((const char *) p + i, v);
              i += v;
            }
          else
            break;
        }
      return rejected;
    }
  return 0;
}

typedef enum { SEND_OK, SEND_RETRY, SEND_FAIL } SendResult;

static SendResult
send_once (FtOtlpExporter *self,
           SoupSession    *session,
           GBytes         *body,
           ExportData     *data,
           GCancellable   *cancellable,
           gint64         *retry_after,
           GError        **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new_from_uri (SOUP_METHOD_POST, self->uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *partial_message = NULL;
  guint status;

  for (guint i = 0; i < self->header_names->len; i++)
    soup_message_headers_replace (headers, self->header_names->pdata[i], self->header_values->pdata[i]);
  if (self->options.gzip)
    soup_message_headers_replace (headers, "Content-Encoding", "gzip");
  soup_message_set_request_body_from_bytes (msg, ft_otlp_encoding_content_type (self->options.encoding), body);

  response = soup_session_send_and_read (session, msg, cancellable, &local_error);
  if (response == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return SEND_FAIL;
        }
      /* A certificate does not get better by trying again. */
      if (local_error->domain == G_TLS_ERROR)
        {
          g_set_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_UNREACHABLE,
                       _("Could not open a secure connection to %s: %s (a receiver with a private "
                         "certificate authority needs its certificate: --cacert FILE)"),
                       self->display_url, local_error->message);
          return SEND_FAIL;
        }
      g_set_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_UNREACHABLE,
                   _("Could not reach %s: %s"), self->display_url, local_error->message);
      return SEND_RETRY;
    }

  status = soup_message_get_status (msg);
  if (status >= 200 && status < 300)
    {
      guint64 rejected = rejected_spans (msg, response, &partial_message);

      if (rejected > 0)
        {
          data->report.n_rejected += rejected;
          g_free (data->rejected_message);
          data->rejected_message = g_utf8_make_valid (partial_message ? partial_message : "", -1);
        }
      return SEND_OK;
    }

  if (status == 429 || status == 502 || status == 503 || status == 504)
    {
      *retry_after = retry_after_ms (msg);
      g_set_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_UNREACHABLE,
                   _("%s answered HTTP %u %s"), self->display_url, status,
                   soup_message_get_reason_phrase (msg));
      return SEND_RETRY;
    }

  {
    g_autofree char *text = server_message (msg, response);

    g_set_error (error, FT_OTLP_ERROR, status < 500 ? FT_OTLP_ERROR_REJECTED : FT_OTLP_ERROR_SERVER,
                 _("%s refused the spans with HTTP %u: %s"), self->display_url, status, text);
  }
  return SEND_FAIL;
}

/* Sends one batch, retrying as the OTLP specification says. */
static gboolean
send_batch (FtOtlpExporter *self,
            SoupSession    *session,
            GBytes         *body,
            ExportData     *data,
            GCancellable   *cancellable,
            GError        **error)
{
  for (guint attempt = 0;; attempt++)
    {
      g_autoptr(GError) local_error = NULL;
      gint64 retry_after = -1;
      SendResult result;

      result = send_once (self, session, body, data, cancellable, &retry_after, &local_error);
      if (result == SEND_OK)
        return TRUE;
      if (result == SEND_FAIL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (attempt >= self->max_retries)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      g_dngettext (GETTEXT_PACKAGE, "Gave up after %u retry: ",
                                                   "Gave up after %u retries: ", attempt), attempt);
          return FALSE;
        }

      g_debug ("retrying a batch: %s", local_error->message);
      data->report.n_retries++;
      if (!cancellable_sleep (cancellable, retry_after >= 0 ? (guint) retry_after : backoff_ms (self, attempt)))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The export was canceled"));
          return FALSE;
        }
    }
}

/* Encoding runs one batch ahead of sending, in a thread of its own: the
 * next batch is ready (and compressed) when the receiver answers.  At
 * most PIPELINE_DEPTH batches wait in memory. */
#define PIPELINE_DEPTH 3

typedef struct
{
  GBytes *body;       /* NULL: no more batches (error set when it failed) */
  guint   n_spans;
  GError *error;
} Batch;

typedef struct
{
  FtOtlpEncoder *encoder;
  GAsyncQueue   *batches;     /* of Batch*, encoder -> sender */
  GAsyncQueue   *credits;     /* sender -> encoder: room for one more batch */
  guint          max_spans;
  gsize          max_bytes;
  gint           stop;
} Pipeline;

static void
batch_free (Batch *batch)
{
  g_clear_pointer (&batch->body, g_bytes_unref);
  g_clear_error (&batch->error);
  g_free (batch);
}

static gpointer
encoder_thread (gpointer user_data)
{
  Pipeline *pipe = user_data;

  while (TRUE)
    {
      Batch *batch;
      gboolean last;

      g_async_queue_pop (pipe->credits);
      if (g_atomic_int_get (&pipe->stop))
        return NULL;
      batch = g_new0 (Batch, 1);
      batch->body = ft_otlp_encoder_next_batch (pipe->encoder, pipe->max_spans, pipe->max_bytes,
                                                &batch->n_spans, &batch->error);
      /* once pushed, the batch is the sender's: it may be freed at once */
      last = batch->body == NULL;
      g_async_queue_push (pipe->batches, batch);
      if (last)
        return NULL;
    }
}

static gboolean
run_export (FtOtlpExporter *self,
            GTask          *task,
            ExportData     *data,
            GCancellable   *cancellable,
            GError        **error)
{
  g_autoptr(FtOtlpEncoder) encoder = ft_otlp_encoder_new (data->trace, &self->options);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60,
                                                                  "user-agent", "flowtrace/" PACKAGE_VERSION,
                                                                  NULL);
  Pipeline pipe = { encoder, g_async_queue_new_full ((GDestroyNotify) batch_free),
                    g_async_queue_new (), self->max_spans, self->max_bytes, 0 };
  GThread *thread;
  gboolean ok = TRUE;

  data->report.n_spans_total = ft_otlp_encoder_get_n_spans (encoder);
  report_progress (task, data);
  if (self->tls_database != NULL)
    soup_session_set_tls_database (session, self->tls_database);

  for (guint i = 0; i < PIPELINE_DEPTH; i++)
    g_async_queue_push (pipe.credits, GINT_TO_POINTER (1));
  thread = g_thread_new ("ft-otlp-encoder", encoder_thread, &pipe);

  while (ok)
    {
      Batch *batch = g_async_queue_pop (pipe.batches);

      if (batch->body == NULL)
        {
          if (batch->error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&batch->error));
              ok = FALSE;
            }
          batch_free (batch);
          break;
        }
      g_async_queue_push (pipe.credits, GINT_TO_POINTER (1));

      if (g_cancellable_set_error_if_cancelled (cancellable, error)
          || !send_batch (self, session, batch->body, data, cancellable, error))
        {
          data->report.n_failures += !g_cancellable_is_cancelled (cancellable);
          ok = FALSE;
        }
      else
        {
          data->report.n_spans += batch->n_spans;
          data->report.n_batches++;
          data->report.n_bytes += g_bytes_get_size (batch->body);
          report_progress (task, data);
        }
      batch_free (batch);
    }

  /* Wake the encoder if it waits for room, and let it end. */
  g_atomic_int_set (&pipe.stop, 1);
  g_async_queue_push (pipe.credits, GINT_TO_POINTER (1));
  g_thread_join (thread);
  g_async_queue_unref (pipe.batches);
  g_async_queue_unref (pipe.credits);
  if (!ok)
    return FALSE;

  if (data->report.n_rejected > 0)
    {
      g_autofree char *n = g_strdup_printf ("%" G_GUINT64_FORMAT, data->report.n_rejected);

      /* Translators: "URL accepted the requests but refused 12 spans: reason" */
      g_set_error (error, FT_OTLP_ERROR, FT_OTLP_ERROR_REJECTED,
                   _("%s accepted the requests but refused %s spans: %s"),
                   self->display_url, n, data->rejected_message);
      return FALSE;
    }
  return TRUE;
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  FtOtlpExporter *self = source_object;
  ExportData *data = task_data;
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;
  gboolean ok;

  ok = run_export (self, task, data, cancellable, &error);
  data->report.seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ft_otlp_exporter_export_async (FtOtlpExporter      *self,
                               FtTrace             *trace,
                               GCancellable        *cancellable,
                               FtOtlpProgressFunc   progress,
                               gpointer             progress_data,
                               GDestroyNotify       progress_destroy,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (FT_IS_OTLP_EXPORTER (self));
  g_return_if_fail (FT_IS_TRACE (trace));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ft_otlp_exporter_export_async);
  data = g_new0 (ExportData, 1);
  data->trace = g_object_ref (trace);
  data->context = g_main_context_ref_thread_default ();
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, export_thread);
}

gboolean
ft_otlp_exporter_export_finish (FtOtlpExporter  *self,
                                GAsyncResult    *result,
                                FtOtlpReport    *report,
                                GError         **error)
{
  ExportData *data;

  g_return_val_if_fail (FT_IS_OTLP_EXPORTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (report != NULL)
    *report = data->report;
  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
ft_otlp_report_to_string (const FtOtlpReport *report)
{
  g_autofree char *size = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *total = NULL;
  g_autofree char *rate = NULL;

  g_return_val_if_fail (report != NULL, NULL);

  size = g_format_size (report->n_bytes);
  sent = g_strdup_printf ("%" G_GUINT64_FORMAT, report->n_spans);
  total = g_strdup_printf ("%" G_GUINT64_FORMAT, report->n_spans_total);
  rate = g_strdup_printf ("%.0f", report->seconds > 0 ? report->n_spans / report->seconds : 0.0);
  /* Translators: the export report, e.g. "70 of 70 spans exported: 1 batches,
   * 0 retries, 0 failures, 80.4 kB sent in 0.01 s (10582 spans/s)" */
  return g_strdup_printf (_("%s of %s spans exported: %u batches, %u retries, %u failures, "
                            "%s sent in %.2f s (%s spans/s)"),
                          sent, total, report->n_batches, report->n_retries, report->n_failures,
                          size, report->seconds, rate);
}
