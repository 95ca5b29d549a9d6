/* ft-runner.c: runs a Python script under the flowtrace tracer
 *
 * SPDX-License-Identifier: MIT
 *
 * A run has two halves.  The checks (script, folders, interpreter, the
 * tracer importing there) run in a worker thread, so that a slow disk or
 * a slow interpreter never blocks the caller's main loop.  The process
 * itself is driven from the caller's main context: both pipes are read
 * line by line, the tracer's "[FlowTrace] heartbeat" lines become
 * progress, and the run completes once the process has exited and both
 * pipes are drained.
 */

#define G_LOG_DOMAIN "ft-runner"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ft-runner.h"

#define DEFAULT_GRACE_MS 5000
/* After the process exits, how long its pipes may stay open (a child it
 * left behind holding them) before the run ends anyway. */
#define DRAIN_MS 2000
#define STDERR_TAIL_LINES 6
#define HEARTBEAT_PREFIX "[FlowTrace] heartbeat "
#define FLUSH_PREFIX "[FlowTrace] flush #"
#define FINISH_PREFIX "[FlowTrace] Profiling finished in "
#define TRACER_PREFIX "[FlowTrace] "

/* Prints the version and executable first, so a failed import still
 * tells which Python it was. */
static const char probe_code[] =
  "import sys; print(sys.version.split()[0]); print(sys.executable); sys.stdout.flush(); "
  "import flowtrace._flowtrace";

struct _FtRunner
{
  GObject        parent_instance;

  /* Configuration */
  char          *script;
  GStrv          arguments;
  GStrv          tracer_options;
  char          *working_dir;
  char          *interpreter;
  char          *output;
  char          *tracer;
  FtRunFlags     flags;
  double         flush_interval;
  guint          grace_ms;

  /* One run */
  GSubprocess   *process;
  GTask         *task;
  GCancellable  *cancellable;
  GCancellable  *read_cancellable;
  gulong         cancelled_id;
  guint          signal_source;
  guint          drain_source;
  guint          pending;
  gint64         start_time;
  gint64         end_time;
  guint64        n_calls;
  char          *finish_line;
  GQueue         stderr_tail;
  int            exit_status;
  int            term_signal;
  guint          signals_sent;
  guint          running : 1;
  guint          cancelled : 1;
};

G_DEFINE_FINAL_TYPE (FtRunner, ft_runner, G_TYPE_OBJECT)

G_DEFINE_QUARK (ft-runner-error-quark, ft_runner_error)

enum {
  SIGNAL_OUTPUT,
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Locating the tracer ------------------------------------------------- */

static gboolean
is_program (const char *path)
{
  return path != NULL
      && g_file_test (path, G_FILE_TEST_IS_EXECUTABLE)
      && !g_file_test (path, G_FILE_TEST_IS_DIR);
}

static char *
tracer_beside_self (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  char *path;

  if (exe == NULL)
    return NULL;

  dir = g_path_get_dirname (exe);
  path = g_build_filename (dir, "flowtrace", NULL);
  if (is_program (path))
    return path;

  g_free (path);
  return NULL;
}

/**
 * ft_runner_find_tracer:
 * @build_launcher: (nullable): the build tree's launcher, passed only
 *   when the caller runs uninstalled
 *
 * The `flowtrace` command to run: $FLOWTRACE_TRACER, else the one beside
 * the running program (an installed bindir), else @build_launcher, else
 * the configured bindir's, else the first on PATH.
 *
 * Returns: (transfer full) (nullable): a path, or NULL when none exists
 */
char *
ft_runner_find_tracer (const char *build_launcher)
{
  const char *env = g_getenv ("FLOWTRACE_TRACER");
  g_autofree char *installed = g_build_filename (FLOWTRACE_BINDIR, "flowtrace", NULL);
  char *found;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if ((found = tracer_beside_self ()) != NULL)
    return found;
  if (is_program (build_launcher))
    return g_strdup (build_launcher);
  if (is_program (installed))
    return g_steal_pointer (&installed);

  return g_find_program_in_path ("flowtrace");
}

static char *
read_head (const char *path)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
  gsize length;

  if (mapped == NULL)
    return NULL;

  length = MIN (g_mapped_file_get_length (mapped), 65536);
  return g_strndup (g_mapped_file_get_contents (mapped), length);
}

/**
 * ft_runner_tracer_package_dir:
 * @launcher: a `flowtrace` launcher made from pyhook/flowtrace-launcher.in
 *
 * Returns: (transfer full) (nullable): the folder holding its `flowtrace`
 *   package (the launcher's `sys.path[0] = '…'` line)
 */
char *
ft_runner_tracer_package_dir (const char *launcher)
{
  g_autofree char *text = NULL;
  const char *start, *end;
  char quote;

  g_return_val_if_fail (launcher != NULL, NULL);

  text = read_head (launcher);
  if (text == NULL || (start = strstr (text, "sys.path[0] = ")) == NULL)
    return NULL;

  start += strlen ("sys.path[0] = ");
  quote = *start++;
  if ((quote != '\'' && quote != '"') || (end = strchr (start, quote)) == NULL)
    return NULL;

  return g_strndup (start, end - start);
}

/**
 * ft_runner_tracer_interpreter:
 * @launcher: a `flowtrace` launcher
 *
 * Returns: (transfer full) (nullable): the interpreter of its `#!` line
 */
char *
ft_runner_tracer_interpreter (const char *launcher)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) words = NULL;
  char *eol;

  g_return_val_if_fail (launcher != NULL, NULL);

  text = read_head (launcher);
  if (text == NULL || !g_str_has_prefix (text, "#!"))
    return NULL;
  if ((eol = strchr (text, '\n')) != NULL)
    *eol = '\0';

  words = g_strsplit_set (g_strstrip (text + 2), " \t", -1);
  if (words[0] == NULL || words[0][0] == '\0')
    return NULL;
  /* "#!/usr/bin/env python3" */
  if (g_str_has_suffix (words[0], "/env") && words[1] != NULL)
    return g_find_program_in_path (words[1]);

  return g_strdup (words[0]);
}

