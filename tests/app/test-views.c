/* test-views.c: the tree, timeline and hot spots views of a trace
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ft-call-row.h"
#include "ft-call-view.h"
#include "ft-hotspot-row.h"
#include "ft-hotspots-view.h"
#include "ft-test-util.h"
#include "ft-timeline.h"
#include "ft-window.h"

#define CALL(id, callable, called, start_ns, ms, error, calls) \
  "{\"id\":" #id ",\"callable\":\"" callable "\",\"module\":\"app\",\"called\":\"" called "\"," \
  "\"start_ns\":" #start_ns ",\"inputs\":{},\"output\":null,\"error\":" error "," \
  "\"duration_ms\":" #ms ",\"calls\":[" calls "]}"
#define THREAD(id, name, start_ns, ms, calls) \
  "{\"id\":" #id ",\"kind\":\"thread\",\"callable\":\"" name "\",\"module\":\"threading\",\"called\":\"Thread\"," \
  "\"thread\":\"" name "\",\"start_ns\":" #start_ns ",\"duration_ms\":" #ms ",\"calls\":[" calls "]}"

/* Two threads.  Self times: work 1 + 1 + 3 = 5 ms over three calls, slow
 * 4, main 1.5, fast 1, fail 0.5. */
static const char views_trace[] =
  "[{\"id\":0,\"callable\":\"app.py\",\"module\":\"__main__\",\"called\":\"app.py\",\"start_ns\":0,"
  "\"flowtrace\":{\"version\":2,\"complete\":true},\"duration_ms\":10.0,\"calls\":["
  THREAD (1, "MainThread", 0, 10.0,
    CALL (2, "main", "main", 100000, 9.0, "null",
      CALL (3, "slow", "slow", 200000, 6.0, "null",
        CALL (4, "work", "work", 300000, 1.0, "null", "") ","
        CALL (5, "work", "work", 1500000, 1.0, "null", "")) ","
      CALL (6, "fast", "fast", 6500000, 1.0, "null", "") ","
      CALL (7, "fail", "fail", 7600000, 0.5, "\"ValueError('x')\"", ""))) ","
  THREAD (8, "worker", 2000000, 4.0,
    CALL (9, "work", "work", 2100000, 3.0, "null", ""))
  "]}]";

/* The original tool's files have no start_ns. */
static const char untimed_trace[] =
  "[{\"id\":0,\"callable\":\"m\",\"module\":\"x\",\"called\":\"m\",\"duration_ms\":10.0,\"calls\":["
  "{\"id\":1,\"callable\":\"a\",\"module\":\"x\",\"called\":\"a\",\"duration_ms\":2.0,\"calls\":[]},"
  "{\"id\":2,\"callable\":\"b\",\"module\":\"x\",\"called\":\"b\",\"duration_ms\":3.0,\"calls\":[]}]}]";

static char *views_path;

static FtWindow *
load_views_trace (void)
{
  g_autoptr(GError) error = NULL;
  FtWindow *window = ft_test_load_window (views_path, &error);

  g_assert_no_error (error);
  return window;
}

static void
wait_hotspots (FtWindow *window)
{
  FtHotspotsView *view = ft_window_get_hotspots_view (window);

  while (ft_hotspots_view_get_hotspots (view) == NULL)
    g_main_context_iteration (NULL, TRUE);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
}

static void
test_switch_views (void)
{
  FtWindow *window = load_views_trace ();
  g_autofree char *name = NULL;

  g_assert_cmpstr (ft_window_get_view (window), ==, "tree");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ft_window_get_call_view (window))));
  ft_test_save_shot (GTK_WIDGET (window), "views-tree");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "timeline"));
  ft_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpstr (ft_window_get_view (window), ==, "timeline");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ft_window_get_timeline (window))));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (ft_window_get_call_view (window))));
  /* Every call of this small trace is wide enough to be drawn alone:
   * 10 nodes, lanes for the root and both threads. */
  g_assert_cmpuint (ft_timeline_get_n_drawn (ft_window_get_timeline (window)), ==, 10);
  ft_test_save_shot (GTK_WIDGET (window), "views-timeline");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "hotspots");
  wait_hotspots (window);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ft_window_get_hotspots_view (window))));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "work"));
  ft_test_save_shot (GTK_WIDGET (window), "views-hotspots");

  /* win.view is the "view" property: setting it switches too. */
  g_object_get (window, "view", &name, NULL);
  g_assert_cmpstr (name, ==, "hotspots");
  g_object_set (window, "view", "tree", NULL);
  g_assert_cmpstr (ft_window_get_view (window), ==, "tree");
  ft_test_destroy_window (window);
}

