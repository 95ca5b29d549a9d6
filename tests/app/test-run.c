/* test-run.c: running scripts from the app, with the real tracer
 *
 * SPDX-License-Identifier: MIT
 *
 * The Run dialog, the log pane and the window's run drive the build
 * tree's tracer (FLOWTRACE_TRACER); `flowtrace-gtk --run` is run as a
 * user would (FLOWTRACE_GTK).  Every wait is on a condition of the main
 * loop, bounded by a deadline, never a sleep.
 */

#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "ft-log-pane.h"
#include "ft-run-dialog.h"
#include "ft-test-util.h"
#include "ft-window.h"

#define DEADLINE_S 90

static const char *wrong_abi_python = "/root/.pyenv/versions/3.10.13/bin/python3";

static gboolean
deadline_cb (gpointer user_data)
{
  g_error ("timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_until (Condition   condition,
            gpointer    data,
            const char *what)
{
  guint deadline = g_timeout_add_seconds (DEADLINE_S, deadline_cb, (gpointer) what);

  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (deadline);
}

static char *
sample_path (const char *relative)
{
  const char *dir = g_getenv ("FT_SAMPLES_DIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, relative, NULL);
}

static FtWindow *
new_window (void)
{
  FtWindow *window = ft_window_new (NULL);

  ft_window_set_remember_size (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gboolean
dialog_found (gpointer data)
{
  FtRunDialog **dialog = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (FT_IS_RUN_DIALOG (item) && gtk_widget_get_mapped (GTK_WIDGET (item)))
        *dialog = FT_RUN_DIALOG (item);
    }

  return *dialog != NULL;
}

static gboolean
dialog_probed (gpointer data)
{
  return !ft_run_dialog_is_probing (data);
}

/* The run ended and the trace it wrote is the one open. */
static gboolean
run_ended_and_open (gpointer data)
{
  FtWindow *window = data;
  FtRunner *runner = ft_window_get_runner (window);
  FtTrace *trace = ft_window_get_trace (window);
  g_autofree char *path = NULL;

  if (ft_window_is_running (window) || trace == NULL || runner == NULL)
    return FALSE;

  path = g_file_get_path (ft_trace_get_file (trace));
  return g_strcmp0 (path, ft_runner_get_output (runner)) == 0;
}

static char *
log_text (FtWindow *window)
{
  return ft_log_pane_dup_text (ft_window_get_log_pane (window));
}

static JsonArray *
trace_argv (FtWindow *window)
{
  return json_object_get_array_member (ft_trace_get_metadata (ft_window_get_trace (window)), "argv");
}

/* The dialog ------------------------------------------------------------ */

static FtRunDialog *
open_dialog (FtWindow *window)
{
  FtRunDialog *dialog = NULL;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL);
  wait_until (dialog_found, &dialog, "the Run dialog");
  wait_until (dialog_probed, dialog, "the interpreters to be probed");
  return dialog;
}

static void
test_dialog_success_with_arguments (void)
{
  FtWindow *window = new_window ();
  g_autofree char *script = sample_path ("basic/basic_sample.py");
  g_autofree char *text = NULL;
  g_autofree char *first_trace = NULL;
  g_autofree char *trace_label = NULL;
  FtRunDialog *dialog = open_dialog (window);
  FtLogPane *pane = ft_window_get_log_pane (window);
  JsonArray *argv;

  /* The tracer's own interpreter is offered at least, found in the background. */
  g_assert_cmpuint (ft_run_dialog_get_n_interpreters (dialog), >=, 1);
  gtk_editable_set_text (ft_run_dialog_get_script_entry (dialog), script);
  gtk_editable_set_text (ft_run_dialog_get_arguments_entry (dialog), "--customer \"ana 'la' maria\" --tier gold --coffee 3");
  g_assert_cmpstr (ft_run_dialog_get_problem (dialog), ==, "");
  ft_test_save_shot (GTK_WIDGET (dialog), "run-dialog");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "run-dialog.run", NULL);
  g_assert_true (ft_window_is_running (window));
  wait_until (run_ended_and_open, window, "the run to end and its trace to open");
  ft_test_save_shot (GTK_WIDGET (window), "run-finished");

  argv = trace_argv (window);
  g_assert_cmpuint (json_array_get_length (argv), ==, 7);
  g_assert_true (g_str_has_suffix (json_array_get_string_element (argv, 0), "basic_sample.py"));
  g_assert_cmpstr (json_array_get_string_element (argv, 1), ==, "--customer");
  g_assert_cmpstr (json_array_get_string_element (argv, 2), ==, "ana 'la' maria");
  g_assert_cmpstr (json_array_get_string_element (argv, 6), ==, "3");
  g_assert_cmpuint (ft_trace_get_n_calls (ft_window_get_trace (window)), >, 3);

  text = log_text (window);
  g_assert_nonnull (strstr (text, "Order for Ana 'la' Maria confirmed"));
  g_assert_null (strstr (text, "heartbeat"));
  g_assert_cmpstr (ft_log_pane_get_status (pane), ==, "Finished with exit status 0");
  g_assert_true (g_str_has_prefix (ft_log_pane_get_detail (pane), "[FlowTrace] Profiling finished in "));
  g_assert_false (ft_log_pane_is_error (pane));
  /* Without -o: a file of its own in the cache, named in the window. */
  first_trace = g_file_get_path (ft_trace_get_file (ft_window_get_trace (window)));
  g_assert_true (g_str_has_prefix (first_trace, g_get_user_cache_dir ()));
  trace_label = g_strdup_printf ("Trace: %s", first_trace);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), trace_label));

  /* Re-run: same arguments, a new trace file. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.rerun", NULL);
  g_assert_true (ft_window_is_running (window));
  wait_until (run_ended_and_open, window, "the second run");
  g_assert_cmpstr (json_array_get_string_element (trace_argv (window), 2), ==, "ana 'la' maria");
  {
    g_autofree char *second = g_file_get_path (ft_trace_get_file (ft_window_get_trace (window)));

    g_assert_cmpstr (second, !=, first_trace);
  }

  /* The dialog opens again with what was run. */
  dialog = open_dialog (window);
  g_assert_cmpstr (gtk_editable_get_text (ft_run_dialog_get_script_entry (dialog)), ==, script);
  g_assert_cmpstr (gtk_editable_get_text (ft_run_dialog_get_arguments_entry (dialog)), ==,
                   "--customer \"ana 'la' maria\" --tier gold --coffee 3");
  gtk_window_destroy (GTK_WINDOW (dialog));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_dialog_rejects_bad_arguments (void)
{
  FtWindow *window = new_window ();
  FtRunDialog *dialog = open_dialog (window);
  g_autofree char *script = sample_path ("basic/basic_sample.py");

  gtk_editable_set_text (ft_run_dialog_get_script_entry (dialog), script);
  gtk_editable_set_text (ft_run_dialog_get_arguments_entry (dialog), "--customer \"ana maria");
  g_assert_true (g_str_has_prefix (ft_run_dialog_get_problem (dialog), "The arguments cannot be read"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (dialog), ft_run_dialog_get_problem (dialog)));
  /* Run does nothing while the arguments are wrong. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "run-dialog.run", NULL);
  g_assert_false (ft_window_is_running (window));
  ft_test_save_shot (GTK_WIDGET (dialog), "run-dialog-bad-arguments");

  gtk_editable_set_text (ft_run_dialog_get_arguments_entry (dialog), "--customer \"ana maria\"");
  g_assert_cmpstr (ft_run_dialog_get_problem (dialog), ==, "");

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_dialog_tracer_options (void)
{
  FtWindow *window = new_window ();
  FtRunDialog *dialog = open_dialog (window);
  g_autofree char *script = sample_path ("complex/complex_app.py");
  FtTrace *trace;
  JsonObject *flags;
  guint n_demo = 0;

  gtk_editable_set_text (ft_run_dialog_get_script_entry (dialog), script);
  gtk_editable_set_text (ft_run_dialog_get_arguments_entry (dialog), "");
  /* Options that belong to the runner, or are not the tracer's, are refused. */
  gtk_editable_set_text (ft_run_dialog_get_tracer_options_entry (dialog), "-o /tmp/elsewhere.json");
  g_assert_true (g_str_has_prefix (ft_run_dialog_get_problem (dialog), "“-o” is not an option a run can add"));
  ft_test_save_shot (GTK_WIDGET (dialog), "run-dialog-bad-tracer-options");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "run-dialog.run", NULL);
  g_assert_false (ft_window_is_running (window));
  gtk_editable_set_text (ft_run_dialog_get_tracer_options_entry (dialog), "--max-depth");
  g_assert_cmpstr (ft_run_dialog_get_problem (dialog), ==, "--max-depth needs a value");
  gtk_editable_set_text (ft_run_dialog_get_tracer_options_entry (dialog), "--exclude 'demo.common.*");
  g_assert_true (g_str_has_prefix (ft_run_dialog_get_problem (dialog), "The tracer options cannot be read"));

  gtk_editable_set_text (ft_run_dialog_get_tracer_options_entry (dialog), "--exclude 'demo.common.*' --max-depth=3");
  g_assert_cmpstr (ft_run_dialog_get_problem (dialog), ==, "");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "run-dialog.run", NULL);
  g_assert_true (ft_window_is_running (window));
  wait_until (run_ended_and_open, window, "the run with tracer options");

  trace = ft_window_get_trace (window);
  flags = json_object_get_object_member (ft_trace_get_metadata (trace), "flags");
  g_assert_cmpint (json_object_get_int_member (flags, "max_depth"), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (flags, "exclude"), 0), ==,
                   "demo.common.*");
  for (FtNodeId node = 0; node < ft_trace_get_n_nodes (trace); node++)
    {
      const char *module = ft_trace_get_module (trace, node);

      g_assert_false (module != NULL && g_str_has_prefix (module, "demo.common"));
      n_demo += module != NULL && g_str_has_prefix (module, "demo.");
    }
  g_assert_cmpuint (n_demo, >, 0);

  /* Remembered for the next run. */
  dialog = open_dialog (window);
  g_assert_cmpstr (gtk_editable_get_text (ft_run_dialog_get_tracer_options_entry (dialog)), ==,
                   "--exclude 'demo.common.*' --max-depth=3");
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The window's run --------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} RunResult;

