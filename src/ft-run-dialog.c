/* ft-run-dialog.c
 *
 * SPDX-License-Identifier: MIT
 *
 * Filled from the run-* settings and saved back when the run starts.
 * Arguments are split as a shell would (g_shell_parse_argv), so that
 * quoted spaces reach the script as one argument.  Interpreters other
 * than the tracer's own are offered only when the tracer imports there,
 * which is checked in the background when the dialog opens.
 */

#define G_LOG_DOMAIN "ft-run-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "ft-run-dialog.h"

struct _FtRunDialog
{
  AdwWindow       parent_instance;

  AdwEntryRow    *script_row;
  AdwEntryRow    *arguments_row;
  AdwEntryRow    *tracer_options_row;
  AdwEntryRow    *folder_row;
  AdwComboRow    *interpreter_row;
  GtkLabel       *problem_label;
  GtkSwitch      *skip_inputs_switch;
  GtkSwitch      *skip_outputs_switch;
  GtkSwitch      *memory_switch;
  GtkSwitch      *trace_any_switch;
  GtkSpinButton  *flush_spin;

  GSettings      *settings;
  GCancellable   *cancellable;
  char           *tracer;
  GtkStringList  *interpreter_labels;
  GPtrArray      *interpreter_paths;   /* parallel to the labels; "" = default */
  GPtrArray      *interpreter_shown;   /* parallel: the path shown, also for the default */
  guint           probing : 1;
};

G_DEFINE_FINAL_TYPE (FtRunDialog, ft_run_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_RUN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Checking what was typed -------------------------------------------- */

static gboolean
parse_arguments (FtRunDialog   *self,
                 GStrv         *arguments,
                 GError       **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->arguments_row));
  g_autoptr(GError) local = NULL;

  *arguments = NULL;
  if (g_shell_parse_argv (text, NULL, arguments, &local))
    return TRUE;
  /* Nothing but blanks: no arguments. */
  if (g_error_matches (local, G_SHELL_ERROR, G_SHELL_ERROR_EMPTY_STRING))
    return TRUE;

  /* Translators: %s says what is wrong, e.g. a quote left open */
  g_set_error (error, G_SHELL_ERROR, local->code, _("The arguments cannot be read: %s"), local->message);
  return FALSE;
}

static gboolean
parse_tracer_options (FtRunDialog   *self,
                      GStrv         *options,
                      GError       **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->tracer_options_row));
  g_autoptr(GError) local = NULL;

  *options = NULL;
  if (!g_shell_parse_argv (text, NULL, options, &local))
    {
      if (g_error_matches (local, G_SHELL_ERROR, G_SHELL_ERROR_EMPTY_STRING))
        return TRUE;
      /* Translators: %s says what is wrong, e.g. a quote left open */
      g_set_error (error, G_SHELL_ERROR, local->code, _("The tracer options cannot be read: %s"), local->message);
      return FALSE;
    }
  if (ft_runner_check_tracer_options ((const char * const *) *options, error))
    return TRUE;
  g_clear_pointer (options, g_strfreev);
  return FALSE;
}

static char *
chosen_interpreter (FtRunDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->interpreter_row);

  if (selected >= self->interpreter_paths->len)
    return NULL;

  return g_strdup (g_ptr_array_index (self->interpreter_paths, selected));
}

static FtRunFlags
chosen_flags (FtRunDialog *self)
{
  FtRunFlags flags = FT_RUN_FLAG_NONE;

  if (gtk_switch_get_active (self->skip_inputs_switch))
    flags |= FT_RUN_FLAG_SKIP_INPUTS;
  if (gtk_switch_get_active (self->skip_outputs_switch))
    flags |= FT_RUN_FLAG_SKIP_OUTPUTS;
  if (gtk_switch_get_active (self->memory_switch))
    flags |= FT_RUN_FLAG_WITH_MEMORY;
  if (gtk_switch_get_active (self->trace_any_switch))
    flags |= FT_RUN_FLAG_TRACE_ANY;

  return flags;
}

static char *
working_folder (FtRunDialog *self,
                const char  *script)
{
  const char *folder = gtk_editable_get_text (GTK_EDITABLE (self->folder_row));

  if (folder[0] != '\0')
    return g_strdup (folder);

  /* As a user would run it from a terminal: in the script's folder. */
  return g_path_get_dirname (script);
}

/**
 * ft_run_dialog_build_runner:
 *
 * Returns: (transfer full) (nullable): a runner for what the dialog
 *   shows, or NULL (and @error, unless no script was given)
 */