char *
ft_runner_runs_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "flowtrace", "runs", NULL);
}

/* Probing an interpreter --------------------------------------------- */

static char *
python_path_with (const char *package_dir)
{
  const char *old = g_getenv ("PYTHONPATH");

  if (old == NULL || old[0] == '\0')
    return g_strdup (package_dir);

  return g_strconcat (package_dir, G_SEARCHPATH_SEPARATOR_S, old, NULL);
}

static char *
last_line (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text ? text : ""));
  const char *nl = strrchr (copy, '\n');

  return g_strdup (nl ? nl + 1 : copy);
}

/* Runs the probe; TRUE when the tracer imports.  @version gets the
 * Python version when it ran at all, @executable its sys.executable,
 * @why the last line of what it printed on stderr. */
static gboolean
probe_sync (const char    *interpreter,
            const char    *package_dir,
            char         **version,
            char         **executable,
            char         **why,
            GCancellable  *cancellable)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *python_path = python_path_with (package_dir);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "PYTHONPATH", python_path, TRUE);
  /* Not the caller's folder: a "flowtrace" folder there must not shadow
   * the tracer's package. */
  g_subprocess_launcher_set_cwd (launcher, "/");
  process = g_subprocess_launcher_spawn (launcher, &error, interpreter, "-c", probe_code, NULL);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, cancellable, &out, &err, &error))
    {
      *why = g_strdup (error->message);
      return FALSE;
    }

  lines = g_strsplit (out ? out : "", "\n", 3);
  if (version != NULL && lines[0] != NULL && lines[0][0] != '\0')
    *version = g_strdup (lines[0]);
  if (executable != NULL && lines[0] != NULL && lines[1] != NULL)
    *executable = g_strdup (lines[1]);
  *why = last_line (err);

  return g_subprocess_get_successful (process);
}

static GError *
not_importable_error (const char *interpreter,
                      const char *version,
                      const char *why)
{
  if (version == NULL)
    return g_error_new (FT_RUNNER_ERROR, FT_RUNNER_ERROR_INTERPRETER_MISSING,
                        _("“%s” did not run as a Python interpreter (%s). Choose another interpreter, or leave the default."),
                        interpreter, why);

  return g_error_new (FT_RUNNER_ERROR, FT_RUNNER_ERROR_TRACER_NOT_IMPORTABLE,
                      _("The FlowTrace tracer cannot be loaded by the interpreter “%s” (Python %s): %s. "
                        "It was built for another Python. Choose the default interpreter, or build FlowTrace "
                        "for this one (meson setup -Dpython=%s)."),
                      interpreter, version, why, interpreter);
}

static char *
resolve_interpreter (const char *interpreter)
{
  if (strchr (interpreter, '/') == NULL)
    return g_find_program_in_path (interpreter);
  if (is_program (interpreter))
    return g_strdup (interpreter);

  return NULL;
}

static GError *
interpreter_missing_error (const char *interpreter)
{
  return g_error_new (FT_RUNNER_ERROR, FT_RUNNER_ERROR_INTERPRETER_MISSING,
                      _("The Python interpreter “%s” was not found or cannot be run. "
                        "Choose another interpreter, or leave the default."),
                      interpreter);
}

static GError *
tracer_missing_error (const char *launcher)
{
  if (launcher == NULL)
    return g_error_new_literal (FT_RUNNER_ERROR, FT_RUNNER_ERROR_TRACER_MISSING,
                                _("The FlowTrace tracer (the “flowtrace” command) was not found. "
                                  "Install FlowTrace, or set FLOWTRACE_TRACER to the path of its flowtrace command."));

  return g_error_new (FT_RUNNER_ERROR, FT_RUNNER_ERROR_TRACER_MISSING,
                      _("The FlowTrace tracer “%s” was not found or cannot be run. "
                        "Install FlowTrace, or set FLOWTRACE_TRACER to the path of its flowtrace command."),
                      launcher);
}

/* "PATH\tVERSION" of a working interpreter, or an error saying why not. */
static char *
probe_interpreter (const char    *launcher,
                   const char    *interpreter,
                   char         **executable,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autofree char *package_dir = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *version = NULL;
  g_autofree char *why = NULL;

  if (!is_program (launcher) || (package_dir = ft_runner_tracer_package_dir (launcher)) == NULL)
    {
      g_propagate_error (error, tracer_missing_error (launcher));
      return NULL;
    }
  if ((resolved = resolve_interpreter (interpreter)) == NULL)
    {
      g_propagate_error (error, interpreter_missing_error (interpreter));
      return NULL;
    }
  if (!probe_sync (resolved, package_dir, &version, executable, &why, cancellable))
    {
      g_propagate_error (error, not_importable_error (interpreter, version, why));
      return NULL;
    }

  return g_strdup_printf ("%s\t%s", interpreter, version);
}

typedef struct
{
  char *launcher;
  char *interpreter;
} ProbeData;

static void
probe_data_free (ProbeData *data)
{
  g_free (data->launcher);
  g_free (data->interpreter);
  g_free (data);
}

static void
probe_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ProbeData *data = task_data;
  GError *error = NULL;
  char *found = probe_interpreter (data->launcher, data->interpreter, NULL, cancellable, &error);

  if (found == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, found, g_free);
}

/**
 * ft_runner_probe_interpreter_async:
 * @launcher: (nullable): the tracer, or NULL to find it
 * @interpreter: a path or a program name on PATH
 *
 * Checks that the tracer imports under @interpreter.
 */