static void
on_run_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  RunResult *run = user_data;

  run->ok = ft_window_run_finish (FT_WINDOW (object), result, &run->error);
  run->done = TRUE;
}

static gboolean
run_done (gpointer data)
{
  return ((RunResult *) data)->done;
}

static void
run_in_window (FtWindow  *window,
               FtRunner  *runner,
               RunResult *run)
{
  ft_window_run_async (window, runner, on_run_cb, run);
  wait_until (run_done, run, "the run");
}

static void
test_failing_script_opens_marked (void)
{
  FtWindow *window = new_window ();
  g_autofree char *script = sample_path ("error/error_sample.py");
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  FtLogPane *pane = ft_window_get_log_pane (window);
  g_autofree char *text = NULL;
  RunResult run = { 0 };
  FtTrace *trace;
  FtNodeId root;

  run_in_window (window, runner, &run);
  g_assert_no_error (run.error);
  g_assert_true (run.ok);

  trace = ft_window_get_trace (window);
  root = ft_trace_get_root (trace, 0);
  g_assert_true (ft_trace_get_flags (trace, root) & FT_NODE_FLAG_ERROR);
  g_assert_cmpstr (ft_trace_get_error_type (trace, root), ==, "FileNotFoundError");
  g_assert_cmpstr (ft_log_pane_get_status (pane), ==, "Failed with exit status 1");
  g_assert_true (ft_log_pane_is_error (pane));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (ft_test_find_label (GTK_WIDGET (window), "Failed with exit status 1")), "error"));
  text = log_text (window);
  g_assert_nonnull (strstr (text, "loading missing_config.json\n"));
  g_assert_nonnull (strstr (text, "FileNotFoundError"));
  ft_test_save_shot (GTK_WIDGET (window), "run-failed");

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_error (&run.error);
}

