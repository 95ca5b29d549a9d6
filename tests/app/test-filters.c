/* test-filters.c: filtered views, headless and in the window
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <string.h>

#include "core/ft-trace.h"
#include "ft-call-row.h"
#include "ft-call-view.h"
#include "ft-diff-window.h"
#include "ft-filter-bar.h"
#include "ft-source-view.h"
#include "ft-timeline.h"
#include "ft-test-util.h"
#include "ft-window.h"

typedef struct
{
  int   status;
  char *out;
  char *err;
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

/* flowtrace-gtk with @args, as a user would run it over ssh: no display. */
static void
run_cli (CliRun              *run,
         const char * const  *args)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (g_getenv ("FLOWTRACE_GTK"));
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  g_ptr_array_add (argv, (gpointer) g_getenv ("FLOWTRACE_GTK"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

static char *
node_ids (FtTrace *trace)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ft_trace_get_n_nodes (trace); i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len ? "," : "", ft_trace_get_id (trace, i));
  return g_string_free (s, FALSE);
}

static void
test_cli_export_filtered (void)
{
  g_autofree char *in = ft_test_write_file ("cli-in.json", ft_test_sample_trace, -1);
  g_autofree char *out = ft_test_write_file ("cli-out.json", "old", -1);
  const char *args[] = { "--export-filtered", out, "--filter", "module=shop.*",
                         "--filter", "min-ms=1.5", in, NULL };
  g_auto(CliRun) run = { 0 };
  g_autoptr(GFile) file = g_file_new_for_path (out);
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;

  run_cli (&run, args);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "4 of 8 calls match"));
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* add (1.5), total (3.0), checkout (4.25) and load_config (2.0) under checkout */
  ids = node_ids (trace);
  g_assert_cmpstr (ids, ==, "0,2,5,7,8");
  g_assert_nonnull (ft_trace_get_metadata (trace));
}

static void
test_cli_errors_only (void)
{
  g_autofree char *in = ft_test_write_file ("cli-in2.json", ft_test_sample_trace, -1);
  g_autofree char *out = g_build_filename (g_get_tmp_dir (), "ft-test-filters-errors.json", NULL);
  const char *args[] = { "--export-filtered", out, "--filter", "errors", "--filter", "class=Payment", in, NULL };
  g_auto(CliRun) run = { 0 };
  g_autoptr(GFile) file = g_file_new_for_path (out);
  g_autoptr(FtTrace) trace = NULL;
  g_autofree char *ids = NULL;

  run_cli (&run, args);
  g_assert_cmpint (run.status, ==, 0);
  trace = ft_trace_load (file, NULL, NULL, NULL, NULL);
  g_assert_nonnull (trace);
  ids = node_ids (trace);
  g_assert_cmpstr (ids, ==, "0,7");
  g_unlink (out);
}

static void
test_cli_bad_input (void)
{
  g_autofree char *in = ft_test_write_file ("cli-in3.json", ft_test_sample_trace, -1);
  g_autofree char *out = g_build_filename (g_get_tmp_dir (), "ft-test-filters-bad.json", NULL);
  struct {
    const char *args[8];
    int         status;
    const char *message;
  } cases[] = {
    { { "--export-filtered", out, "--filter", "size=3", in }, 2, "unknown filter “size=3”" },
    { { "--export-filtered", out, "--filter", "min-ms=soon", in }, 2, "“soon” is not a number" },
    { { "--export-filtered", out, "/nonexistent/trace.json" }, 1, "could not read the trace “/nonexistent/trace.json”" },
    { { "--export-filtered", "/nonexistent/dir/out.json", in }, 1, "Could not write “/nonexistent/dir/out.json”" },
    { { "--export-filtered", out }, 2, "needs one trace file" },
    { { "--export-filtered", in, in }, 2, "the output is the trace itself" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(CliRun) run = { 0 };

      run_cli (&run, cases[i].args);
      g_assert_cmpint (run.status, ==, cases[i].status);
      if (strstr (run.err, cases[i].message) == NULL)
        g_error ("case %u: expected “%s” in: %s", i, cases[i].message, run.err);
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }
}

/* ------------------------------------------------------------ the window */

static gpointer
bar_child (FtFilterBar *bar,
           const char  *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (bar), FT_TYPE_FILTER_BAR, name);

  g_assert_nonnull (object);
  return object;
}