static void
test_timeline_zoom_pan (void)
{
  FtWindow *window = load_views_trace ();
  FtTimeline *timeline = ft_window_get_timeline (window);
  double start, end, start2, end2;
  int width;

  ft_window_set_view (window, "timeline");
  ft_test_wait_frames (GTK_WIDGET (window), 3);
  width = gtk_widget_get_width (GTK_WIDGET (timeline));

  ft_timeline_get_visible_range (timeline, &start, &end);
  g_assert_cmpfloat (start, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (end, 10.0, 1e-9);

  /* Zooming in around the middle keeps the middle where it is. */
  ft_timeline_zoom (timeline, 4.0, width / 2.0);
  ft_timeline_get_visible_range (timeline, &start2, &end2);
  g_assert_cmpfloat_with_epsilon (end2 - start2, 2.5, 1e-9);
  g_assert_cmpfloat_with_epsilon ((start2 + end2) / 2, 5.0, 1e-9);

  /* Panning by half the width moves by half the visible time. */
  ft_timeline_pan (timeline, width / 2.0, 0);
  ft_timeline_get_visible_range (timeline, &start, &end);
  g_assert_cmpfloat_with_epsilon (start, start2 + 1.25, 1e-9);

  /* Never past the end of the trace. */
  ft_timeline_pan (timeline, width * 100.0, 0);
  ft_timeline_get_visible_range (timeline, &start, &end);
  g_assert_cmpfloat_with_epsilon (end, 10.0, 1e-9);

  /* The keys: - zooms out, 0 shows everything. */
  gtk_widget_activate_action (GTK_WIDGET (timeline), "timeline.zoom-out", NULL);
  ft_timeline_get_visible_range (timeline, &start2, &end2);
  g_assert_cmpfloat (end2 - start2, >, end - start);
  gtk_widget_activate_action (GTK_WIDGET (timeline), "timeline.zoom-reset", NULL);
  ft_timeline_get_visible_range (timeline, &start, &end);
  g_assert_cmpfloat (start, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (end, 10.0, 1e-9);

  /* Zoomed in on the worker's call, calls of the main thread outside
   * the window are not drawn. */
  ft_timeline_set_visible_range (timeline, 2.2, 2.4);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpuint (ft_timeline_get_n_drawn (timeline), <, 10);
  g_assert_cmpuint (ft_timeline_get_n_drawn (timeline), >, 0);
  ft_test_save_shot (GTK_WIDGET (window), "views-timeline-zoomed");
  ft_test_destroy_window (window);
}

static void
test_timeline_click_selects_in_tree (void)
{
  FtWindow *window = load_views_trace ();
  FtTimeline *timeline = ft_window_get_timeline (window);
  FtTrace *trace = ft_window_get_trace (window);
  FtNodeId worker_work = ft_test_node_by_id (trace, 9);
  FtNodeId fast = ft_test_node_by_id (trace, 6);
  graphene_rect_t area;

  ft_window_set_view (window, "timeline");
  ft_test_wait_frames (GTK_WIDGET (window), 3);

  g_assert_true (ft_timeline_get_node_area (timeline, worker_work, &area));
  g_assert_cmpuint (ft_timeline_node_at (timeline, area.origin.x + area.size.width / 2,
                                         area.origin.y + area.size.height / 2), ==, worker_work);
  g_assert_cmpuint (ft_timeline_click (timeline, area.origin.x + area.size.width / 2,
                                       area.origin.y + area.size.height / 2), ==, worker_work);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  /* The tree opened down to it and selected it. */
  g_assert_cmpint (ft_test_selected_id (window), ==, 9);
  g_assert_cmpuint (ft_timeline_get_selected (timeline), ==, worker_work);

  /* Empty space selects nothing. */
  g_assert_cmpuint (ft_timeline_click (timeline, 2, gtk_widget_get_height (GTK_WIDGET (timeline)) - 2), ==, FT_NODE_NONE);
  g_assert_cmpint (ft_test_selected_id (window), ==, 9);

  /* And the other way: a call selected in the tree is selected here. */
  g_assert_true (ft_call_view_reveal (ft_window_get_call_view (window), fast));
  g_assert_cmpuint (ft_timeline_get_selected (timeline), ==, fast);
  ft_test_destroy_window (window);
}

/* A call chosen in the tree before the timeline is first shown is the
 * timeline's selection when it appears. */
static void
test_timeline_follows_tree_before_shown (void)
{
  FtWindow *window = load_views_trace ();
  FtTimeline *timeline = ft_window_get_timeline (window);
  FtNodeId fail = ft_test_node_by_id (ft_window_get_trace (window), 7);
  graphene_rect_t area;

  g_assert_true (ft_call_view_reveal (ft_window_get_call_view (window), fail));
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  ft_window_set_view (window, "timeline");
  ft_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpuint (ft_timeline_get_selected (timeline), ==, fail);
  g_assert_true (ft_timeline_get_node_area (timeline, fail, &area));
  g_assert_cmpuint (ft_timeline_node_at (timeline, area.origin.x + 1, area.origin.y + 1), ==, fail);
  ft_test_destroy_window (window);
}

/* 20 000 calls of 1 µs, 1 µs apart: at full view they are far narrower
 * than a pixel and are drawn as runs, not one by one; zoomed in, they are
 * drawn one by one, only those in view. */
static void
test_timeline_merges_narrow_calls (void)
{
  g_autoptr(GString) text = g_string_new ("[{\"id\":0,\"callable\":\"m\",\"module\":\"x\",\"called\":\"m\","
                                          "\"start_ns\":0,\"duration_ms\":40.0,\"calls\":[");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  FtWindow *window;
  FtTimeline *timeline;
  FtNodeId node;
  graphene_rect_t area;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "%s{\"id\":%u,\"callable\":\"tick\",\"module\":\"x\",\"called\":\"tick\","
                            "\"start_ns\":%u,\"duration_ms\":0.001,\"calls\":[]}",
                            i ? "," : "", i + 1, 1000 + i * 2000);
  g_string_append (text, "]}]");
  path = ft_test_write_file ("ticks.json", text->str, text->len);
  window = ft_test_load_window (path, &error);
  g_assert_no_error (error);
  timeline = ft_window_get_timeline (window);
  ft_window_set_view (window, "timeline");
  ft_test_wait_frames (GTK_WIDGET (window), 3);

  /* The root, and the ticks as runs: at most one per pixel. */
  g_assert_cmpuint (ft_timeline_get_n_drawn (timeline), <=, (guint) gtk_widget_get_width (GTK_WIDGET (timeline)) + 1);
  g_assert_cmpuint (ft_timeline_get_n_drawn (timeline), >=, 2);

  /* 10 to 10.1 ms: 50 ticks, each wide; tick 5010 starts at 10.019 ms. */
  node = ft_test_node_by_id (ft_window_get_trace (window), 5010);
  ft_timeline_set_visible_range (timeline, 10.0, 10.1);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpuint (ft_timeline_get_n_drawn (timeline), >=, 45);
  g_assert_cmpuint (ft_timeline_get_n_drawn (timeline), <=, 55);
  g_assert_true (ft_timeline_get_node_area (timeline, node, &area));
  g_assert_cmpfloat (area.size.width, >, 3);
  g_assert_cmpuint (ft_timeline_node_at (timeline, area.origin.x + area.size.width / 2, area.origin.y + 2), ==, node);
  ft_test_destroy_window (window);
}

/* A coroutine's life is written when it ends, after siblings that started
 * later, and overlaps them in time: scrolled to where only it runs, it is
 * still drawn and hit. */
static void
test_timeline_overlapping_life (void)
{
  g_autoptr(GString) text = g_string_new ("[{\"id\":0,\"callable\":\"m\",\"module\":\"x\",\"called\":\"m\","
                                          "\"start_ns\":0,\"duration_ms\":40.0,\"calls\":[");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  FtWindow *window;
  FtTimeline *timeline;
  FtNodeId life;
  graphene_rect_t area;

  for (guint i = 1; i <= 20; i++)
    g_string_append_printf (text, "{\"id\":%u,\"callable\":\"tick\",\"module\":\"x\",\"called\":\"tick\","
                            "\"start_ns\":%u,\"duration_ms\":0.1,\"calls\":[]},", i, i * 1000000);
  g_string_append (text, "{\"id\":21,\"callable\":\"crawl\",\"module\":\"x\",\"called\":\"crawl\","
                         "\"kind\":\"coroutine\",\"start_ns\":500000,\"duration_ms\":38.0,\"running_ms\":1.0,"
                         "\"suspended_ms\":37.0,\"resumes\":9,\"yields\":9,\"calls\":[]}]}]");
  path = ft_test_write_file ("overlap.json", text->str, text->len);
  window = ft_test_load_window (path, &error);
  g_assert_no_error (error);
  timeline = ft_window_get_timeline (window);
  ft_window_set_view (window, "timeline");
  ft_test_wait_frames (GTK_WIDGET (window), 3);

  life = ft_test_node_by_id (ft_window_get_trace (window), 21);
  ft_timeline_set_visible_range (timeline, 30.0, 31.0);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  /* the root and the life */
  g_assert_cmpuint (ft_timeline_get_n_drawn (timeline), ==, 2);
  g_assert_true (ft_timeline_get_node_area (timeline, life, &area));
  g_assert_cmpuint (ft_timeline_node_at (timeline, gtk_widget_get_width (GTK_WIDGET (timeline)) / 2.0,
                                         area.origin.y + 2), ==, life);
  ft_test_destroy_window (window);
}

static void
test_timeline_untimed_trace (void)
{
  g_autofree char *path = ft_test_write_file ("untimed.json", untimed_trace, -1);
  g_autoptr(GError) error = NULL;
  FtWindow *window = ft_test_load_window (path, &error);
  FtTimeline *timeline = ft_window_get_timeline (window);
  FtTrace *trace = ft_window_get_trace (window);
  graphene_rect_t root, a, b;

  g_assert_no_error (error);
  ft_window_set_view (window, "timeline");
  ft_test_wait_frames (GTK_WIDGET (window), 3);

  /* Children one after the other, inside their parent, as wide as
   * their durations. */
  g_assert_true (ft_timeline_get_node_area (timeline, ft_test_node_by_id (trace, 0), &root));
  g_assert_true (ft_timeline_get_node_area (timeline, ft_test_node_by_id (trace, 1), &a));
  g_assert_true (ft_timeline_get_node_area (timeline, ft_test_node_by_id (trace, 2), &b));
  g_assert_cmpfloat_with_epsilon (a.origin.x, root.origin.x, 0.5);
  g_assert_cmpfloat_with_epsilon (b.origin.x, a.origin.x + a.size.width, 0.5);
  g_assert_cmpfloat_with_epsilon (b.size.width / a.size.width, 1.5, 0.01);
  g_assert_cmpfloat (b.origin.x + b.size.width, <=, root.origin.x + root.size.width);
  g_assert_cmpfloat (a.origin.y, >, root.origin.y);
  ft_test_save_shot (GTK_WIDGET (window), "views-timeline-untimed");
  ft_test_destroy_window (window);
}

static void
test_hotspots_sorted_and_acting_on_tree (void)
{
  FtWindow *window = load_views_trace ();
  FtHotspotsView *view = ft_window_get_hotspots_view (window);
  GListModel *model;
  g_autoptr(FtHotspotRow) first = NULL;
  g_autoptr(FtHotspotRow) second = NULL;
  double previous = G_MAXDOUBLE;

  ft_window_set_view (window, "hotspots");
  wait_hotspots (window);
  model = ft_hotspots_view_get_model (view);

  /* app.py, main, slow, work, fast, fail; by self time, largest first. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 6);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FtHotspotRow) row = g_list_model_get_item (model, i);

      g_assert_cmpfloat (ft_hotspot_row_get_hotspot (row)->self_ms, <=, previous);
      previous = ft_hotspot_row_get_hotspot (row)->self_ms;
    }
  first = g_list_model_get_item (model, 0);
  second = g_list_model_get_item (model, 1);
  g_assert_cmpstr (ft_hotspot_row_get_name (first), ==, "work");
  g_assert_cmpuint (ft_hotspot_row_get_hotspot (first)->n_calls, ==, 3);
  g_assert_cmpfloat_with_epsilon (ft_hotspot_row_get_hotspot (first)->self_ms, 5.0, 1e-9);
  g_assert_cmpstr (ft_hotspot_row_get_name (second), ==, "slow");

  /* Choosing "work" selects its first call in the tree; F3 goes to the
   * next one, in the other thread too. */
  ft_hotspots_view_select (view, 0);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_cmpuint (ft_window_get_n_matches (window), ==, 3);
  g_assert_cmpint (ft_test_selected_id (window), ==, 4);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search-next", NULL);
  g_assert_cmpint (ft_test_selected_id (window), ==, 5);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search-next", NULL);
  g_assert_cmpint (ft_test_selected_id (window), ==, 9);

  /* Activating a row (Enter, double click) shows its calls in the tree. */
  g_signal_emit_by_name (ft_hotspots_view_get_column_view (view), "activate", 1);
  ft_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_cmpstr (ft_window_get_view (window), ==, "tree");
  g_assert_cmpint (ft_test_selected_id (window), ==, 3);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ft_window_get_call_view (window))));
  ft_test_destroy_window (window);
}

