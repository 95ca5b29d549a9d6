/* ft-test-util.c
 *
 * SPDX-License-Identifier: MIT
 *
 * Tests wait for real events (a load finishing, frames being drawn) by
 * iterating the main loop until they happen: never by sleeping.
 */

#define G_LOG_DOMAIN "ft-test"

#include "config.h"

#include "ft-application.h"
#include "ft-call-row.h"
#include "ft-call-view.h"
#include "ft-test-util.h"
#include "ft-window.h"

const char ft_test_sample_trace[] =
  "[{\"id\":0,\"callable\":\"shop.py\",\"module\":\"__main__\",\"called\":\"shop.py\",\"caller\":null,"
  "\"instance_id\":null,\"inputs\":{},\"inputs_after\":{},\"output\":null,\"error\":null,\"duration_ms\":52.125,"
  "\"flowtrace\":{\"version\":2,\"python\":\"3.11.7\",\"argv\":[\"shop.py\"],\"pid\":42,\"complete\":true},"
  "\"calls\":["
  "{\"id\":1,\"callable\":\"__init__\",\"module\":\"shop.cart\",\"called\":\"Cart\",\"caller\":\"shop.py::shop.py\","
  "\"instance_id\":140001,\"inputs\":{\"owner\":\"ana <b>&amp; co</b>\"},\"inputs_after\":{\"owner\":\"ana <b>&amp; co</b>\"},"
  "\"output\":null,\"error\":null,\"duration_ms\":0.012,\"file\":\"shop/cart.py\",\"line\":10,\"calls\":[]},"
  "{\"id\":2,\"callable\":\"add\",\"module\":\"shop.cart\",\"called\":\"Cart\",\"caller\":\"shop.py::shop.py\","
  "\"instance_id\":140001,\"inputs\":{\"item\":{\"sku\":\"A1\",\"price\":9.5,\"tags\":[\"new\",\"<i>hot</i>\"]},\"qty\":2},"
  "\"inputs_after\":{\"item\":{\"sku\":\"A1\",\"price\":9.5,\"tags\":[\"new\",\"<i>hot</i>\"]},\"qty\":3},"
  "\"output\":19.5,\"error\":null,\"duration_ms\":1.5,\"file\":\"shop/cart.py\",\"line\":20,"
  "\"memory_before\":{\"rss_bytes\":10000000,\"vms_bytes\":50000000,\"py_tracemalloc_current\":1000,\"py_tracemalloc_peak\":2000},"
  "\"memory_after\":{\"rss_bytes\":11500000,\"vms_bytes\":50000000,\"py_tracemalloc_current\":3000,\"py_tracemalloc_peak\":4000},"
  "\"calls\":["
  "{\"id\":3,\"callable\":\"<listcomp>\",\"module\":\"shop.cart\",\"called\":\"<listcomp>\",\"caller\":\"Cart::add\","
  "\"instance_id\":null,\"inputs\":{},\"inputs_after\":{},\"output\":null,\"error\":null,\"duration_ms\":0.2,\"calls\":["
  "{\"id\":4,\"callable\":\"price_of\",\"module\":\"shop.prices\",\"called\":\"price_of\",\"caller\":\"<listcomp>::<listcomp>\","
  "\"instance_id\":null,\"inputs\":{\"sku\":\"A1\"},\"inputs_after\":{\"sku\":\"A1\"},\"output\":9.5,\"error\":null,"
  "\"duration_ms\":0.1,\"calls\":[]}]}]},"
  "{\"id\":5,\"callable\":\"total\",\"module\":\"shop.cart\",\"called\":\"Cart\",\"caller\":\"shop.py::shop.py\","
  "\"instance_id\":140001,\"inputs\":{},\"inputs_after\":{},\"output\":19.5,\"error\":null,\"duration_ms\":3.0,\"calls\":["
  "{\"id\":6,\"callable\":\"apply_tax\",\"module\":\"shop.taxes\",\"called\":\"apply_tax\",\"caller\":\"Cart::total\","
  "\"instance_id\":null,\"inputs\":{\"amount\":19.5,\"region\":\"EU\"},\"inputs_after\":{\"amount\":19.5,\"region\":\"EU\"},"
  "\"output\":23.6,\"error\":null,\"duration_ms\":1.0,\"calls\":[]}]},"
  "{\"id\":7,\"callable\":\"checkout\",\"module\":\"shop.pay\",\"called\":\"Payment\",\"caller\":\"shop.py::shop.py\","
  "\"instance_id\":140777,\"inputs\":{\"card\":\"***\"},\"inputs_after\":{\"card\":\"***\"},\"output\":null,"
  "\"error\":\"KeyError('config')\",\"error_type\":\"KeyError\",\"duration_ms\":4.25,\"calls\":["
  "{\"id\":8,\"callable\":\"load_config\",\"module\":\"shop.config\",\"called\":\"load_config\",\"caller\":\"Payment::checkout\","
  "\"instance_id\":null,\"inputs\":{\"path\":\"/etc/shop.toml\"},\"inputs_after\":{\"path\":\"/etc/shop.toml\"},"
  "\"output\":null,\"error\":\"KeyError('config')\",\"error_type\":\"KeyError\",\"duration_ms\":2.0,\"calls\":[]}]}"
  "]}]";

