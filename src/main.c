/* main.c: flowtrace-gtk
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "flowtrace-gtk"

#include "config.h"

#include <glib/gi18n.h>

#include "ft-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(FtApplication) app = NULL;
  int status;

  ft_i18n_init ();
  g_set_application_name (_("FlowTrace"));

  app = ft_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);

  return status != 0 ? status : ft_application_get_exit_status (app);
}
