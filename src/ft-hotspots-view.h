/* ft-hotspots-view.h: a sortable table of time and calls per function
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gtk/gtk.h>

#include "core/ft-hotspots.h"

G_BEGIN_DECLS

#define FT_TYPE_HOTSPOTS_VIEW (ft_hotspots_view_get_type ())
G_DECLARE_FINAL_TYPE (FtHotspotsView, ft_hotspots_view, FT, HOTSPOTS_VIEW, GtkWidget)

GtkWidget     *ft_hotspots_view_new           (void);
/* Counts in a worker thread once the view is shown; ::ready when done. */
void           ft_hotspots_view_set_trace     (FtHotspotsView *self,
                                               FtTrace        *trace);
/* NULL until counted. */
FtHotspots    *ft_hotspots_view_get_hotspots  (FtHotspotsView *self);
/* The rows as shown (sorted): FtHotspotRow items. */
GListModel    *ft_hotspots_view_get_model     (FtHotspotsView *self);
GtkColumnView *ft_hotspots_view_get_column_view (FtHotspotsView *self);
void           ft_hotspots_view_select        (FtHotspotsView *self,
                                               guint           position);

G_END_DECLS
