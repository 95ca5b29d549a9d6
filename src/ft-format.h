/* ft-format.h: how numbers of a trace are written for people
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ft_format_duration   (double   duration_ms);
char *ft_format_share      (double   part_ms,
                            double   whole_ms);
char *ft_format_bytes_diff (gint64   diff);

G_END_DECLS
