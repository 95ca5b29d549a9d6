/* ft-diff-window.c: two runs side by side, aligned by call path
 *
 * SPDX-License-Identifier: MIT
 *
 * One row per aligned call: a mark (+ added, − removed, ~ changed), the
 * call, and what changed.  Rows leading to a difference open at start,
 * the rest stay closed, so a large run shows its differences first.
 */

#define G_LOG_DOMAIN "ft-diff-window"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ft-diff-window.h"

/* A row object: an entry index of the diff, made only when shown. */
#define FT_TYPE_DIFF_ROW (ft_diff_row_get_type ())
G_DECLARE_FINAL_TYPE (FtDiffRow, ft_diff_row, FT, DIFF_ROW, GObject)

struct _FtDiffRow
{
  GObject  parent_instance;
  guint    entry;
};

G_DEFINE_FINAL_TYPE (FtDiffRow, ft_diff_row, G_TYPE_OBJECT)

static void ft_diff_row_class_init (FtDiffRowClass *klass) { }
static void ft_diff_row_init (FtDiffRow *self) { }

static FtDiffRow *
ft_diff_row_new (guint entry)
{
  FtDiffRow *row = g_object_new (FT_TYPE_DIFF_ROW, NULL);

  row->entry = entry;
  return row;
}

struct _FtDiffWindow
{
  AdwWindow         parent_instance;

  AdwWindowTitle   *window_title;
  GtkLabel         *summary_label;
  GtkListView      *list_view;

  FtTraceDiff      *diff;
  GtkTreeListModel *tree;
};

G_DEFINE_FINAL_TYPE (FtDiffWindow, ft_diff_window, ADW_TYPE_WINDOW)

static GListModel *
entries_model (FtTraceDiff *diff,
               guint        first,
               guint        n)
{
  GListStore *store = g_list_store_new (FT_TYPE_DIFF_ROW);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FtDiffRow) row = ft_diff_row_new (first + i);

      g_list_store_append (store, row);
    }
  return G_LIST_MODEL (store);
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  FtDiffWindow *self = user_data;
  const FtDiffEntry *e = ft_trace_diff_get_entry (self->diff, FT_DIFF_ROW (item)->entry);

  if (e->n_children == 0)
    return NULL;
  return entries_model (self->diff, e->first_child, e->n_children);
}

static char *
format_ms (double ms)
{
  if (isnan (ms))
    return g_strdup ("?");
  return g_strdup_printf (ms < 10 ? "%.2f ms" : "%.1f ms", ms);
}

/* "2.00 ms → 9.00 ms, error, output" */
static char *
describe_change (FtDiffWindow      *self,
                 const FtDiffEntry *e)
{
  FtTrace *a = ft_trace_diff_get_a (self->diff);
  FtTrace *b = ft_trace_diff_get_b (self->diff);
  g_autofree char *ta = NULL;
  g_autofree char *tb = NULL;
  GString *s = g_string_new (NULL);

  if (e->kind == FT_DIFF_ADDED)
    return g_strdup (_("only in B"));
  if (e->kind == FT_DIFF_REMOVED)
    return g_strdup (_("only in A"));
  ta = format_ms (ft_trace_get_duration_ms (a, e->a));
  tb = format_ms (ft_trace_get_duration_ms (b, e->b));
  g_string_append_printf (s, "%s → %s", ta, tb);
  if (e->changes & FT_DIFF_CHANGE_ERROR)
    g_string_append_printf (s, ", %s", ft_trace_get_error (b, e->b) != NULL ? _("new error") : _("error gone"));
  if (e->changes & FT_DIFF_CHANGE_OUTPUT)
    g_string_append_printf (s, ", %s", _("output differs"));
  return g_string_free (s, FALSE);
}

static void
setup_row_cb (FtDiffWindow             *self,
              GtkListItem              *item,
              GtkSignalListItemFactory *factory)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *mark = gtk_label_new (NULL);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *change = gtk_label_new (NULL);

  gtk_label_set_width_chars (GTK_LABEL (mark), 2);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_add_css_class (change, "numeric");
  gtk_box_append (GTK_BOX (box), mark);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), change);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (item, expander);
}

static void
set_mark (GtkLabel          *mark,
          GtkLabel          *change,
          const FtDiffEntry *e)
{
  static const char *marks[] = { "", "+", "−", "~" };
  static const char *classes[] = { NULL, "success", "error", "warning" };

  for (guint i = 1; i < G_N_ELEMENTS (classes); i++)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (mark), classes[i]);
      gtk_widget_remove_css_class (GTK_WIDGET (change), classes[i]);
    }
  gtk_label_set_text (mark, marks[e->kind]);
  gtk_widget_remove_css_class (GTK_WIDGET (change), "dim-label");
  if (classes[e->kind] != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (mark), classes[e->kind]);
      gtk_widget_add_css_class (GTK_WIDGET (change), classes[e->kind]);
    }
  else
    gtk_widget_add_css_class (GTK_WIDGET (change), "dim-label");
}

static void
bind_row_cb (FtDiffWindow             *self,
             GtkListItem              *item,
             GtkSignalListItemFactory *factory)
{
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkLabel *mark = GTK_LABEL (gtk_widget_get_first_child (box));
  GtkLabel *name = GTK_LABEL (gtk_widget_get_next_sibling (GTK_WIDGET (mark)));
  GtkLabel *change = GTK_LABEL (gtk_widget_get_last_child (box));
  guint index = ft_diff_window_row_entry (row);
  const FtDiffEntry *e = ft_trace_diff_get_entry (self->diff, index);
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;
  FtNodeId node;
  FtTrace *trace = ft_trace_diff_get_entry_trace (self->diff, index, &node);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  label = ft_trace_dup_display_name (trace, node);
  gtk_label_set_text (name, label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (name), ft_trace_get_module (trace, node));
  text = describe_change (self, e);
  gtk_label_set_text (change, text);
  set_mark (mark, change, e);
}

