/* ft-hotspot-row.h: one function of the hot spots table, as a list item
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib-object.h>

#include "core/ft-hotspots.h"

G_BEGIN_DECLS

#define FT_TYPE_HOTSPOT_ROW (ft_hotspot_row_get_type ())
G_DECLARE_FINAL_TYPE (FtHotspotRow, ft_hotspot_row, FT, HOTSPOT_ROW, GObject)

FtHotspotRow    *ft_hotspot_row_new           (FtHotspots   *hotspots,
                                               guint         index);
guint            ft_hotspot_row_get_index     (FtHotspotRow *self);
const FtHotspot *ft_hotspot_row_get_hotspot   (FtHotspotRow *self);
const char      *ft_hotspot_row_get_name      (FtHotspotRow *self);

G_END_DECLS
