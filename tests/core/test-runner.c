/* test-runner.c: FtRunner runs scripts under the real tracer
 *
 * SPDX-License-Identifier: MIT
 *
 * The tracer is the build tree's launcher (FLOWTRACE_TRACER, else
 * G_TEST_BUILDDIR/../../flowtrace).  Tests wait on the runner's own
 * completion by iterating the main loop; they never sleep.
 */

#include "config.h"

#include "ft-test-util.h"

#include <glib/gstdio.h>
#include <utime.h>
#include <signal.h>
#include <string.h>

#include "ft-runner.h"
#include "ft-trace.h"

static char *tmp_dir;
static const char *wrong_abi_python = "/root/.pyenv/versions/3.10.13/bin/python3";

typedef struct
{
  GString  *stdout_text;
  GString  *stderr_text;
  GString  *tracer_text;
  guint     n_progress;
  guint64   last_calls;
  gboolean  done;
  gboolean  ok;
  GError   *error;
  GCancellable *cancel_on_progress;
  GCancellable *cancel_on_line;
} RunLog;

static void
run_log_clear (RunLog *log)
{
  g_string_free (log->stdout_text, TRUE);
  g_string_free (log->stderr_text, TRUE);
  g_string_free (log->tracer_text, TRUE);
  g_clear_error (&log->error);
}

static void
on_output_cb (FtRunner   *runner,
              guint       stream,
              const char *line,
              RunLog     *log)
{
  GString *text = stream == FT_RUN_STREAM_STDOUT ? log->stdout_text
                : stream == FT_RUN_STREAM_STDERR ? log->stderr_text
                : log->tracer_text;

  g_string_append_printf (text, "%s\n", line);
  if (log->cancel_on_line != NULL && stream == FT_RUN_STREAM_STDOUT && g_str_equal (line, "ready"))
    g_cancellable_cancel (log->cancel_on_line);
}

static void
on_progress_cb (FtRunner *runner,
                guint64   calls,
                double    elapsed,
                RunLog   *log)
{
  log->n_progress++;
  log->last_calls = calls;
  if (log->cancel_on_progress != NULL && calls > 0)
    g_cancellable_cancel (log->cancel_on_progress);
}

static void
on_done_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  RunLog *log = user_data;

  log->ok = ft_runner_run_finish (FT_RUNNER (object), result, &log->error);
  log->done = TRUE;
}