/* Opens the rows on the way to each difference. */
static void
expand_to_changes (FtDiffWindow *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_row (self->tree, i);

      if (ft_trace_diff_get_entry (self->diff, ft_diff_window_row_entry (row))->changed_below)
        gtk_tree_list_row_set_expanded (row, TRUE);
    }
}

static void
show_summary (FtDiffWindow *self)
{
  g_autofree char *a = g_file_get_basename (ft_trace_get_file (ft_trace_diff_get_a (self->diff)));
  g_autofree char *b = g_file_get_basename (ft_trace_get_file (ft_trace_diff_get_b (self->diff)));
  g_autofree char *subtitle = g_strdup_printf ("A: %s  →  B: %s", a, b);
  g_autofree char *summary = NULL;

  adw_window_title_set_subtitle (self->window_title, subtitle);
  summary = g_strdup_printf (_("%u added, %u removed, %u changed, %u the same"),
                             ft_trace_diff_count (self->diff, FT_DIFF_ADDED),
                             ft_trace_diff_count (self->diff, FT_DIFF_REMOVED),
                             ft_trace_diff_count (self->diff, FT_DIFF_CHANGED),
                             ft_trace_diff_count (self->diff, FT_DIFF_SAME));
  gtk_label_set_text (self->summary_label, summary);
}

static void
set_diff (FtDiffWindow *self,
          FtTraceDiff  *diff)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GListModel *top;

  self->diff = ft_trace_diff_ref (diff);
  top = entries_model (diff, 0, ft_trace_diff_get_n_top (diff));
  self->tree = gtk_tree_list_model_new (top, FALSE, FALSE, create_children_cb, self, NULL);
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_row_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_row_cb), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view,
                           GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tree)))));
  expand_to_changes (self);
  show_summary (self);
}

static void
ft_diff_window_dispose (GObject *object)
{
  FtDiffWindow *self = FT_DIFF_WINDOW (object);

  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->tree);
  g_clear_pointer (&self->diff, ft_trace_diff_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FT_TYPE_DIFF_WINDOW);

  G_OBJECT_CLASS (ft_diff_window_parent_class)->dispose (object);
}

static void
ft_diff_window_class_init (FtDiffWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ft_diff_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowtrace/FlowTrace/ft-diff-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FtDiffWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FtDiffWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FtDiffWindow, list_view);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
ft_diff_window_init (FtDiffWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

FtDiffWindow *
ft_diff_window_new (GtkApplication *app,
                    FtTraceDiff    *diff)
{
  FtDiffWindow *self;

  g_return_val_if_fail (app == NULL || GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (diff != NULL, NULL);

  self = g_object_new (FT_TYPE_DIFF_WINDOW, "application", app, NULL);
  set_diff (self, diff);
  return self;
}

FtTraceDiff *
ft_diff_window_get_diff (FtDiffWindow *self)
{
  g_return_val_if_fail (FT_IS_DIFF_WINDOW (self), NULL);
  return self->diff;
}

GtkTreeListModel *
ft_diff_window_get_model (FtDiffWindow *self)
{
  g_return_val_if_fail (FT_IS_DIFF_WINDOW (self), NULL);
  return self->tree;
}

guint
ft_diff_window_row_entry (GtkTreeListRow *row)
{
  g_autoptr(GObject) item = NULL;

  g_return_val_if_fail (GTK_IS_TREE_LIST_ROW (row), 0);

  item = gtk_tree_list_row_get_item (row);
  return FT_DIFF_ROW (item)->entry;
}

/* Compare With…: choose trace B for the open trace A ------------------ */

typedef struct
{
  GtkWindow *parent;
  FtTrace   *a;
} Compare;

static void
compare_free (Compare *c)
{
  g_clear_object (&c->parent);
  g_clear_object (&c->a);
  g_free (c);
}

static void
on_b_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Compare *c = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FtTrace) b = ft_trace_load_finish (result, &error);
  g_autoptr(FtTraceDiff) diff = NULL;

  if (b == NULL)
    {
      gtk_widget_activate_action (GTK_WIDGET (c->parent), "win.toast", "s", error->message);
      compare_free (c);
      return;
    }
  diff = ft_trace_diff_new (c->a, b, NULL);
  gtk_window_present (GTK_WINDOW (ft_diff_window_new (gtk_window_get_application (c->parent), diff)));
  compare_free (c);
}

static void
on_compare_response_cb (GtkNativeDialog *chooser,
                        int              response,
                        Compare         *c)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_object_unref (chooser);
  if (response != GTK_RESPONSE_ACCEPT || file == NULL)
    {
      compare_free (c);
      return;
    }
  ft_trace_load_async (file, NULL, NULL, NULL, on_b_loaded_cb, c);
}

void
ft_diff_window_compare_with (GtkWindow *parent,
                             FtTrace   *a)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GFile) folder = NULL;
  Compare *c;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (FT_IS_TRACE (a));

  c = g_new0 (Compare, 1);
  c->parent = g_object_ref (parent);
  c->a = g_object_ref (a);
  chooser = gtk_file_chooser_native_new (_("Compare With"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("C_ompare"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Traces"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  folder = g_file_get_parent (ft_trace_get_file (a));
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_signal_connect (chooser, "response", G_CALLBACK (on_compare_response_cb), c);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
