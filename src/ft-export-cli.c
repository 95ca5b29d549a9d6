/* ft-export-cli.c: flowtrace-gtk --export-otlp, with no display
 *
 * SPDX-License-Identifier: MIT
 *
 * main() calls this before GTK is initialised, so the export works over
 * ssh, in CI and from the tracer's --export-otlp-endpoint flag.  Only
 * GLib, the core library and libsoup run here.
 */

#define G_LOG_DOMAIN "ft-export-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "core/ft-otlp-exporter.h"
#include "ft-export-cli.h"

#define PROGRAM "flowtrace-gtk"

typedef struct
{
  char       *trace_path;
  char       *endpoint;
  char       *service;
  char      **headers;
  char       *encoding;
  gboolean    gzip;
  double      min_duration;
  int         max_depth;
  gboolean    trace_per_call;
  int         batch_spans;
  int         retries;
  char       *cacert;
  gboolean    quiet;
} CliOptions;

typedef struct
{
  GMainLoop    *loop;
  FtOtlpReport  report;
  GError       *error;
  gboolean      ok;
  gboolean      show_progress;
  guint64       last_shown;
} CliRun;

static void
cli_options_clear (CliOptions *o)
{
  g_clear_pointer (&o->trace_path, g_free);
  g_clear_pointer (&o->endpoint, g_free);
  g_clear_pointer (&o->service, g_free);
  g_clear_pointer (&o->headers, g_strfreev);
  g_clear_pointer (&o->encoding, g_free);
  g_clear_pointer (&o->cacert, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliOptions, cli_options_clear)

static int
usage_error (const char *message)
{
  g_printerr ("%s: %s\n", PROGRAM, message);
  g_printerr ("%s\n", _("Usage: flowtrace-gtk --export-otlp TRACE --endpoint URL [--service S] "
                        "[--header K=V]… [--encoding json|protobuf] [--gzip] [--min-duration MS] "
                        "[--max-depth N] [--trace-per-call]"));
  return 2;
}

static gboolean
parse_options (CliOptions  *o,
               char      ***args,
               GError     **error)
{
  GOptionEntry entries[] = {
    { "export-otlp", 0, 0, G_OPTION_ARG_FILENAME, &o->trace_path,
      N_("Send TRACE to an OpenTelemetry (OTLP/HTTP) receiver and quit"), N_("TRACE") },
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &o->endpoint,
      N_("Receiver URL, e.g. http://localhost:4318/v1/traces"), N_("URL") },
    { "service", 0, 0, G_OPTION_ARG_STRING, &o->service,
      N_("service.name of the spans (default: the trace file's name)"), N_("NAME") },
    { "header", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->headers,
      N_("HTTP header for every request, repeatable"), N_("NAME=VALUE") },
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &o->encoding,
      N_("protobuf (default) or json"), N_("ENCODING") },
    { "gzip", 0, 0, G_OPTION_ARG_NONE, &o->gzip, N_("Compress requests with gzip"), NULL },
    { "min-duration", 0, 0, G_OPTION_ARG_DOUBLE, &o->min_duration,
      N_("Leave out calls shorter than MS milliseconds, with their callees"), N_("MS") },
    { "max-depth", 0, 0, G_OPTION_ARG_INT, &o->max_depth,
      N_("Leave out calls nested deeper than N (1: top-level calls only)"), N_("N") },
    { "trace-per-call", 0, 0, G_OPTION_ARG_NONE, &o->trace_per_call,
      N_("One trace per top-level call instead of one for the whole run"), NULL },
    { "batch-spans", 0, 0, G_OPTION_ARG_INT, &o->batch_spans,
      N_("Spans per request (default: 2048)"), N_("N") },
    { "retries", 0, 0, G_OPTION_ARG_INT, &o->retries,
      N_("Times a request is sent again after a connection error or 429/502/503/504 (default: 5)"), N_("N") },
    { "cacert", 0, 0, G_OPTION_ARG_FILENAME, &o->cacert,
      N_("Trust the certificate authorities in FILE (PEM) instead of the system's, for https"), N_("FILE") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Print only errors"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);

  g_option_context_set_summary (context, _("Export a FlowTrace trace to OTLP/HTTP (Jaeger, OpenTelemetry Collector, Tempo)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  o->retries = -1;
  return g_option_context_parse_strv (context, args, error);
}

static void
progress_cb (guint64  sent,
             guint64  total,
             gpointer user_data)
{
  CliRun *run = user_data;

  /* One line per tenth, on a terminal only: logs stay short. */
  if (!run->show_progress || total == 0 || (sent < total && sent - run->last_shown < total / 10))
    return;
  run->last_shown = sent;
  g_printerr ("[FlowTrace] %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " spans\n", sent, total);
}

static void
on_exported_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CliRun *run = user_data;

  run->ok = ft_otlp_exporter_export_finish (FT_OTLP_EXPORTER (object), result, &run->report, &run->error);
  g_main_loop_quit (run->loop);
}

static FtOtlpExporter *
make_exporter (CliOptions  *o,
               GError     **error)
{
  g_autoptr(FtOtlpExporter) exporter = NULL;
  const char *env_headers = g_getenv ("FLOWTRACE_OTLP_HEADERS");
  FtOtlpOptions options;

  ft_otlp_options_init (&options);
  if (o->encoding != NULL && !ft_otlp_encoding_from_string (o->encoding, &options.encoding))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--encoding must be “protobuf” or “json”, not “%s”"), o->encoding);
      return NULL;
    }
  if (o->min_duration < 0 || o->max_depth < 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--min-duration and --max-depth cannot be negative"));
      return NULL;
    }
  options.service_name = o->service;
  options.gzip = o->gzip;
  options.min_duration_ms = o->min_duration;
  options.max_depth = o->max_depth;
  options.trace_per_call = o->trace_per_call;

  exporter = ft_otlp_exporter_new (o->endpoint, &options, error);
  if (exporter == NULL)
    return NULL;
  for (guint i = 0; o->headers != NULL && o->headers[i] != NULL; i++)
    if (!ft_otlp_exporter_add_header_text (exporter, o->headers[i], error))
      return NULL;
  /* NAME=VALUE lines: how the tracer passes headers, out of sight of ps. */
  if (env_headers != NULL && env_headers[0] != '\0')
    {
      g_auto(GStrv) lines = g_strsplit (env_headers, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (lines[i][0] != '\0' && !ft_otlp_exporter_add_header_text (exporter, lines[i], error))
          return NULL;
    }
  if (o->batch_spans > 0)
    ft_otlp_exporter_set_batch_limits (exporter, o->batch_spans, 4 << 20);
  if (o->retries >= 0)
    ft_otlp_exporter_set_retry (exporter, o->retries, 500, 30000);
  if (o->cacert != NULL && !ft_otlp_exporter_set_ca_file (exporter, o->cacert, error))
    return NULL;

  return g_steal_pointer (&exporter);
}

static int
export_trace (CliOptions     *o,
              FtOtlpExporter *exporter)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (o->trace_path);
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  CliRun run = { 0 };

  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  if (trace == NULL)
    {
      g_printerr ("%s: ", PROGRAM);
      g_printerr (_("could not read the trace “%s”: %s"), o->trace_path, error->message);
      g_printerr ("\n");
      return 1;
    }

  if (ft_trace_is_salvaged (trace) && !o->quiet)
    g_printerr ("[FlowTrace] %s\n", ft_trace_get_salvage_message (trace));

  run.loop = g_main_loop_new (NULL, FALSE);
  run.show_progress = !o->quiet && isatty (STDERR_FILENO);
  ft_otlp_exporter_export_async (exporter, trace, NULL, progress_cb, &run, NULL, on_exported_cb, &run);
  g_main_loop_run (run.loop);
  g_main_loop_unref (run.loop);

  summary = ft_otlp_report_to_string (&run.report);
  if (!run.ok)
    {
      g_printerr ("%s: ", PROGRAM);
      g_printerr (_("could not export “%s”: %s"), o->trace_path, run.error->message);
      g_printerr ("\n%s: %s\n", PROGRAM, summary);
      g_clear_error (&run.error);
      return 1;
    }
  if (!o->quiet)
    g_print ("[FlowTrace] %s → %s: %s\n", o->trace_path, ft_otlp_exporter_get_display_url (exporter), summary);
  return 0;
}

int
ft_export_cli_run (int    argc,
                   char **argv)
{
  g_auto(CliOptions) o = { 0 };
  g_autoptr(FtOtlpExporter) exporter = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_new0 (char *, argc + 1);

  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  if (!parse_options (&o, &args, &error))
    return usage_error (error->message);
  if (g_strv_length (args) > 1)
    {
      /* Not echoed: a stray word may be part of a header's secret value. */
      return usage_error (_("unexpected extra argument: the trace is given as --export-otlp TRACE"));
    }
  if (o.trace_path == NULL)
    return usage_error (_("--export-otlp needs a trace file"));
  if (o.endpoint == NULL)
    return usage_error (_("--export-otlp needs --endpoint URL, e.g. --endpoint http://localhost:4318/v1/traces"));

  exporter = make_exporter (&o, &error);
  if (exporter == NULL)
    return usage_error (error->message);

  return export_trace (&o, exporter);
}