static void
run (FtRunner     *runner,
     GCancellable *cancellable,
     RunLog       *log)
{
  log->stdout_text = g_string_new (NULL);
  log->stderr_text = g_string_new (NULL);
  log->tracer_text = g_string_new (NULL);
  g_signal_connect (runner, "output", G_CALLBACK (on_output_cb), log);
  g_signal_connect (runner, "progress", G_CALLBACK (on_progress_cb), log);
  ft_runner_run_async (runner, cancellable, on_done_cb, log);
  g_assert_true (ft_runner_is_running (runner));
  while (!log->done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (ft_runner_is_running (runner));
}

static char *
write_script (const char *name,
              const char *text)
{
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static char *
out_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static FtTrace *
load (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FtTrace *trace = ft_trace_load (file, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return trace;
}

static const char echo_script[] =
  "import sys\n"
  "def greet(name):\n"
  "    return 'hello ' + name\n"
  "for a in sys.argv[1:]:\n"
  "    print(greet(a))\n"
  "print('stdin:', repr(sys.stdin.read()))\n"
  "print('to stderr', file=sys.stderr)\n";

static void
test_success_with_arguments (void)
{
  g_autofree char *script = write_script ("echo.py", echo_script);
  g_autofree char *out = out_path ("echo.json");
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  const char *args[] = { "ana maria", "it's \"quoted\"", "--foo", "-o", "", NULL };
  g_autoptr(FtTrace) trace = NULL;
  g_autofree char *status = NULL;
  JsonArray *argv;
  RunLog log = { 0 };

  ft_runner_set_arguments (runner, args);
  ft_runner_set_output (runner, out);
  run (runner, NULL, &log);

  g_assert_no_error (log.error);
  g_assert_true (log.ok);
  g_assert_cmpstr (ft_runner_get_output (runner), ==, out);
  g_assert_cmpint (ft_runner_get_exit_status (runner), ==, 0);
  g_assert_true (ft_runner_succeeded (runner));
  g_assert_cmpstr (log.stdout_text->str, ==,
                   "hello ana maria\nhello it's \"quoted\"\nhello --foo\nhello -o\nhello \nstdin: ''\n");
  g_assert_cmpstr (log.stderr_text->str, ==, "to stderr\n");
  g_assert_true (g_str_has_prefix (ft_runner_get_finish_line (runner), "[FlowTrace] Profiling finished in "));
  g_assert_nonnull (strstr (ft_runner_get_finish_line (runner), "(script=echo.py)"));
  g_assert_nonnull (strstr (log.tracer_text->str, "Profiling finished"));
  g_assert_null (strstr (log.tracer_text->str, "flush #"));
  status = ft_runner_dup_status_text (runner);
  g_assert_cmpstr (status, ==, "Finished with exit status 0");

  trace = load (out);
  g_assert_true (ft_trace_is_complete (trace));
  argv = json_object_get_array_member (ft_trace_get_metadata (trace), "argv");
  g_assert_cmpuint (json_array_get_length (argv), ==, 6);
  g_assert_cmpstr (json_array_get_string_element (argv, 1), ==, "ana maria");
  g_assert_cmpstr (json_array_get_string_element (argv, 2), ==, "it's \"quoted\"");
  g_assert_cmpstr (json_array_get_string_element (argv, 3), ==, "--foo");
  g_assert_cmpstr (json_array_get_string_element (argv, 5), ==, "");
  /* greet() five times under the root */
  g_assert_cmpuint (ft_trace_get_n_calls (trace), ==, 5);
  run_log_clear (&log);
}

static void
test_progress_from_heartbeats (void)
{
  /* Runs about 1.5 s: the heartbeat comes every second at interval 0. */
  g_autofree char *script = write_script ("busy.py",
    "import time\n"
    "def step(i):\n"
    "    return i + 1\n"
    "end = time.monotonic() + 1.5\n"
    "i = 0\n"
    "while time.monotonic() < end:\n"
    "    i = step(i)\n");
  g_autofree char *out = out_path ("busy.json");
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  RunLog log = { 0 };

  ft_runner_set_output (runner, out);
  ft_runner_set_flush_interval (runner, 0);
  ft_runner_set_flags (runner, FT_RUN_FLAG_SKIP_INPUTS | FT_RUN_FLAG_SKIP_OUTPUTS);
  run (runner, NULL, &log);

  g_assert_no_error (log.error);
  g_assert_cmpuint (log.n_progress, >=, 1);
  g_assert_cmpuint (log.last_calls, >, 0);
  g_assert_cmpuint (ft_runner_get_n_calls (runner), ==, log.last_calls);
  g_assert_cmpfloat (ft_runner_get_elapsed (runner), >=, 1.5);
  /* Heartbeats are progress, never output. */
  g_assert_null (strstr (log.stderr_text->str, "heartbeat"));
  g_assert_null (strstr (log.tracer_text->str, "heartbeat"));
  run_log_clear (&log);
}

static void
test_failing_script_keeps_trace (void)
{
  g_autofree char *script = write_script ("fail.py",
    "def divide(a, b):\n"
    "    return a / b\n"
    "divide(1, 0)\n");
  g_autofree char *out = out_path ("fail.json");
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  g_autoptr(FtTrace) trace = NULL;
  g_autofree char *status = NULL;
  RunLog log = { 0 };

  ft_runner_set_output (runner, out);
  run (runner, NULL, &log);

  g_assert_no_error (log.error);
  g_assert_true (log.ok);
  g_assert_cmpint (ft_runner_get_exit_status (runner), ==, 1);
  g_assert_false (ft_runner_succeeded (runner));
  status = ft_runner_dup_status_text (runner);
  g_assert_cmpstr (status, ==, "Failed with exit status 1");
  g_assert_nonnull (strstr (log.stderr_text->str, "ZeroDivisionError"));
  g_assert_nonnull (ft_runner_get_finish_line (runner));

  trace = load (out);
  g_assert_cmpstr (ft_trace_get_error_type (trace, ft_trace_get_root (trace, 0)), ==, "ZeroDivisionError");
  run_log_clear (&log);
}

static const char forever_script[] =
  "import signal, sys\n"
  "IGNORE = len(sys.argv) > 1\n"
  "if IGNORE:\n"
  "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
  "def work(i):\n"
  "    return i * 2\n"
  "i = 0\n"
  "while True:\n"
  "    i = work(i) % 1000\n"
  "    if i == 0:\n"
  "        print('ready', flush=True)\n"
  "        i = 1\n";

static void
test_cancel_interrupts (void)
{
  g_autofree char *script = write_script ("forever.py", forever_script);
  g_autofree char *out = out_path ("forever.json");
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(FtTrace) trace = NULL;
  g_autofree char *status = NULL;
  RunLog log = { 0 };

  ft_runner_set_output (runner, out);
  ft_runner_set_flush_interval (runner, 0);
  log.cancel_on_progress = cancellable;
  run (runner, cancellable, &log);

  g_assert_no_error (log.error);
  g_assert_true (log.ok);
  g_assert_true (ft_runner_was_cancelled (runner));
  g_assert_cmpint (ft_runner_get_term_signal (runner), ==, SIGINT);
  status = ft_runner_dup_status_text (runner);
  g_assert_cmpstr (status, ==, "Cancelled: the script was interrupted");
  g_assert_nonnull (strstr (log.stderr_text->str, "KeyboardInterrupt"));
  /* Interrupted, the tracer still ends the trace properly. */
  trace = load (out);
  g_assert_true (ft_trace_is_complete (trace));
  g_assert_cmpuint (ft_trace_get_n_calls (trace), >, 0);
  g_assert_cmpstr (ft_trace_get_error_type (trace, ft_trace_get_root (trace, 0)), ==, "KeyboardInterrupt");
  run_log_clear (&log);
}

static void
test_cancel_terminates_after_grace (void)
{
  g_autofree char *script = write_script ("stubborn.py", forever_script);
  g_autofree char *out = out_path ("stubborn.json");
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  const char *args[] = { "ignore-sigint", NULL };
  g_autoptr(FtTrace) trace = NULL;
  g_autofree char *status = NULL;
  RunLog log = { 0 };

  ft_runner_set_output (runner, out);
  ft_runner_set_arguments (runner, args);
  ft_runner_set_grace_period (runner, 300);
  log.cancel_on_line = cancellable;
  run (runner, cancellable, &log);

  g_assert_no_error (log.error);
  g_assert_true (ft_runner_was_cancelled (runner));
  g_assert_cmpint (ft_runner_get_term_signal (runner), ==, SIGTERM);
  status = ft_runner_dup_status_text (runner);
  g_assert_nonnull (strstr (status, "terminated"));
  /* Cut short: read in salvage mode. */
  trace = load (out);
  g_assert_false (ft_trace_is_complete (trace));
  run_log_clear (&log);
}

static GError *
run_error (FtRunner *runner)
{
  RunLog log = { 0 };
  GError *error;

  run (runner, NULL, &log);
  g_assert_false (log.ok);
  error = g_steal_pointer (&log.error);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  run_log_clear (&log);
  return error;
}

static void
test_missing_script (void)
{
  g_autoptr(FtRunner) runner = ft_runner_new ("/nonexistent/gone.py");
  g_autoptr(GError) error = run_error (runner);

  g_assert_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_SCRIPT_MISSING);
  g_assert_nonnull (strstr (error->message, "/nonexistent/gone.py"));
}

static void
test_not_python (void)
{
  g_autoptr(FtRunner) folder = ft_runner_new (tmp_dir);
  g_autoptr(FtRunner) binary = ft_runner_new ("/bin/true");
  g_autoptr(GError) error = run_error (folder);
  g_autoptr(GError) error2 = run_error (binary);

  g_assert_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_SCRIPT_NOT_PYTHON);
  g_assert_nonnull (strstr (error->message, tmp_dir));
  g_assert_nonnull (strstr (error->message, "folder"));
  g_assert_error (error2, FT_RUNNER_ERROR, FT_RUNNER_ERROR_SCRIPT_NOT_PYTHON);
  g_assert_nonnull (strstr (error2->message, "/bin/true"));
}

static void
test_missing_interpreter (void)
{
  g_autofree char *script = write_script ("ok.py", "print('hi')\n");
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  g_autoptr(GError) error = NULL;

  ft_runner_set_interpreter (runner, "/nonexistent/python3");
  error = run_error (runner);
  g_assert_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_INTERPRETER_MISSING);
  g_assert_nonnull (strstr (error->message, "/nonexistent/python3"));
}