FtRunner *
ft_run_dialog_build_runner (FtRunDialog  *self,
                            GError      **error)
{
  const char *script = gtk_editable_get_text (GTK_EDITABLE (self->script_row));
  g_auto(GStrv) arguments = NULL;
  g_auto(GStrv) options = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *interpreter = NULL;
  FtRunner *runner;

  g_return_val_if_fail (FT_IS_RUN_DIALOG (self), NULL);

  if (script[0] == '\0' || !parse_arguments (self, &arguments, error)
      || !parse_tracer_options (self, &options, error))
    return NULL;

  folder = working_folder (self, script);
  interpreter = chosen_interpreter (self);
  runner = ft_runner_new (script);
  ft_runner_set_arguments (runner, (const char * const *) arguments);
  ft_runner_set_working_dir (runner, folder);
  ft_runner_set_interpreter (runner, interpreter);
  ft_runner_set_tracer (runner, self->tracer);
  ft_runner_set_flags (runner, chosen_flags (self));
  ft_runner_set_flush_interval (runner, gtk_spin_button_get_value (self->flush_spin));
  ft_runner_set_tracer_options (runner, (const char * const *) options);

  return runner;
}

static void
mark_error (AdwEntryRow *row,
            gboolean     wrong)
{
  if (wrong)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
validate (FtRunDialog *self)
{
  g_auto(GStrv) words = NULL;
  g_auto(GStrv) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FtRunner) runner = ft_run_dialog_build_runner (self, &error);

  gtk_label_set_text (self->problem_label, error ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), error != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "run-dialog.run", runner != NULL);
  mark_error (self->arguments_row, !parse_arguments (self, &words, NULL));
  mark_error (self->tracer_options_row, !parse_tracer_options (self, &options, NULL));
}

/* Settings ------------------------------------------------------------ */

static void
save_settings (FtRunDialog *self)
{
  g_autofree char *interpreter = chosen_interpreter (self);
  FtRunFlags flags = chosen_flags (self);

  g_settings_delay (self->settings);
  g_settings_set_string (self->settings, "run-script", gtk_editable_get_text (GTK_EDITABLE (self->script_row)));
  g_settings_set_string (self->settings, "run-arguments", gtk_editable_get_text (GTK_EDITABLE (self->arguments_row)));
  g_settings_set_string (self->settings, "run-folder", gtk_editable_get_text (GTK_EDITABLE (self->folder_row)));
  g_settings_set_string (self->settings, "run-interpreter", interpreter ? interpreter : "");
  g_settings_set_boolean (self->settings, "run-skip-inputs", (flags & FT_RUN_FLAG_SKIP_INPUTS) != 0);
  g_settings_set_boolean (self->settings, "run-skip-outputs", (flags & FT_RUN_FLAG_SKIP_OUTPUTS) != 0);
  g_settings_set_boolean (self->settings, "run-with-memory", (flags & FT_RUN_FLAG_WITH_MEMORY) != 0);
  g_settings_set_boolean (self->settings, "run-trace-any", (flags & FT_RUN_FLAG_TRACE_ANY) != 0);
  g_settings_set_double (self->settings, "run-flush-interval", gtk_spin_button_get_value (self->flush_spin));
  g_settings_set_string (self->settings, "run-tracer-options", gtk_editable_get_text (GTK_EDITABLE (self->tracer_options_row)));
  g_settings_apply (self->settings);
}

static void
load_settings (FtRunDialog *self)
{
  g_autofree char *script = g_settings_get_string (self->settings, "run-script");
  g_autofree char *arguments = g_settings_get_string (self->settings, "run-arguments");
  g_autofree char *folder = g_settings_get_string (self->settings, "run-folder");
  g_autofree char *options = g_settings_get_string (self->settings, "run-tracer-options");

  gtk_editable_set_text (GTK_EDITABLE (self->script_row), script);
  gtk_editable_set_text (GTK_EDITABLE (self->arguments_row), arguments);
  gtk_editable_set_text (GTK_EDITABLE (self->folder_row), folder);
  gtk_switch_set_active (self->skip_inputs_switch, g_settings_get_boolean (self->settings, "run-skip-inputs"));
  gtk_switch_set_active (self->skip_outputs_switch, g_settings_get_boolean (self->settings, "run-skip-outputs"));
  gtk_switch_set_active (self->memory_switch, g_settings_get_boolean (self->settings, "run-with-memory"));
  gtk_switch_set_active (self->trace_any_switch, g_settings_get_boolean (self->settings, "run-trace-any"));
  gtk_spin_button_set_value (self->flush_spin, g_settings_get_double (self->settings, "run-flush-interval"));
  gtk_editable_set_text (GTK_EDITABLE (self->tracer_options_row), options);
}

