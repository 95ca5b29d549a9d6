/* test-window.c: the main window driven as a user would
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <glib/gi18n.h>

#include "ft-call-row.h"
#include "ft-call-view.h"
#include "ft-detail-pane.h"
#include "ft-json-view.h"
#include "ft-panel-window.h"
#include "ft-preferences-window.h"
#include "ft-test-util.h"
#include "ft-window.h"

static char *sample_path;

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static FtWindow *
load_sample (void)
{
  g_autoptr(GError) error = NULL;
  FtWindow *window;

  reset_settings ();
  window = ft_test_load_window (sample_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ft_window_get_trace (window));
  return window;
}

static guint
n_rows (FtWindow *window)
{
  return g_list_model_get_n_items (G_LIST_MODEL (ft_call_view_get_tree_model (ft_window_get_call_view (window))));
}

static char *
row_title (FtWindow *window,
           guint     position)
{
  GListModel *tree = G_LIST_MODEL (ft_call_view_get_tree_model (ft_window_get_call_view (window)));
  g_autoptr(GtkTreeListRow) list_row = g_list_model_get_item (tree, position);
  g_autoptr(FtCallRow) row = gtk_tree_list_row_get_item (list_row);

  return ft_call_row_dup_title (row);
}

static void
reveal_id (FtWindow *window,
           gint64    id)
{
  FtTrace *trace = ft_window_get_trace (window);

  g_assert_true (ft_call_view_reveal (ft_window_get_call_view (window), ft_test_node_by_id (trace, id)));
  ft_test_wait_frames (GTK_WIDGET (window), 2);
}

static void
test_welcome (void)
{
  FtWindow *window;

  reset_settings ();
  window = ft_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  ft_test_wait_frames (GTK_WIDGET (window), 2);

  g_assert_null (ft_window_get_trace (window));
  ft_test_save_shot (GTK_WIDGET (window), "welcome");
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "No Trace Open"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ft_test_find_label (GTK_WIDGET (window), "No Trace Open"))));
  ft_test_destroy_window (window);
}

static void
test_load_selects_first_call (void)
{
  FtWindow *window = load_sample ();
  FtDetailPane *pane = ft_window_get_detail_pane (window);
  g_autofree char *first = row_title (window, 0);
  g_autofree char *second = row_title (window, 1);

  /* The root opens one level: the script and its four calls. */
  g_assert_cmpuint (n_rows (window), ==, 5);
  g_assert_cmpstr (first, ==, "shop.py");
  g_assert_cmpstr (second, ==, "Cart.__init__");
  g_assert_cmpint (ft_test_selected_id (window), ==, 0);
  g_assert_nonnull (ft_detail_pane_get_row (pane));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (pane), "shop.py"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ft_test_find_label (GTK_WIDGET (window), "Cart.__init__"))));
  ft_test_destroy_window (window);
}

static void
test_expand_collapse (void)
{
  FtWindow *window = load_sample ();
  GListModel *tree = G_LIST_MODEL (ft_call_view_get_tree_model (ft_window_get_call_view (window)));
  g_autoptr(GtkTreeListRow) add_row = g_list_model_get_item (tree, 2);

  /* Cart.add has one child (<listcomp>) */
  g_assert_true (gtk_tree_list_row_is_expandable (add_row));
  gtk_tree_list_row_set_expanded (add_row, TRUE);
  g_assert_cmpuint (n_rows (window), ==, 6);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.expand-all", NULL);
  g_assert_cmpuint (n_rows (window), ==, 9);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "load_config"));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.collapse-all", NULL);
  g_assert_cmpuint (n_rows (window), ==, 1);
  ft_test_destroy_window (window);
}

/* The deepest trace the reader takes (9 999 nested calls): expand all
 * opens every level and the views lay it out, without running out of
 * stack (GtkTreeListModel expands child by child). */
static void
test_expand_all_deepest (void)
{
  g_autoptr(GString) text = g_string_new ("[");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  FtWindow *window;

  for (guint i = 0; i < 9999; i++)
    g_string_append_printf (text, "{\"id\":%u,\"callable\":\"f\",\"start_ns\":%u,\"duration_ms\":1,\"calls\":[", i, i);
  for (guint i = 0; i < 9999; i++)
    g_string_append (text, "]}");
  g_string_append_c (text, ']');
  path = ft_test_write_file ("deepest.json", text->str, text->len);

  reset_settings ();
  window = ft_test_load_window (path, &error);
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.expand-all", NULL);
  g_assert_cmpuint (n_rows (window), ==, 9999);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.collapse-all", NULL);
  g_assert_cmpuint (n_rows (window), ==, 1);
  ft_test_destroy_window (window);
}

static void
test_search_reveals_match (void)
{
  FtWindow *window = load_sample ();
  FtTrace *trace = ft_window_get_trace (window);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.collapse-all", NULL);
  ft_window_search (window, "price_of");
  ft_test_wait_frames (GTK_WIDGET (window), 2);

  g_assert_cmpuint (ft_window_get_n_matches (window), ==, 1);
  g_assert_cmpint (ft_test_selected_id (window), ==, 4);
  /* Its ancestors (root, Cart.add, <listcomp>) were expanded. */
  g_assert_true (ft_test_node_row_expanded (window, ft_test_node_by_id (trace, 0)));
  g_assert_true (ft_test_node_row_expanded (window, ft_test_node_by_id (trace, 2)));
  g_assert_true (ft_test_node_row_expanded (window, ft_test_node_by_id (trace, 3)));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "1/1"));
  ft_test_save_shot (GTK_WIDGET (window), "search");
  /* The match is drawn highlighted. */
  g_assert_true (gtk_widget_has_css_class (gtk_widget_get_parent (GTK_WIDGET (ft_test_find_label (GTK_WIDGET (window), "price_of"))),
                                           "search-current"));
  ft_test_destroy_window (window);
}

