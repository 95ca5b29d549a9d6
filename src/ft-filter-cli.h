/* ft-filter-cli.h: flowtrace-gtk --export-filtered, with no display
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the command line asks for a headless filtered export. */
/* Writes the filtered trace and returns the process exit status: 0 when
 * written, 1 when the trace could not be read or the output written, 2
 * for a bad command line (a bad filter included). */
int      ft_filter_cli_run    (int    argc,
                               char **argv);

G_END_DECLS