void
ft_runner_probe_interpreter_async (const char          *launcher,
                                   const char          *interpreter,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ProbeData *data;

  g_return_if_fail (interpreter != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ft_runner_probe_interpreter_async);
  data = g_new0 (ProbeData, 1);
  data->launcher = launcher ? g_strdup (launcher) : ft_runner_find_tracer (NULL);
  data->interpreter = g_strdup (interpreter);
  g_task_set_task_data (task, data, (GDestroyNotify) probe_data_free);
  g_task_run_in_thread (task, probe_thread);
}

/* Returns: (transfer full): "PATH\tVERSION" */
char *
ft_runner_probe_interpreter_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
add_candidate (GPtrArray  *candidates,
               const char *path)
{
  if (path != NULL && is_program (path) && !g_ptr_array_find_with_equal_func (candidates, path, g_str_equal, NULL))
    g_ptr_array_add (candidates, g_strdup (path));
}

static void
add_pyenv_candidates (GPtrArray *candidates)
{
  g_autofree char *root = g_build_filename (g_get_home_dir (), ".pyenv", "versions", NULL);
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, "bin", "python3", NULL);

      add_candidate (candidates, path);
    }
}

/* The tracer's own interpreter first, then those on PATH, then pyenv's. */
static GPtrArray *
interpreter_candidates (const char *launcher)
{
  GPtrArray *candidates = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *own = ft_runner_tracer_interpreter (launcher);

  add_candidate (candidates, own);
  for (int minor = 8; minor <= 15; minor++)
    {
      g_autofree char *name = g_strdup_printf ("python3.%d", minor);
      g_autofree char *path = g_find_program_in_path (name);

      add_candidate (candidates, path);
    }
  {
    g_autofree char *path = g_find_program_in_path ("python3");

    add_candidate (candidates, path);
  }
  add_pyenv_candidates (candidates);

  return candidates;
}

static void
find_interpreters_thread (GTask        *task,
                          gpointer      source,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  const char *launcher = task_data;
  g_autoptr(GPtrArray) candidates = interpreter_candidates (launcher);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < candidates->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      g_autofree char *executable = NULL;
      char *entry = probe_interpreter (launcher, candidates->pdata[i], &executable, cancellable, NULL);

      /* The same Python reached by two paths (a shim, a symlink) once. */
      if (entry != NULL && executable != NULL && !g_hash_table_add (seen, g_steal_pointer (&executable)))
        g_clear_pointer (&entry, g_free);
      if (entry != NULL)
        g_ptr_array_add (found, entry);
    }

  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * ft_runner_find_interpreters_async:
 * @launcher: (nullable): the tracer, or NULL to find it
 *
 * Looks for Python interpreters (on PATH and in pyenv) and keeps those
 * where the tracer imports.
 */
void
ft_runner_find_interpreters_async (const char          *launcher,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  char *path = launcher ? g_strdup (launcher) : ft_runner_find_tracer (NULL);

  g_task_set_source_tag (task, ft_runner_find_interpreters_async);
  if (path == NULL)
    {
      g_task_return_error (task, tracer_missing_error (NULL));
      return;
    }
  g_task_set_task_data (task, path, g_free);
  g_task_run_in_thread (task, find_interpreters_thread);
}

/* Returns: (transfer full) (element-type utf8): "PATH\tVERSION" strings */
GPtrArray *
ft_runner_find_interpreters_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Checks before a run ------------------------------------------------- */

/* What a run is to do, worked out in the worker thread from a copy of
 * the runner's configuration. */
typedef struct
{
  char       *script;
  char       *working_dir;
  char       *interpreter;
  char       *output;
  char       *launcher;
  char       *package_dir;
  GStrv       arguments;
  GStrv       tracer_options;
  FtRunFlags  flags;
  double      flush_interval;
} RunPlan;

static void
run_plan_free (RunPlan *plan)
{
  g_free (plan->script);
  g_free (plan->working_dir);
  g_free (plan->interpreter);
  g_free (plan->output);
  g_free (plan->launcher);
  g_free (plan->package_dir);
  g_strfreev (plan->arguments);
  g_strfreev (plan->tracer_options);
  g_free (plan);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RunPlan, run_plan_free)

static gboolean
check_script (const char  *script,
              GError     **error)
{
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (script);
  g_autoptr(GError) local = NULL;
  char head[4096];
  gssize n;

  if (!g_file_test (script, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_SCRIPT_MISSING,
                   _("The script “%s” does not exist. Check the path, or choose the script again."), script);
      return FALSE;
    }
  if (g_file_test (script, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_SCRIPT_NOT_PYTHON,
                   _("“%s” is a folder, not a Python script. Choose a Python file (.py)."), script);
      return FALSE;
    }
  if ((in = g_file_read (file, NULL, &local)) == NULL
      || (n = g_input_stream_read (G_INPUT_STREAM (in), head, sizeof head, NULL, &local)) < 0)
    {
      g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_SCRIPT_MISSING,
                   _("The script “%s” cannot be read: %s. Check its permissions."), script, local->message);
      return FALSE;
    }
  /* Python source never holds a NUL byte; programs and images do. */
  if (memchr (head, '\0', n) != NULL)
    {
      g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_SCRIPT_NOT_PYTHON,
                   _("“%s” is not a Python script: it is a binary file. Choose a Python source file (.py)."), script);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_folder_writable (const char  *output,
                       GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (output);
  g_autofree char *probe = g_build_filename (folder, ".flowtrace-XXXXXX", NULL);
  int fd;

  if (g_file_test (output, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_OUTPUT_NOT_WRITABLE,
                   _("The trace cannot be written to “%s”: it is a folder. Choose a file name for the trace."), output);
      return FALSE;
    }
  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_OUTPUT_NOT_WRITABLE,
                   _("The trace cannot be written to “%s”: the folder “%s” does not exist. "
                     "Create it, or choose another place for the trace."), output, folder);
      return FALSE;
    }
  /* Writing a file is the only test that holds for root, read-only
   * mounts and ACLs alike. */
  if ((fd = g_mkstemp_full (probe, O_WRONLY, 0600)) < 0)
    {
      int saved = errno;

      g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_OUTPUT_NOT_WRITABLE,
                   _("The trace cannot be written to the folder “%s”: %s. Choose a folder you can write to."),
                   folder, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  g_unlink (probe);

  return TRUE;
}