static void
test_wrong_abi_interpreter (void)
{
  g_autofree char *script = write_script ("ok.py", "print('hi')\n");
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  g_autoptr(GError) error = NULL;

  if (!g_file_test (wrong_abi_python, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no Python 3.10 at /root/.pyenv");
      return;
    }

  ft_runner_set_interpreter (runner, wrong_abi_python);
  error = run_error (runner);
  g_assert_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_TRACER_NOT_IMPORTABLE);
  g_assert_nonnull (strstr (error->message, wrong_abi_python));
  g_assert_nonnull (strstr (error->message, "3.10"));
}

static void
test_output_not_writable (void)
{
  g_autofree char *script = write_script ("ok.py", "print('hi')\n");
  g_autoptr(FtRunner) missing = ft_runner_new (script);
  g_autoptr(FtRunner) readonly = ft_runner_new (script);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  ft_runner_set_output (missing, "/nonexistent/dir/trace.json");
  error = run_error (missing);
  g_assert_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_OUTPUT_NOT_WRITABLE);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir"));

  /* sysfs refuses new files even to root. */
  ft_runner_set_output (readonly, "/sys/flowtrace-test.json");
  error2 = run_error (readonly);
  g_assert_error (error2, FT_RUNNER_ERROR, FT_RUNNER_ERROR_OUTPUT_NOT_WRITABLE);
  g_assert_nonnull (strstr (error2->message, "/sys"));
}