static void
test_search_next_previous (void)
{
  FtWindow *window = load_sample ();
  g_autofree char *count = NULL;
  guint n;

  /* Values are searched too: "A1" is only in inputs. */
  ft_window_search (window, "A1");
  n = ft_window_get_n_matches (window);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (ft_test_selected_id (window), ==, 2);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.search-next", NULL);
  g_assert_cmpint (ft_test_selected_id (window), ==, 4);
  ft_test_wait_frames (GTK_WIDGET (window), 1);
  count = g_strdup_printf ("2/%u", n);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), count));

  /* Past the last match it wraps to the first, and back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search-next", NULL);
  g_assert_cmpint (ft_test_selected_id (window), ==, 2);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search-previous", NULL);
  g_assert_cmpint (ft_test_selected_id (window), ==, 4);

  /* Errors are searched. */
  ft_window_search (window, "KeyError");
  g_assert_cmpuint (ft_window_get_n_matches (window), ==, 2);
  g_assert_cmpint (ft_test_selected_id (window), ==, 7);

  ft_window_search (window, "no-such-thing-anywhere");
  g_assert_cmpuint (ft_window_get_n_matches (window), ==, 0);
  ft_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "No matches"));
  ft_test_destroy_window (window);
}

/* Runs what the entry's own shortcut for @keyval + @modifiers does. */
static gboolean
press_entry_shortcut (GtkWidget       *entry,
                      guint            keyval,
                      GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (entry);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger)
              && gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval
              && gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, entry, NULL);
        }
    }

  return FALSE;
}

/* As a user: Ctrl+F, type, Enter for the next match. */
static void
test_search_bar (void)
{
  FtWindow *window = load_sample ();
  GtkWidget *bar = ft_test_find_widget (GTK_WIDGET (window), GTK_TYPE_SEARCH_BAR);
  GtkWidget *entry = ft_test_find_widget (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY);

  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));

  /* The entry searches after its typing delay. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "shop.cart");
  while (ft_window_get_n_matches (window) == 0)
    g_main_context_iteration (NULL, TRUE);
  /* Module search: __init__, add, <listcomp>, total */
  g_assert_cmpuint (ft_window_get_n_matches (window), ==, 4);
  g_assert_cmpint (ft_test_selected_id (window), ==, 1);

  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpint (ft_test_selected_id (window), ==, 2);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpint (ft_test_selected_id (window), ==, 3);
  g_signal_emit_by_name (entry, "previous-match");
  g_assert_cmpint (ft_test_selected_id (window), ==, 2);
  /* Shift+Enter goes back too. */
  g_assert_true (press_entry_shortcut (entry, GDK_KEY_Return, GDK_SHIFT_MASK));
  g_assert_cmpint (ft_test_selected_id (window), ==, 1);
  g_signal_emit_by_name (entry, "activate");
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "2/4"));
  ft_test_save_shot (GTK_WIDGET (window), "search-bar");

  /* Ctrl+Enter opens the match in a panel. */
  g_assert_true (press_entry_shortcut (entry, GDK_KEY_Return, GDK_CONTROL_MASK));
  {
    GList *toplevels = gtk_window_list_toplevels ();
    guint n_panels = 0;

    for (GList *l = toplevels; l != NULL; l = l->next)
      if (FT_IS_PANEL_WINDOW (l->data))
        {
          g_assert_cmpint (ft_trace_get_id (ft_window_get_trace (window), ft_panel_window_get_node (l->data)), ==, 2);
          gtk_window_destroy (l->data);
          n_panels++;
        }
    g_list_free (toplevels);
    g_assert_cmpuint (n_panels, ==, 1);
  }

  /* Escape closes the bar and clears the highlights. */
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_false (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (bar)));
  g_assert_cmpuint (ft_window_get_n_matches (window), ==, 0);
  ft_test_destroy_window (window);
}

static void
test_details_filled (void)
{
  FtWindow *window = load_sample ();
  GtkWidget *pane = GTK_WIDGET (ft_window_get_detail_pane (window));
  g_autofree char *size = g_format_size (1500000);
  g_autofree char *rss_diff = g_strdup_printf ("+%s", size);

  reveal_id (window, 2);
  g_assert_nonnull (ft_test_find_label (pane, "Cart.add"));
  g_assert_nonnull (ft_test_find_label (pane, "shop.py::shop.py"));
  g_assert_nonnull (ft_test_find_label (pane, "shop.cart"));
  g_assert_nonnull (ft_test_find_label (pane, "Cart"));
  g_assert_nonnull (ft_test_find_label (pane, "140001"));
  g_assert_nonnull (ft_test_find_label (pane, "shop/cart.py:20"));
  g_assert_nonnull (ft_test_find_label (pane, "1.5 ms"));
  /* Inputs and output as JSON rows */
  g_assert_nonnull (ft_test_find_label (pane, "item"));
  g_assert_nonnull (ft_test_find_label (pane, "qty"));
  g_assert_nonnull (ft_test_find_label (pane, "19.5"));
  /* qty went from 2 to 3: marked as changed, and only it. */
  g_assert_nonnull (ft_test_find_label (pane, "changed"));
  /* Memory before/after with the difference */
  g_assert_nonnull (ft_test_find_label (pane, "Resident (RSS)"));
  g_assert_nonnull (ft_test_find_label (pane, rss_diff));
  ft_test_save_shot (GTK_WIDGET (window), "details-inputs-memory");

  reveal_id (window, 7);
  ft_test_save_shot (GTK_WIDGET (window), "details-error");
  g_assert_nonnull (ft_test_find_label (pane, "KeyError"));
  g_assert_nonnull (ft_test_find_label (pane, "KeyError('config')"));
  ft_test_destroy_window (window);
}