typedef struct
{
  char   *name;
  gint64  mtime;
} RunFile;

static int
run_file_newer_first (gconstpointer a,
                      gconstpointer b)
{
  const RunFile *ra = a, *rb = b;

  if (ra->mtime != rb->mtime)
    return ra->mtime > rb->mtime ? -1 : 1;
  return -g_strcmp0 (ra->name, rb->name);
}

/* Keeps the @keep newest traces (*.json) of the runs folder @dir and
 * deletes the others, with what a run cut short left beside them
 * (TRACE.*.part).  Files that are not traces are left alone.  Returns
 * how many traces were deleted. */
guint
ft_runner_prune_runs (const char *dir,
                      guint       keep)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GArray) traces = g_array_new (FALSE, FALSE, sizeof (RunFile));
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint deleted = 0;

  if (d == NULL)
    return 0;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_str_has_suffix (name, ".part"))
        g_ptr_array_add (parts, g_strdup (name));
      else if (g_str_has_suffix (name, ".json") && g_stat (path, &st) == 0
               && S_ISREG (st.st_mode))
        {
          RunFile rf = { g_strdup (name), (gint64) st.st_mtime };
          g_array_append_val (traces, rf);
        }
    }
  g_array_sort (traces, run_file_newer_first);

  for (guint i = 0; i < traces->len; i++)
    {
      RunFile *rf = &g_array_index (traces, RunFile, i);

      if (i >= keep)
        {
          g_autofree char *path = g_build_filename (dir, rf->name, NULL);
          g_autofree char *prefix = g_strconcat (rf->name, ".", NULL);

          if (g_unlink (path) == 0)
            deleted++;
          for (guint j = 0; j < parts->len; j++)
            if (g_str_has_prefix (g_ptr_array_index (parts, j), prefix))
              {
                g_autofree char *part = g_build_filename (dir, g_ptr_array_index (parts, j), NULL);
                g_unlink (part);
              }
        }
      g_free (rf->name);
    }
  return deleted;
}

/* A new file name in the runs folder: SCRIPT-YYYYMMDD-HHMMSS[-N].json.
 * The folder keeps the FT_RUNNER_KEEP_RUNS newest traces, this one
 * included. */
static char *
per_run_output (const char  *script,
                GError     **error)
{
  g_autofree char *dir = ft_runner_runs_dir ();
  g_autofree char *base = g_path_get_basename (script);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  char *dot = strrchr (base, '.');

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_OUTPUT_NOT_WRITABLE,
                   _("The folder for traces “%s” cannot be created: %s. Check the permissions of your cache folder."),
                   dir, g_strerror (saved));
      return NULL;
    }
  if (dot != NULL && dot != base)
    *dot = '\0';
  ft_runner_prune_runs (dir, FT_RUNNER_KEEP_RUNS - 1);

  for (guint n = 1; ; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup_printf ("%s-%s.json", base, stamp)
                                     : g_strdup_printf ("%s-%s-%u.json", base, stamp, n);
      char *path = g_build_filename (dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
}

static gboolean
check_tracer (RunPlan       *plan,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *own = NULL;
  g_autofree char *version = NULL;
  g_autofree char *why = NULL;
  const char *python;

  if (!is_program (plan->launcher))
    {
      g_propagate_error (error, tracer_missing_error (plan->launcher));
      return FALSE;
    }
  plan->package_dir = ft_runner_tracer_package_dir (plan->launcher);
  if (plan->interpreter != NULL && plan->package_dir == NULL)
    {
      g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_TRACER_MISSING,
                   _("The tracer “%s” does not say where its Python package is, so it cannot run with “%s”. "
                     "Leave the default interpreter."), plan->launcher, plan->interpreter);
      return FALSE;
    }

  python = plan->interpreter ? plan->interpreter : (own = ft_runner_tracer_interpreter (plan->launcher));
  /* A launcher of another kind reports its own problems when it runs. */
  if (python == NULL || plan->package_dir == NULL)
    return TRUE;
  if (plan->interpreter == NULL && !is_program (python))
    {
      g_propagate_error (error, interpreter_missing_error (python));
      return FALSE;
    }
  if (probe_sync (python, plan->package_dir, &version, NULL, &why, cancellable))
    return TRUE;

  g_propagate_error (error, not_importable_error (python, version, why));
  return FALSE;
}

static gboolean
check_interpreter (RunPlan  *plan,
                   GError  **error)
{
  char *resolved;

  if (plan->interpreter == NULL)
    return TRUE;
  if ((resolved = resolve_interpreter (plan->interpreter)) == NULL)
    {
      g_propagate_error (error, interpreter_missing_error (plan->interpreter));
      return FALSE;
    }
  g_free (plan->interpreter);
  plan->interpreter = resolved;

  return TRUE;
}

static gboolean
check_working_dir (RunPlan  *plan,
                   GError  **error)
{
  if (plan->working_dir == NULL || g_file_test (plan->working_dir, G_FILE_TEST_IS_DIR))
    return TRUE;

  g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_FOLDER_MISSING,
               _("The working folder “%s” does not exist. Choose an existing folder, "
                 "or leave it empty to run in the script’s folder."), plan->working_dir);
  return FALSE;
}

