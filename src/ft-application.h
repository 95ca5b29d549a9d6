/* ft-application.h
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>

#include "ft-types.h"

G_BEGIN_DECLS

#define FT_TYPE_APPLICATION (ft_application_get_type ())
G_DECLARE_FINAL_TYPE (FtApplication, ft_application, FT, APPLICATION, AdwApplication)

FtApplication *ft_application_new             (void);
int            ft_application_get_exit_status (FtApplication *self);
void           ft_i18n_init                   (void);
char          *ft_application_find_tracer     (void);
gboolean       ft_application_running_uninstalled (void);

G_END_DECLS
