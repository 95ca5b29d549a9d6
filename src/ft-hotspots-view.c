/* ft-hotspots-view.c
 *
 * SPDX-License-Identifier: MIT
 *
 * The functions of a trace with their calls, total time, self time and
 * errors, sorted by self time first.  Selecting a row emits
 * ::function-selected (the window highlights its calls); activating it
 * (Enter, double click) emits ::function-activated (the window shows
 * them in the tree).  Counting starts when the view is first shown.
 */

#define G_LOG_DOMAIN "ft-hotspots-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ft-format.h"
#include "ft-hotspot-row.h"
#include "ft-hotspots-view.h"

typedef enum
{
  COLUMN_NAME,
  COLUMN_MODULE,
  COLUMN_CALLS,
  COLUMN_TOTAL,
  COLUMN_SELF,
  COLUMN_ERRORS,
} Column;

struct _FtHotspotsView
{
  GtkWidget           parent_instance;

  GtkStack           *stack;
  GtkColumnView      *column_view;
  GtkColumnViewColumn *self_column;
  GListStore         *store;
  GtkSortListModel   *sorted;
  GtkSingleSelection *selection;

  FtTrace            *trace;
  FtHotspots         *hotspots;
  GCancellable       *cancellable;
  double              trace_ms;   /* for the share of self time */
};

enum {
  READY,
  FUNCTION_SELECTED,
  FUNCTION_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FtHotspotsView, ft_hotspots_view, GTK_TYPE_WIDGET)

static void
on_setup_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  Column column = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  if (column >= COLUMN_CALLS)
    {
      gtk_label_set_xalign (GTK_LABEL (label), 1.0);
      gtk_widget_add_css_class (label, "numeric");
    }
  else
    {
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
    }
  if (column == COLUMN_MODULE)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_list_item_set_child (item, label);
}

static char *
dup_cell_text (FtHotspotsView  *view,
               FtHotspotRow    *row,
               Column           column)
{
  const FtHotspot *spot = ft_hotspot_row_get_hotspot (row);

  switch (column)
    {
    case COLUMN_NAME:
      return g_strdup (ft_hotspot_row_get_name (row));
    case COLUMN_MODULE:
      return g_strdup (spot->module ? spot->module : "");
    case COLUMN_CALLS:
      return g_strdup_printf ("%u", spot->n_calls);
    case COLUMN_TOTAL:
      return ft_format_duration (spot->total_ms);
    case COLUMN_SELF:
      {
        g_autofree char *ms = ft_format_duration (spot->self_ms);
        g_autofree char *share = ft_format_share (spot->self_ms, view->trace_ms);

        return share ? g_strdup_printf ("%s · %s", ms, share) : g_steal_pointer (&ms);
      }
    case COLUMN_ERRORS:
      return spot->n_errors ? g_strdup_printf ("%u", spot->n_errors) : g_strdup ("");
    default:
      g_assert_not_reached ();
    }
}

static void
on_bind_cb (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  FtHotspotsView *self = g_object_get_data (G_OBJECT (factory), "ft-view");
  FtHotspotRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = dup_cell_text (self, row, GPOINTER_TO_INT (user_data));
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), text);
  if (GPOINTER_TO_INT (user_data) == COLUMN_ERRORS)
    gtk_widget_set_css_classes (label, (const char *[]) { "numeric", "error", NULL });
}

static GtkSorter *
column_sorter (Column column)
{
  static const char *props[] = { "name", "module", "calls", "total-ms", "self-ms", "errors" };
  GtkExpression *expression = gtk_property_expression_new (FT_TYPE_HOTSPOT_ROW, NULL, props[column]);

  if (column <= COLUMN_MODULE)
    return GTK_SORTER (gtk_string_sorter_new (expression));

  return GTK_SORTER (gtk_numeric_sorter_new (expression));
}

static GtkColumnViewColumn *
add_column (FtHotspotsView *self,
            const char     *title,
            Column          column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;
  g_autoptr(GtkSorter) sorter = column_sorter (column);

  g_object_set_data (G_OBJECT (factory), "ft-view", self);
  g_signal_connect (factory, "setup", G_CALLBACK (on_setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind_cb), GINT_TO_POINTER (column));

  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_sorter (view_column, sorter);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_column_set_expand (view_column, column == COLUMN_NAME);
  gtk_column_view_append_column (self->column_view, view_column);
  g_object_unref (view_column);

  return view_column;
}

static void
on_selection_changed_cb (FtHotspotsView     *self,
                         guint               position,
                         guint               n_items,
                         GtkSingleSelection *selection)
{
  FtHotspotRow *row = gtk_single_selection_get_selected_item (selection);

  if (row != NULL)
    g_signal_emit (self, signals[FUNCTION_SELECTED], 0, ft_hotspot_row_get_index (row));
}

static void
on_activate_cb (FtHotspotsView *self,
                guint           position,
                GtkColumnView  *view)
{
  g_autoptr(FtHotspotRow) row = g_list_model_get_item (G_LIST_MODEL (self->sorted), position);

  if (row != NULL)
    g_signal_emit (self, signals[FUNCTION_ACTIVATED], 0, ft_hotspot_row_get_index (row));
}

