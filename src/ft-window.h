/* ft-window.h: the main window: one trace, its call tree and details
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>

#include "core/ft-runner.h"
#include "core/ft-trace.h"
#include "ft-hotspots-view.h"
#include "ft-log-pane.h"
#include "ft-timeline.h"
#include "ft-types.h"

G_BEGIN_DECLS

#define FT_TYPE_WINDOW (ft_window_get_type ())
G_DECLARE_FINAL_TYPE (FtWindow, ft_window, FT, WINDOW, AdwApplicationWindow)

FtWindow     *ft_window_new            (AdwApplication       *application);
void          ft_window_open           (FtWindow             *self,
                                        GFile                *file);
void          ft_window_load_async     (FtWindow             *self,
                                        GFile                *file,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean      ft_window_load_finish    (FtWindow             *self,
                                        GAsyncResult         *result,
                                        GError              **error);
FtTrace      *ft_window_get_trace      (FtWindow             *self);
FtCallView   *ft_window_get_call_view  (FtWindow             *self);
FtDetailPane *ft_window_get_detail_pane (FtWindow            *self);
void          ft_window_search         (FtWindow             *self,
                                        const char           *text);
guint         ft_window_get_n_matches  (FtWindow             *self);
gboolean      ft_window_is_animating   (FtWindow             *self);
gboolean      ft_window_is_empty       (FtWindow             *self);
void          ft_window_set_remember_size (FtWindow          *self,
                                           gboolean           remember);
void          ft_window_run_async      (FtWindow             *self,
                                        FtRunner             *runner,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
gboolean      ft_window_run_finish     (FtWindow             *self,
                                        GAsyncResult         *result,
                                        GError              **error);
gboolean      ft_window_is_running     (FtWindow             *self);
void          ft_window_cancel_run     (FtWindow             *self);
void          ft_window_set_run_output (FtWindow             *self,
                                        const char           *path);
FtRunner     *ft_window_get_runner     (FtWindow             *self);
FtLogPane    *ft_window_get_log_pane   (FtWindow             *self);
/* Views: "tree", "timeline", "hotspots" (action win.view). */
void          ft_window_set_view       (FtWindow             *self,
                                        const char           *view);
const char   *ft_window_get_view       (FtWindow             *self);
FtTimeline   *ft_window_get_timeline   (FtWindow             *self);
FtHotspotsView *ft_window_get_hotspots_view (FtWindow        *self);

G_END_DECLS
