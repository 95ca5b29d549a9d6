/* ft-export-cli.h: flowtrace-gtk --export-otlp, with no display
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the command line asks for a headless export. */
/* Runs the export and returns the process exit status: 0 when every span
 * was accepted, 1 when the export failed, 2 for a bad command line. */
int      ft_export_cli_run    (int    argc,
                               char **argv);

G_END_DECLS