/* Interpreters -------------------------------------------------------- */

static void
add_interpreter (FtRunDialog *self,
                 const char  *entry,
                 gboolean     is_default)
{
  g_auto(GStrv) parts = g_strsplit (entry, "\t", 2);
  g_autofree char *label = NULL;

  if (is_default)
    /* Translators: the interpreter FlowTrace was built for, e.g. "Python 3.11.7 (default)" */
    label = g_strdup_printf (_("Python %s (default)"), parts[1] ? parts[1] : "?");
  else
    label = g_strdup_printf (_("Python %s"), parts[1] ? parts[1] : "?");

  gtk_string_list_append (self->interpreter_labels, label);
  g_ptr_array_add (self->interpreter_paths, g_strdup (is_default ? "" : parts[0]));
  g_ptr_array_add (self->interpreter_shown, g_strdup (parts[0]));
}

/* The row's subtitle names the chosen interpreter's path. */
static void
on_interpreter_selected_cb (FtRunDialog *self,
                            GParamSpec  *pspec,
                            AdwComboRow *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->probing || selected >= self->interpreter_shown->len)
    return;

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), g_ptr_array_index (self->interpreter_shown, selected));
}

static void
select_saved_interpreter (FtRunDialog *self)
{
  g_autofree char *saved = g_settings_get_string (self->settings, "run-interpreter");
  guint index = 0;

  if (saved[0] != '\0' && g_ptr_array_find_with_equal_func (self->interpreter_paths, saved, g_str_equal, &index))
    adw_combo_row_set_selected (self->interpreter_row, index);
}

static void
on_interpreters_found_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(FtRunDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = ft_runner_find_interpreters_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->probing = FALSE;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->interpreter_row), error ? error->message : "");
  if (found == NULL || found->len == 0)
    return;

  /* The tracer's own interpreter comes first and stays the default. */
  gtk_string_list_splice (self->interpreter_labels, 0, 1, NULL);
  g_ptr_array_set_size (self->interpreter_paths, 0);
  g_ptr_array_set_size (self->interpreter_shown, 0);
  for (guint i = 0; i < found->len; i++)
    add_interpreter (self, found->pdata[i], i == 0);
  select_saved_interpreter (self);
  on_interpreter_selected_cb (self, NULL, self->interpreter_row);
}

static void
find_interpreters (FtRunDialog *self)
{
  self->probing = TRUE;
  gtk_string_list_append (self->interpreter_labels, _("Default: the Python FlowTrace was built for"));
  g_ptr_array_add (self->interpreter_paths, g_strdup (""));
  g_ptr_array_add (self->interpreter_shown, g_strdup (""));
  adw_combo_row_set_model (self->interpreter_row, G_LIST_MODEL (self->interpreter_labels));
  ft_runner_find_interpreters_async (self->tracer, self->cancellable, on_interpreters_found_cb, g_object_ref (self));
}

/* Choosers ------------------------------------------------------------ */

/* The chosen file's path goes into the entry the chooser was opened for. */
static void
on_path_chosen_cb (GtkFileChooserNative *chooser,
                   int                   response,
                   GtkEditable          *entry)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    {
      g_autofree char *path = g_file_get_path (file);

      gtk_editable_set_text (entry, path ? path : "");
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
choose_script_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  FtRunDialog *self = FT_RUN_DIALOG (widget);
  g_autoptr(GtkFileFilter) python = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose a Python Script"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Select"), _("_Cancel"));
  gtk_file_filter_set_name (python, _("Python Scripts"));
  gtk_file_filter_add_mime_type (python, "text/x-python");
  gtk_file_filter_add_suffix (python, "py");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), python);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_path_chosen_cb), self->script_row, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  FtRunDialog *self = FT_RUN_DIALOG (widget);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose the Working Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_path_chosen_cb), self->folder_row, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  FtRunDialog *self = FT_RUN_DIALOG (widget);
  g_autoptr(FtRunner) runner = ft_run_dialog_build_runner (self, NULL);

  if (runner == NULL)
    return;

  save_settings (self);
  g_signal_emit (self, signals[SIGNAL_RUN], 0, runner);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_entry_activated_cb (FtRunDialog *self,
                       AdwEntryRow *row)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "run-dialog.run", NULL);
}

/* GObject ------------------------------------------------------------- */

static void
ft_run_dialog_dispose (GObject *object)
{
  FtRunDialog *self = (FtRunDialog *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->interpreter_labels);
  g_clear_pointer (&self->interpreter_paths, g_ptr_array_unref);
  g_clear_pointer (&self->interpreter_shown, g_ptr_array_unref);
  g_clear_pointer (&self->tracer, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), FT_TYPE_RUN_DIALOG);

  G_OBJECT_CLASS (ft_run_dialog_parent_class)->dispose (object);
}

