/* ft-application.c
 *
 * SPDX-License-Identifier: MIT
 *
 * Opens the files given (G_APPLICATION_HANDLES_OPEN), owns the app-wide
 * actions (settings toggles, preferences, about) and runs the headless
 * command-line paths such as --screenshot.
 */

#define G_LOG_DOMAIN "ft-application"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "ft-application.h"
#include "ft-call-view.h"
#include "ft-preferences-window.h"
#include "ft-window.h"

struct _FtApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  char           *screenshot_path;
  char           *run_script;
  char           *run_output;
  char           *run_interpreter;
  GStrv           run_arguments;     /* everything after --run SCRIPT */
  char           *view;              /* --view: tree, timeline, hotspots */
  gint64          start_time;
  int             exit_status;
};

G_DEFINE_FINAL_TYPE (FtApplication, ft_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Load TRACE, draw the window once, save it as a PNG image and quit"), N_("OUT.png") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and quit"), NULL },
  { "view", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Show VIEW first (with --screenshot: draw it): tree, timeline or hotspots"), N_("VIEW") },
  /* Arguments after SCRIPT are taken out of argv before the options are
   * parsed (see ft_application_local_command_line()). */
  { "run", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Run SCRIPT under the tracer and open its trace; the arguments after SCRIPT go to the script"), N_("SCRIPT") },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("With --run: write the trace to TRACE (default: a new file in the cache folder)"), N_("TRACE") },
  { "interpreter", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("With --run: the Python to run the script with (default: the one FlowTrace was built for)"), N_("PYTHON") },
  /* Listed for --help only: main() hands --export-otlp to ft-export-cli.c
   * before GTK starts. */
  { "export-otlp", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Send TRACE to an OTLP/HTTP receiver (--endpoint URL) and quit, with no display; "
       "--export-otlp TRACE --help lists its options"), N_("TRACE") },
  /* Listed for --help only: main() hands it to ft-filter-cli.c. */
  { "export-filtered", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Write the calls of a trace that match --filter (module=GLOB, class=NAME, min-ms=N, max-ms=N, "
       "errors…) to OUT and quit, with no display; --export-filtered OUT --help lists its options"), N_("OUT") },
  /* Listed for --help only: main() hands it to ft-diff-cli.c. */
  { "diff", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("--diff A.json B.json: compare two traces, calls added, removed and changed, aligned by call path"), NULL },
  { NULL }
};

/* i18n ---------------------------------------------------------------- */

static gboolean
has_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  return schema != NULL;
}

static gboolean
is_c_locale (const char *name)
{
  return name == NULL || g_str_equal (name, "C") || g_str_equal (name, "POSIX");
}

/* With no LANG at all, a "C" character set would print our quotes and
 * the translations' accents as "?": use C.UTF-8, as Python does. */
static void
use_utf8_ctype (void)
{
  if (is_c_locale (setlocale (LC_CTYPE, NULL)))
    setlocale (LC_CTYPE, "C.UTF-8");
}

/* gettext ignores LANGUAGE while the messages locale is "C"; C.UTF-8
 * is always present and lets it choose. */
static void
allow_language_variable (void)
{
  if (g_getenv ("LANGUAGE") != NULL && is_c_locale (setlocale (LC_MESSAGES, NULL)))
    setlocale (LC_MESSAGES, "C.UTF-8");
}

/**
 * ft_i18n_init:
 *
 * Sets the locale and the translation domain, first applying the
 * "language" setting: it must run before any window is made, so a change
 * takes effect the next time the app starts.  FLOWTRACE_LOCALEDIR
 * points at uninstalled translations (tests, `meson devenv`).
 */
void
ft_i18n_init (void)
{
  const char *localedir = g_getenv ("FLOWTRACE_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* gtk_init() would call setlocale (LC_ALL, "") again, putting the
   * messages locale back to "C" when no LANG is set: LANGUAGE and the
   * "language" setting would then be ignored. */
  gtk_disable_setlocale ();
  use_utf8_ctype ();

  if (has_schema ())
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);
      g_autofree char *language = g_settings_get_string (settings, "language");

      if (!g_str_equal (language, "system"))
        g_setenv ("LANGUAGE", language, TRUE);
    }
  allow_language_variable ();

  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* The tracer ---------------------------------------------------------- */

/**
 * ft_application_running_uninstalled:
 *
 * Returns: whether this flowtrace-gtk is the build tree's, not an
 *   installed one: then the build tree's tracer and settings schema are
 *   the right ones, even with an older FlowTrace installed.
 */
gboolean
ft_application_running_uninstalled (void)
{
#ifdef FT_BUILD_ROOT
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe != NULL && g_str_has_prefix (exe, FT_BUILD_ROOT "/");
#else
  return FALSE;
#endif
}

