/* ft-run-dialog.h: choose a script, its arguments and the tracer's flags
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>

#include "core/ft-runner.h"

G_BEGIN_DECLS

#define FT_TYPE_RUN_DIALOG (ft_run_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FtRunDialog, ft_run_dialog, FT, RUN_DIALOG, AdwWindow)

FtRunDialog *ft_run_dialog_new                (GtkWindow   *parent,
                                               const char  *tracer);
FtRunner    *ft_run_dialog_build_runner       (FtRunDialog *self,
                                               GError     **error);
GtkEditable *ft_run_dialog_get_script_entry   (FtRunDialog *self);
GtkEditable *ft_run_dialog_get_arguments_entry (FtRunDialog *self);
GtkEditable *ft_run_dialog_get_tracer_options_entry (FtRunDialog *self);
GtkEditable *ft_run_dialog_get_folder_entry   (FtRunDialog *self);
const char  *ft_run_dialog_get_problem        (FtRunDialog *self);
gboolean     ft_run_dialog_is_probing         (FtRunDialog *self);
guint        ft_run_dialog_get_n_interpreters (FtRunDialog *self);

G_END_DECLS
