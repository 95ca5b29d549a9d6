/* test-cli.c: flowtrace-gtk on the command line
 *
 * SPDX-License-Identifier: MIT
 *
 * Runs the installed-to-be executable (FLOWTRACE_GTK) as a user would.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "ft-test-util.h"

static const char png_signature[] = "\x89PNG\r\n\x1a\n";

static int
run (const char  *out_path,
     const char  *trace_path,
     char       **err)
{
  const char *exe = g_getenv ("FLOWTRACE_GTK");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (exe);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                              exe, "--screenshot", out_path, trace_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
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

int
main (int   argc,
      char *argv[])
{
  ft_test_init (&argc, &argv);

  g_test_add_func ("/flowtrace/cli/screenshot-writes-png", test_screenshot_writes_png);
  g_test_add_func ("/flowtrace/cli/screenshot-malformed-fails", test_screenshot_malformed_fails);

  return g_test_run ();
}
