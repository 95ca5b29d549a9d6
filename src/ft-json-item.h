/* ft-json-item.h: one member of a captured JSON value
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <json-glib/json-glib.h>

#include "ft-types.h"

G_BEGIN_DECLS

#define FT_TYPE_JSON_ITEM (ft_json_item_get_type ())
G_DECLARE_FINAL_TYPE (FtJsonItem, ft_json_item, FT, JSON_ITEM, GObject)

FtJsonItem *ft_json_item_new             (const char *key,
                                          JsonNode   *node,
                                          gboolean    changed);
const char *ft_json_item_get_key         (FtJsonItem *self);
JsonNode   *ft_json_item_get_node        (FtJsonItem *self);
gboolean    ft_json_item_get_changed     (FtJsonItem *self);
gboolean    ft_json_item_is_marker       (FtJsonItem *self);
char       *ft_json_item_dup_summary     (FtJsonItem *self);
char       *ft_json_item_dup_copy_text   (FtJsonItem *self);
GListModel *ft_json_item_create_children (FtJsonItem *self);
char       *ft_json_node_dup_copy_text   (JsonNode   *node);
/* One line of text for a label: control characters escaped, and a text
 * longer than a label can lay out quickly cut, saying from how long. */
char       *ft_dup_shown_text            (const char *text);

G_END_DECLS
