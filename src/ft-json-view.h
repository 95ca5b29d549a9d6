/* ft-json-view.h: a captured value as an expandable tree
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "ft-types.h"

G_BEGIN_DECLS

#define FT_TYPE_JSON_VIEW (ft_json_view_get_type ())
G_DECLARE_FINAL_TYPE (FtJsonView, ft_json_view, FT, JSON_VIEW, GtkWidget)

GtkWidget  *ft_json_view_new           (void);
void        ft_json_view_set_value     (FtJsonView *self,
                                        JsonNode   *value,
                                        JsonNode   *compare_to);
guint       ft_json_view_get_n_changed (FtJsonView *self);
gboolean    ft_json_view_copy_row      (FtJsonView *self,
                                        guint       position);

G_END_DECLS
