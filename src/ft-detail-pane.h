/* ft-detail-pane.h: everything recorded about one call
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gtk/gtk.h>

#include "ft-types.h"

G_BEGIN_DECLS

#define FT_TYPE_DETAIL_PANE (ft_detail_pane_get_type ())
G_DECLARE_FINAL_TYPE (FtDetailPane, ft_detail_pane, FT, DETAIL_PANE, GtkWidget)

GtkWidget *ft_detail_pane_new     (void);
void       ft_detail_pane_set_row (FtDetailPane *self,
                                   FtCallRow    *row);
FtCallRow *ft_detail_pane_get_row (FtDetailPane *self);

G_END_DECLS
