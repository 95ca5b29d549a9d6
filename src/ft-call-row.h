/* ft-call-row.h: one row of the call tree, made only when it is shown
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "core/ft-trace.h"
#include "ft-types.h"

G_BEGIN_DECLS

#define FT_TYPE_CALL_ROW (ft_call_row_get_type ())
G_DECLARE_FINAL_TYPE (FtCallRow, ft_call_row, FT, CALL_ROW, GObject)

FtCallRow    *ft_call_row_new_node          (FtTrace       *trace,
                                             FtNodeId       node);
FtCallRow    *ft_call_row_new_group         (FtTrace       *trace,
                                             gint64         instance_id,
                                             GArray        *members);
FtTrace      *ft_call_row_get_trace         (FtCallRow     *self);
FtNodeId      ft_call_row_get_node          (FtCallRow     *self);
gboolean      ft_call_row_is_group          (FtCallRow     *self);
gint64        ft_call_row_get_instance_id   (FtCallRow     *self);
GArray       *ft_call_row_get_members       (FtCallRow     *self);
char         *ft_call_row_dup_title         (FtCallRow     *self);
const char   *ft_call_row_get_module        (FtCallRow     *self);
char         *ft_call_row_dup_duration_text (FtCallRow     *self);
char         *ft_call_row_dup_children_text (FtCallRow     *self);
double        ft_call_row_get_duration_ms   (FtCallRow     *self);

G_END_DECLS