/* Calls left out by the tracer's --max-depth or --min-duration are counted
 * on their caller and shown with its details; a node without the count
 * shows no such line. */
static void
test_skipped_calls_shown (void)
{
  static const char text[] =
    "[{\"id\":0,\"callable\":\"app.py\",\"module\":\"__main__\",\"inputs\":{},\"calls\":["
    "{\"id\":1,\"callable\":\"main\",\"module\":\"__main__\",\"inputs\":{},\"calls\":["
    "{\"id\":2,\"callable\":\"slow\",\"module\":\"__main__\",\"inputs\":{},\"calls\":[],"
    "\"skipped_calls\":1,\"output\":1,\"duration_ms\":20.0}],"
    "\"skipped_calls\":1234,\"inputs_after\":{},\"output\":null,\"duration_ms\":30.0}],"
    "\"output\":null,\"duration_ms\":31.0}]";
  g_autofree char *path = ft_test_write_file ("skipped.json", text, -1);
  g_autoptr(GError) error = NULL;
  FtWindow *window;
  GtkWidget *pane;

  reset_settings ();
  window = ft_test_load_window (path, &error);
  g_assert_no_error (error);
  pane = GTK_WIDGET (ft_window_get_detail_pane (window));

  reveal_id (window, 1);
  g_assert_nonnull (ft_test_find_label (pane, "Not recorded"));
  g_assert_nonnull (ft_test_find_label (pane, "1234 calls below, left out by --max-depth or --min-duration"));
  /* shown once, as a fact: not again among the other fields */
  g_assert_null (ft_test_find_label (pane, "skipped_calls"));

  reveal_id (window, 2);
  g_assert_nonnull (ft_test_find_label (pane, "1 call below, left out by --max-depth or --min-duration"));

  reveal_id (window, 0);
  g_assert_null (ft_test_find_label (pane, "Not recorded"));
  ft_test_destroy_window (window);
}

static void
test_changed_inputs_counted (void)
{
  FtWindow *window = load_sample ();
  GtkWidget *pane = GTK_WIDGET (ft_window_get_detail_pane (window));
  g_autoptr(GPtrArray) labels = NULL;
  guint changed = 0;

  reveal_id (window, 2);
  labels = ft_test_collect_labels (pane);
  for (guint i = 0; i < labels->len; i++)
    changed += g_strcmp0 (gtk_label_get_text (labels->pdata[i]), "changed") == 0;
  g_assert_cmpuint (changed, ==, 1);
  ft_test_destroy_window (window);
}

static void
test_markup_shown_literally (void)
{
  FtWindow *window = load_sample ();
  GtkWidget *pane = GTK_WIDGET (ft_window_get_detail_pane (window));
  GtkLabel *label;

  reveal_id (window, 1);
  label = ft_test_find_label (pane, "ana <b>&amp; co</b>");
  g_assert_nonnull (label);
  g_assert_false (gtk_label_get_use_markup (label));
  g_assert_cmpstr (gtk_label_get_label (label), ==, "ana <b>&amp; co</b>");
  ft_test_save_shot (GTK_WIDGET (window), "markup-literal");
  ft_test_destroy_window (window);
}

/* Names, modules and errors that look like markup, in a file whose name
 * does too: every place shows them as typed, the panel's title included. */
static void
test_markup_everywhere (void)
{
  static const char trace[] =
    "[{\"id\":0,\"callable\":\"<b>main</b>\",\"module\":\"a&b\",\"calls\":["
    "{\"id\":1,\"callable\":\"<i>f</i>\",\"module\":\"x<y\",\"called\":\"<u>K</u>\","
    "\"caller\":\"<b>main</b>::<b>main</b>\",\"error\":\"<span>boom</span> &amp;\",\"error_type\":\"E<1>\","
    "\"inputs\":{\"<k>\":\"&lt;v&gt;\",\"ctl\":\"a\\tb\\nc\\u001b\","
    "\"long\":{\"$truncated\":\"str\",\"len\":5000,\"value\":\"<i>xx\"},"
    "\"me\":{\"$truncated\":\"cycle\",\"type\":\"list\"}},\"output\":\"</b>\",\"calls\":[]}]}]";
  g_autofree char *path = ft_test_write_file ("<odd> & name.json", trace, -1);
  g_autoptr(GError) error = NULL;
  FtWindow *window;
  GList *toplevels;
  GtkWidget *panel = NULL;
  const char *expected[] = { "<b>main</b>", "<u>K</u>.<i>f</i>", "x<y", "<span>boom</span> &amp;", "E<1>",
                             "<k>", "&lt;v&gt;", "</b>", "<b>main</b>::<b>main</b>", "<odd> & name.json",
                             /* control characters are shown as escapes */
                             "a\\tb\\nc\\x1b",
                             /* the tracer's cut markers read as sentences */
                             "(cut from 5000 characters) <i>xx…", "(list containing itself)" };

  reset_settings ();
  window = ft_test_load_window (path, &error);
  g_assert_no_error (error);
  reveal_id (window, 1);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      GtkLabel *label = ft_test_find_label (GTK_WIDGET (window), expected[i]);

      if (label == NULL)
        g_error ("“%s” is not shown as typed", expected[i]);
    }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-panel", NULL);
  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (FT_IS_PANEL_WINDOW (l->data))
      panel = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (panel);
  ft_test_wait_frames (panel, 2);
  g_assert_nonnull (ft_test_find_label (panel, "<u>K</u>.<i>f</i>"));
  g_assert_nonnull (ft_test_find_label (panel, "<odd> & name.json"));
  ft_test_save_shot (panel, "markup-panel");
  ft_test_destroy_window (panel);
  ft_test_destroy_window (window);
}