static void
test_tracer_missing (void)
{
  g_autofree char *script = write_script ("ok.py", "print('hi')\n");
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  g_autoptr(GError) error = NULL;

  ft_runner_set_tracer (runner, "/nonexistent/bin/flowtrace");
  error = run_error (runner);
  g_assert_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_TRACER_MISSING);
  g_assert_nonnull (strstr (error->message, "FLOWTRACE_TRACER"));
}

static void
test_per_run_output_in_cache (void)
{
  g_autofree char *script = write_script ("cached.py", "print('hi')\n");
  g_autoptr(FtRunner) first = ft_runner_new (script);
  g_autoptr(FtRunner) second = NULL;
  g_autofree char *runs = ft_runner_runs_dir ();
  RunLog log = { 0 }, log2 = { 0 };

  run (first, NULL, &log);
  g_assert_no_error (log.error);
  g_assert_true (g_str_has_prefix (ft_runner_get_output (first), runs));
  g_assert_true (g_str_has_prefix (ft_runner_get_output (first) + strlen (runs), "/cached-"));
  g_assert_true (g_file_test (ft_runner_get_output (first), G_FILE_TEST_IS_REGULAR));

  /* Run again at once: another file, the first kept. */
  second = ft_runner_new_copy (first);
  run (second, NULL, &log2);
  g_assert_no_error (log2.error);
  g_assert_cmpstr (ft_runner_get_output (first), !=, ft_runner_get_output (second));
  g_assert_true (g_file_test (ft_runner_get_output (first), G_FILE_TEST_IS_REGULAR));
  run_log_clear (&log);
  run_log_clear (&log2);
}

static void
touch_at (const char *dir,
          const char *name,
          gint64      mtime)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct utimbuf times = { (time_t) mtime, (time_t) mtime };

  g_assert_true (g_file_set_contents (path, "{}", -1, NULL));
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

static gboolean
exists_in (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_prune_runs (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "prune", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  /* r00 is the oldest, r24 the newest */
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *name = g_strdup_printf ("r%02u.json", i);
      touch_at (dir, name, 1700000000 + i * 60);
    }
  touch_at (dir, "r01.json.thread-1.part", 1700000000);
  touch_at (dir, "r24.json.thread-1.part", 1700000000);
  touch_at (dir, "notes.txt", 1600000000);

  g_assert_cmpuint (ft_runner_prune_runs (dir, 20), ==, 5);
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *name = g_strdup_printf ("r%02u.json", i);
      g_assert_cmpint (exists_in (dir, name), ==, i >= 5);
    }
  g_assert_false (exists_in (dir, "r01.json.thread-1.part"));
  g_assert_true (exists_in (dir, "r24.json.thread-1.part"));
  g_assert_true (exists_in (dir, "notes.txt"));

  /* nothing more to delete; a missing folder is no error */
  g_assert_cmpuint (ft_runner_prune_runs (dir, 20), ==, 0);
  g_assert_cmpuint (ft_runner_prune_runs ("/nonexistent/runs", 20), ==, 0);
}

static void
test_runs_folder_is_pruned (void)
{
  g_autofree char *script = write_script ("pruned.py", "print('hi')\n");
  g_autofree char *runs = ft_runner_runs_dir ();
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  g_autoptr(GDir) d = NULL;
  RunLog log = { 0 };
  guint n_traces = 0;
  const char *name;

  g_assert_cmpint (g_mkdir_with_parents (runs, 0700), ==, 0);
  for (guint i = 0; i < FT_RUNNER_KEEP_RUNS + 3; i++)
    {
      g_autofree char *old = g_strdup_printf ("old-%02u.json", i);
      touch_at (runs, old, 1700000000 + i);
    }

  run (runner, NULL, &log);
  g_assert_no_error (log.error);
  g_assert_true (g_file_test (ft_runner_get_output (runner), G_FILE_TEST_IS_REGULAR));
  d = g_dir_open (runs, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    n_traces += g_str_has_suffix (name, ".json");
  g_assert_cmpuint (n_traces, ==, FT_RUNNER_KEEP_RUNS);
  g_assert_false (exists_in (runs, "old-00.json"));
  g_assert_true (exists_in (runs, "old-22.json"));
  run_log_clear (&log);
}

static void
test_working_dir (void)
{
  g_autofree char *script = write_script ("cwd.py", "import os\nprint(os.getcwd())\n");
  g_autofree char *out = out_path ("cwd.json");
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  g_autoptr(FtRunner) missing = ft_runner_new (script);
  g_autoptr(GError) error = NULL;
  RunLog log = { 0 };

  ft_runner_set_output (runner, out);
  ft_runner_set_working_dir (runner, "/usr");
  run (runner, NULL, &log);
  g_assert_no_error (log.error);
  g_assert_cmpstr (log.stdout_text->str, ==, "/usr\n");
  run_log_clear (&log);

  ft_runner_set_working_dir (missing, "/nonexistent/folder");
  error = run_error (missing);
  g_assert_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_FOLDER_MISSING);
  g_assert_nonnull (strstr (error->message, "/nonexistent/folder"));
}

