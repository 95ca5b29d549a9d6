/* fuzz-trace.c: the trace reader, salvage included
 *
 * SPDX-License-Identifier: MIT
 *
 * The input is a trace file.  When it holds the line "#part", what follows
 * is the side file of a second thread (<trace>.thread-1.part), which
 * salvage merges when the trace is cut short.  A trace that loads must
 * give a consistent tree, answer search, and write back out (as Export
 * Filtered View does) to a file that loads again with the same calls.
 */

#define G_LOG_DOMAIN "fuzz-trace"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "fuzz-common.h"
#include "ft-hotspots.h"
#include "ft-trace-writer.h"

#define PART_MARK "\n#part\n"

static const guint8 *
find_mark (const uint8_t *data,
           size_t         size)
{
  gsize n = strlen (PART_MARK);

  for (gsize i = 0; i + n <= size; i++)
    if (memcmp (data + i, PART_MARK, n) == 0)
      return data + i;
  return NULL;
}


static void
check_write_back (FtTrace *trace)
{
  g_autofree char *path = g_strdup_printf ("%s.out", g_file_peek_path (ft_trace_get_file (trace)));
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(FtTrace) again = NULL;

  if (!ft_trace_write_visible_to_file (trace, NULL, out, NULL, &error))
    g_error ("writing back: %s", error->message);
  again = ft_trace_load (out, NULL, NULL, NULL, &error);
  if (again == NULL)
    g_error ("the trace written back does not load: %s", error->message);
  g_assert_cmpuint (ft_trace_get_n_nodes (again), ==, ft_trace_get_n_nodes (trace));
  g_assert_false (ft_trace_is_salvaged (again));
  for (FtNodeId node = 0; node < ft_trace_get_n_nodes (trace); node++)
    {
      g_assert_cmpuint (ft_trace_get_parent (again, node), ==, ft_trace_get_parent (trace, node));
      g_assert_cmphex (ft_trace_get_flags (again, node), ==, ft_trace_get_flags (trace, node));
      g_assert_cmpstr (ft_trace_get_callable (again, node), ==, ft_trace_get_callable (trace, node));
    }
  g_unlink (path);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const guint8 *mark = find_mark (data, size);
  g_autoptr(GFile) file = NULL;
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(FtHotspots) hotspots = NULL;
  GArray *hits;
  guint n;

  if (mark == NULL)
    file = fuzz_write_trace (data, size, NULL, 0);
  else
    file = fuzz_write_trace (data, mark - data, mark + strlen (PART_MARK),
                             size - (mark - data) - strlen (PART_MARK));
  trace = fuzz_load_trace (file);
  if (trace == NULL)
    return 0;

  fuzz_check_tree (trace);
  n = ft_trace_get_n_nodes (trace);
  if (ft_trace_is_salvaged (trace))
    g_assert_nonnull (ft_trace_get_salvage_message (trace));

  for (FtNodeId node = 0; node < n; node++)
    {
      g_autofree char *name = ft_trace_dup_display_name (trace, node);
      g_assert_true (g_utf8_validate (name, -1, NULL));
      g_assert_cmpuint (ft_trace_get_depth (trace, node), <, n);
    }

  hits = ft_trace_search (trace, "a", FT_SEARCH_ALL, NULL);
  for (guint i = 0; i < hits->len; i++)
    g_assert_cmpuint (g_array_index (hits, FtNodeId, i), <, n);
  g_array_unref (hits);

  hotspots = ft_hotspots_compute (trace, NULL, NULL);
  g_assert_nonnull (hotspots);

  check_write_back (trace);
  return 0;
}