static gboolean
check_output (RunPlan  *plan,
              GError  **error)
{
  if (plan->output == NULL && (plan->output = per_run_output (plan->script, error)) == NULL)
    return FALSE;

  return check_folder_writable (plan->output, error);
}

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  RunPlan *plan = task_data;
  GError *error = NULL;

  if (check_script (plan->script, &error)
      && check_working_dir (plan, &error)
      && check_output (plan, &error)
      && check_interpreter (plan, &error)
      && check_tracer (plan, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static char *
absolute_path (const char *path)
{
  g_autofree char *cwd = NULL;

  if (g_path_is_absolute (path))
    return g_strdup (path);

  cwd = g_get_current_dir ();
  return g_build_filename (cwd, path, NULL);
}

static RunPlan *
run_plan_new (FtRunner *self)
{
  RunPlan *plan = g_new0 (RunPlan, 1);

  plan->script = absolute_path (self->script);
  plan->working_dir = self->working_dir ? absolute_path (self->working_dir) : NULL;
  plan->interpreter = g_strdup (self->interpreter);
  plan->output = self->output ? absolute_path (self->output) : NULL;
  plan->launcher = self->tracer ? g_strdup (self->tracer) : ft_runner_find_tracer (NULL);
  plan->arguments = g_strdupv (self->arguments);
  plan->tracer_options = g_strdupv (self->tracer_options);
  plan->flags = self->flags;
  plan->flush_interval = self->flush_interval;

  return plan;
}

/* The run ------------------------------------------------------------- */

static GStrv
run_plan_argv (RunPlan *plan)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  char interval[G_ASCII_DTOSTR_BUF_SIZE];

  if (plan->interpreter != NULL)
    {
      g_strv_builder_add_many (argv, plan->interpreter, "-m", "flowtrace", NULL);
    }
  else
    g_strv_builder_add (argv, plan->launcher);

  g_ascii_dtostr (interval, sizeof interval, plan->flush_interval);
  g_strv_builder_add_many (argv, "-s", plan->script, "-o", plan->output,
                           "--verbose", "--flush-interval", interval, NULL);
  if (plan->flags & FT_RUN_FLAG_SKIP_INPUTS)
    g_strv_builder_add (argv, "--skip-inputs");
  if (plan->flags & FT_RUN_FLAG_SKIP_OUTPUTS)
    g_strv_builder_add (argv, "--skip-outputs");
  if (plan->flags & FT_RUN_FLAG_WITH_MEMORY)
    g_strv_builder_add (argv, "--with-memory");
  if (plan->flags & FT_RUN_FLAG_TRACE_ANY)
    g_strv_builder_add (argv, "--trace-any");
  if (plan->tracer_options != NULL)
    g_strv_builder_addv (argv, (const char **) plan->tracer_options);
  /* Everything after "--" reaches the script untouched. */
  g_strv_builder_add (argv, "--");
  if (plan->arguments != NULL)
    g_strv_builder_addv (argv, (const char **) plan->arguments);

  return g_strv_builder_end (argv);
}

static void
emit_line (FtRunner    *self,
           FtRunStream  stream,
           const char  *line)
{
  g_autofree char *valid = g_utf8_make_valid (line, -1);

  g_signal_emit (self, signals[SIGNAL_OUTPUT], 0, stream, valid);
}

static void
remember_stderr (FtRunner   *self,
                 const char *line)
{
  g_queue_push_tail (&self->stderr_tail, g_strdup (line));
  while (self->stderr_tail.length > STDERR_TAIL_LINES)
    g_free (g_queue_pop_head (&self->stderr_tail));
}

static void
handle_heartbeat (FtRunner   *self,
                  const char *line)
{
  const char *calls = strstr (line, " calls=");

  if (calls == NULL)
    return;

  self->n_calls = g_ascii_strtoull (calls + strlen (" calls="), NULL, 10);
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, self->n_calls, ft_runner_get_elapsed (self));
}

static void
handle_stderr_line (FtRunner   *self,
                    const char *line)
{
  if (g_str_has_prefix (line, HEARTBEAT_PREFIX))
    {
      handle_heartbeat (self, line);
      return;
    }
  if (g_str_has_prefix (line, FLUSH_PREFIX))
    return;

  if (g_str_has_prefix (line, FINISH_PREFIX))
    {
      g_free (self->finish_line);
      self->finish_line = g_utf8_make_valid (line, -1);
    }

  if (g_str_has_prefix (line, TRACER_PREFIX))
    {
      emit_line (self, FT_RUN_STREAM_TRACER, line);
      return;
    }

  remember_stderr (self, line);
  emit_line (self, FT_RUN_STREAM_STDERR, line);
}

static char *
stderr_tail_text (FtRunner *self)
{
  GString *text = g_string_new (NULL);

  for (GList *l = self->stderr_tail.head; l != NULL; l = l->next)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, l->data);
    }

  return g_string_free (text, FALSE);
}

static gboolean
trace_written (FtRunner *self)
{
  GStatBuf st;

  return g_stat (self->output, &st) == 0 && st.st_size > 0;
}