static void
fill_store (FtHotspotsView *self)
{
  guint n = ft_hotspots_get_n_functions (self->hotspots);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (rows, ft_hotspot_row_new (self->hotspots, i));
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       rows->pdata, rows->len);
}

/* Self times add up to the time spent in calls, every thread counted:
 * the whole that a share is of. */
static double
sum_self_times (FtHotspots *hotspots)
{
  double total = 0.0;

  for (guint i = 0; i < ft_hotspots_get_n_functions (hotspots); i++)
    total += ft_hotspots_get_function (hotspots, i)->self_ms;

  return total;
}

static void
on_computed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FtHotspotsView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FtHotspots) hotspots = ft_hotspots_compute_finish (result, &error);

  if (hotspots == NULL || ft_hotspots_get_trace (hotspots) != self->trace)
    return;

  g_clear_object (&self->cancellable);
  g_set_object (&self->hotspots, hotspots);
  self->trace_ms = sum_self_times (hotspots);
  fill_store (self);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_stack_set_visible_child_name (self->stack, "table");
  g_signal_emit (self, signals[READY], 0);
}

static void
start_counting (FtHotspotsView *self)
{
  if (self->trace == NULL || self->hotspots != NULL || self->cancellable != NULL)
    return;

  self->cancellable = g_cancellable_new ();
  ft_hotspots_compute_async (self->trace, self->cancellable, on_computed_cb, g_object_ref (self));
}

/* Counting waits until the view is first shown: a trace opened only to
 * browse its tree costs no pass over its calls. */
static void
ft_hotspots_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (ft_hotspots_view_parent_class)->map (widget);
  start_counting (FT_HOTSPOTS_VIEW (widget));
}

static void
ft_hotspots_view_dispose (GObject *object)
{
  FtHotspotsView *self = (FtHotspotsView *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer ((GtkWidget **) &self->stack, gtk_widget_unparent);
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->store);
  g_clear_object (&self->hotspots);
  g_clear_object (&self->trace);

  G_OBJECT_CLASS (ft_hotspots_view_parent_class)->dispose (object);
}

static void
ft_hotspots_view_class_init (FtHotspotsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ft_hotspots_view_dispose;
  widget_class->map = ft_hotspots_view_map;

  signals[READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The index of the function in FtHotspots. */
  signals[FUNCTION_SELECTED] =
    g_signal_new ("function-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[FUNCTION_ACTIVATED] =
    g_signal_new ("function-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static GtkWidget *
counting_page_new (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_spinner_set_spinning (GTK_SPINNER (spinner), TRUE);
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), gtk_label_new (_("Counting calls per function…")));

  return box;
}

static void
ft_hotspots_view_init (FtHotspotsView *self)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));
  gtk_stack_add_named (self->stack, counting_page_new (), "counting");
  gtk_stack_add_named (self->stack, scroller, "table");

  self->column_view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->column_view), "hotspots");
  gtk_column_view_set_show_column_separators (self->column_view, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->column_view));

  add_column (self, _("Function"), COLUMN_NAME);
  add_column (self, _("Module"), COLUMN_MODULE);
  add_column (self, _("Calls"), COLUMN_CALLS);
  add_column (self, _("Total"), COLUMN_TOTAL);
  self->self_column = add_column (self, _("Self"), COLUMN_SELF);
  add_column (self, _("Errors"), COLUMN_ERRORS);

  self->store = g_list_store_new (FT_TYPE_HOTSPOT_ROW);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->store)),
                                          g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  gtk_column_view_sort_by_column (self->column_view, self->self_column, GTK_SORT_DESCENDING);

  g_signal_connect_object (self->selection, "selection-changed", G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (on_activate_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
ft_hotspots_view_new (void)
{
  return g_object_new (FT_TYPE_HOTSPOTS_VIEW, NULL);
}

void
ft_hotspots_view_set_trace (FtHotspotsView *self,
                            FtTrace        *trace)
{
  g_return_if_fail (FT_IS_HOTSPOTS_VIEW (self));
  g_return_if_fail (!trace || FT_IS_TRACE (trace));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->hotspots);
  g_list_store_remove_all (self->store);
  g_set_object (&self->trace, trace);
  gtk_stack_set_visible_child_name (self->stack, "counting");

  if (trace == NULL)
    return;

  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    start_counting (self);
}

FtHotspots *
ft_hotspots_view_get_hotspots (FtHotspotsView *self)
{
  g_return_val_if_fail (FT_IS_HOTSPOTS_VIEW (self), NULL);

  return self->hotspots;
}

GListModel *
ft_hotspots_view_get_model (FtHotspotsView *self)
{
  g_return_val_if_fail (FT_IS_HOTSPOTS_VIEW (self), NULL);

  return G_LIST_MODEL (self->sorted);
}

GtkColumnView *
ft_hotspots_view_get_column_view (FtHotspotsView *self)
{
  g_return_val_if_fail (FT_IS_HOTSPOTS_VIEW (self), NULL);

  return self->column_view;
}

void
ft_hotspots_view_select (FtHotspotsView *self,
                         guint           position)
{
  g_return_if_fail (FT_IS_HOTSPOTS_VIEW (self));

  gtk_single_selection_set_selected (self->selection, position);
}
