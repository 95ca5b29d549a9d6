/* ft-log-pane.h: a run's status, progress and the script's output
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>

#include "core/ft-runner.h"

G_BEGIN_DECLS

#define FT_TYPE_LOG_PANE (ft_log_pane_get_type ())
G_DECLARE_FINAL_TYPE (FtLogPane, ft_log_pane, FT, LOG_PANE, GtkBox)

GtkWidget  *ft_log_pane_new            (void);
void        ft_log_pane_start          (FtLogPane   *self,
                                        FtRunner    *runner);
void        ft_log_pane_append         (FtLogPane   *self,
                                        FtRunStream  stream,
                                        const char  *line);
void        ft_log_pane_set_progress   (FtLogPane   *self,
                                        guint64      calls,
                                        double       elapsed);
void        ft_log_pane_set_trace_path (FtLogPane   *self,
                                        const char  *path);
void        ft_log_pane_finish         (FtLogPane   *self,
                                        FtRunner    *runner,
                                        const GError *error);
char       *ft_log_pane_dup_text       (FtLogPane   *self);
const char *ft_log_pane_get_status     (FtLogPane   *self);
const char *ft_log_pane_get_detail     (FtLogPane   *self);
gboolean    ft_log_pane_is_error       (FtLogPane   *self);

G_END_DECLS