/* A file of the original tool: "__instance__" nodes gather the calls
 * on one object; they read "Class#id" like the viewer's own groups. */
static void
test_original_tool_file (void)
{
  static const char trace[] =
    "[{\"id\":0,\"callable\":\"script.py\",\"module\":\"__main__\",\"called\":\"script.py\",\"caller\":null,"
    "\"instance_id\":null,\"inputs\":{},\"inputs_after\":{},\"output\":null,\"error\":null,\"duration_ms\":3.5,\"calls\":["
    "{\"id\":1,\"callable\":\"__instance__\",\"module\":\"shop\",\"called\":\"Cart\",\"caller\":\"script.py::script.py\","
    "\"instance_id\":4242,\"inputs\":{},\"inputs_after\":{},\"output\":null,\"error\":null,\"duration_ms\":null,\"calls\":["
    "{\"id\":2,\"callable\":\"add\",\"module\":\"shop\",\"called\":\"Cart\",\"caller\":\"script.py::script.py\","
    "\"instance_id\":4242,\"inputs\":{\"n\":1},\"inputs_after\":{\"n\":1},\"output\":1,\"error\":null,\"duration_ms\":0.5,\"calls\":[]}]}]}]";
  g_autofree char *path = ft_test_write_file ("original.json", trace, -1);
  g_autoptr(GError) error = NULL;
  FtWindow *window;
  g_autofree char *title = NULL;

  reset_settings ();
  window = ft_test_load_window (path, &error);
  g_assert_no_error (error);
  /* An only child opens at start: script, Cart#4242, Cart.add. */
  g_assert_cmpuint (n_rows (window), ==, 3);
  title = row_title (window, 1);
  g_assert_cmpstr (title, ==, "Cart#4242");
  reveal_id (window, 2);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "Cart.add"));
  ft_test_destroy_window (window);
}

/* A coroutine's whole life: its kind, how often it was resumed, how long
 * it ran and waited; a plain call shows none of that. */
static void
test_life_details (void)
{
  static const char trace[] =
    "[{\"id\":0,\"callable\":\"a.py\",\"module\":\"__main__\",\"called\":\"a.py\",\"caller\":null,"
    "\"instance_id\":null,\"inputs\":{},\"calls\":["
     "{\"id\":1,\"callable\":\"crawl\",\"module\":\"a\",\"called\":\"crawl\",\"caller\":\"a.py::a.py\","
     "\"instance_id\":null,\"kind\":\"coroutine\",\"start_ns\":10,\"inputs\":{\"pages\":3},\"calls\":["
      "{\"id\":2,\"callable\":\"parse\",\"module\":\"a\",\"called\":\"parse\",\"caller\":\"crawl::crawl\","
      "\"instance_id\":null,\"start_ns\":20,\"inputs\":{},\"calls\":[],\"inputs_after\":{},\"output\":1,"
      "\"duration_ms\":0.001,\"error\":null,\"error_type\":null},"
      "{\"id\":3,\"callable\":\"words\",\"module\":\"a\",\"called\":\"words\",\"caller\":\"crawl::crawl\","
      "\"instance_id\":null,\"kind\":\"async_generator\",\"start_ns\":15,\"inputs\":{},\"calls\":[],"
      "\"inputs_after\":{},\"output\":null,\"duration_ms\":0.4,\"running_ms\":0.1,\"suspended_ms\":0.3,"
      "\"resumes\":4,\"yields\":5,\"error\":null,\"error_type\":null,\"closed\":true}"
     "],\"inputs_after\":{\"pages\":3},\"output\":[1,2],\"duration_ms\":20.0,\"running_ms\":2.5,"
     "\"suspended_ms\":17.5,\"resumes\":17,\"yields\":18,\"error\":null,\"error_type\":null}"
    "],\"inputs_after\":{},\"output\":null,\"error\":null,\"duration_ms\":21.0}]";
  g_autofree char *path = ft_test_write_file ("lives.json", trace, -1);
  g_autoptr(GError) error = NULL;
  GtkWidget *pane;
  FtWindow *window;

  reset_settings ();
  window = ft_test_load_window (path, &error);
  g_assert_no_error (error);
  pane = GTK_WIDGET (ft_window_get_detail_pane (window));

  reveal_id (window, 1);
  g_assert_nonnull (ft_test_find_label (pane, "Coroutine"));
  g_assert_nonnull (ft_test_find_label (pane, "Resumes"));
  g_assert_nonnull (ft_test_find_label (pane, "17"));
  g_assert_nonnull (ft_test_find_label (pane, "Yields"));
  g_assert_nonnull (ft_test_find_label (pane, "18"));
  g_assert_nonnull (ft_test_find_label (pane, "Running time"));
  g_assert_nonnull (ft_test_find_label (pane, "2.5 ms"));
  g_assert_nonnull (ft_test_find_label (pane, "Suspended time"));
  g_assert_nonnull (ft_test_find_label (pane, "17.5 ms"));
  g_assert_null (ft_test_find_label (pane, "Closed while suspended"));
  /* not repeated as raw extras */
  g_assert_null (ft_test_find_label (pane, "running_ms"));
  ft_test_save_shot (GTK_WIDGET (window), "details-coroutine");

  reveal_id (window, 3);
  g_assert_nonnull (ft_test_find_label (pane, "Async generator"));
  g_assert_nonnull (ft_test_find_label (pane, "Closed while suspended"));
  g_assert_nonnull (ft_test_find_label (pane, "300 µs"));

  reveal_id (window, 2);
  g_assert_null (ft_test_find_label (pane, "Resumes"));
  g_assert_null (ft_test_find_label (pane, "Coroutine"));
  ft_test_destroy_window (window);
}

