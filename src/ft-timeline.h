/* ft-timeline.h: a flame chart of the calls, per thread and process
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gtk/gtk.h>

#include "core/ft-trace.h"

G_BEGIN_DECLS

#define FT_TYPE_TIMELINE (ft_timeline_get_type ())
G_DECLARE_FINAL_TYPE (FtTimeline, ft_timeline, FT, TIMELINE, GtkWidget)

GtkWidget *ft_timeline_new               (void);
void       ft_timeline_set_trace         (FtTimeline *self,
                                          FtTrace    *trace);
FtTrace   *ft_timeline_get_trace         (FtTimeline *self);
/* Times in milliseconds from the start of the trace. */
void       ft_timeline_get_visible_range (FtTimeline *self,
                                          double     *start_ms,
                                          double     *end_ms);
void       ft_timeline_set_visible_range (FtTimeline *self,
                                          double      start_ms,
                                          double      end_ms);
double     ft_timeline_get_duration      (FtTimeline *self);
/* @factor > 1 zooms in, keeping the time under @anchor_x in place. */
void       ft_timeline_zoom              (FtTimeline *self,
                                          double      factor,
                                          double      anchor_x);
/* Moves the view by @dx pixels of time and @dy pixels of rows. */
void       ft_timeline_pan               (FtTimeline *self,
                                          double      dx,
                                          double      dy);
FtNodeId   ft_timeline_node_at           (FtTimeline *self,
                                          double      x,
                                          double      y);
/* Where @node is drawn now (widget coordinates); FALSE when off screen. */
gboolean   ft_timeline_get_node_area     (FtTimeline      *self,
                                          FtNodeId         node,
                                          graphene_rect_t *area);
FtNodeId   ft_timeline_click             (FtTimeline *self,
                                          double      x,
                                          double      y);
void       ft_timeline_set_selected      (FtTimeline *self,
                                          FtNodeId    node);
FtNodeId   ft_timeline_get_selected      (FtTimeline *self);
/* Calls to outline (sorted node ids), e.g. a hot spot's; NULL for none. */
void       ft_timeline_set_highlight     (FtTimeline *self,
                                          GArray     *nodes);
/* Rectangles the last frame drew (merged runs of narrow calls count one). */
guint      ft_timeline_get_n_drawn       (FtTimeline *self);

G_END_DECLS