static char *tmp_dir;

static void
delete_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));

      delete_tree (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

static void
remove_tmp_dir (void)
{
  g_autoptr(GFile) dir = NULL;

  if (tmp_dir == NULL)
    return;

  dir = g_file_new_for_path (tmp_dir);
  delete_tree (dir);
}

/* What FtApplication gets from its resource base path: the stylesheet
 * and the icons.  Tests make windows without the application. */
static void
load_app_resources (void)
{
  GtkCssProvider *css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, "/io/github/flowtrace/FlowTrace/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/flowtrace/FlowTrace/icons");
  g_object_unref (css);
}

void
ft_test_init (int    *argc,
              char ***argv)
{
  /* Recent files and settings stay inside the test. */
  tmp_dir = g_dir_make_tmp ("flowtrace-app-test-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  g_setenv ("XDG_DATA_HOME", tmp_dir, TRUE);
  /* Traces of runs without -o go to the cache: this test's own. */
  g_setenv ("XDG_CACHE_HOME", tmp_dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  atexit (remove_tmp_dir);

  ft_i18n_init ();
  g_test_init (argc, argv, NULL);
  gtk_init ();
  adw_init ();
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  load_app_resources ();
}

char *
ft_test_write_file (const char *name,
                    const char *contents,
                    gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);

  return path;
}

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError **error = user_data;
  GError *local = NULL;

  ft_window_load_finish (FT_WINDOW (object), result, &local);
  *error = local ? local : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "ok");
}

/* Returns a presented window with @path loaded (or not: see @error). */
FtWindow *
ft_test_load_window (const char  *path,
                     GError     **error)
{
  FtWindow *window = ft_window_new (NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GError *result = NULL;

  ft_window_set_remember_size (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  ft_window_load_async (window, file, NULL, on_loaded_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  if (g_error_matches (result, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_clear_error (&result);
  else
    g_propagate_error (error, result);

  ft_test_wait_frames (GTK_WIDGET (window), 3);
  return window;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *left = user_data;

  if (*left > 0)
    (*left)--;
  return *left > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

/* Lets GTK lay out and draw: list rows are bound only when drawn. */
void
ft_test_wait_frames (GtkWidget *widget,
                     guint      n_frames)
{
  guint left = n_frames;

  gtk_widget_queue_draw (widget);
  gtk_widget_add_tick_callback (widget, count_frame_cb, &left, NULL);
  while (left > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
collect (GtkWidget *widget,
         GPtrArray *labels)
{
  if (!gtk_widget_get_visible (widget))
    return;

  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (labels, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, labels);
}

/* Every visible label below @root, in widget order. */
GPtrArray *
ft_test_collect_labels (GtkWidget *root)
{
  GPtrArray *labels = g_ptr_array_new ();

  collect (root, labels);
  return labels;
}

GtkLabel *
ft_test_find_label (GtkWidget  *root,
                    const char *text)
{
  g_autoptr(GPtrArray) labels = ft_test_collect_labels (root);

  for (guint i = 0; i < labels->len; i++)
    if (g_strcmp0 (gtk_label_get_text (labels->pdata[i]), text) == 0)
      return labels->pdata[i];

  return NULL;
}

/* The first widget of @type below @root, depth first. */
GtkWidget *
ft_test_find_widget (GtkWidget *root,
                     GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ft_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

FtNodeId
ft_test_node_by_id (FtTrace *trace,
                    gint64   id)
{
  for (FtNodeId node = 0; node < ft_trace_get_n_nodes (trace); node++)
    if (ft_trace_get_id (trace, node) == id)
      return node;

  g_assert_not_reached ();
}

gint64
ft_test_selected_id (FtWindow *window)
{
  g_autoptr(FtCallRow) row = ft_call_view_get_selected (ft_window_get_call_view (window));

  if (row == NULL)
    return -1;

  return ft_trace_get_id (ft_call_row_get_trace (row), ft_call_row_get_node (row));
}

/* Whether the row showing @node is in the tree and expanded. */
gboolean
ft_test_node_row_expanded (FtWindow *window,
                           FtNodeId  node)
{
  GListModel *tree = G_LIST_MODEL (ft_call_view_get_tree_model (ft_window_get_call_view (window)));

  for (guint i = 0; i < g_list_model_get_n_items (tree); i++)
    {
      g_autoptr(GtkTreeListRow) list_row = g_list_model_get_item (tree, i);
      g_autoptr(FtCallRow) row = gtk_tree_list_row_get_item (list_row);

      if (!ft_call_row_is_group (row) && ft_call_row_get_node (row) == node)
        return gtk_tree_list_row_get_expanded (list_row);
    }

  return FALSE;
}

void
ft_test_destroy_window (gpointer window)
{
  gtk_window_destroy (GTK_WINDOW (window));
}

/* With FT_SHOTS_DIR set, saves what @window shows as NAME.png there, so
 * that a person can look at each screen the tests reach. */
void
ft_test_save_shot (GtkWidget  *window,
                   const char *name)
{
  const char *dir = g_getenv ("FT_SHOTS_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width, height;

  if (dir == NULL)
    return;

  ft_test_wait_frames (window, 20);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  paintable = gtk_widget_paintable_new (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}
