/* ft-panel-window.h: one call's subtree in a window of its own
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>

#include "core/ft-trace.h"
#include "ft-types.h"

G_BEGIN_DECLS

#define FT_TYPE_PANEL_WINDOW (ft_panel_window_get_type ())
G_DECLARE_FINAL_TYPE (FtPanelWindow, ft_panel_window, FT, PANEL_WINDOW, AdwApplicationWindow)

FtPanelWindow *ft_panel_window_new           (AdwApplication *application,
                                              FtTrace        *trace,
                                              FtNodeId        node);
FtCallView    *ft_panel_window_get_call_view (FtPanelWindow  *self);
FtNodeId       ft_panel_window_get_node      (FtPanelWindow  *self);

G_END_DECLS
