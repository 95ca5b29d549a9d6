/* ft-bench-timeline.c: frame times of the timeline (flame chart)
 *
 * SPDX-License-Identifier: MIT
 *
 *   xvfb-run -a -s "-screen 0 1920x1080x24" BUILD/src/ft-bench-timeline TRACE [FRAMES]
 *
 * Loads TRACE, lays the timeline out, puts it in a 1600×900 window and
 * draws it FRAMES times (default 60) in each of these scenes: the whole
 * trace, zoomed 100× and 10 000× into the middle, and panning at 100×.
 * For each frame it times the widget's snapshot (what FtTimeline itself
 * does) and the snapshot plus GSK rendering it to a texture (the whole
 * frame but for the copy to the screen).  One "name value unit" line
 * per measure, as ft-bench-viewer prints.  It also times the hot spots
 * aggregation (FtHotspots) over the same trace.
 */

#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "ft-hotspots.h"
#include "ft-timeline.h"

#define WIDTH  1600
#define HEIGHT 900

static double
peak_rss_mb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db ? 1 : 0;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *left = user_data;

  return --(*left) > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
wait_frames (GtkWidget *widget,
             guint      n)
{
  gtk_widget_queue_draw (widget);
  gtk_widget_add_tick_callback (widget, count_frame_cb, &n, NULL);
  while (n > 0)
    g_main_context_iteration (NULL, TRUE);
}

typedef void (*SceneStep) (FtTimeline *timeline, guint frame);

static void
step_none (FtTimeline *timeline,
           guint       frame)
{
}

static void
step_pan (FtTimeline *timeline,
          guint       frame)
{
  /* Back and forth so the pan stays inside the zoomed window. */
  ft_timeline_pan (timeline, (frame / 20) % 2 ? -40 : 40, 0);
}

static void
report (const char *scene,
        const char *what,
        GArray     *times)
{
  double *t = (double *) times->data;

  g_array_sort (times, compare_double);
  g_print ("timeline_%s_%s_median %.3f ms\n", scene, what, t[times->len / 2]);
  g_print ("timeline_%s_%s_p95 %.3f ms\n", scene, what, t[(guint) (times->len * 0.95)]);
  g_print ("timeline_%s_%s_max %.3f ms\n", scene, what, t[times->len - 1]);
}

static void
run_scene (GtkWidget  *window,
           FtTimeline *timeline,
           const char *scene,
           double      zoom,
           SceneStep   step,
           guint       frames)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_autoptr(GArray) snap_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) frame_times = g_array_new (FALSE, FALSE, sizeof (double));
  double duration = ft_timeline_get_duration (timeline);
  guint drawn = 0;

  ft_timeline_set_visible_range (timeline, duration / 2 - duration / zoom / 2, duration / 2 + duration / zoom / 2);
  wait_frames (window, 2);

  for (guint i = 0; i < frames; i++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      gint64 t0, t1, t2;

      step (timeline, i);
      t0 = g_get_monotonic_time ();
      GTK_WIDGET_GET_CLASS (timeline)->snapshot (GTK_WIDGET (timeline), snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      t1 = g_get_monotonic_time ();
      if (node != NULL)
        texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
      t2 = g_get_monotonic_time ();

      g_array_append_val (snap_times, ((double) { (t1 - t0) / 1000.0 }));
      g_array_append_val (frame_times, ((double) { (t2 - t0) / 1000.0 }));
      drawn = MAX (drawn, ft_timeline_get_n_drawn (timeline));
    }

  report (scene, "snapshot", snap_times);
  report (scene, "frame", frame_times);
  g_print ("timeline_%s_rects %u rects\n", scene, drawn);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(FtHotspots) hotspots = NULL;
  GtkWidget *window, *timeline;
  guint frames = argc > 2 ? (guint) atoi (argv[2]) : 60;
  gint64 t0;

  if (argc < 2)
    {
      g_printerr ("usage: %s TRACE.json [FRAMES]   (needs a display: xvfb-run -a)\n", argv[0]);
      return 2;
    }
  gtk_init ();

  file = g_file_new_for_commandline_arg (argv[1]);
  t0 = g_get_monotonic_time ();
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  if (trace == NULL)
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return 1;
    }
  g_print ("load %.3f s\n", (g_get_monotonic_time () - t0) / 1e6);
  g_print ("calls %u calls\n", ft_trace_get_n_calls (trace));

  t0 = g_get_monotonic_time ();
  hotspots = ft_hotspots_compute (trace, NULL, NULL);
  g_print ("hotspots %.3f ms\n", (g_get_monotonic_time () - t0) / 1000.0);
  g_print ("hotspots_functions %u functions\n", ft_hotspots_get_n_functions (hotspots));

  timeline = ft_timeline_new ();
  t0 = g_get_monotonic_time ();
  ft_timeline_set_trace (FT_TIMELINE (timeline), trace);
  ft_timeline_get_duration (FT_TIMELINE (timeline));   /* lays it out */
  g_print ("timeline_layout %.3f ms\n", (g_get_monotonic_time () - t0) / 1000.0);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), timeline);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (timeline) || gtk_widget_get_width (timeline) < WIDTH / 2)
    g_main_context_iteration (NULL, TRUE);
  wait_frames (window, 3);
  g_print ("timeline_width %d px\n", gtk_widget_get_width (timeline));

  run_scene (window, FT_TIMELINE (timeline), "whole", 1.0, step_none, frames);
  run_scene (window, FT_TIMELINE (timeline), "zoom100", 100.0, step_none, frames);
  run_scene (window, FT_TIMELINE (timeline), "zoom10000", 10000.0, step_none, frames);
  run_scene (window, FT_TIMELINE (timeline), "pan100", 100.0, step_pan, frames);
  g_print ("peak_rss %.0f MB\n", peak_rss_mb ());

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
