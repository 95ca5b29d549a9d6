/* ft-format.c
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "ft-format"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ft-format.h"

/* Durations keep three significant figures: enough to compare siblings. */
char *
ft_format_duration (double duration_ms)
{
  if (isnan (duration_ms))
    return g_strdup ("—");

  if (duration_ms < 1.0)
    /* Translators: a duration in microseconds */
    return g_strdup_printf (_("%.0f µs"), duration_ms * 1000.0);
  if (duration_ms < 1000.0)
    /* Translators: a duration in milliseconds */
    return g_strdup_printf (_("%.3g ms"), duration_ms);
  if (duration_ms < 60000.0)
    /* Translators: a duration in seconds */
    return g_strdup_printf (_("%.2f s"), duration_ms / 1000.0);

  /* Translators: a duration in minutes and seconds */
  return g_strdup_printf (_("%d min %02d s"),
                          (int) (duration_ms / 60000.0),
                          ((int) (duration_ms / 1000.0)) % 60);
}

char *
ft_format_share (double part_ms,
                 double whole_ms)
{
  if (isnan (part_ms) || isnan (whole_ms) || whole_ms <= 0.0)
    return NULL;

  return g_strdup_printf ("%.0f %%", CLAMP (100.0 * part_ms / whole_ms, 0.0, 100.0));
}

char *
ft_format_bytes_diff (gint64 diff)
{
  g_autofree char *size = g_format_size ((guint64) ABS (diff));

  if (diff == 0)
    return g_strdup ("±0");

  return g_strdup_printf ("%s%s", diff > 0 ? "+" : "−", size);
}