/* The ids of the rows the tree shows, all expanded, in order. */
static char *
tree_ids (FtWindow *window)
{
  FtCallView *view = FT_CALL_VIEW (ft_test_find_widget (GTK_WIDGET (window), FT_TYPE_CALL_VIEW));
  GtkTreeListModel *tree;
  GString *s = g_string_new (NULL);

  ft_call_view_expand_all (view);
  tree = ft_call_view_get_tree_model (view);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (tree), i);
      FtCallRow *call = gtk_tree_list_row_get_item (row);

      g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len ? "," : "",
                              ft_trace_get_id (ft_call_row_get_trace (call), ft_call_row_get_node (call)));
      g_object_unref (call);
    }
  return g_string_free (s, FALSE);
}

#define ASSERT_TREE(window, want) \
  G_STMT_START { g_autofree char *got_ = tree_ids (window); g_assert_cmpstr (got_, ==, want); } G_STMT_END

static FtWindow *
open_sample (FtFilterBar **bar)
{
  g_autofree char *path = ft_test_write_file ("shop.json", ft_test_sample_trace, -1);
  g_autoptr(GError) error = NULL;
  FtWindow *window = ft_test_load_window (path, &error);

  g_assert_no_error (error);
  *bar = FT_FILTER_BAR (ft_test_find_widget (GTK_WIDGET (window), FT_TYPE_FILTER_BAR));
  g_assert_nonnull (*bar);
  return window;
}

