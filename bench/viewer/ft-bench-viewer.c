/* ft-bench-viewer.c: load a trace with flowtrace-core and report timings
 *
 * SPDX-License-Identifier: MIT
 *
 * Prints the time to a table ready for the call tree, the peak RSS, and
 * search and reveal times, as one line per measure ("name value unit")
 * so bench/viewer/run-bench.py can tabulate them.
 */

#include "config.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "ft-trace.h"

static double
peak_rss_mb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

static void
dump_node (FtTrace  *trace,
           FtNodeId  node,
           guint     depth)
{
  g_autofree char *name = ft_trace_dup_display_name (trace, node);
  gint64 instance = 0;
  gboolean has_instance = ft_trace_get_instance_id (trace, node, &instance);

  g_print ("%*s%s [id=%" G_GINT64_FORMAT " kind=%d flags=0x%x module=%s dur=%.3f%s%s]\n",
           (int) depth * 2, "", name,
           ft_trace_get_id (trace, node),
           ft_trace_get_kind (trace, node),
           ft_trace_get_flags (trace, node),
           ft_trace_get_module (trace, node) ? ft_trace_get_module (trace, node) : "-",
           ft_trace_get_duration_ms (trace, node),
           has_instance ? " instance" : "",
           ft_trace_get_error (trace, node) ? " ERROR" : "");
  for (guint i = 0; i < ft_trace_get_n_children (trace, node); i++)
    dump_node (trace, ft_trace_get_child (trace, node, i), depth + 1);
}

/* What the app does to reveal a node: the path of indices from the root. */
static guint
reveal_path (FtTrace  *trace,
             FtNodeId  node,
             guint    *path)
{
  guint n = 0;

  for (; node != FT_NODE_NONE; node = ft_trace_get_parent (trace, node))
    path[n++] = ft_trace_get_index (trace, node);
  return n;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  const char *needles[8] = { NULL, };
  gboolean dump = FALSE;
  guint n_needles = 0;
  const char *path = NULL;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--dump") == 0)
        dump = TRUE;
      else if (strcmp (argv[i], "--search") == 0 && i + 1 < argc && n_needles < G_N_ELEMENTS (needles))
        needles[n_needles++] = argv[++i];
      else
        path = argv[i];
    }

  if (path == NULL)
    {
      g_printerr ("usage: %s TRACE.json [--dump] [--search NEEDLE]...\n", argv[0]);
      return 2;
    }

  file = g_file_new_for_commandline_arg (path);
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  if (trace == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("load_s %.3f\n", g_timer_elapsed (timer, NULL));
  g_print ("nodes %u\n", ft_trace_get_n_nodes (trace));
  g_print ("calls %u\n", ft_trace_get_n_calls (trace));
  g_print ("peak_rss_mb %.1f\n", peak_rss_mb ());
  if (ft_trace_is_salvaged (trace))
    g_print ("salvaged %s\n", ft_trace_get_salvage_message (trace));

  if (dump)
    for (guint i = 0; i < ft_trace_get_n_roots (trace); i++)
      dump_node (trace, ft_trace_get_root (trace, i), 0);

  for (guint k = 0; k < n_needles; k++)
    {
      g_autoptr(GArray) hits = NULL;
      guint path_buf[65536];
      double search_ms, reveal_ms;
      guint depth = 0;

      g_timer_start (timer);
      hits = ft_trace_search (trace, needles[k], FT_SEARCH_ALL, NULL);
      search_ms = g_timer_elapsed (timer, NULL) * 1000;

      g_timer_start (timer);
      if (hits->len > 0)
        depth = reveal_path (trace, g_array_index (hits, FtNodeId, hits->len - 1), path_buf);
      reveal_ms = g_timer_elapsed (timer, NULL) * 1000;

      g_print ("search \"%s\" %u hits %.1f ms; reveal last (depth %u) %.3f ms\n",
               needles[k], hits->len, search_ms, depth, reveal_ms);
    }
  g_print ("peak_rss_mb_after_search %.1f\n", peak_rss_mb ());
  return 0;
}
