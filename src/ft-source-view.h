/* ft-source-view.h: the lines around a call's file:line
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gtk/gtk.h>

#include "core/ft-trace.h"

G_BEGIN_DECLS

#define FT_TYPE_SOURCE_VIEW (ft_source_view_get_type ())
G_DECLARE_FINAL_TYPE (FtSourceView, ft_source_view, FT, SOURCE_VIEW, GtkWidget)

/* Shows the source of a call, a note when its file is not here, and
 * hides itself for nodes without a location. */
void        ft_source_view_show_call    (FtSourceView *self,
                                         FtTrace      *trace,
                                         FtNodeId      node);
/* The file shown (resolved), or NULL. */
GFile      *ft_source_view_get_file     (FtSourceView *self);
/* The text shown, for tests. */
char       *ft_source_view_dup_text     (FtSourceView *self);

G_END_DECLS
