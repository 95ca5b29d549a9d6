/* ft-filter-bar.h: filter the call tree by module, class, duration, time and errors
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gtk/gtk.h>

#include "core/ft-trace.h"

G_BEGIN_DECLS

#define FT_TYPE_FILTER_BAR (ft_filter_bar_get_type ())
G_DECLARE_FINAL_TYPE (FtFilterBar, ft_filter_bar, FT, FILTER_BAR, GtkWidget)

void      ft_filter_bar_set_trace       (FtFilterBar  *self,
                                         FtTrace      *trace);
/* What the tree shows: the trace itself, or while the bar is open with a
 * condition set, its matching calls and their callers. */
FtTrace  *ft_filter_bar_get_view_trace  (FtFilterBar  *self);
gboolean  ft_filter_bar_is_filtering    (FtFilterBar  *self);
gboolean  ft_filter_bar_get_revealed    (FtFilterBar  *self);
void      ft_filter_bar_set_revealed    (FtFilterBar  *self,
                                         gboolean      revealed);
/* Writes the view as a trace file. */
gboolean  ft_filter_bar_export          (FtFilterBar  *self,
                                         GFile        *file,
                                         GError      **error);
/* Asks where to save, writes, and reports in a toast (win.toast). */
void      ft_filter_bar_choose_export   (FtFilterBar  *self);

G_END_DECLS
