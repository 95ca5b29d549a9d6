/* ft-call-model.h: the children of one call, as a GListModel of FtCallRow
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gio/gio.h>

#include "core/ft-trace.h"
#include "ft-types.h"

G_BEGIN_DECLS

#define FT_TYPE_CALL_MODEL (ft_call_model_get_type ())
G_DECLARE_FINAL_TYPE (FtCallModel, ft_call_model, FT, CALL_MODEL, GObject)

FtCallModel *ft_call_model_new_children (FtTrace          *trace,
                                         FtNodeId          parent,
                                         FtCallModelFlags  flags);
FtCallModel *ft_call_model_new_list     (FtTrace          *trace,
                                         GArray           *nodes,
                                         FtCallModelFlags  flags);
gboolean     ft_call_model_locate       (FtCallModel      *self,
                                         FtNodeId          node,
                                         guint            *position,
                                         guint            *group_position);
GListModel  *ft_call_model_create_children (FtCallRow     *row,
                                            FtCallModelFlags flags);

G_END_DECLS