/**
 * ft_application_find_tracer:
 *
 * Returns: (transfer full) (nullable): the `flowtrace` command to run
 *   scripts with (see ft_runner_find_tracer())
 */
char *
ft_application_find_tracer (void)
{
#ifdef FT_BUILD_LAUNCHER
  if (ft_application_running_uninstalled ())
    return ft_runner_find_tracer (FT_BUILD_LAUNCHER);
#endif
  return ft_runner_find_tracer (NULL);
}

/* Style --------------------------------------------------------------- */

static void
apply_style (FtApplication *self)
{
  g_autofree char *variant = g_settings_get_string (self->settings, "style-variant");
  AdwColorScheme scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  if (g_str_equal (variant, "follow"))
    scheme = ADW_COLOR_SCHEME_DEFAULT;
  else if (g_str_equal (variant, "light"))
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
on_style_changed_cb (FtApplication *self,
                     const char    *key,
                     GSettings     *settings)
{
  apply_style (self);
}

/* Actions ------------------------------------------------------------- */

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (ft_preferences_window_new (parent)));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (user_data));
  const char *developers[] = { _("The FlowTrace developers"), NULL };

  adw_show_about_window (parent,
                         "application-name", _("FlowTrace"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The FlowTrace developers"),
                         "developers", developers,
                         "comments", _("Browse, search and inspect traces of Python programs"),
                         "license-type", GTK_LICENSE_MIT_X11,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_action },
  { "about", about_action },
  { "quit", quit_action },
};

/* Settings that menus toggle directly, as stateful actions. */
static const char *setting_actions[] = {
  "hide-internals", "group-by-instance", "show-empty-values", "show-badges",
  "badge-module", "badge-duration", "badge-error", "badge-caller", "badge-memory",
  "style-variant",
};

