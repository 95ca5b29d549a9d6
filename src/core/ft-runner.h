/* ft-runner.h: runs a Python script under the flowtrace tracer
 *
 * SPDX-License-Identifier: MIT
 *
 * FtRunner spawns the `flowtrace` command (or `INTERP -m flowtrace` for
 * another interpreter) with GSubprocess, streams the script's stdout and
 * stderr line by line, reads the tracer's heartbeat for progress and, when
 * the run ends, knows where the trace is and how the script ended.  Core
 * code: GLib/GIO only, no GTK.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FT_RUNNER_ERROR (ft_runner_error_quark ())

/* Traces kept in the runs folder (ft_runner_runs_dir()) for runs
 * without an output of their own; older ones are deleted. */
#define FT_RUNNER_KEEP_RUNS 20

typedef enum
{
  FT_RUNNER_ERROR_SCRIPT_MISSING,
  FT_RUNNER_ERROR_SCRIPT_NOT_PYTHON,
  FT_RUNNER_ERROR_FOLDER_MISSING,        /* working folder */
  FT_RUNNER_ERROR_OUTPUT_NOT_WRITABLE,
  FT_RUNNER_ERROR_INTERPRETER_MISSING,
  FT_RUNNER_ERROR_TRACER_MISSING,
  FT_RUNNER_ERROR_TRACER_NOT_IMPORTABLE, /* e.g. built for another Python (ABI) */
  FT_RUNNER_ERROR_NO_TRACE,              /* the tracer ended without writing a trace */
  FT_RUNNER_ERROR_SPAWN,
  FT_RUNNER_ERROR_TRACER_OPTIONS,        /* options the runner cannot pass on */
} FtRunnerError;

/* Where a line of output came from. */
typedef enum
{
  FT_RUN_STREAM_STDOUT,
  FT_RUN_STREAM_STDERR,
  FT_RUN_STREAM_TRACER,   /* "[FlowTrace] …" lines other than heartbeats and flushes */
} FtRunStream;

typedef enum
{
  FT_RUN_FLAG_NONE         = 0,
  FT_RUN_FLAG_SKIP_INPUTS  = 1 << 0,
  FT_RUN_FLAG_SKIP_OUTPUTS = 1 << 1,
  FT_RUN_FLAG_WITH_MEMORY  = 1 << 2,
  FT_RUN_FLAG_TRACE_ANY    = 1 << 3,
} FtRunFlags;

#define FT_TYPE_RUNNER (ft_runner_get_type ())
G_DECLARE_FINAL_TYPE (FtRunner, ft_runner, FT, RUNNER, GObject)

GQuark      ft_runner_error_quark         (void);

/* Locating the tracer. */
char       *ft_runner_find_tracer         (const char          *build_launcher);
char       *ft_runner_tracer_package_dir  (const char          *launcher);
char       *ft_runner_tracer_interpreter  (const char          *launcher);
char       *ft_runner_runs_dir            (void);
guint       ft_runner_prune_runs          (const char          *dir,
                                           guint                keep);

/* Interpreters where the tracer imports: a GPtrArray of "PATH\tVERSION"
 * strings, the tracer's own interpreter first. */
void        ft_runner_find_interpreters_async  (const char          *launcher,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray  *ft_runner_find_interpreters_finish (GAsyncResult        *result,
                                                GError             **error);
void        ft_runner_probe_interpreter_async  (const char          *launcher,
                                                const char          *interpreter,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
char       *ft_runner_probe_interpreter_finish (GAsyncResult        *result,
                                                GError             **error);

/* Configuration, before ft_runner_run_async(). */
FtRunner   *ft_runner_new                 (const char          *script);
FtRunner   *ft_runner_new_copy            (FtRunner            *other);
void        ft_runner_set_arguments       (FtRunner            *self,
                                           const char * const  *arguments);
void        ft_runner_set_working_dir     (FtRunner            *self,
                                           const char          *folder);
void        ft_runner_set_interpreter     (FtRunner            *self,
                                           const char          *interpreter);
void        ft_runner_set_output          (FtRunner            *self,
                                           const char          *path);
void        ft_runner_set_flags           (FtRunner            *self,
                                           FtRunFlags           flags);
void        ft_runner_set_flush_interval  (FtRunner            *self,
                                           double               seconds);
void        ft_runner_set_tracer          (FtRunner            *self,
                                           const char          *launcher);
void        ft_runner_set_tracer_options  (FtRunner            *self,
                                           const char * const  *options);
gboolean    ft_runner_check_tracer_options (const char * const *options,
                                            GError            **error);
void        ft_runner_set_grace_period    (FtRunner            *self,
                                           guint                msec);

const char *ft_runner_get_script          (FtRunner            *self);
const char * const *ft_runner_get_arguments (FtRunner          *self);
const char * const *ft_runner_get_tracer_options (FtRunner     *self);
const char *ft_runner_get_working_dir     (FtRunner            *self);
const char *ft_runner_get_interpreter     (FtRunner            *self);
FtRunFlags  ft_runner_get_flags           (FtRunner            *self);
double      ft_runner_get_flush_interval  (FtRunner            *self);

/* Running.  Cancelling @cancellable once the script runs interrupts it
 * (SIGINT), then terminates it after the grace period; the run still
 * finishes with TRUE when a trace was written, and
 * ft_runner_was_cancelled() says so. */
void        ft_runner_run_async           (FtRunner            *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean    ft_runner_run_finish          (FtRunner            *self,
                                           GAsyncResult        *result,
                                           GError             **error);

gboolean    ft_runner_is_running          (FtRunner            *self);
const char *ft_runner_get_output          (FtRunner            *self);
guint64     ft_runner_get_n_calls         (FtRunner            *self);
double      ft_runner_get_elapsed         (FtRunner            *self);
gboolean    ft_runner_was_cancelled       (FtRunner            *self);
/* -1 when the process did not exit by itself (see get_term_signal). */
int         ft_runner_get_exit_status     (FtRunner            *self);
int         ft_runner_get_term_signal     (FtRunner            *self);
gboolean    ft_runner_succeeded           (FtRunner            *self);
const char *ft_runner_get_finish_line     (FtRunner            *self);
char       *ft_runner_dup_status_text     (FtRunner            *self);

G_END_DECLS
