/* ft-diff-cli.c: flowtrace-gtk --diff A.json B.json
 *
 * SPDX-License-Identifier: MIT
 *
 * Its own non-unique application: the comparison needs nothing from
 * FtApplication's windows, and a bad file is reported before any window
 * opens.
 */

#define G_LOG_DOMAIN "ft-diff-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "ft-diff-cli.h"
#include "ft-diff-window.h"

#define PROGRAM "flowtrace-gtk"

static FtTrace *
load (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GError) error = NULL;
  FtTrace *trace = ft_trace_load (file, NULL, NULL, NULL, &error);

  if (trace == NULL)
    {
      g_printerr ("%s: ", PROGRAM);
      g_printerr (_("could not read the trace “%s”: %s"), path, error->message);
      g_printerr ("\n");
    }
  return trace;
}

static void
on_activate_cb (GtkApplication *app,
                FtTraceDiff    *diff)
{
  gtk_window_present (GTK_WINDOW (ft_diff_window_new (app, diff)));
}

int
ft_diff_cli_run (int    argc,
                 char **argv)
{
  g_autoptr(FtTrace) a = NULL;
  g_autoptr(FtTrace) b = NULL;
  g_autoptr(FtTraceDiff) diff = NULL;
  g_autoptr(AdwApplication) app = NULL;
  char *app_argv[] = { argv[0], NULL };
  int i = 1;

  while (i < argc && !g_str_equal (argv[i], "--diff"))
    i++;
  if (argc != 4 || i != 1)
    {
      g_printerr ("%s: %s\n", PROGRAM, _("--diff compares two traces and takes no other option"));
      g_printerr ("%s\n", _("Usage: flowtrace-gtk --diff A.json B.json"));
      return 2;
    }
  if ((a = load (argv[2])) == NULL || (b = load (argv[3])) == NULL)
    return 1;

  diff = ft_trace_diff_new (a, b, NULL);
  g_print (_("%s → %s: %u added, %u removed, %u changed, %u the same"), argv[2], argv[3],
           ft_trace_diff_count (diff, FT_DIFF_ADDED), ft_trace_diff_count (diff, FT_DIFF_REMOVED),
           ft_trace_diff_count (diff, FT_DIFF_CHANGED), ft_trace_diff_count (diff, FT_DIFF_SAME));
  g_print ("\n");
  if (!gtk_init_check ())
    {
      g_printerr ("%s: %s\n", PROGRAM, _("--diff opens a window and needs a display"));
      return 1;
    }

  app = adw_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  g_object_set (app, "resource-base-path", "/io/github/flowtrace/FlowTrace", NULL);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate_cb), diff);
  return g_application_run (G_APPLICATION (app), 1, app_argv);
}