static const char long_script[] =
  "import time\n"
  "def tick(i):\n"
  "    return i + 1\n"
  "i = 0\n"
  "next_print = 0\n"
  "while True:\n"
  "    i = tick(i)\n"
  "    if time.monotonic() >= next_print:\n"
  "        print('still running', i, flush=True)\n"
  "        next_print = time.monotonic() + 0.2\n";

static gboolean
running_with_output (gpointer data)
{
  FtWindow *window = data;
  g_autofree char *text = log_text (window);

  return strstr (text, "still running") != NULL && ft_runner_get_n_calls (ft_window_get_runner (window)) > 0;
}

static void
test_cancel_during_long_run (void)
{
  FtWindow *window = new_window ();
  g_autofree char *script = ft_test_write_file ("long_sample.py", long_script, -1);
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  FtLogPane *pane = ft_window_get_log_pane (window);
  RunResult run = { 0 };

  /* Heartbeats every second, so progress shows calls. */
  ft_runner_set_flush_interval (runner, 0);
  ft_window_run_async (window, runner, on_run_cb, &run);
  wait_until (running_with_output, window, "output and progress from the running script");
  g_assert_true (g_str_has_prefix (ft_log_pane_get_status (pane), "Running long_sample.py"));
  g_assert_nonnull (strstr (ft_log_pane_get_detail (pane), " calls · "));
  ft_test_save_shot (GTK_WIDGET (window), "run-running");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-run", NULL);
  wait_until (run_done, &run, "the cancelled run");
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_true (ft_runner_was_cancelled (runner));
  g_assert_true (g_str_has_prefix (ft_log_pane_get_status (pane), "Cancelled"));
  g_assert_nonnull (ft_window_get_trace (window));
  g_assert_cmpuint (ft_trace_get_n_calls (ft_window_get_trace (window)), >, 0);
  ft_test_save_shot (GTK_WIDGET (window), "run-cancelled");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_missing_script_in_window (void)
{
  FtWindow *window = new_window ();
  g_autoptr(FtRunner) runner = ft_runner_new ("/nonexistent/gone.py");
  FtLogPane *pane = ft_window_get_log_pane (window);
  RunResult run = { 0 };

  run_in_window (window, runner, &run);
  g_assert_false (run.ok);
  g_assert_error (run.error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_SCRIPT_MISSING);
  g_assert_cmpstr (ft_log_pane_get_status (pane), ==, "Could not run the script");
  g_assert_nonnull (strstr (ft_log_pane_get_detail (pane), "/nonexistent/gone.py"));
  g_assert_true (ft_window_is_empty (window));
  g_assert_false (ft_window_is_running (window));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_error (&run.error);
}

static void
test_wrong_interpreter_in_window (void)
{
  FtWindow *window = new_window ();
  g_autofree char *script = sample_path ("basic/basic_sample.py");
  g_autoptr(FtRunner) runner = ft_runner_new (script);
  FtLogPane *pane = ft_window_get_log_pane (window);
  RunResult run = { 0 };

  if (!g_file_test (wrong_abi_python, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no Python 3.10 at /root/.pyenv for the wrong-ABI case");
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  ft_runner_set_interpreter (runner, wrong_abi_python);
  run_in_window (window, runner, &run);
  g_assert_false (run.ok);
  g_assert_error (run.error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_TRACER_NOT_IMPORTABLE);
  g_assert_true (ft_log_pane_is_error (pane));
  g_assert_nonnull (strstr (ft_log_pane_get_detail (pane), wrong_abi_python));
  g_assert_nonnull (strstr (ft_log_pane_get_detail (pane), "default interpreter"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_error (&run.error);
}

static gboolean
message_dialog_found (gpointer data)
{
  AdwMessageDialog **dialog = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item) && gtk_widget_get_mapped (GTK_WIDGET (item)))
        *dialog = ADW_MESSAGE_DIALOG (item);
    }

  return *dialog != NULL;
}

static void
test_dialog_missing_script_shows_error (void)
{
  FtWindow *window = new_window ();
  FtRunDialog *dialog = open_dialog (window);
  AdwMessageDialog *message = NULL;

  gtk_editable_set_text (ft_run_dialog_get_script_entry (dialog), "/nonexistent/gone.py");
  gtk_editable_set_text (ft_run_dialog_get_arguments_entry (dialog), "");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "run-dialog.run", NULL);
  wait_until (message_dialog_found, &message, "the error dialog");
  g_assert_cmpstr (adw_message_dialog_get_heading (message), ==, "Could Not Run the Script");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "/nonexistent/gone.py"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "does not exist"));
  ft_test_save_shot (GTK_WIDGET (message), "run-error-dialog");

  gtk_window_destroy (GTK_WINDOW (message));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The command line --------------------------------------------------------- */