static void
test_bar_filters_tree (void)
{
  FtFilterBar *bar;
  FtWindow *window = open_sample (&bar);

  ASSERT_TREE (window, "0,1,2,3,4,5,6,7,8");
  g_assert_false (ft_filter_bar_get_revealed (bar));
  /* typing while the bar is closed changes nothing */
  gtk_editable_set_text (bar_child (bar, "module_entry"), "shop.taxes");
  ASSERT_TREE (window, "0,1,2,3,4,5,6,7,8");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.filter", NULL));
  g_assert_true (ft_filter_bar_get_revealed (bar));
  /* apply_tax and its caller total; the others are gone */
  ASSERT_TREE (window, "0,5,6");
  g_assert_cmpstr (gtk_label_get_text (bar_child (bar, "status_label")), ==, "1 of 8 calls match");
  /* the timeline shows the same filtered calls, so a click there selects in the tree */
  g_assert_true (ft_timeline_get_trace (FT_TIMELINE (ft_test_find_widget (GTK_WIDGET (window), FT_TYPE_TIMELINE)))
                 == ft_filter_bar_get_view_trace (bar));
  ft_test_save_shot (GTK_WIDGET (window), "filters-module");
  /* the bar fits the window's default width (1100) */
  {
    int min_width;

    gtk_widget_measure (GTK_WIDGET (bar), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
    g_test_message ("filter bar minimum width: %d", min_width);
    g_assert_cmpint (min_width, <=, 1000);
  }

  /* a call deep down keeps the whole path to it */
  gtk_editable_set_text (bar_child (bar, "module_entry"), "shop.prices");
  ASSERT_TREE (window, "0,2,3,4");

  gtk_editable_set_text (bar_child (bar, "module_entry"), "shop.*");
  gtk_check_button_set_active (bar_child (bar, "errors_check"), TRUE);
  ASSERT_TREE (window, "0,7,8");
  gtk_editable_set_text (bar_child (bar, "min_entry"), "3");
  ASSERT_TREE (window, "0,7");
  gtk_check_button_set_active (bar_child (bar, "errors_check"), FALSE);
  gtk_editable_set_text (bar_child (bar, "max_entry"), "3.5");
  ASSERT_TREE (window, "0,5");
  gtk_editable_set_text (bar_child (bar, "max_entry"), "");
  gtk_editable_set_text (bar_child (bar, "class_entry"), "Cart");
  gtk_editable_set_text (bar_child (bar, "min_entry"), "");
  ASSERT_TREE (window, "0,1,2,5");
  /* not a number: marked, and that condition left out */
  gtk_editable_set_text (bar_child (bar, "max_entry"), "soon");
  g_assert_true (gtk_widget_has_css_class (bar_child (bar, "max_entry"), "error"));
  ASSERT_TREE (window, "0,1,2,5");
  ft_test_save_shot (GTK_WIDGET (window), "filters-class");
  gtk_editable_set_text (bar_child (bar, "max_entry"), "");
  g_assert_false (gtk_widget_has_css_class (bar_child (bar, "max_entry"), "error"));

  /* closing the bar shows every call again */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.filter", NULL));
  g_assert_false (ft_filter_bar_is_filtering (bar));
  ASSERT_TREE (window, "0,1,2,3,4,5,6,7,8");
  ft_test_destroy_window (window);
}

static void
test_bar_search_within_view (void)
{
  FtFilterBar *bar;
  FtWindow *window = open_sample (&bar);

  ft_filter_bar_set_revealed (bar, TRUE);
  gtk_editable_set_text (bar_child (bar, "module_entry"), "shop.pay");
  ft_window_search (window, "EU");   /* apply_tax's input: filtered out */
  g_assert_cmpuint (ft_window_get_n_matches (window), ==, 0);
  gtk_editable_set_text (bar_child (bar, "module_entry"), "shop.taxes");
  ft_window_search (window, "EU");
  g_assert_cmpuint (ft_window_get_n_matches (window), ==, 1);
  g_assert_cmpint (ft_test_selected_id (window), ==, 6);
  ft_test_destroy_window (window);
}

static void
test_bar_export (void)
{
  FtFilterBar *bar;
  FtWindow *window = open_sample (&bar);
  g_autofree char *out = g_build_filename (g_get_tmp_dir (), "ft-test-filters-view.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (out);
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.filter", NULL));
  gtk_editable_set_text (bar_child (bar, "module_entry"), "shop.c*");
  gtk_editable_set_text (bar_child (bar, "min_entry"), "1");
  ASSERT_TREE (window, "0,2,5,7,8");
  g_assert_true (ft_filter_bar_export (bar, file, &error));
  g_assert_no_error (error);
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ids = node_ids (trace);
  g_assert_cmpstr (ids, ==, "0,2,5,7,8");
  g_assert_cmpstr (ft_trace_get_error_type (trace, 4), ==, "KeyError");
  g_unlink (out);
  ft_test_destroy_window (window);
}

/* ------------------------------------------------------------------ diff */

#define CALL(id, name, module, cls, dur, out, err) \
  "{\"id\":" #id ",\"callable\":\"" name "\",\"module\":\"" module "\",\"called\":\"" cls "\"," \
  "\"inputs\":{},\"calls\":[],\"output\":" out ",\"error\":" err ",\"duration_ms\":" #dur "}"
#define RUN(calls) \
  "[{\"id\":0,\"callable\":\"app.py\",\"module\":\"__main__\",\"called\":\"app.py\",\"calls\":[" \
  "{\"id\":1,\"callable\":\"main\",\"module\":\"app\",\"called\":\"main\",\"calls\":[" calls "]," \
  "\"output\":null,\"error\":null,\"duration_ms\":50}],\"output\":null,\"error\":null,\"duration_ms\":60}]"

static const char run_a[] = RUN (CALL (2, "load", "app.io", "load", 5, "[1,2]", "null") ","
                                 CALL (3, "add", "shop", "Cart", 2, "1", "null") ","
                                 CALL (4, "save", "app.io", "save", 3, "true", "null"));
static const char run_b[] = RUN (CALL (2, "load", "app.io", "load", 5, "[1,2,3]", "null") ","
                                 CALL (3, "add", "shop", "Cart", 9, "1", "\"ValueError('x')\"") ","
                                 CALL (4, "report", "app", "report", 1, "null", "null"));

static FtTrace *
load_file (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FtTrace *trace = ft_trace_load (file, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return trace;
}

static void
test_diff_window (void)
{
  g_autofree char *path_a = ft_test_write_file ("run-a.json", run_a, -1);
  g_autofree char *path_b = ft_test_write_file ("run-b.json", run_b, -1);
  g_autoptr(FtTrace) a = load_file (path_a);
  g_autoptr(FtTrace) b = load_file (path_b);
  g_autoptr(FtTraceDiff) diff = ft_trace_diff_new (a, b, NULL);
  FtDiffWindow *window = ft_diff_window_new (NULL, diff);
  GtkTreeListModel *model;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 500);
  gtk_window_present (GTK_WINDOW (window));
  ft_test_wait_frames (GTK_WIDGET (window), 3);

  /* the rows down to the differences are open: root, main and its 4 children */
  model = ft_diff_window_get_model (window);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 6);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "1 added, 1 removed, 2 changed, 2 the same"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "only in B"));     /* report */
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "only in A"));     /* save */
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "5.00 ms → 5.00 ms, output differs"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "2.00 ms → 9.00 ms, new error"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "report"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "Cart.add"));
  ft_test_save_shot (GTK_WIDGET (window), "diff-window");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_diff_cli (void)
{
  g_autofree char *path_a = ft_test_write_file ("cli-a.json", run_a, -1);
  g_autofree char *path_b = ft_test_write_file ("cli-b.json", run_b, -1);
  const char *ok[] = { "--diff", path_a, path_b, NULL };
  const char *missing[] = { "--diff", path_a, "/nonexistent/b.json", NULL };
  const char *one[] = { "--diff", path_a, NULL };
  g_auto(CliRun) run = { 0 };
  g_auto(CliRun) run2 = { 0 };
  g_auto(CliRun) run3 = { 0 };

  /* the summary comes before the window, which needs a display */
  run_cli (&run, ok);
  g_assert_nonnull (strstr (run.out, "1 added, 1 removed, 2 changed, 2 the same"));
  g_assert_nonnull (strstr (run.err, "needs a display"));
  g_assert_cmpint (run.status, ==, 1);
  run_cli (&run2, missing);
  g_assert_cmpint (run2.status, ==, 1);
  g_assert_nonnull (strstr (run2.err, "could not read the trace “/nonexistent/b.json”"));
  run_cli (&run3, one);
  g_assert_cmpint (run3.status, ==, 2);
  g_assert_nonnull (strstr (run3.err, "Usage: flowtrace-gtk --diff A.json B.json"));
}

