/* test-i18n.c: the interface in Spanish
 *
 * SPDX-License-Identifier: MIT
 *
 * Run twice (see meson.build): with LANGUAGE=es, and with LANGUAGE=en but
 * the "language" setting at "es", as chosen in Preferences, which wins.
 * Either way the translations built in the build tree must reach the
 * real widgets.
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ft-call-view.h"
#include "ft-test-util.h"
#include "ft-window.h"

static void
test_welcome_in_spanish (void)
{
  FtWindow *window = ft_window_new (NULL);

  gtk_window_present (GTK_WINDOW (window));
  ft_test_wait_frames (GTK_WIDGET (window), 2);

  g_assert_cmpstr (_("No Trace Open"), ==, "No hay ninguna traza abierta");
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "No hay ninguna traza abierta"));
  g_assert_null (ft_test_find_label (GTK_WIDGET (window), "No Trace Open"));
  ft_test_destroy_window (window);
}

static void
test_trace_in_spanish (void)
{
  g_autofree char *path = ft_test_write_file ("sample.json", ft_test_sample_trace, -1);
  g_autoptr(GError) error = NULL;
  FtWindow *window = ft_test_load_window (path, &error);

  g_assert_no_error (error);
  g_assert_true (ft_call_view_reveal (ft_window_get_call_view (window), 2));
  ft_test_save_shot (GTK_WIDGET (window), "spanish");
  /* Column titles and detail headings */
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "Llamada"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "Módulo"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "Duración"));
  ft_test_destroy_window (window);
}

static void
test_life_in_spanish (void)
{
  static const char trace[] =
    "[{\"id\":0,\"callable\":\"a.py\",\"module\":\"__main__\",\"called\":\"a.py\",\"caller\":null,"
    "\"instance_id\":null,\"inputs\":{},\"calls\":["
     "{\"id\":1,\"callable\":\"crawl\",\"module\":\"a\",\"called\":\"crawl\",\"caller\":\"a.py::a.py\","
     "\"instance_id\":null,\"kind\":\"generator\",\"start_ns\":10,\"inputs\":{},\"calls\":[],"
     "\"inputs_after\":{},\"output\":null,\"duration_ms\":20.0,\"running_ms\":2.5,\"suspended_ms\":17.5,"
     "\"resumes\":17,\"yields\":18,\"error\":null,\"error_type\":null,\"closed\":true}"
    "],\"inputs_after\":{},\"output\":null,\"error\":null,\"duration_ms\":21.0}]";
  g_autofree char *path = ft_test_write_file ("life.json", trace, -1);
  g_autoptr(GError) error = NULL;
  FtWindow *window = ft_test_load_window (path, &error);

  g_assert_no_error (error);
  g_assert_true (ft_call_view_reveal (ft_window_get_call_view (window), 1));
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "Generador"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "Reanudaciones"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "Tiempo en ejecución"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "Tiempo suspendido"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "Cerrado mientras estaba suspendido"));
  g_assert_null (ft_test_find_label (GTK_WIDGET (window), "Resumes"));
  ft_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  const char *setting = g_getenv ("FT_TEST_LANGUAGE_SETTING");

  /* The setting is read at startup, before any window exists. */
  if (setting != NULL)
    {
      g_autoptr(GSettings) settings = NULL;

      g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
      settings = g_settings_new (APP_ID);
      g_settings_set_string (settings, "language", setting);
    }

  ft_test_init (&argc, &argv);

  g_test_add_func ("/flowtrace/i18n/welcome", test_welcome_in_spanish);
  g_test_add_func ("/flowtrace/i18n/trace", test_trace_in_spanish);
  g_test_add_func ("/flowtrace/i18n/life", test_life_in_spanish);

  return g_test_run ();
}