static int
run_cli (const char * const *args,
         char              **err)
{
  const char *exe = g_getenv ("FLOWTRACE_GTK");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (exe);
  g_strv_builder_add (builder, exe);
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  g_test_message ("flowtrace-gtk said: %s", *err);

  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static const char echo_script[] =
  "import sys\n"
  "for a in sys.argv[1:]:\n"
  "    print('arg', repr(a))\n"
  "print('stdin', repr(sys.stdin.read()))\n";

static void
test_cli_run_screenshot_with_arguments (void)
{
  g_autofree char *script = ft_test_write_file ("echo args.py", echo_script, -1);
  g_autofree char *dir = g_path_get_dirname (script);
  g_autofree char *trace_path = g_build_filename (dir, "cli trace.json", NULL);
  g_autofree char *png = g_build_filename (dir, "run-cli.png", NULL);
  const char *args[] = { "--screenshot", png, "-o", trace_path, "--run", script,
                         "ana maria", "it's \"quoted\"", "-o", "--help", NULL };
  g_autofree char *err = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *argv;

  g_assert_cmpint (run_cli (args, &err), ==, 0);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  file = g_file_new_for_path (trace_path);
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  argv = json_object_get_array_member (ft_trace_get_metadata (trace), "argv");
  /* Everything after SCRIPT reached the script, even "-o" and "--help". */
  g_assert_cmpuint (json_array_get_length (argv), ==, 5);
  g_assert_cmpstr (json_array_get_string_element (argv, 1), ==, "ana maria");
  g_assert_cmpstr (json_array_get_string_element (argv, 2), ==, "it's \"quoted\"");
  g_assert_cmpstr (json_array_get_string_element (argv, 3), ==, "-o");
  g_assert_cmpstr (json_array_get_string_element (argv, 4), ==, "--help");
  if (g_getenv ("FT_SHOTS_DIR") != NULL)
    {
      g_autofree char *copy = g_build_filename (g_getenv ("FT_SHOTS_DIR"), "run-cli.png", NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (png, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (copy, contents, length, NULL));
    }
}

static void
assert_cli_fails (const char * const *args,
                  const char         *script,
                  const char         *also)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (args, &err), !=, 0);
  g_assert_nonnull (strstr (err, "cannot run"));
  g_assert_nonnull (strstr (err, script));
  if (also != NULL)
    g_assert_nonnull (strstr (err, also));
}

