/* ft-export-dialog.h: send the open trace to an OTLP receiver
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>

#include "core/ft-trace.h"

G_BEGIN_DECLS

#define FT_TYPE_EXPORT_DIALOG (ft_export_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FtExportDialog, ft_export_dialog, FT, EXPORT_DIALOG, AdwWindow)

/* @parent receives the result as a toast (its "win.toast" action). */
FtExportDialog *ft_export_dialog_new     (GtkWindow      *parent,
                                          FtTrace        *trace);
/* What the Export button does. */
void            ft_export_dialog_start   (FtExportDialog *self);
gboolean        ft_export_dialog_is_busy (FtExportDialog *self);

G_END_DECLS
