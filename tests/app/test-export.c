/* test-export.c: the Export to OTLP dialog, to a local SoupServer
 *
 * SPDX-License-Identifier: MIT
 *
 * The real window and dialog under Xvfb; the receiver listens on
 * 127.0.0.1 in this process.  Waits are the main loop running until the
 * dialog's "finished" signal, with a 60 s guard.
 */

#include "config.h"

#include <gtk/gtk.h>
#include <libsoup/soup.h>
#include <string.h>

#include "core/ft-otlp-exporter.h"
#include "ft-export-dialog.h"
#include "ft-test-util.h"
#include "ft-window.h"

typedef struct
{
  SoupServer        *server;
  char              *url;
  guint              status;         /* answer to every request */
  gboolean           pause;          /* hold requests unanswered */
  SoupServerMessage *held;
  guint              n_requests;
  guint64            n_spans;
  char              *content_type;
  char              *content_encoding;
  char              *tenant;
  char              *authorization;
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

static guint
count_json_spans (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  JsonObject *rs, *ss;

  json_parser_load_from_data (parser, data, len, &error);
  g_assert_no_error (error);
  rs = json_array_get_object_element (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "resourceSpans"), 0);
  ss = json_array_get_object_element (json_object_get_array_member (rs, "scopeSpans"), 0);
  return json_array_get_length (json_object_get_array_member (ss, "spans"));
}

static void
keep (char       **field,
      const char  *value)
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
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) raw = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GBytes) body = NULL;

  r->n_requests++;
  keep (&r->content_type, soup_message_headers_get_one (headers, "Content-Type"));
  keep (&r->content_encoding, soup_message_headers_get_one (headers, "Content-Encoding"));
  keep (&r->tenant, soup_message_headers_get_one (headers, "X-Tenant"));
  keep (&r->authorization, soup_message_headers_get_one (headers, "Authorization"));

  if (r->pause)
    {
      soup_server_message_pause (msg);
      r->held = g_object_ref (msg);
      return;
    }
  if (r->status != 200)
    {
      static const char answer[] = "{\"code\":3,\"message\":\"tenant unknown\"}";

      soup_server_message_set_status (msg, r->status, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, answer, strlen (answer));
      return;
    }

  body = g_strcmp0 (r->content_encoding, "gzip") == 0 ? gunzip (raw) : g_bytes_ref (raw);
  if (g_strcmp0 (r->content_type, "application/json") == 0)
    r->n_spans += count_json_spans (body);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

static Receiver *
receiver_new (guint status)
{
  Receiver *r = g_new0 (Receiver, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  r->status = status;
  r->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (r->server, "/v1/traces", handler_cb, r, NULL);
  soup_server_listen_local (r->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (r->server);
  r->url = g_strdup_printf ("http://127.0.0.1:%d/v1/traces", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return r;
}

static void
receiver_free (Receiver *r)
{
  if (r->held != NULL)
    {
      soup_server_message_set_status (r->held, 503, NULL);
      soup_server_message_unpause (r->held);
      g_object_unref (r->held);
    }
  soup_server_disconnect (r->server);
  g_object_unref (r->server);
  g_free (r->url);
  g_free (r->content_type);
  g_free (r->content_encoding);
  g_free (r->tenant);
  g_free (r->authorization);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Receiver, receiver_free)

/* The dialog -------------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *message;
} Outcome;

static void
on_finished_cb (FtExportDialog *dialog,
                gboolean        ok,
                const char     *message,
                Outcome        *outcome)
{
  outcome->done = TRUE;
  outcome->ok = ok;
  g_free (outcome->message);
  outcome->message = g_strdup (message);
}

static gboolean
guard_cb (gpointer user_data)
{
  g_error ("the export did not finish within 60 s");
  return G_SOURCE_REMOVE;
}

static void
wait_until (gboolean *flag)
{
  guint guard = g_timeout_add_seconds (60, guard_cb, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
}

static gpointer
child (FtExportDialog *dialog,
       const char     *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (dialog), FT_TYPE_EXPORT_DIALOG, name);

  g_assert_nonnull (object);
  return object;
}

static FtExportDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (FT_IS_EXPORT_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return FT_EXPORT_DIALOG (window);
    }
  return NULL;
}

static FtWindow *
open_sample (void)
{
  g_autofree char *path = ft_test_write_file ("shop.json", ft_test_sample_trace, -1);
  g_autoptr(GError) error = NULL;
  FtWindow *window = ft_test_load_window (path, &error);

  g_assert_no_error (error);
  return window;
}

/* The window action opens the dialog, only with a trace open. */
static FtExportDialog *
open_dialog (FtWindow *window)
{
  FtExportDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-otlp", NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  ft_test_wait_frames (GTK_WIDGET (dialog), 2);
  return dialog;
}

static void
click (FtExportDialog *dialog,
       const char     *button)
{
  g_signal_emit_by_name (child (dialog, button), "clicked");
}

static void
test_action_needs_a_trace (void)
{
  FtWindow *empty = ft_window_new (NULL);
  FtWindow *window;
  FtExportDialog *dialog;

  gtk_window_present (GTK_WINDOW (empty));
  gtk_widget_activate_action (GTK_WIDGET (empty), "win.export-otlp", NULL);
  g_assert_null (find_dialog ());

  window = open_sample ();
  dialog = open_dialog (window);
  /* Defaults: the schema's endpoint, the trace's own name as service. */
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, "endpoint_row")), ==, "http://localhost:4318/v1/traces");
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, "service_row")), ==, "shop");
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, "headers_row")), ==, "");
  ft_test_save_shot (GTK_WIDGET (dialog), "export-dialog");

  click (dialog, "cancel_button");     /* idle: Cancel closes */
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_null (find_dialog ());
  gtk_window_destroy (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (empty));
}