static void
stop_sources (FtRunner *self)
{
  g_clear_handle_id (&self->signal_source, g_source_remove);
  g_clear_handle_id (&self->drain_source, g_source_remove);
  if (self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
}

/* The process has exited and its pipes are drained (or given up on). */
static void
complete_run (FtRunner *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  g_autofree char *status = NULL;
  g_autofree char *tail = NULL;

  stop_sources (self);
  self->running = FALSE;
  self->end_time = g_get_monotonic_time ();
  g_clear_object (&self->cancellable);
  g_clear_object (&self->read_cancellable);

  if (trace_written (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  status = ft_runner_dup_status_text (self);
  tail = stderr_tail_text (self);
  g_task_return_new_error (task, FT_RUNNER_ERROR, FT_RUNNER_ERROR_NO_TRACE,
                           _("The tracer wrote no trace for “%s” (%s). It said: %s"),
                           self->script, status, tail[0] ? tail : _("nothing"));
}

static void
pending_done (FtRunner *self)
{
  g_assert (self->pending > 0);

  if (--self->pending == 0)
    complete_run (self);
}

typedef struct
{
  FtRunner         *runner;
  GDataInputStream *in;
  FtRunStream       stream;
} Reader;

static void
reader_free (Reader *reader)
{
  g_clear_object (&reader->in);
  g_clear_object (&reader->runner);
  g_free (reader);
}

static void read_next (Reader *reader);

static void
on_line_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Reader *reader = user_data;
  FtRunner *self = reader->runner;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish (reader->in, result, NULL, NULL);
  if (line == NULL)
    {
      g_object_ref (self);
      reader_free (reader);
      pending_done (self);
      g_object_unref (self);
      return;
    }

  if (reader->stream == FT_RUN_STREAM_STDERR)
    handle_stderr_line (self, line);
  else
    emit_line (self, reader->stream, line);
  read_next (reader);
}

static void
read_next (Reader *reader)
{
  g_data_input_stream_read_line_async (reader->in, G_PRIORITY_DEFAULT,
                                       reader->runner->read_cancellable,
                                       on_line_read_cb, reader);
}

static void
start_reader (FtRunner     *self,
              GInputStream *pipe,
              FtRunStream   stream)
{
  Reader *reader = g_new0 (Reader, 1);

  reader->runner = g_object_ref (self);
  reader->in = g_data_input_stream_new (pipe);
  reader->stream = stream;
  /* \r too: progress bars redraw a line with it. */
  g_data_input_stream_set_newline_type (reader->in, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  self->pending++;
  read_next (reader);
}

static gboolean
drain_timeout_cb (gpointer user_data)
{
  FtRunner *self = user_data;

  self->drain_source = 0;
  g_cancellable_cancel (self->read_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_process_exited_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(FtRunner) self = user_data;
  GSubprocess *process = G_SUBPROCESS (object);

  g_subprocess_wait_finish (process, result, NULL);
  if (g_subprocess_get_if_exited (process))
    self->exit_status = g_subprocess_get_exit_status (process);
  else if (g_subprocess_get_if_signaled (process))
    self->term_signal = g_subprocess_get_term_sig (process);
  g_clear_handle_id (&self->signal_source, g_source_remove);

  if (self->pending > 1)
    self->drain_source = g_timeout_add (DRAIN_MS, drain_timeout_cb, self);
  pending_done (self);
}

/* Interrupt first, as Ctrl+C would (the tracer then writes a complete
 * trace); terminate, then kill, if the script ignores it. */
static gboolean
send_next_signal_cb (gpointer user_data)
{
  FtRunner *self = user_data;
  static const int order[] = { SIGINT, SIGTERM, SIGKILL };

  self->signal_source = 0;
  if (self->process == NULL || self->signals_sent >= G_N_ELEMENTS (order) || self->pending == 0)
    return G_SOURCE_REMOVE;

  g_debug ("sending signal %d", order[self->signals_sent]);
  g_subprocess_send_signal (self->process, order[self->signals_sent++]);
  if (self->signals_sent < G_N_ELEMENTS (order))
    self->signal_source = g_timeout_add (self->grace_ms, send_next_signal_cb, self);

  return G_SOURCE_REMOVE;
}

/* May run in any thread that cancels; the signals go from the main
 * context of the run. */
static void
on_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  FtRunner *self = user_data;

  if (self->cancelled)
    return;

  self->cancelled = TRUE;
  g_main_context_invoke (g_task_get_context (self->task), send_next_signal_cb, self);
}

static GSubprocessLauncher *
make_launcher (RunPlan *plan)
{
  GSubprocessLauncher *launcher;

  /* stdin stays /dev/null: a script reading it gets end-of-file. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (plan->working_dir != NULL)
    g_subprocess_launcher_set_cwd (launcher, plan->working_dir);
  /* Output shows as it is printed, not when a pipe buffer fills. */
  g_subprocess_launcher_setenv (launcher, "PYTHONUNBUFFERED", "1", TRUE);
  if (plan->interpreter != NULL)
    {
      g_autofree char *python_path = python_path_with (plan->package_dir);

      g_subprocess_launcher_setenv (launcher, "PYTHONPATH", python_path, TRUE);
    }

  return launcher;
}

static void
spawn (FtRunner *self,
       RunPlan  *plan)
{
  g_autoptr(GSubprocessLauncher) launcher = make_launcher (plan);
  g_auto(GStrv) argv = run_plan_argv (plan);
  g_autoptr(GError) error = NULL;

  g_free (self->output);
  self->output = g_strdup (plan->output);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  if (self->process == NULL)
    {
      self->running = FALSE;
      g_task_return_new_error (g_steal_pointer (&self->task), FT_RUNNER_ERROR, FT_RUNNER_ERROR_SPAWN,
                               _("The tracer could not be started for “%s”: %s"), self->script, error->message);
      return;
    }

  self->start_time = g_get_monotonic_time ();
  self->read_cancellable = g_cancellable_new ();
  self->pending = 1;
  start_reader (self, g_subprocess_get_stdout_pipe (self->process), FT_RUN_STREAM_STDOUT);
  start_reader (self, g_subprocess_get_stderr_pipe (self->process), FT_RUN_STREAM_STDERR);
  g_subprocess_wait_async (self->process, NULL, on_process_exited_cb, g_object_ref (self));
  if (self->cancellable != NULL)
    self->cancelled_id = g_cancellable_connect (self->cancellable, G_CALLBACK (on_cancelled_cb), self, NULL);
}

static void
on_checked_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  FtRunner *self = FT_RUNNER (object);
  RunPlan *plan = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      self->running = FALSE;
      g_task_return_error (g_steal_pointer (&self->task), error);
      return;
    }
  if (self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable))
    {
      self->running = FALSE;
      self->cancelled = TRUE;
      g_task_return_new_error (g_steal_pointer (&self->task), G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The run of “%s” was cancelled before it started"), self->script);
      return;
    }

  spawn (self, plan);
}

static void
reset_run_state (FtRunner *self)
{
  g_clear_object (&self->process);
  g_clear_pointer (&self->finish_line, g_free);
  g_queue_clear_full (&self->stderr_tail, g_free);
  self->n_calls = 0;
  self->exit_status = -1;
  self->term_signal = 0;
  self->signals_sent = 0;
  self->start_time = self->end_time = 0;
  self->cancelled = FALSE;
}

/**
 * ft_runner_run_async:
 *
 * Checks the script, folders, interpreter and tracer, then runs the
 * script.  "output" and "progress" are emitted while it runs.  Call once
 * per runner (ft_runner_new_copy() makes the next run).
 */
void
ft_runner_run_async (FtRunner            *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) check = NULL;

  g_return_if_fail (FT_IS_RUNNER (self));
  g_return_if_fail (!self->running);
  g_return_if_fail (self->task == NULL);

  reset_run_state (self);
  self->running = TRUE;
  g_set_object (&self->cancellable, cancellable);
  self->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (self->task, ft_runner_run_async);

  check = g_task_new (self, cancellable, on_checked_cb, NULL);
  g_task_set_task_data (check, run_plan_new (self), (GDestroyNotify) run_plan_free);
  g_task_run_in_thread (check, check_thread);
}

