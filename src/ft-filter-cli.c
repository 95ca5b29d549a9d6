/* ft-filter-cli.c: flowtrace-gtk --export-filtered, with no display
 *
 * SPDX-License-Identifier: MIT
 *
 * main() calls this before GTK is initialised, like --export-otlp: only
 * GLib and the core library run here, so it works over ssh and in CI.
 */

#define G_LOG_DOMAIN "ft-filter-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "core/ft-trace-filter.h"
#include "core/ft-trace-writer.h"
#include "ft-filter-cli.h"

#define PROGRAM "flowtrace-gtk"

typedef struct
{
  char  *out_path;
  char **filters;
  gboolean quiet;
} CliOptions;

static void
cli_options_clear (CliOptions *o)
{
  g_clear_pointer (&o->out_path, g_free);
  g_clear_pointer (&o->filters, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliOptions, cli_options_clear)

static int
usage_error (const char *message)
{
  g_printerr ("%s: %s\n", PROGRAM, message);
  g_printerr ("%s\n", _("Usage: flowtrace-gtk --export-filtered OUT.json "
                        "[--filter module=GLOB|class=NAME|min-ms=N|max-ms=N|from-ms=N|to-ms=N|errors]… TRACE"));
  return 2;
}

static gboolean
parse_options (CliOptions  *o,
               char      ***args,
               GError     **error)
{
  GOptionEntry entries[] = {
    { "export-filtered", 0, 0, G_OPTION_ARG_FILENAME, &o->out_path,
      N_("Write the calls of TRACE that match every --filter, with their callers, to OUT and quit"), N_("OUT") },
    { "filter", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->filters,
      N_("module=GLOB, class=NAME, min-ms=N, max-ms=N, from-ms=N, to-ms=N or errors; repeatable, all must hold"),
      N_("FILTER") },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, N_("Print only errors"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("TRACE"));

  g_option_context_set_summary (context, _("Write a filtered view of a FlowTrace trace as a trace."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return g_option_context_parse_strv (context, args, error);
}

static int
fail (const char *format,
      const char *path,
      const char *message)
{
  g_printerr ("%s: ", PROGRAM);
  g_printerr (format, path, message);
  g_printerr ("\n");
  return 1;
}

static int
write_filtered (CliOptions    *o,
                const char    *trace_path,
                FtTraceFilter *filter)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (trace_path);
  g_autoptr(GFile) out = g_file_new_for_commandline_arg (o->out_path);
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(FtVisibleSet) set = NULL;
  g_autoptr(GError) error = NULL;

  if (g_file_equal (file, out))
    return usage_error (_("the output is the trace itself: choose another file for --export-filtered"));
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  if (trace == NULL)
    return fail (_("could not read the trace “%s”: %s"), trace_path, error->message);
  if (ft_trace_is_salvaged (trace) && !o->quiet)
    g_printerr ("[FlowTrace] %s\n", ft_trace_get_salvage_message (trace));

  set = ft_trace_filter_compute (filter, trace, NULL);
  if (!ft_trace_write_visible_to_file (trace, set, out, NULL, &error))
    {
      g_printerr ("%s: %s\n", PROGRAM, error->message);
      return 1;
    }
  if (!o->quiet)
    {
      g_print ("[FlowTrace] ");
      g_print (_("%s → %s: %u of %u calls match; %u nodes written with their callers"),
               trace_path, o->out_path, set->n_matches, ft_trace_get_n_calls (trace), set->n_visible);
      g_print ("\n");
    }
  return 0;
}

int
ft_filter_cli_run (int    argc,
                   char **argv)
{
  g_auto(CliOptions) o = { 0 };
  g_autoptr(FtTraceFilter) filter = ft_trace_filter_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_new0 (char *, argc + 1);

  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);

  if (!parse_options (&o, &args, &error))
    return usage_error (error->message);
  if (o.out_path == NULL || o.out_path[0] == '\0')
    return usage_error (_("--export-filtered needs an output file"));
  if (g_strv_length (args) != 2)
    return usage_error (g_strv_length (args) < 2
                        ? _("--export-filtered needs one trace file to read, after the options")
                        : _("--export-filtered reads one trace file; more were given"));
  for (guint i = 0; o.filters != NULL && o.filters[i] != NULL; i++)
    if (!ft_trace_filter_parse_term (filter, o.filters[i], &error))
      return usage_error (error->message);

  return write_filtered (&o, args[1], filter);
}