static void
test_copy_value (void)
{
  FtWindow *window = load_sample ();
  GtkWidget *pane = GTK_WIDGET (ft_window_get_detail_pane (window));
  GtkWidget *view;
  GdkContentProvider *content;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;

  reveal_id (window, 1);
  view = gtk_widget_get_ancestor (GTK_WIDGET (ft_test_find_label (pane, "owner")), FT_TYPE_JSON_VIEW);
  g_assert_nonnull (view);
  /* The row's "Copy Value" menu item activates this action. */
  gtk_widget_activate_action (view, "json.copy-row", "u", 0);

  content = gdk_clipboard_get_content (gtk_widget_get_clipboard (pane));
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (g_value_get_string (&value), ==, "ana <b>&amp; co</b>");
  ft_test_destroy_window (window);
}

static void
test_hide_internals (void)
{
  FtWindow *window = load_sample ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FtTrace *trace = ft_window_get_trace (window);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.expand-all", NULL);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "<listcomp>"));
  g_assert_cmpuint (n_rows (window), ==, 9);

  /* <listcomp> disappears; price_of takes its place under Cart.add. */
  g_settings_set_boolean (settings, "hide-internals", TRUE);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.expand-all", NULL);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_null (ft_test_find_label (GTK_WIDGET (window), "<listcomp>"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "price_of"));
  /* __init__ is a dunder method: hidden too. */
  g_assert_null (ft_test_find_label (GTK_WIDGET (window), "Cart.__init__"));
  g_assert_cmpuint (n_rows (window), ==, 7);

  /* Revealing still works through the hidden frame. */
  ft_window_search (window, "price_of");
  g_assert_cmpint (ft_test_selected_id (window), ==, 4);
  g_assert_true (ft_test_node_row_expanded (window, ft_test_node_by_id (trace, 2)));
  ft_test_destroy_window (window);
}

static void
test_group_by_instance (void)
{
  FtWindow *window = load_sample ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *group = NULL;
  g_autofree char *payment = NULL;
  GListModel *tree;
  g_autoptr(GtkTreeListRow) group_row = NULL;

  g_settings_set_boolean (settings, "group-by-instance", TRUE);
  /* The selection (the root) is kept and its children are now groups. */
  g_assert_cmpint (ft_test_selected_id (window), ==, 0);
  tree = G_LIST_MODEL (ft_call_view_get_tree_model (ft_window_get_call_view (window)));
  g_autoptr(GtkTreeListRow) root = g_list_model_get_item (tree, 0);
  gtk_tree_list_row_set_expanded (root, TRUE);
  g_assert_cmpuint (n_rows (window), ==, 3);
  group = row_title (window, 1);
  payment = row_title (window, 2);
  g_assert_cmpstr (group, ==, "Cart#140001");
  g_assert_cmpstr (payment, ==, "Payment#140777");

  group_row = g_list_model_get_item (tree, 1);
  gtk_tree_list_row_set_expanded (group_row, TRUE);

  /* The group's details add up its calls. */
  ft_call_view_select_position (ft_window_get_call_view (window), 1);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (ft_window_get_detail_pane (window)), "Cart#140001"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (ft_window_get_detail_pane (window)), "140001"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (ft_window_get_detail_pane (window)), "3"));
  g_assert_cmpuint (n_rows (window), ==, 6);
  ft_test_save_shot (GTK_WIDGET (window), "group-by-instance");

  /* A search reveals a call inside its group. */
  ft_window_search (window, "apply_tax");
  g_assert_cmpint (ft_test_selected_id (window), ==, 6);
  ft_test_destroy_window (window);
}

static void
test_show_empty_values (void)
{
  FtWindow *window = load_sample ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *pane = GTK_WIDGET (ft_window_get_detail_pane (window));

  /* Cart.total has no inputs: hidden unless asked for. */
  reveal_id (window, 5);
  g_assert_null (ft_test_find_label (pane, "Inputs"));
  g_assert_nonnull (ft_test_find_label (pane, "Output"));
  g_settings_set_boolean (settings, "show-empty-values", TRUE);
  g_assert_nonnull (ft_test_find_label (pane, "Inputs"));
  /* Unchanged inputs are not repeated as if they were empty. */
  g_assert_null (ft_test_find_label (pane, "Inputs After the Call"));
  ft_test_destroy_window (window);
}

