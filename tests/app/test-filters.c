/* test-filters.c: filtered views, headless and in the window
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>

#include "core/ft-trace.h"
#include "ft-test-util.h"

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

/* flowtrace-gtk with @args, as a user would run it over ssh: no display. */
static void
run_cli (CliRun              *run,
         const char * const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (g_getenv ("FLOWTRACE_GTK"));
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_ptr_array_add (argv, (gpointer) g_getenv ("FLOWTRACE_GTK"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

static char *
node_ids (FtTrace *trace)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ft_trace_get_n_nodes (trace); i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len ? "," : "", ft_trace_get_id (trace, i));
  return g_string_free (s, FALSE);
}

static void
test_cli_export_filtered (void)
{
  g_autofree char *in = ft_test_write_file ("cli-in.json", ft_test_sample_trace, -1);
  g_autofree char *out = ft_test_write_file ("cli-out.json", "old", -1);
  const char *args[] = { "--export-filtered", out, "--filter", "module=shop.*",
                         "--filter", "min-ms=1.5", in, NULL };
  g_auto(CliRun) run = { 0 };
  g_autoptr(GFile) file = g_file_new_for_path (out);
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;

  run_cli (&run, args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "4 of 8 calls match"));
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* add (1.5), total (3.0), checkout (4.25) and load_config (2.0) under checkout */
  ids = node_ids (trace);
  g_assert_cmpstr (ids, ==, "0,2,5,7,8");
  g_assert_nonnull (ft_trace_get_metadata (trace));
}

static void
test_cli_errors_only (void)
{
  g_autofree char *in = ft_test_write_file ("cli-in2.json", ft_test_sample_trace, -1);
  g_autofree char *out = g_build_filename (g_get_tmp_dir (), "ft-test-filters-errors.json", NULL);
  const char *args[] = { "--export-filtered", out, "--filter", "errors", "--filter", "class=Payment", in, NULL };
  g_auto(CliRun) run = { 0 };
  g_autoptr(GFile) file = g_file_new_for_path (out);
  g_autoptr(FtTrace) trace = NULL;
  g_autofree char *ids = NULL;

  run_cli (&run, args);
  g_assert_cmpint (run.status, ==, 0);
  trace = ft_trace_load (file, NULL, NULL, NULL, NULL);
  g_assert_nonnull (trace);
  ids = node_ids (trace);
  g_assert_cmpstr (ids, ==, "0,7");
  g_unlink (out);
}

static void
test_cli_bad_input (void)
{
  g_autofree char *in = ft_test_write_file ("cli-in3.json", ft_test_sample_trace, -1);
  g_autofree char *out = g_build_filename (g_get_tmp_dir (), "ft-test-filters-bad.json", NULL);
  struct {
    const char *args[8];
    int         status;
    const char *message;
  } cases[] = {
    { { "--export-filtered", out, "--filter", "size=3", in }, 2, "unknown filter “size=3”" },
    { { "--export-filtered", out, "--filter", "min-ms=soon", in }, 2, "“soon” is not a number" },
    { { "--export-filtered", out, "/nonexistent/trace.json" }, 1, "could not read the trace “/nonexistent/trace.json”" },
    { { "--export-filtered", "/nonexistent/dir/out.json", in }, 1, "Could not write “/nonexistent/dir/out.json”" },
    { { "--export-filtered", out }, 2, "needs one trace file" },
    { { "--export-filtered", in, in }, 2, "the output is the trace itself" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(CliRun) run = { 0 };

      run_cli (&run, cases[i].args);
      g_assert_cmpint (run.status, ==, cases[i].status);
      if (strstr (run.err, cases[i].message) == NULL)
        g_error ("case %u: expected “%s” in: %s", i, cases[i].message, run.err);
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }
}

int
main (int   argc,
      char *argv[])
{
  ft_test_init (&argc, &argv);

  g_test_add_func ("/flowtrace/filters/cli/export-filtered", test_cli_export_filtered);
  g_test_add_func ("/flowtrace/filters/cli/errors-only", test_cli_errors_only);
  g_test_add_func ("/flowtrace/filters/cli/bad-input", test_cli_bad_input);

  return g_test_run ();
}
