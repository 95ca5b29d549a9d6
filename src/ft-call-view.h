/* ft-call-view.h: the call tree (a GtkColumnView over a lazy tree)
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gtk/gtk.h>

#include "core/ft-trace.h"
#include "ft-types.h"

G_BEGIN_DECLS

#define FT_TYPE_CALL_VIEW (ft_call_view_get_type ())
G_DECLARE_FINAL_TYPE (FtCallView, ft_call_view, FT, CALL_VIEW, GtkWidget)

GtkWidget        *ft_call_view_new              (void);
void              ft_call_view_set_trace        (FtCallView  *self,
                                                 FtTrace     *trace,
                                                 FtNodeId     root);
FtTrace          *ft_call_view_get_trace        (FtCallView  *self);
FtCallRow        *ft_call_view_get_selected     (FtCallView  *self);
void              ft_call_view_select_position  (FtCallView  *self,
                                                 guint        position);
gboolean          ft_call_view_reveal           (FtCallView  *self,
                                                 FtNodeId     node);
void              ft_call_view_expand_all       (FtCallView  *self);
void              ft_call_view_collapse_all     (FtCallView  *self);
void              ft_call_view_set_matches      (FtCallView  *self,
                                                 GArray      *matches,
                                                 FtNodeId     current);
GtkTreeListModel *ft_call_view_get_tree_model   (FtCallView  *self);
GtkColumnView    *ft_call_view_get_column_view  (FtCallView  *self);
FtCallModelFlags  ft_call_view_get_model_flags  (FtCallView  *self);
FtBadges          ft_call_view_get_badges       (FtCallView  *self);

G_END_DECLS