static void
test_badges_toggle (void)
{
  FtWindow *window = load_sample ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *size = g_format_size (1500000);
  g_autofree char *rss_badge = g_strdup_printf ("RSS +%s", size);
  GtkLabel *badge;

  g_settings_set_boolean (settings, "badge-duration", TRUE);
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  /* The duration badge (Cart.add) besides the duration column */
  badge = ft_test_find_label (GTK_WIDGET (ft_window_get_call_view (window)), rss_badge);
  g_assert_nonnull (badge);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (ft_window_get_call_view (window)), "KeyError"));

  /* One badge off */
  g_settings_set_boolean (settings, "badge-memory", FALSE);
  ft_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_null (ft_test_find_label (GTK_WIDGET (ft_window_get_call_view (window)), rss_badge));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (ft_window_get_call_view (window)), "KeyError"));

  /* All off at once */
  g_settings_set_boolean (settings, "show-badges", FALSE);
  ft_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_null (ft_test_find_label (GTK_WIDGET (ft_window_get_call_view (window)), "KeyError"));
  g_assert_cmpuint (ft_call_view_get_badges (ft_window_get_call_view (window)), ==, FT_BADGE_NONE);
  ft_test_destroy_window (window);
}

static void
test_open_panels (void)
{
  FtWindow *window = load_sample ();
  FtTrace *trace = ft_window_get_trace (window);
  GList *toplevels;
  guint n_panels = 0;

  reveal_id (window, 5);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-panel", NULL);
  reveal_id (window, 7);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-panel", NULL);

  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (FT_IS_PANEL_WINDOW (l->data))
      {
        FtPanelWindow *panel = l->data;
        FtNodeId node = ft_panel_window_get_node (panel);
        GtkTreeListModel *tree = ft_call_view_get_tree_model (ft_panel_window_get_call_view (panel));

        g_assert_true (node == ft_test_node_by_id (trace, 5) || node == ft_test_node_by_id (trace, 7));
        /* The panel shows the call and its calls, nothing else. */
        g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tree)), ==, 2);
        if (node == ft_test_node_by_id (trace, 7))
          ft_test_save_shot (GTK_WIDGET (panel), "panel");
        n_panels++;
        gtk_window_destroy (GTK_WINDOW (panel));
      }
  g_list_free (toplevels);

  g_assert_cmpuint (n_panels, ==, 2);
  ft_test_destroy_window (window);
}

static void
test_salvaged_trace_banner (void)
{
  /* The run was killed inside Cart.add: the file stops mid-way. */
  g_autofree char *path = ft_test_write_file ("truncated.json", ft_test_sample_trace, 1200);
  g_autoptr(GError) error = NULL;
  FtWindow *window;
  g_autoptr(GPtrArray) labels = NULL;
  gboolean found = FALSE;

  reset_settings ();
  window = ft_test_load_window (path, &error);
  g_assert_no_error (error);
  g_assert_true (ft_trace_is_salvaged (ft_window_get_trace (window)));
  ft_test_save_shot (GTK_WIDGET (window), "salvaged");

  /* The banner carries the loader's count of recovered calls and says
   * that the run did not end. */
  g_assert_nonnull (strstr (ft_trace_get_salvage_message (ft_window_get_trace (window)), "3 calls"));
  labels = ft_test_collect_labels (GTK_WIDGET (window));
  for (guint i = 0; i < labels->len; i++)
    {
      const char *text = gtk_label_get_text (labels->pdata[i]);

      found |= strstr (text, ft_trace_get_salvage_message (ft_window_get_trace (window))) != NULL
            && strstr (text, "did not end") != NULL
            && gtk_widget_get_mapped (labels->pdata[i]);
    }
  g_assert_true (found);
  /* The calls that never returned say so. */
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (ft_window_get_call_view (window)), "unfinished"));
  ft_test_destroy_window (window);
}

static void
on_cancel_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GError **error = user_data;

  g_assert_false (ft_window_load_finish (FT_WINDOW (object), result, error));
}

/* A big file: Cancel stops the load and the window returns to where it
 * was. */
static void
test_cancel_loading (void)
{
  g_autoptr(GString) big = g_string_new ("[{\"id\":0,\"callable\":\"big.py\",\"module\":\"__main__\",\"calls\":[");
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  FtWindow *window;

  for (guint i = 1; i <= 300000; i++)
    g_string_append_printf (big, "%s{\"id\":%u,\"callable\":\"f\",\"module\":\"m\",\"inputs\":{\"x\":%u},\"output\":%u,\"calls\":[]}",
                            i > 1 ? "," : "", i, i, i);
  g_string_append (big, "]}]");
  path = ft_test_write_file ("big.json", big->str, big->len);
  file = g_file_new_for_path (path);

  reset_settings ();
  window = ft_window_new (NULL);
  ft_window_set_remember_size (window, FALSE);
  gtk_window_present (GTK_WINDOW (window));
  ft_window_load_async (window, file, NULL, on_cancel_loaded_cb, &error);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-load", NULL);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (ft_window_get_trace (window));
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ft_test_find_label (GTK_WIDGET (window), "No Trace Open"))));
  ft_test_destroy_window (window);
}