/* ---------------------------------------------------------------- source */

static FtSourceView *
select_call (FtWindow *window,
             gint64    id)
{
  FtCallView *view = FT_CALL_VIEW (ft_test_find_widget (GTK_WIDGET (window), FT_TYPE_CALL_VIEW));

  g_assert_true (ft_call_view_reveal (view, ft_test_node_by_id (ft_call_view_get_trace (view), id)));
  g_assert_cmpint (ft_test_selected_id (window), ==, id);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  return FT_SOURCE_VIEW (ft_test_find_widget (GTK_WIDGET (window), FT_TYPE_SOURCE_VIEW));
}

static void
test_source_lines (void)
{
  g_autofree char *trace_path = ft_test_write_file ("src-shop.json", ft_test_sample_trace, -1);
  g_autofree char *dir = g_path_get_dirname (trace_path);
  g_autofree char *shop = g_build_filename (dir, "shop", NULL);
  g_autofree char *source = g_build_filename (shop, "cart.py", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *missing = NULL;
  FtSourceView *view;
  FtWindow *window;

  /* the sample's calls say "shop/cart.py": relative to the trace */
  for (guint i = 1; i <= 40; i++)
    g_string_append_printf (text, "line_%u = %u\n", i, i);
  g_mkdir_with_parents (shop, 0755);
  g_file_set_contents (source, text->str, -1, &error);
  g_assert_no_error (error);
  window = ft_test_load_window (trace_path, &error);
  g_assert_no_error (error);

  view = select_call (window, 2);   /* Cart.add at shop/cart.py:20 */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view)));
  shown = ft_source_view_dup_text (view);
  g_assert_true (g_str_has_prefix (shown, "   14  line_14 = 14\n"));
  g_assert_nonnull (strstr (shown, "\n   20  line_20 = 20\n"));
  g_assert_true (g_str_has_suffix (shown, "   26  line_26 = 26"));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), FT_TYPE_SOURCE_VIEW, "open_button"))));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "shop/cart.py:20"));
  /* the first lines of the file: no line before 1 */
  view = select_call (window, 1);   /* Cart.__init__ at shop/cart.py:10 */
  g_clear_pointer (&shown, g_free);
  shown = ft_source_view_dup_text (view);
  g_assert_true (g_str_has_prefix (shown, "    4  line_4 = 4\n"));
  ft_test_save_shot (GTK_WIDGET (window), "source-lines");

  /* a call with no location shows no source section */
  view = select_call (window, 6);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view)));

  /* a file that is not here: a note, and nothing to open */
  g_unlink (source);
  view = select_call (window, 1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view)));
  missing = ft_source_view_dup_text (view);
  g_assert_true (g_str_has_prefix (missing, "The source file is not on this computer: "));
  g_assert_true (g_str_has_suffix (missing, "shop/cart.py"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (view), FT_TYPE_SOURCE_VIEW, "open_button"))));
  ft_test_save_shot (GTK_WIDGET (window), "source-missing");
  g_rmdir (shop);
  ft_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  ft_test_init (&argc, &argv);

  g_test_add_func ("/flowtrace/filters/cli/export-filtered", test_cli_export_filtered);
  g_test_add_func ("/flowtrace/filters/cli/errors-only", test_cli_errors_only);
  g_test_add_func ("/flowtrace/filters/cli/bad-input", test_cli_bad_input);

  g_test_add_func ("/flowtrace/filters/bar/filters-tree", test_bar_filters_tree);
  g_test_add_func ("/flowtrace/filters/bar/search-within-view", test_bar_search_within_view);
  g_test_add_func ("/flowtrace/filters/bar/export", test_bar_export);
  g_test_add_func ("/flowtrace/filters/diff/window", test_diff_window);
  g_test_add_func ("/flowtrace/filters/diff/cli", test_diff_cli);
  g_test_add_func ("/flowtrace/filters/source/lines", test_source_lines);

  return g_test_run ();
}
