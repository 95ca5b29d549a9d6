/* test-cli.c: flowtrace-gtk on the command line
 *
 * SPDX-License-Identifier: MIT
 *
 * Runs the installed-to-be executable (FLOWTRACE_GTK) as a user would.
 */

#include "config.h"

#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ft-test-util.h"

static const char png_signature[] = "\x89PNG\r\n\x1a\n";

static int
run_with (const char  *out_path,
          const char  *trace_path,
          const char  *config_dir,
          char       **err)
{
  const char *exe = g_getenv ("FLOWTRACE_GTK");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (exe);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  /* Settings from a key file, as a user's would be. */
  if (config_dir != NULL)
    {
      g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
      g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_dir, TRUE);
    }
  process = g_subprocess_launcher_spawn (launcher, &error, exe, "--screenshot", out_path, trace_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

/* The build's flowtrace-gtk started by hand, without `meson devenv`:
 * GSETTINGS_SCHEMA_DIR unset, or pointing where no schema is. */
static int
run_outside_devenv (const char  *schema_dir,
                    const char  *out_path,
                    const char  *trace_path,
                    char       **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_unsetenv (launcher, "GSETTINGS_SCHEMA_DIR");
  if (schema_dir != NULL)
    g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("FLOWTRACE_GTK"),
                                         "--screenshot", out_path, trace_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static int
run (const char  *out_path,
     const char  *trace_path,
     char       **err)
{
  return run_with (out_path, trace_path, NULL, err);
}

/* Mean brightness (0-255) of a screenshot's empty tree area. */
static double
tree_brightness (const char *png)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (png, &error);
  int width, height;
  g_autofree guchar *pixels = NULL;
  double sum = 0;
  guint n = 0;

  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  pixels = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, pixels, width * 4);
  /* Lower left quarter: below the few rows of the sample, inside the tree. */
  for (int y = height * 3 / 4; y < height * 7 / 8; y++)
    for (int x = width / 8; x < width / 4; x++)
      {
        const guchar *p = pixels + ((gsize) y * width + x) * 4;

        sum += (p[0] + p[1] + p[2]) / 3.0;
        n++;
      }

  return sum / n;
}

