/* ft-preferences-window.h
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>

#include "ft-types.h"

G_BEGIN_DECLS

#define FT_TYPE_PREFERENCES_WINDOW (ft_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (FtPreferencesWindow, ft_preferences_window, FT, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *ft_preferences_window_new (GtkWindow *transient_for);

G_END_DECLS
