/* ft-diff-window.h: two runs side by side, aligned by call path
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>

#include "core/ft-trace-diff.h"

G_BEGIN_DECLS

#define FT_TYPE_DIFF_WINDOW (ft_diff_window_get_type ())
G_DECLARE_FINAL_TYPE (FtDiffWindow, ft_diff_window, FT, DIFF_WINDOW, AdwWindow)

FtDiffWindow     *ft_diff_window_new        (GtkApplication *app,
                                             FtTraceDiff    *diff);
FtTraceDiff      *ft_diff_window_get_diff   (FtDiffWindow   *self);
/* The rows, for tests: items are GtkTreeListRow of FtDiffRow. */
GtkTreeListModel *ft_diff_window_get_model  (FtDiffWindow   *self);
/* The diff entry index a row of the model shows. */
guint             ft_diff_window_row_entry  (GtkTreeListRow *row);

/* Asks for a trace B and opens the comparison of a with it. */
void              ft_diff_window_compare_with (GtkWindow    *parent,
                                               FtTrace      *a);

G_END_DECLS