/* Sorting by another column re-sorts the rows. */
static void
test_hotspots_sort_by_calls (void)
{
  FtWindow *window = load_views_trace ();
  FtHotspotsView *view = ft_window_get_hotspots_view (window);
  GtkColumnView *column_view = ft_hotspots_view_get_column_view (view);
  g_autoptr(GtkColumnViewColumn) calls = g_list_model_get_item (gtk_column_view_get_columns (column_view), 2);
  g_autoptr(FtHotspotRow) first = NULL;
  g_autoptr(FtHotspotRow) last = NULL;
  GListModel *model;

  ft_window_set_view (window, "hotspots");
  wait_hotspots (window);
  model = ft_hotspots_view_get_model (view);
  g_assert_cmpstr (gtk_column_view_column_get_title (calls), ==, "Calls");
  gtk_column_view_sort_by_column (column_view, calls, GTK_SORT_ASCENDING);
  last = g_list_model_get_item (model, g_list_model_get_n_items (model) - 1);
  g_assert_cmpstr (ft_hotspot_row_get_name (last), ==, "work");
  gtk_column_view_sort_by_column (column_view, calls, GTK_SORT_DESCENDING);
  first = g_list_model_get_item (model, 0);
  g_assert_cmpstr (ft_hotspot_row_get_name (first), ==, "work");
  ft_test_destroy_window (window);
}