gboolean
ft_runner_run_finish (FtRunner      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Results ------------------------------------------------------------- */

gboolean
ft_runner_is_running (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), FALSE);

  return self->running;
}

/* The trace file: the one set, or the per-run file once the run started. */
const char *
ft_runner_get_output (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), NULL);

  return self->output;
}

guint64
ft_runner_get_n_calls (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), 0);

  return self->n_calls;
}

/* Seconds since the script started, up to its end. */
double
ft_runner_get_elapsed (FtRunner *self)
{
  gint64 end;

  g_return_val_if_fail (FT_IS_RUNNER (self), 0.0);

  if (self->start_time == 0)
    return 0.0;

  end = self->end_time ? self->end_time : g_get_monotonic_time ();
  return (end - self->start_time) / (double) G_USEC_PER_SEC;
}

gboolean
ft_runner_was_cancelled (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), FALSE);

  return self->cancelled;
}

int
ft_runner_get_exit_status (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), -1);

  return self->exit_status;
}

int
ft_runner_get_term_signal (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), 0);

  return self->term_signal;
}

gboolean
ft_runner_succeeded (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), FALSE);

  return !self->running && !self->cancelled && self->exit_status == 0;
}

/* "[FlowTrace] Profiling finished in …", or NULL when the tracer did
 * not get to print it. */
const char *
ft_runner_get_finish_line (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), NULL);

  return self->finish_line;
}

static char *
cancelled_text (FtRunner *self)
{
  if (self->term_signal == SIGTERM)
    return g_strdup (_("Cancelled: the script did not stop when interrupted and was terminated"));
  if (self->term_signal == SIGKILL)
    return g_strdup (_("Cancelled: the script was killed"));

  return g_strdup (_("Cancelled: the script was interrupted"));
}

/* How the run ended, in a sentence for people. */
char *
ft_runner_dup_status_text (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), NULL);

  if (self->running)
    return g_strdup (_("Running"));
  if (self->cancelled)
    return cancelled_text (self);
  if (self->term_signal != 0)
    return g_strdup_printf (_("Killed by signal %d (%s)"), self->term_signal, g_strsignal (self->term_signal));
  if (self->exit_status == 0)
    return g_strdup (_("Finished with exit status 0"));

  return g_strdup_printf (_("Failed with exit status %d"), self->exit_status);
}

/* Configuration ------------------------------------------------------- */

FtRunner *
ft_runner_new (const char *script)
{
  FtRunner *self;

  g_return_val_if_fail (script != NULL, NULL);

  self = g_object_new (FT_TYPE_RUNNER, NULL);
  self->script = g_strdup (script);
  return self;
}

/* A runner configured as @other, for running again. */
FtRunner *
ft_runner_new_copy (FtRunner *other)
{
  FtRunner *self;

  g_return_val_if_fail (FT_IS_RUNNER (other), NULL);

  self = ft_runner_new (other->script);
  self->arguments = g_strdupv (other->arguments);
  self->tracer_options = g_strdupv (other->tracer_options);
  self->working_dir = g_strdup (other->working_dir);
  self->interpreter = g_strdup (other->interpreter);
  self->tracer = g_strdup (other->tracer);
  self->flags = other->flags;
  self->flush_interval = other->flush_interval;
  self->grace_ms = other->grace_ms;

  return self;
}

void
ft_runner_set_arguments (FtRunner           *self,
                         const char * const *arguments)
{
  g_return_if_fail (FT_IS_RUNNER (self));

  g_strfreev (self->arguments);
  self->arguments = g_strdupv ((char **) arguments);
}

/* The tracer's options a run may add to the switches it has already:
 * the capture filters, redaction and child processes.  The others
 * (output, script, flush, repair…) belong to the runner. */
static const struct
{
  const char *name;
  gboolean    takes_value;
} tracer_options[] = {
  { "--include", TRUE },
  { "--exclude", TRUE },
  { "--max-depth", TRUE },
  { "--min-duration", TRUE },
  { "--redact", TRUE },
  { "--no-redact", FALSE },
  { "--no-follow-children", FALSE },
};

/* TRUE when every word of @options is one of tracer_options, with its
 * value (next word or "=VALUE") where it takes one.  The tracer itself
 * checks the values. */