static void
add_actions (FtApplication *self)
{
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.hide-internals", { "<Control>h", NULL } },
    { "app.group-by-instance", { "<Control>i", NULL } },
    { "app.show-badges", { "<Control>b", NULL } },
    { "win.run", { "<Control>r", NULL } },
    { "win.rerun", { "<Control><Shift>r", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (setting_actions); i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (self->settings, setting_actions[i]);
      g_action_map_add_action (G_ACTION_MAP (self), action);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);
}

/* --view ---------------------------------------------------------------- */

static void
apply_view (FtApplication *self,
            FtWindow      *window)
{
  if (self->view != NULL)
    ft_window_set_view (window, self->view);
}

static gboolean
read_view_option (FtApplication *self,
                  GVariantDict  *options)
{
  static const char *views[] = { "tree", "timeline", "hotspots", NULL };

  if (!g_variant_dict_lookup (options, "view", "s", &self->view) || g_strv_contains (views, self->view))
    return TRUE;

  g_printerr ("flowtrace-gtk: ");
  /* Translators: %s is what the user gave after --view */
  g_printerr (_("unknown view “%s”: use --view tree, --view timeline or --view hotspots"), self->view);
  g_printerr ("\n");
  return FALSE;
}

/* Screenshot ---------------------------------------------------------- */

/* Renders what @window shows; NULL while it has not been drawn yet
 * (under a bare X server the first frames can come before the map). */
static GdkTexture *
render_window (GtkWidget *window)
{
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  GtkSnapshot *snapshot;

  if (!gtk_widget_get_mapped (window) || width <= 0 || height <= 0 || renderer == NULL)
    return NULL;

  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return NULL;

  return gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static void
finish_screenshot (FtApplication *self,
                   GtkWidget     *window,
                   GdkTexture    *texture)
{
  if (texture == NULL)
    {
      g_printerr ("flowtrace-gtk: %s\n", _("The window could not be drawn"));
      self->exit_status = 1;
    }
  else if (!gdk_texture_save_to_png (texture, self->screenshot_path))
    {
      g_printerr ("flowtrace-gtk: ");
      g_printerr (_("Could not write the screenshot to “%s”"), self->screenshot_path);
      g_printerr ("\n");
      self->exit_status = 1;
    }

  g_debug ("first frame after %.3f s",
           (g_get_monotonic_time () - self->start_time) / (double) G_USEC_PER_SEC);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A few frames after loading, once nothing moves: the first frames lay
 * the tree out, then it is painted. */
static gboolean
screenshot_tick_cb (GtkWidget     *window,
                    GdkFrameClock *clock,
                    gpointer       user_data)
{
  FtApplication *self = FT_APPLICATION (user_data);
  g_autoptr(GdkTexture) texture = NULL;
  int frames = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (window), "ft-frames")) + 1;

  g_object_set_data (G_OBJECT (window), "ft-frames", GINT_TO_POINTER (frames));
  if (frames < 3 || ft_window_is_animating (FT_WINDOW (window)))
    return G_SOURCE_CONTINUE;

  texture = render_window (window);
  /* Give up after about ten seconds of frames that draw nothing. */
  if (texture == NULL && frames < 600)
    return G_SOURCE_CONTINUE;

  finish_screenshot (self, window, texture);
  return G_SOURCE_REMOVE;
}

static void
on_screenshot_loaded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(FtApplication) self = user_data;
  FtWindow *window = FT_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (!ft_window_load_finish (window, result, &error))
    {
      g_printerr ("flowtrace-gtk: %s\n", error->message);
      self->exit_status = 1;
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  g_debug ("loaded after %.3f s",
           (g_get_monotonic_time () - self->start_time) / (double) G_USEC_PER_SEC);
  gtk_widget_add_tick_callback (GTK_WIDGET (window), screenshot_tick_cb, g_object_ref (self), g_object_unref);
}

static FtWindow *
new_screenshot_window (FtApplication *self)
{
  FtWindow *window;

  /* The picture is of the settled window: no page or banner sliding in. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  window = ft_window_new (ADW_APPLICATION (self));
  apply_view (self, window);
  ft_window_set_remember_size (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_unmaximize (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

static void
take_screenshot (FtApplication *self,
                 GFile         *file)
{
  FtWindow *window = new_screenshot_window (self);

  ft_window_load_async (window, file, NULL, on_screenshot_loaded_cb, g_object_ref (self));
}

/* --run ---------------------------------------------------------------- */

static void
on_cli_run_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FtApplication) self = user_data;
  FtWindow *window = FT_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (!ft_window_run_finish (window, result, &error))
    {
      g_printerr ("flowtrace-gtk: ");
      /* Translators: the first %s is a script, the second why it did not run */
      g_printerr (_("cannot run “%s”: %s"), self->run_script, error->message);
      g_printerr ("\n");
      self->exit_status = 1;
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  /* The trace is open: draw it once. */
  if (self->screenshot_path != NULL)
    gtk_widget_add_tick_callback (GTK_WIDGET (window), screenshot_tick_cb, g_object_ref (self), g_object_unref);
}

static FtRunner *
new_cli_runner (FtApplication *self)
{
  g_autofree char *tracer = ft_application_find_tracer ();
  FtRunner *runner = ft_runner_new (self->run_script);

  ft_runner_set_arguments (runner, (const char * const *) self->run_arguments);
  ft_runner_set_interpreter (runner, self->run_interpreter);
  ft_runner_set_output (runner, self->run_output);
  ft_runner_set_tracer (runner, tracer);

  return runner;
}

static void
start_cli_run (FtApplication *self)
{
  g_autoptr(FtRunner) runner = new_cli_runner (self);
  FtWindow *window;

  if (self->screenshot_path != NULL)
    window = new_screenshot_window (self);
  else
    {
      window = ft_window_new (ADW_APPLICATION (self));
      gtk_window_present (GTK_WINDOW (window));
    }

  ft_window_set_run_output (window, self->run_output);
  ft_window_run_async (window, runner, on_cli_run_cb, g_object_ref (self));
}

/* GApplication -------------------------------------------------------- */

static int
handle_headless_command (FtApplication *self,
                         GVariantDict  *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("flowtrace-gtk %s\n", PACKAGE_VERSION);
      return 0;
    }

  return -1;
}

/* Everything after "--run SCRIPT" belongs to the script, even words
 * that look like our options ("-o", "--help"): they are taken out
 * before GApplication parses the rest. */
static gboolean
ft_application_local_command_line (GApplication   *app,
                                   char         ***arguments,
                                   int            *exit_status)
{
  FtApplication *self = FT_APPLICATION (app);
  char **argv = *arguments;

  for (guint i = 1; argv[i] != NULL; i++)
    {
      guint first;

      if (g_str_equal (argv[i], "--"))
        break;
      if (g_str_equal (argv[i], "--run") && argv[i + 1] != NULL)
        first = i + 2;
      else if (g_str_has_prefix (argv[i], "--run="))
        first = i + 1;
      else
        continue;

      g_clear_pointer (&self->run_arguments, g_strfreev);
      self->run_arguments = g_strdupv (argv + first);
      for (guint j = first; argv[j] != NULL; j++)
        g_clear_pointer (&argv[j], g_free);
      break;
    }

  return G_APPLICATION_CLASS (ft_application_parent_class)->local_command_line (app, arguments, exit_status);
}