static gboolean
settings_hold (GSettings  *settings,
               const char *text)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *printed = g_variant_print (value, FALSE);

      if (strstr (printed, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* Calls with no calling call: the spans of a depth-1, per-call export. */
static guint
count_top_level_calls (FtTrace *trace)
{
  guint n = 0;

  for (FtNodeId node = 0; node < ft_trace_get_n_nodes (trace); node++)
    {
      FtNodeId parent = ft_trace_get_parent (trace, node);
      FtNodeKind kind = ft_trace_get_kind (trace, node);

      if (parent != FT_NODE_NONE && kind != FT_NODE_KIND_THREAD && kind != FT_NODE_KIND_PROCESS
          && (ft_trace_get_parent (trace, parent) == FT_NODE_NONE
              || ft_trace_get_kind (trace, parent) == FT_NODE_KIND_THREAD))
        n++;
    }
  return n;
}

static void
test_export_succeeds (void)
{
  g_autoptr(Receiver) r = receiver_new (200);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FtWindow *window = open_sample ();
  FtExportDialog *dialog = open_dialog (window);
  Outcome outcome = { 0 };
  guint n_nodes = ft_trace_get_n_nodes (ft_window_get_trace (window));

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished_cb), &outcome);
  gtk_editable_set_text (child (dialog, "endpoint_row"), r->url);
  gtk_editable_set_text (child (dialog, "service_row"), "checkout");
  gtk_editable_set_text (child (dialog, "headers_row"), "X-Tenant=acme; Authorization=Bearer sekret-42");
  adw_combo_row_set_selected (child (dialog, "encoding_row"), 1);
  gtk_switch_set_active (child (dialog, "gzip_switch"), TRUE);
  click (dialog, "export_button");
  g_assert_true (ft_export_dialog_is_busy (dialog));
  wait_until (&outcome.done);

  g_assert_true (outcome.ok);
  g_assert_nonnull (strstr (outcome.message, "spans exported"));
  g_assert_cmpuint (r->n_spans, ==, n_nodes);
  g_assert_cmpstr (r->content_type, ==, "application/json");
  g_assert_cmpstr (r->content_encoding, ==, "gzip");
  g_assert_cmpstr (r->tenant, ==, "acme");
  g_assert_cmpstr (r->authorization, ==, "Bearer sekret-42");
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_null (dialog);                       /* closed on success */

  /* Remembered: endpoint, service, encoding, gzip; never a header value. */
  {
    g_autofree char *endpoint = g_settings_get_string (settings, "otlp-endpoint");
    g_autofree char *service = g_settings_get_string (settings, "otlp-service");
    g_autofree char *encoding = g_settings_get_string (settings, "otlp-encoding");

    g_assert_cmpstr (endpoint, ==, r->url);
    g_assert_cmpstr (service, ==, "checkout");
    g_assert_cmpstr (encoding, ==, "json");
  }
  g_assert_true (g_settings_get_boolean (settings, "otlp-gzip"));
  g_assert_false (settings_hold (settings, "sekret"));
  g_assert_false (settings_hold (settings, "acme"));

  /* The filters reach the export: top-level calls only, a trace each. */
  dialog = open_dialog (window);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  outcome.done = FALSE;
  r->n_spans = 0;
  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished_cb), &outcome);
  gtk_spin_button_set_value (child (dialog, "max_depth_spin"), 1);
  gtk_switch_set_active (child (dialog, "trace_per_call_switch"), TRUE);
  click (dialog, "export_button");
  wait_until (&outcome.done);
  g_assert_true (outcome.ok);
  g_assert_cmpuint (r->n_spans, ==, count_top_level_calls (ft_window_get_trace (window)));
  g_assert_cmpuint (r->n_spans, <, n_nodes - 2);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_null (dialog);

  dialog = open_dialog (window);
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, "endpoint_row")), ==, r->url);
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, "service_row")), ==, "checkout");
  g_assert_cmpstr (gtk_editable_get_text (child (dialog, "headers_row")), ==, "");
  g_assert_cmpuint (adw_combo_row_get_selected (child (dialog, "encoding_row")), ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_free (outcome.message);
  g_settings_reset (settings, "otlp-endpoint");
  g_settings_reset (settings, "otlp-service");
  g_settings_reset (settings, "otlp-encoding");
  g_settings_reset (settings, "otlp-gzip");
}