static void
on_loaded_set_flag_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_assert_true (ft_window_load_finish (FT_WINDOW (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

/* Matches deep in a big tree: each reveal expands rows and scrolls in
 * the same step, several times before GTK draws. */
static void
test_reveal_scrolls (void)
{
  g_autoptr(GString) text = g_string_new ("[{\"id\":0,\"callable\":\"deep.py\",\"module\":\"__main__\",\"calls\":[");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  FtWindow *window;
  GtkLabel *label;
  gboolean loaded = FALSE;
  guint id = 1;

  /* 300 calls, each a chain of 4 calls; some chains end in "needle". */
  for (guint i = 0; i < 300; i++)
    {
      g_string_append_printf (text, "%s", i > 0 ? "," : "");
      for (guint d = 0; d < 4; d++, id++)
        g_string_append_printf (text, "{\"id\":%u,\"callable\":\"%s_%u_%u\",\"module\":\"m\",\"calls\":[",
                                id, d == 3 && i % 60 == 59 ? "needle" : "step", i, d);
      g_string_append (text, "]}]}]}]}");
    }
  g_string_append (text, "]}]");
  path = ft_test_write_file ("deep.json", text->str, text->len);

  reset_settings ();
  window = ft_window_new (NULL);
  ft_window_set_remember_size (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  file = g_file_new_for_path (path);
  /* Search as soon as the trace is in, before GTK has drawn it. */
  ft_window_load_async (window, file, NULL, on_loaded_set_flag_cb, &loaded);
  while (!loaded)
    g_main_context_iteration (NULL, TRUE);
  ft_window_search (window, "needle");
  g_assert_cmpuint (ft_window_get_n_matches (window), ==, 5);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search-next", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search-next", NULL);
  ft_test_wait_frames (GTK_WIDGET (window), 10);

  label = ft_test_find_label (GTK_WIDGET (window), "needle_179_3");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (label)));
  /* Its parent is on screen too: the tree is not left empty. */
  label = ft_test_find_label (GTK_WIDGET (window), "step_179_2");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (label)));
  ft_test_save_shot (GTK_WIDGET (window), "reveal-scrolled");
  ft_test_destroy_window (window);
}

/* A file dropped on the window is opened in it. */
static void
test_drop_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path (sample_path);
  g_autoptr(GListModel) controllers = NULL;
  GtkDropTarget *target = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  GFile *files[] = { file };
  FtWindow *window;
  gboolean accepted = FALSE;

  reset_settings ();
  window = ft_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (files, 1));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_assert_true (accepted);

  while (ft_window_get_trace (window) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_equal (ft_trace_get_file (ft_window_get_trace (window)), file));
  ft_test_destroy_window (window);
}

/* Ctrl+O: the file chooser offers traces (JSON) first, and the chosen
 * file opens.  Without a portal GTK shows its own dialog, which the test
 * answers. */
static void
test_open_dialog (void)
{
  g_autoptr(GFile) file = g_file_new_for_path (sample_path);
  g_autoptr(GListModel) filters = NULL;
  g_autoptr(GtkFileFilter) first = NULL;
  GtkWidget *dialog = NULL;
  FtWindow *window;

  reset_settings ();
  window = ft_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open", NULL);

  while (dialog == NULL)
    {
      GList *toplevels = gtk_window_list_toplevels ();

      for (GList *l = toplevels; l != NULL; l = l->next)
        if (GTK_IS_FILE_CHOOSER_DIALOG (l->data))
          dialog = l->data;
      g_list_free (toplevels);
      if (dialog == NULL)
        g_main_context_iteration (NULL, TRUE);
    }

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  filters = gtk_file_chooser_get_filters (GTK_FILE_CHOOSER (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 2);
  first = g_list_model_get_item (filters, 0);
  g_assert_cmpstr (gtk_file_filter_get_name (first), ==, "Traces (JSON)");
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, NULL));
  ft_test_wait_frames (dialog, 2);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS

  while (ft_window_get_trace (window) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_equal (ft_trace_get_file (ft_window_get_trace (window)), file));
  ft_test_destroy_window (window);
}

/* Two files given at once (flowtrace-gtk a.json b.json) open in two
 * windows: a window that is still loading does not take the second. */
static void
test_is_empty_while_loading (void)
{
  g_autoptr(GFile) file = g_file_new_for_path (sample_path);
  FtWindow *window;

  reset_settings ();
  window = ft_window_new (NULL);
  g_assert_true (ft_window_is_empty (window));
  ft_window_open (window, file);
  g_assert_false (ft_window_is_empty (window));
  while (ft_window_get_trace (window) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (ft_window_is_empty (window));
  ft_test_destroy_window (window);
}

static void
test_recent_files (void)
{
  FtWindow *loaded = load_sample ();
  FtWindow *window;

  /* A new window's welcome page lists the trace just opened. */
  window = ft_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  ft_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "Recent Traces"));
  g_assert_nonnull (ft_test_find_label (GTK_WIDGET (window), "sample.json"));
  ft_test_save_shot (GTK_WIDGET (window), "welcome-recent");
  ft_test_destroy_window (window);
  ft_test_destroy_window (loaded);
}

/* Opening as a user does (not through the test hook): the error reaches
 * a dialog naming the file. */
