/* main.c: flowtrace-gtk
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "flowtrace-gtk"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ft-application.h"
#include "ft-diff-cli.h"
#include "ft-export-cli.h"
#include "ft-filter-cli.h"

/* Installed to a prefix that is not on XDG_DATA_DIRS (say ~/.local or
 * /opt/flowtrace), the app still finds its own GSettings schema and icons.
 * This runs before GLib reads and caches the variable. */
static void
add_own_data_dir (void)
{
  const char *dirs = g_getenv ("XDG_DATA_DIRS");
  g_auto(GStrv) list = NULL;
  g_autofree char *value = NULL;

  if (dirs == NULL || dirs[0] == '\0')
    dirs = "/usr/local/share:/usr/share";

  list = g_strsplit (dirs, G_SEARCHPATH_SEPARATOR_S, -1);
  if (g_strv_contains ((const char * const *) list, FT_DATADIR))
    return;

  value = g_strconcat (FT_DATADIR, G_SEARCHPATH_SEPARATOR_S, dirs, NULL);
  g_setenv ("XDG_DATA_DIRS", value, TRUE);
}

/* Run from the build folder without `meson devenv`: use the build's
 * compiled schema rather than fail to find one. */
static void
use_build_schemas (void)
{
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL && ft_application_running_uninstalled ())
    g_setenv ("GSETTINGS_SCHEMA_DIR", FT_BUILD_SCHEMA_DIR, TRUE);
}

/* Without its schema GSettings would abort the app: say what to do. */
static gboolean
have_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    return TRUE;

  g_printerr (_("flowtrace-gtk: its settings schema %s is not installed. "
                "Install FlowTrace (meson install), or run it from a build "
                "folder with “meson devenv -C BUILD flowtrace-gtk”.\n"),
              APP_ID);
  return FALSE;
}

/* TRUE when @name is among the options (before any "--"), also as
 * NAME=VALUE when @with_value. */
static gboolean
has_option (int         argc,
            char      **argv,
            const char *name,
            gboolean    with_value)
{
  gsize len = strlen (name);

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        return FALSE;
      if (strncmp (argv[i], name, len) == 0
          && (argv[i][len] == '\0' || (with_value && argv[i][len] == '=')))
        return TRUE;
    }
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FtApplication) app = NULL;
  int status;

  add_own_data_dir ();
  use_build_schemas ();
  ft_i18n_init ();
  /* Headless export: no display needed, so before GTK starts. */
  if (has_option (argc, argv, "--export-otlp", TRUE))
    return ft_export_cli_run (argc, argv);
  if (has_option (argc, argv, "--export-filtered", TRUE))
    return ft_filter_cli_run (argc, argv);
  if (has_option (argc, argv, "--diff", FALSE))
    return ft_diff_cli_run (argc, argv);
  if (!have_schema ())
    return 1;
  g_set_application_name (_("FlowTrace"));

  app = ft_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);

  return status != 0 ? status : ft_application_get_exit_status (app);
}