static void
test_rejected_keeps_dialog (void)
{
  g_autoptr(Receiver) r = receiver_new (400);
  FtWindow *window = open_sample ();
  FtExportDialog *dialog = open_dialog (window);
  Outcome outcome = { 0 };
  GtkLabel *status;

  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished_cb), &outcome);
  gtk_editable_set_text (child (dialog, "endpoint_row"), r->url);
  gtk_editable_set_text (child (dialog, "headers_row"), "X-Api-Key=hunter2");
  click (dialog, "export_button");
  wait_until (&outcome.done);

  g_assert_false (outcome.ok);
  g_assert_cmpuint (r->n_requests, ==, 1);
  status = child (dialog, "status_label");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (status)));
  g_assert_nonnull (strstr (gtk_label_get_text (status), "HTTP 400: tenant unknown"));
  g_assert_null (strstr (gtk_label_get_text (status), "hunter2"));
  g_assert_false (ft_export_dialog_is_busy (dialog));
  g_assert_true (gtk_widget_get_sensitive (child (dialog, "export_button")));
  ft_test_save_shot (GTK_WIDGET (dialog), "export-dialog-rejected");
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_free (outcome.message);
}

static void
test_bad_url (void)
{
  FtWindow *window = open_sample ();
  FtExportDialog *dialog = open_dialog (window);
  Outcome outcome = { 0 };

  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished_cb), &outcome);
  gtk_editable_set_text (child (dialog, "endpoint_row"), "localhost:4318");
  click (dialog, "export_button");
  g_assert_true (outcome.done);
  g_assert_false (outcome.ok);
  g_assert_nonnull (strstr (gtk_label_get_text (child (dialog, "status_label")), "“localhost:4318”"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_free (outcome.message);
}

static void
test_cancel (void)
{
  g_autoptr(Receiver) r = receiver_new (200);
  FtWindow *window = open_sample ();
  FtExportDialog *dialog = open_dialog (window);
  Outcome outcome = { 0 };
  guint guard;

  r->pause = TRUE;
  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished_cb), &outcome);
  gtk_editable_set_text (child (dialog, "endpoint_row"), r->url);
  click (dialog, "export_button");

  /* The request reached the receiver, which does not answer. */
  guard = g_timeout_add_seconds (60, guard_cb, NULL);
  while (r->held == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
  g_assert_true (gtk_widget_get_visible (child (dialog, "progress_bar")));

  click (dialog, "cancel_button");
  wait_until (&outcome.done);
  g_assert_false (outcome.ok);
  g_assert_nonnull (strstr (outcome.message, "canceled"));
  g_assert_false (ft_export_dialog_is_busy (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_free (outcome.message);
}

/* Closing the dialog mid-export cancels it; the window still hears. */
static void
test_close_while_exporting (void)
{
  g_autoptr(Receiver) r = receiver_new (200);
  FtWindow *window = open_sample ();
  FtExportDialog *dialog = open_dialog (window);
  Outcome outcome = { 0 };
  guint guard;

  r->pause = TRUE;
  g_signal_connect (dialog, "finished", G_CALLBACK (on_finished_cb), &outcome);
  gtk_editable_set_text (child (dialog, "endpoint_row"), r->url);
  click (dialog, "export_button");
  guard = g_timeout_add_seconds (60, guard_cb, NULL);
  while (r->held == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);

  gtk_window_close (GTK_WINDOW (dialog));
  wait_until (&outcome.done);
  g_assert_false (outcome.ok);
  g_assert_nonnull (strstr (outcome.message, "canceled"));
  g_assert_null (find_dialog ());
  gtk_window_destroy (GTK_WINDOW (window));
  g_free (outcome.message);
}

/* flowtrace-gtk --export-otlp, run as a user would, with no display. */

typedef struct
{
  gboolean  done;
  int       status;
  char     *out;
  char     *err;
} CliRun;

static void
on_cli_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CliRun *run = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (G_SUBPROCESS (object))
                ? g_subprocess_get_exit_status (G_SUBPROCESS (object)) : -1;
  run->done = TRUE;
}

/* Runs flowtrace-gtk with @args while this process's receiver answers. */
static CliRun
run_cli (const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  CliRun run = { 0 };

  g_assert_nonnull (g_getenv ("FLOWTRACE_GTK"));
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_ptr_array_add (argv, (gpointer) g_getenv ("FLOWTRACE_GTK"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_cli_done_cb, &run);
  wait_until (&run.done);
  return run;
}

static void
cli_run_clear (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
}

static void
test_cli_success (void)
{
  g_autoptr(Receiver) r = receiver_new (200);
  g_autofree char *path = ft_test_write_file ("cli.json", ft_test_sample_trace, -1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(FtTrace) trace = ft_trace_load (file, NULL, NULL, NULL, NULL);
  g_autofree char *expected = NULL;
  const char *args[] = { "--export-otlp", path, "--endpoint", r->url, "--encoding", "json",
                         "--header", "X-Tenant=acme", "--header", "Authorization=Bearer cli-secret", NULL };
  CliRun run = run_cli (args);

  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (r->n_spans, ==, ft_trace_get_n_nodes (trace));
  g_assert_cmpstr (r->tenant, ==, "acme");
  g_assert_cmpstr (r->authorization, ==, "Bearer cli-secret");
  expected = g_strdup_printf ("%u of %u spans exported: 1 batches, 0 retries, 0 failures",
                              ft_trace_get_n_nodes (trace), ft_trace_get_n_nodes (trace));
  g_assert_nonnull (strstr (run.out, expected));
  g_assert_null (strstr (run.out, "cli-secret"));
  g_assert_null (strstr (run.err, "cli-secret"));
  cli_run_clear (&run);
}

static void
test_cli_failures (void)
{
  g_autoptr(Receiver) r = receiver_new (400);
  g_autofree char *path = ft_test_write_file ("cli.json", ft_test_sample_trace, -1);
  g_autofree char *closed_url = NULL;
  CliRun run;

  {
    const char *args[] = { "--export-otlp", path, "--endpoint", r->url, "--header", "X-Key=hidden-1", NULL };

    run = run_cli (args);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "HTTP 400: tenant unknown"));
    g_assert_null (strstr (run.err, "hidden-1"));
    g_assert_cmpuint (r->n_requests, ==, 1);
    cli_run_clear (&run);
  }
  {
    const char *args[] = { "--export-otlp", path, "--endpoint", "localhost:4318", NULL };

    run = run_cli (args);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "“localhost:4318” is not an OTLP/HTTP endpoint"));
    cli_run_clear (&run);
  }
  {
    const char *args[] = { "--export-otlp", "/nonexistent/trace.json", "--endpoint", r->url, NULL };

    run = run_cli (args);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "could not read the trace “/nonexistent/trace.json”"));
    cli_run_clear (&run);
  }
  {
    const char *args[] = { "--export-otlp", path, NULL };

    run = run_cli (args);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "--export-otlp needs --endpoint URL"));
    cli_run_clear (&run);
  }
  {
    const char *args[] = { "--export-otlp", path, "--endpoint", NULL, "--retries", "1", NULL };

    /* Nothing listens on the receiver's port once it is closed. */
    closed_url = g_strdup (r->url);
    soup_server_disconnect (r->server);
    args[3] = closed_url;
    run = run_cli (args);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "Gave up after 1 retry: Could not reach http://127.0.0.1:"));
    g_assert_nonnull (strstr (run.err, "0 of "));
    cli_run_clear (&run);
  }
}

int
main (int   argc,
      char *argv[])
{
  ft_test_init (&argc, &argv);

  g_test_add_func ("/flowtrace/export-dialog/action-needs-a-trace", test_action_needs_a_trace);
  g_test_add_func ("/flowtrace/export-dialog/export", test_export_succeeds);
  g_test_add_func ("/flowtrace/export-dialog/rejected", test_rejected_keeps_dialog);
  g_test_add_func ("/flowtrace/export-dialog/bad-url", test_bad_url);
  g_test_add_func ("/flowtrace/export-dialog/cancel", test_cancel);
  g_test_add_func ("/flowtrace/export-dialog/close-while-exporting", test_close_while_exporting);
  g_test_add_func ("/flowtrace/export-cli/no-display", test_cli_success);
  g_test_add_func ("/flowtrace/export-cli/failures", test_cli_failures);

  return g_test_run ();
}