static void
test_error_dialog (void)
{
  g_autofree char *path = ft_test_write_file ("garbage.json", "[{\"id\": 0, \"callable\": ]", -1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  FtWindow *window;
  GtkWidget *dialog = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  reset_settings ();
  window = ft_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  ft_window_open (window, file);

  while (dialog == NULL)
    {
      GList *toplevels = gtk_window_list_toplevels ();

      for (GList *l = toplevels; l != NULL; l = l->next)
        if (ADW_IS_MESSAGE_DIALOG (l->data))
          dialog = l->data;
      g_list_free (toplevels);
      if (dialog == NULL)
        g_main_context_iteration (NULL, TRUE);
    }

  g_object_get (dialog, "heading", &heading, "body", &body, NULL);
  g_assert_cmpstr (heading, ==, "Could Not Open the Trace");
  g_assert_nonnull (strstr (body, "garbage.json"));
  g_assert_nonnull (strstr (body, "byte"));
  ft_test_save_shot (dialog, "error-dialog");
  ft_test_destroy_window (dialog);
  ft_test_destroy_window (window);
}

static void
test_malformed_trace_error (void)
{
  g_autofree char *path = ft_test_write_file ("broken.json", "{\"not\": \"a trace\"}", -1);
  g_autoptr(GError) error = NULL;
  FtWindow *window;

  reset_settings ();
  window = ft_test_load_window (path, &error);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "broken.json"));
  g_assert_null (ft_window_get_trace (window));
  /* Back on the welcome page */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ft_test_find_label (GTK_WIDGET (window), "No Trace Open"))));
  ft_test_destroy_window (window);
}

static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *prefs;
  GtkWidget *combo;
  GtkWidget *toggle;
  g_autofree char *style = NULL;

  reset_settings ();
  prefs = ft_preferences_window_new (NULL);
  gtk_window_present (GTK_WINDOW (prefs));
  ft_test_wait_frames (prefs, 2);
  ft_test_save_shot (prefs, "preferences");

  /* The first combo row is the style, the first switch hides internals. */
  combo = ft_test_find_widget (prefs, ADW_TYPE_COMBO_ROW);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (combo)), ==, 2);   /* dark */
  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), 1);
  style = g_settings_get_string (settings, "style-variant");
  g_assert_cmpstr (style, ==, "light");

  toggle = ft_test_find_widget (prefs, GTK_TYPE_SWITCH);
  g_assert_false (g_settings_get_boolean (settings, "hide-internals"));
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "hide-internals"));

  ft_test_destroy_window (prefs);
  reset_settings ();
}

static void
test_shortcuts_window (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/flowtrace/FlowTrace/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));

  g_assert_nonnull (overlay);
  gtk_window_present (GTK_WINDOW (overlay));
  ft_test_wait_frames (overlay, 2);
  g_assert_nonnull (ft_test_find_label (overlay, "Search calls"));
  ft_test_save_shot (overlay, "shortcuts");
  ft_test_destroy_window (overlay);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ft_test_init (&argc, &argv);
  sample_path = ft_test_write_file ("sample.json", ft_test_sample_trace, -1);

  g_test_add_func ("/flowtrace/window/welcome", test_welcome);
  g_test_add_func ("/flowtrace/window/load-selects-first-call", test_load_selects_first_call);
  g_test_add_func ("/flowtrace/window/expand-collapse", test_expand_collapse);
  g_test_add_func ("/flowtrace/window/expand-all-deepest", test_expand_all_deepest);
  g_test_add_func ("/flowtrace/window/search-reveals-match", test_search_reveals_match);
  g_test_add_func ("/flowtrace/window/search-next-previous", test_search_next_previous);
  g_test_add_func ("/flowtrace/window/search-bar", test_search_bar);
  g_test_add_func ("/flowtrace/window/details-filled", test_details_filled);
  g_test_add_func ("/flowtrace/window/changed-inputs", test_changed_inputs_counted);
  g_test_add_func ("/flowtrace/window/skipped-calls", test_skipped_calls_shown);
  g_test_add_func ("/flowtrace/window/markup-shown-literally", test_markup_shown_literally);
  g_test_add_func ("/flowtrace/window/markup-everywhere", test_markup_everywhere);
  g_test_add_func ("/flowtrace/window/copy-value", test_copy_value);
  g_test_add_func ("/flowtrace/window/original-tool-file", test_original_tool_file);
  g_test_add_func ("/flowtrace/window/life-details", test_life_details);
  g_test_add_func ("/flowtrace/window/hide-internals", test_hide_internals);
  g_test_add_func ("/flowtrace/window/group-by-instance", test_group_by_instance);
  g_test_add_func ("/flowtrace/window/show-empty-values", test_show_empty_values);
  g_test_add_func ("/flowtrace/window/badges", test_badges_toggle);
  g_test_add_func ("/flowtrace/window/panels", test_open_panels);
  g_test_add_func ("/flowtrace/window/salvage-banner", test_salvaged_trace_banner);
  g_test_add_func ("/flowtrace/window/malformed", test_malformed_trace_error);
  g_test_add_func ("/flowtrace/window/cancel-loading", test_cancel_loading);
  g_test_add_func ("/flowtrace/window/reveal-scrolls", test_reveal_scrolls);
  g_test_add_func ("/flowtrace/window/recent-files", test_recent_files);
  g_test_add_func ("/flowtrace/window/busy-while-loading", test_is_empty_while_loading);
  g_test_add_func ("/flowtrace/window/drop-file", test_drop_file);
  g_test_add_func ("/flowtrace/window/open-dialog", test_open_dialog);
  g_test_add_func ("/flowtrace/window/error-dialog", test_error_dialog);
  g_test_add_func ("/flowtrace/window/preferences", test_preferences);
  g_test_add_func ("/flowtrace/window/shortcuts", test_shortcuts_window);

  status = g_test_run ();
  g_free (sample_path);
  return status;
}