static int
ft_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  FtApplication *self = FT_APPLICATION (app);
  int status = handle_headless_command (self, options);

  if (status >= 0)
    return status;
  if (!read_view_option (self, options))
    return 2;

  g_variant_dict_lookup (options, "output", "^ay", &self->run_output);
  g_variant_dict_lookup (options, "interpreter", "^ay", &self->run_interpreter);
  if (!g_variant_dict_lookup (options, "run", "^ay", &self->run_script)
      && (self->run_output != NULL || self->run_interpreter != NULL))
    {
      g_printerr ("flowtrace-gtk: %s\n", _("-o and --interpreter go with --run: flowtrace-gtk -o TRACE --run SCRIPT [ARGUMENTS…]"));
      return 2;
    }

  /* A screenshot is taken, and a script run, by this process, never by
   * a running instance. */
  if (self->run_script != NULL
      || g_variant_dict_lookup (options, "screenshot", "^ay", &self->screenshot_path))
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
  if (self->run_script != NULL)
    g_variant_dict_lookup (options, "screenshot", "^ay", &self->screenshot_path);

  return G_APPLICATION_CLASS (ft_application_parent_class)->handle_local_options (app, options);
}

static void
ft_application_activate (GApplication *app)
{
  FtApplication *self = FT_APPLICATION (app);
  GtkWindow *window;

  if (self->run_script != NULL)
    {
      start_cli_run (self);
      return;
    }

  if (self->screenshot_path != NULL)
    {
      g_printerr ("flowtrace-gtk: %s\n", _("--screenshot needs a trace file: flowtrace-gtk --screenshot OUT.png TRACE.json"));
      self->exit_status = 2;
      return;
    }

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (ft_window_new (ADW_APPLICATION (app)));
  gtk_window_present (window);
}

/* A window with nothing open takes the file; otherwise a new window. */
static FtWindow *
find_empty_window (FtApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (FT_IS_WINDOW (l->data) && ft_window_is_empty (l->data))
      return l->data;

  return NULL;
}

static void
ft_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  FtApplication *self = FT_APPLICATION (app);

  if (self->run_script != NULL)
    {
      g_printerr ("flowtrace-gtk: %s\n", _("--run opens the trace of its run; the trace files given are ignored"));
      start_cli_run (self);
      return;
    }

  if (self->screenshot_path != NULL)
    {
      if (n_files > 1)
        g_printerr ("flowtrace-gtk: %s\n", _("--screenshot takes one trace; the others are ignored"));
      take_screenshot (self, files[0]);
      return;
    }

  for (int i = 0; i < n_files; i++)
    {
      FtWindow *window = find_empty_window (self);

      if (window == NULL)
        window = ft_window_new (ADW_APPLICATION (app));
      apply_view (self, window);
      gtk_window_present (GTK_WINDOW (window));
      ft_window_open (window, files[i]);
    }
}

static void
ft_application_startup (GApplication *app)
{
  FtApplication *self = FT_APPLICATION (app);

  G_APPLICATION_CLASS (ft_application_parent_class)->startup (app);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::style-variant",
                           G_CALLBACK (on_style_changed_cb), self, G_CONNECT_SWAPPED);
  apply_style (self);
  add_actions (self);
}

static void
ft_application_dispose (GObject *object)
{
  FtApplication *self = (FtApplication *)object;

  g_clear_object (&self->settings);
  g_clear_pointer (&self->screenshot_path, g_free);
  g_clear_pointer (&self->run_script, g_free);
  g_clear_pointer (&self->run_output, g_free);
  g_clear_pointer (&self->run_interpreter, g_free);
  g_clear_pointer (&self->run_arguments, g_strfreev);
  g_clear_pointer (&self->view, g_free);

  G_OBJECT_CLASS (ft_application_parent_class)->dispose (object);
}

static void
ft_application_class_init (FtApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = ft_application_dispose;
  app_class->local_command_line = ft_application_local_command_line;
  app_class->handle_local_options = ft_application_handle_local_options;
  app_class->activate = ft_application_activate;
  app_class->open = ft_application_open;
  app_class->startup = ft_application_startup;
}

static void
ft_application_init (FtApplication *self)
{
  self->start_time = g_get_monotonic_time ();
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[TRACE.json…] | [-o TRACE] --run SCRIPT [ARGUMENTS…]"));
}

FtApplication *
ft_application_new (void)
{
  return g_object_new (FT_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/flowtrace/FlowTrace",
                       NULL);
}

int
ft_application_get_exit_status (FtApplication *self)
{
  g_return_val_if_fail (FT_IS_APPLICATION (self), 1);

  return self->exit_status;
}