static void
ft_run_dialog_class_init (FtRunDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ft_run_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowtrace/FlowTrace/ft-run-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FtRunDialog, script_row);
  gtk_widget_class_bind_template_child (widget_class, FtRunDialog, arguments_row);
  gtk_widget_class_bind_template_child (widget_class, FtRunDialog, tracer_options_row);
  gtk_widget_class_bind_template_child (widget_class, FtRunDialog, folder_row);
  gtk_widget_class_bind_template_child (widget_class, FtRunDialog, interpreter_row);
  gtk_widget_class_bind_template_child (widget_class, FtRunDialog, problem_label);
  gtk_widget_class_bind_template_child (widget_class, FtRunDialog, skip_inputs_switch);
  gtk_widget_class_bind_template_child (widget_class, FtRunDialog, skip_outputs_switch);
  gtk_widget_class_bind_template_child (widget_class, FtRunDialog, memory_switch);
  gtk_widget_class_bind_template_child (widget_class, FtRunDialog, trace_any_switch);
  gtk_widget_class_bind_template_child (widget_class, FtRunDialog, flush_spin);

  gtk_widget_class_install_action (widget_class, "run-dialog.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "run-dialog.choose-script", NULL, choose_script_action);
  gtk_widget_class_install_action (widget_class, "run-dialog.choose-folder", NULL, choose_folder_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * FtRunDialog::run:
   * @runner: the run to start, configured from the dialog
   */
  signals[SIGNAL_RUN] =
    g_signal_new ("run", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, FT_TYPE_RUNNER);
}

static void
ft_run_dialog_init (FtRunDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  self->interpreter_labels = gtk_string_list_new (NULL);
  self->interpreter_paths = g_ptr_array_new_with_free_func (g_free);
  self->interpreter_shown = g_ptr_array_new_with_free_func (g_free);
  load_settings (self);

  g_signal_connect_object (self->script_row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->arguments_row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->folder_row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tracer_options_row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->interpreter_row, "notify::selected", G_CALLBACK (on_interpreter_selected_cb),
                           self, G_CONNECT_SWAPPED);
  /* Enter in any entry runs, as the suggested button would. */
  g_signal_connect_object (self->script_row, "entry-activated", G_CALLBACK (on_entry_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->arguments_row, "entry-activated", G_CALLBACK (on_entry_activated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tracer_options_row, "entry-activated", G_CALLBACK (on_entry_activated_cb),
                           self, G_CONNECT_SWAPPED);
  validate (self);
}

FtRunDialog *
ft_run_dialog_new (GtkWindow  *parent,
                   const char *tracer)
{
  FtRunDialog *self = g_object_new (FT_TYPE_RUN_DIALOG, "transient-for", parent, NULL);

  self->tracer = g_strdup (tracer);
  find_interpreters (self);
  return self;
}

GtkEditable *
ft_run_dialog_get_script_entry (FtRunDialog *self)
{
  g_return_val_if_fail (FT_IS_RUN_DIALOG (self), NULL);

  return GTK_EDITABLE (self->script_row);
}

GtkEditable *
ft_run_dialog_get_tracer_options_entry (FtRunDialog *self)
{
  g_return_val_if_fail (FT_IS_RUN_DIALOG (self), NULL);

  return GTK_EDITABLE (self->tracer_options_row);
}

GtkEditable *
ft_run_dialog_get_arguments_entry (FtRunDialog *self)
{
  g_return_val_if_fail (FT_IS_RUN_DIALOG (self), NULL);

  return GTK_EDITABLE (self->arguments_row);
}

GtkEditable *
ft_run_dialog_get_folder_entry (FtRunDialog *self)
{
  g_return_val_if_fail (FT_IS_RUN_DIALOG (self), NULL);

  return GTK_EDITABLE (self->folder_row);
}

/* What stops the run, as shown under the fields; "" when nothing. */
const char *
ft_run_dialog_get_problem (FtRunDialog *self)
{
  g_return_val_if_fail (FT_IS_RUN_DIALOG (self), NULL);

  return gtk_label_get_text (self->problem_label);
}

gboolean
ft_run_dialog_is_probing (FtRunDialog *self)
{
  g_return_val_if_fail (FT_IS_RUN_DIALOG (self), FALSE);

  return self->probing;
}

guint
ft_run_dialog_get_n_interpreters (FtRunDialog *self)
{
  g_return_val_if_fail (FT_IS_RUN_DIALOG (self), 0);

  return self->interpreter_paths->len;
}
