/* ft-diff-cli.h: flowtrace-gtk --diff A.json B.json
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Loads both traces, prints the summary and opens the comparison window;
 * 1 when a trace cannot be read or there is no display, 2 for a bad
 * command line. */
int      ft_diff_cli_run    (int    argc,
                             char **argv);

G_END_DECLS