static void
on_interpreters_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GPtrArray **found = user_data;
  g_autoptr(GError) error = NULL;

  *found = ft_runner_find_interpreters_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_interpreters_offered (void)
{
  const char *tracer = g_getenv ("FLOWTRACE_TRACER");
  g_autofree char *own = ft_runner_tracer_interpreter (tracer);
  g_autofree char *package = ft_runner_tracer_package_dir (tracer);
  g_autoptr(GPtrArray) found = NULL;

  g_assert_cmpstr (own, ==, FLOWTRACE_PYTHON);
  g_assert_nonnull (package);
  g_assert_true (g_file_test (package, G_FILE_TEST_IS_DIR));

  ft_runner_find_interpreters_async (tracer, NULL, on_interpreters_cb, &found);
  while (found == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (found->len, >=, 1);
  g_assert_true (g_str_has_prefix (found->pdata[0], FLOWTRACE_PYTHON "\t"));
  for (guint i = 0; i < found->len; i++)
    g_assert_false (g_str_has_prefix (found->pdata[i], wrong_abi_python));
}

static void
remove_tmp (void)
{
  ft_test_remove_dir (tmp_dir);
}

int
main (int   argc,
      char *argv[])
{
  const char *build = g_getenv ("G_TEST_BUILDDIR");

  g_test_init (&argc, &argv, NULL);
  g_setenv ("LANGUAGE", "en", TRUE);
  if (g_getenv ("FLOWTRACE_TRACER") == NULL && build != NULL)
    {
      g_autofree char *tracer = g_build_filename (build, "..", "..", "flowtrace", NULL);

      g_setenv ("FLOWTRACE_TRACER", tracer, TRUE);
    }
  tmp_dir = g_dir_make_tmp ("flowtrace-runner-XXXXXX", NULL);
  /* Per-run traces go to this test's own cache. */
  g_setenv ("XDG_CACHE_HOME", tmp_dir, TRUE);
  atexit (remove_tmp);

  g_test_add_func ("/flowtrace/runner/success-with-arguments", test_success_with_arguments);
  g_test_add_func ("/flowtrace/runner/progress-from-heartbeats", test_progress_from_heartbeats);
  g_test_add_func ("/flowtrace/runner/failing-script-keeps-trace", test_failing_script_keeps_trace);
  g_test_add_func ("/flowtrace/runner/cancel-interrupts", test_cancel_interrupts);
  g_test_add_func ("/flowtrace/runner/cancel-terminates-after-grace", test_cancel_terminates_after_grace);
  g_test_add_func ("/flowtrace/runner/missing-script", test_missing_script);
  g_test_add_func ("/flowtrace/runner/not-python", test_not_python);
  g_test_add_func ("/flowtrace/runner/missing-interpreter", test_missing_interpreter);
  g_test_add_func ("/flowtrace/runner/wrong-abi-interpreter", test_wrong_abi_interpreter);
  g_test_add_func ("/flowtrace/runner/output-not-writable", test_output_not_writable);
  g_test_add_func ("/flowtrace/runner/tracer-missing", test_tracer_missing);
  g_test_add_func ("/flowtrace/runner/per-run-output-in-cache", test_per_run_output_in_cache);
  g_test_add_func ("/flowtrace/runner/prune-runs", test_prune_runs);
  g_test_add_func ("/flowtrace/runner/runs-folder-is-pruned", test_runs_folder_is_pruned);
  g_test_add_func ("/flowtrace/runner/working-dir", test_working_dir);
  g_test_add_func ("/flowtrace/runner/interpreters-offered", test_interpreters_offered);

  return g_test_run ();
}