static void
test_style_dark_by_default_light_on_request (void)
{
  g_autofree char *trace = ft_test_write_file ("sample.json", ft_test_sample_trace, -1);
  g_autofree char *dark = ft_test_write_file ("dark.png", "", 0);
  g_autofree char *light = ft_test_write_file ("light.png", "", 0);
  g_autofree char *config = g_path_get_dirname (trace);
  g_autofree char *keyfile_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (keyfile_dir, "keyfile", NULL);
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;

  g_assert_cmpint (run (dark, trace, &err), ==, 0);
  g_assert_cmpfloat (tree_brightness (dark), <, 80.0);

  g_assert_cmpint (g_mkdir_with_parents (keyfile_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (keyfile, "[io/github/flowtrace/FlowTrace]\nstyle-variant='light'\n", -1, NULL));
  g_assert_cmpint (run_with (light, trace, config, &err2), ==, 0);
  g_assert_cmpfloat (tree_brightness (light), >, 200.0);
  if (g_getenv ("FT_SHOTS_DIR") != NULL)
    {
      g_autofree char *copy = g_build_filename (g_getenv ("FT_SHOTS_DIR"), "light.png", NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (light, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (copy, contents, length, NULL));
    }
}

static void
test_screenshot_writes_png (void)
{
  g_autofree char *trace = ft_test_write_file ("sample.json", ft_test_sample_trace, -1);
  g_autofree char *out = ft_test_write_file ("shot.png", "", 0);
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  int status;

  status = run (out, trace, &err);
  if (status != 0)
    g_test_message ("flowtrace-gtk said: %s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_get_contents (out, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 10000);
  g_assert_cmpmem (contents, 8, png_signature, 8);
}

static void
test_screenshot_malformed_fails (void)
{
  g_autofree char *trace = ft_test_write_file ("malformed.json", "[{\"id\": 0, \"callable\": tru", -1);
  g_autofree char *not_json = ft_test_write_file ("notes.json", "hello, this is not JSON", -1);
  g_autofree char *out = g_build_filename (g_get_tmp_dir (), "flowtrace-never-written.png", NULL);
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;

  g_unlink (out);
  g_assert_cmpint (run (out, not_json, &err), !=, 0);
  g_assert_nonnull (strstr (err, "notes.json"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  g_assert_cmpint (run (out, "/nonexistent/trace.json", &err2), !=, 0);
  g_assert_nonnull (strstr (err2, "trace.json"));
  (void) trace;
}

/* Files made to break the viewer: each is refused with the file, the
 * byte and what was expected, or drawn; never a crash or a hang (the
 * test's timeout).  The 200 MB string is the root's input, shown in the
 * detail pane of the first screen. */
static char *
write_nested_calls (const char *name,
                    guint       depth)
{
  g_autoptr(GString) text = g_string_new ("[");

  for (guint i = 0; i < depth; i++)
    g_string_append_printf (text, "{\"id\":%u,\"callable\":\"f\",\"start_ns\":%u,\"duration_ms\":1,\"calls\":[", i, i);
  for (guint i = 0; i < depth; i++)
    g_string_append (text, "]}");
  g_string_append_c (text, ']');
  return ft_test_write_file (name, text->str, text->len);
}

static char *
write_big_string (const char *name,
                  gsize       len)
{
  static const char head[] = "[{\"id\":0,\"callable\":\"main\",\"inputs\":{\"s\":\"";
  static const char tail[] = "\"},\"calls\":[],\"duration_ms\":1}]";
  g_autoptr(GString) text = g_string_sized_new (len + 128);

  g_string_append (text, head);
  memset (text->str + text->len, 'a', len);
  g_string_set_size (text, text->len + len);
  g_string_append (text, tail);
  return ft_test_write_file (name, text->str, text->len);
}

static void
test_screenshot_hostile (void)
{
  static const struct { const char *name; const char *text; const char *message; } refused[] = {
    { "hostile-inf.json", "[{\"id\":0,\"callable\":\"f\",\"calls\":[],\"duration_ms\":1e999}]",
      "hostile-inf.json: byte 49: expected a finite number or null for \"duration_ms\"" },
    { "hostile-utf8.json", "[{\"id\":0,\"callable\":\"f\xff\",\"calls\":[]}]",
      "hostile-utf8.json: byte 22: expected valid UTF-8 text" },
    { "hostile-calls.json", "[{\"id\":0,\"callable\":\"f\",\"calls\":5}]",
      "hostile-calls.json: byte 32: expected an array of calls for \"calls\"" },
    { "hostile-id.json", "[{\"id\":[],\"callable\":\"f\"}]",
      "hostile-id.json: byte 7: expected an integer or null for \"id\"" },
  };
  g_autofree char *never = g_build_filename (g_get_tmp_dir (), "flowtrace-hostile-never.png", NULL);
  g_autofree char *out = ft_test_write_file ("hostile.png", "", 0);

  g_unlink (never);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *trace = ft_test_write_file (refused[i].name, refused[i].text, -1);
      g_autofree char *err = NULL;

      g_assert_cmpint (run (never, trace, &err), ==, 1);
      g_assert_nonnull (strstr (err, refused[i].message));
      g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
    }

  /* 100 000 nested calls: JSON nesting beyond the reader's limit */
  {
    g_autofree char *trace = write_nested_calls ("hostile-100k.json", 100000);
    g_autofree char *err = NULL;

    g_assert_cmpint (run (never, trace, &err), ==, 1);
    g_assert_nonnull (strstr (err, "hostile-100k.json: byte "));
    g_assert_nonnull (strstr (err, ": expected JSON nested less than 20000 levels deep"));
  }

  /* the deepest nesting that loads, and a 200 MB string: drawn */
  {
    g_autofree char *deep = write_nested_calls ("hostile-deep.json", 9999);
    g_autofree char *err = NULL;

    g_assert_cmpint (run (out, deep, &err), ==, 0);
  }
  {
    g_autofree char *big = write_big_string ("hostile-200mb.json", 200u << 20);
    g_autofree char *err = NULL;

    g_assert_cmpint (run (out, big, &err), ==, 0);
    g_unlink (big);
  }
  /* a 20 MB error (a long repr()), shown by the detail pane */
  {
    g_autoptr(GString) text = g_string_new ("[{\"id\":0,\"callable\":\"main\",\"error\":\"");
    g_autofree char *trace = NULL;
    g_autofree char *err = NULL;

    for (guint i = 0; i < 20u << 20; i++)
      g_string_append_c (text, 'e');
    g_string_append (text, "\",\"calls\":[]}]");
    trace = ft_test_write_file ("hostile-error.json", text->str, text->len);
    g_assert_cmpint (run (out, trace, &err), ==, 0);
    g_unlink (trace);
  }
}

static void
test_uninstalled_without_devenv (void)
{
  g_autofree char *trace = ft_test_write_file ("sample.json", ft_test_sample_trace, -1);
  g_autofree char *out = ft_test_write_file ("uninstalled.png", "", 0);
  g_autofree char *never = g_build_filename (g_get_tmp_dir (), "flowtrace-no-schema.png", NULL);
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  /* Finds the build's own compiled schema. */
  g_assert_cmpint (run_outside_devenv (NULL, out, trace, &err), ==, 0);
  g_assert_true (g_file_get_contents (out, &contents, &length, NULL));
  g_assert_cmpmem (contents, 8, png_signature, 8);

  /* No schema anywhere: a message saying what to do, not an abort. */
  g_unlink (never);
  g_assert_cmpint (run_outside_devenv ("/nonexistent", never, trace, &err2), ==, 1);
  g_assert_nonnull (strstr (err2, "io.github.flowtrace.FlowTrace"));
  g_assert_nonnull (strstr (err2, "meson devenv"));
  g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  ft_test_init (&argc, &argv);

  g_test_add_func ("/flowtrace/cli/screenshot-writes-png", test_screenshot_writes_png);
  g_test_add_func ("/flowtrace/cli/screenshot-malformed-fails", test_screenshot_malformed_fails);
  g_test_add_func ("/flowtrace/cli/screenshot-hostile", test_screenshot_hostile);
  g_test_add_func ("/flowtrace/cli/style", test_style_dark_by_default_light_on_request);
  g_test_add_func ("/flowtrace/cli/uninstalled-without-devenv", test_uninstalled_without_devenv);

  return g_test_run ();
}