static int
run_app (const char  *view,
         const char  *out,
         char       **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("FLOWTRACE_GTK"),
                                         "--view", view, "--screenshot", out, views_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static void
test_cli_view_screenshot (void)
{
  static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  const char *shots = g_getenv ("FT_SHOTS_DIR");
  g_autofree char *out = g_build_filename (shots ? shots : g_get_tmp_dir (), "views-cli-timeline.png", NULL);
  g_autofree char *never = g_build_filename (g_get_tmp_dir (), "views-never-written.png", NULL);
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  int status;

  g_unlink (out);
  status = run_app ("timeline", out, &err);
  if (status != 0)
    g_test_message ("flowtrace-gtk said: %s", err);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_file_get_contents (out, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 10000);
  g_assert_cmpmem (contents, 8, png_signature, 8);

  g_unlink (never);
  g_assert_cmpint (run_app ("flames", never, &err2), ==, 2);
  g_assert_nonnull (strstr (err2, "flames"));
  g_assert_nonnull (strstr (err2, "--view timeline"));
  g_assert_false (g_file_test (never, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  ft_test_init (&argc, &argv);
  views_path = ft_test_write_file ("views.json", views_trace, -1);

  g_test_add_func ("/flowtrace/views/switch", test_switch_views);
  g_test_add_func ("/flowtrace/views/timeline-zoom-pan", test_timeline_zoom_pan);
  g_test_add_func ("/flowtrace/views/timeline-click-selects-in-tree", test_timeline_click_selects_in_tree);
  g_test_add_func ("/flowtrace/views/timeline-follows-tree", test_timeline_follows_tree_before_shown);
  g_test_add_func ("/flowtrace/views/timeline-merges-narrow-calls", test_timeline_merges_narrow_calls);
  g_test_add_func ("/flowtrace/views/timeline-untimed", test_timeline_untimed_trace);
  g_test_add_func ("/flowtrace/views/timeline-overlapping-life", test_timeline_overlapping_life);
  g_test_add_func ("/flowtrace/views/hotspots-sorted-and-acting", test_hotspots_sorted_and_acting_on_tree);
  g_test_add_func ("/flowtrace/views/hotspots-sort-by-calls", test_hotspots_sort_by_calls);
  g_test_add_func ("/flowtrace/views/cli-view-screenshot", test_cli_view_screenshot);

  return g_test_run ();
}