static void
test_cli_bad_scripts (void)
{
  g_autofree char *script = ft_test_write_file ("fine.py", "print('fine')\n", -1);
  g_autofree char *folder = g_path_get_dirname (script);
  const char *missing[] = { "--run", "/nonexistent/gone.py", NULL };
  const char *binary[] = { "--run", "/bin/true", "arg", NULL };
  const char *dir[] = { "--run", folder, NULL };

  assert_cli_fails (missing, "/nonexistent/gone.py", "does not exist");
  assert_cli_fails (binary, "/bin/true", "binary");
  assert_cli_fails (dir, folder, "folder");
}

static void
test_cli_bad_interpreters (void)
{
  g_autofree char *script = ft_test_write_file ("fine.py", "print('fine')\n", -1);
  const char *missing[] = { "--interpreter", "/nonexistent/python3", "--run", script, NULL };
  const char *wrong[] = { "--interpreter", wrong_abi_python, "--run", script, NULL };

  assert_cli_fails (missing, script, "/nonexistent/python3");
  if (!g_file_test (wrong_abi_python, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no Python 3.10 at /root/.pyenv for the wrong-ABI case");
      return;
    }
  assert_cli_fails (wrong, script, "3.10");
}

static void
test_cli_output_not_writable (void)
{
  g_autofree char *script = ft_test_write_file ("fine.py", "print('fine')\n", -1);
  const char *missing_dir[] = { "-o", "/nonexistent/dir/t.json", "--run", script, NULL };
  const char *sysfs[] = { "-o", "/sys/flowtrace-test.json", "--run", script, NULL };

  assert_cli_fails (missing_dir, script, "/nonexistent/dir");
  /* sysfs takes no new files, not even from root. */
  assert_cli_fails (sysfs, script, "/sys");
}

int
main (int   argc,
      char *argv[])
{
  ft_test_init (&argc, &argv);

  g_test_add_func ("/flowtrace/run/dialog-success-with-arguments", test_dialog_success_with_arguments);
  g_test_add_func ("/flowtrace/run/dialog-rejects-bad-arguments", test_dialog_rejects_bad_arguments);
  g_test_add_func ("/flowtrace/run/dialog-tracer-options", test_dialog_tracer_options);
  g_test_add_func ("/flowtrace/run/failing-script-opens-marked", test_failing_script_opens_marked);
  g_test_add_func ("/flowtrace/run/cancel-during-long-run", test_cancel_during_long_run);
  g_test_add_func ("/flowtrace/run/missing-script-in-window", test_missing_script_in_window);
  g_test_add_func ("/flowtrace/run/wrong-interpreter-in-window", test_wrong_interpreter_in_window);
  g_test_add_func ("/flowtrace/run/dialog-missing-script-shows-error", test_dialog_missing_script_shows_error);
  g_test_add_func ("/flowtrace/run/cli-screenshot-with-arguments", test_cli_run_screenshot_with_arguments);
  g_test_add_func ("/flowtrace/run/cli-bad-scripts", test_cli_bad_scripts);
  g_test_add_func ("/flowtrace/run/cli-bad-interpreters", test_cli_bad_interpreters);
  g_test_add_func ("/flowtrace/run/cli-output-not-writable", test_cli_output_not_writable);

  return g_test_run ();
}