gboolean
ft_runner_check_tracer_options (const char * const  *options,
                                GError             **error)
{
  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    {
      const char *word = options[i];
      const char *eq = strchr (word, '=');
      gsize len = eq ? (gsize) (eq - word) : strlen (word);
      guint k;

      for (k = 0; k < G_N_ELEMENTS (tracer_options); k++)
        if (strlen (tracer_options[k].name) == len && strncmp (word, tracer_options[k].name, len) == 0)
          break;
      if (k == G_N_ELEMENTS (tracer_options) || (eq != NULL && !tracer_options[k].takes_value))
        {
          g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_TRACER_OPTIONS,
                       /* Translators: %s is what the user typed; the options are not translated */
                       _("“%s” is not an option a run can add. Use --include GLOB, --exclude GLOB, --max-depth N, --min-duration MS, --redact NAME, --no-redact or --no-follow-children."),
                       word);
          return FALSE;
        }
      if (tracer_options[k].takes_value && eq == NULL && options[++i] == NULL)
        {
          g_set_error (error, FT_RUNNER_ERROR, FT_RUNNER_ERROR_TRACER_OPTIONS,
                       /* Translators: %s is a tracer option such as --max-depth */
                       _("%s needs a value"), word);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * ft_runner_set_tracer_options:
 * @options: (nullable): more of the tracer's options, as checked by
 *   ft_runner_check_tracer_options()
 */
void
ft_runner_set_tracer_options (FtRunner           *self,
                              const char * const *options)
{
  g_return_if_fail (FT_IS_RUNNER (self));
  g_return_if_fail (ft_runner_check_tracer_options (options, NULL));

  g_strfreev (self->tracer_options);
  self->tracer_options = g_strdupv ((char **) options);
}

const char * const *
ft_runner_get_tracer_options (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), NULL);

  return (const char * const *) self->tracer_options;
}

static void
set_string (char       **field,
            const char  *value)
{
  g_free (*field);
  *field = value != NULL && value[0] != '\0' ? g_strdup (value) : NULL;
}

/* NULL or "": the caller's current folder. */
void
ft_runner_set_working_dir (FtRunner   *self,
                           const char *folder)
{
  g_return_if_fail (FT_IS_RUNNER (self));

  set_string (&self->working_dir, folder);
}

/* NULL or "": the interpreter the tracer was built for (its launcher). */
void
ft_runner_set_interpreter (FtRunner   *self,
                           const char *interpreter)
{
  g_return_if_fail (FT_IS_RUNNER (self));

  set_string (&self->interpreter, interpreter);
}

/* NULL or "": a new file in ft_runner_runs_dir(). */
void
ft_runner_set_output (FtRunner   *self,
                      const char *path)
{
  g_return_if_fail (FT_IS_RUNNER (self));
  g_return_if_fail (!self->running);

  set_string (&self->output, path);
}

void
ft_runner_set_flags (FtRunner   *self,
                     FtRunFlags  flags)
{
  g_return_if_fail (FT_IS_RUNNER (self));

  self->flags = flags;
}

void
ft_runner_set_flush_interval (FtRunner *self,
                              double    seconds)
{
  g_return_if_fail (FT_IS_RUNNER (self));

  self->flush_interval = seconds;
}

/* NULL: ft_runner_find_tracer (NULL) when the run starts. */
void
ft_runner_set_tracer (FtRunner   *self,
                      const char *launcher)
{
  g_return_if_fail (FT_IS_RUNNER (self));

  set_string (&self->tracer, launcher);
}

void
ft_runner_set_grace_period (FtRunner *self,
                            guint     msec)
{
  g_return_if_fail (FT_IS_RUNNER (self));

  self->grace_ms = msec;
}

const char *
ft_runner_get_script (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), NULL);

  return self->script;
}

const char * const *
ft_runner_get_arguments (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), NULL);

  return (const char * const *) self->arguments;
}

const char *
ft_runner_get_working_dir (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), NULL);

  return self->working_dir;
}

const char *
ft_runner_get_interpreter (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), NULL);

  return self->interpreter;
}

FtRunFlags
ft_runner_get_flags (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), FT_RUN_FLAG_NONE);

  return self->flags;
}

double
ft_runner_get_flush_interval (FtRunner *self)
{
  g_return_val_if_fail (FT_IS_RUNNER (self), 1.0);

  return self->flush_interval;
}

/* GObject ------------------------------------------------------------- */

static void
ft_runner_dispose (GObject *object)
{
  FtRunner *self = (FtRunner *) object;

  /* A run holds a reference until it completes, so nothing runs here. */
  stop_sources (self);
  g_clear_object (&self->process);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->read_cancellable);

  G_OBJECT_CLASS (ft_runner_parent_class)->dispose (object);
}

static void
ft_runner_finalize (GObject *object)
{
  FtRunner *self = (FtRunner *) object;

  g_free (self->script);
  g_strfreev (self->arguments);
  g_strfreev (self->tracer_options);
  g_free (self->working_dir);
  g_free (self->interpreter);
  g_free (self->output);
  g_free (self->tracer);
  g_free (self->finish_line);
  g_queue_clear_full (&self->stderr_tail, g_free);

  G_OBJECT_CLASS (ft_runner_parent_class)->finalize (object);
}

static void
ft_runner_class_init (FtRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ft_runner_dispose;
  object_class->finalize = ft_runner_finalize;

  /**
   * FtRunner::output:
   * @stream: an #FtRunStream
   * @line: one line, without its end, valid UTF-8
   */
  signals[SIGNAL_OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);

  /**
   * FtRunner::progress:
   * @calls: calls recorded so far
   * @elapsed: seconds since the script started
   *
   * Emitted for each heartbeat of the tracer (every flush interval, or
   * every second when the interval is 0).
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_DOUBLE);
}

static void
ft_runner_init (FtRunner *self)
{
  self->flush_interval = 1.0;
  self->grace_ms = DEFAULT_GRACE_MS;
  self->exit_status = -1;
  g_queue_init (&self->stderr_tail);
}
