/* ft-call-view.c
 *
 * SPDX-License-Identifier: MIT
 *
 * The tree is a GtkTreeListModel whose children models are FtCallModel:
 * nothing is made for a call until its parent is expanded, and a row
 * object only while it is on screen.  Badges and search highlights are
 * drawn by the "call" column; the cells currently bound are remembered
 * so that a new search or a badge toggle restyles just those.
 */

#define G_LOG_DOMAIN "ft-call-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ft-call-model.h"
#include "ft-call-row.h"
#include "ft-call-view.h"
#include "ft-format.h"

struct _FtCallView
{
  GtkWidget            parent_instance;

  GtkScrolledWindow   *scroller;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *call_column;

  GSettings           *settings;
  FtTrace             *trace;
  FtNodeId             root;
  FtCallModelFlags     flags;
  FtBadges             badges;
  GtkTreeListModel    *tree;
  GtkSingleSelection  *selection;
  GHashTable          *bound_cells;   /* GtkListItem set */
  GArray              *matches;       /* sorted FtNodeId */
  FtNodeId             current_match;
  GdkFrameClock       *scroll_clock;   /* waiting for its after-paint */
  guint                scroll_position;
};

/* Widgets of one "call" cell, hung on the GtkListItem. */
typedef struct
{
  GtkTreeExpander *expander;
  GtkWidget       *box;
  GtkWidget       *error_icon;
  GtkLabel        *name;
  GtkLabel        *module;
  GtkLabel        *duration;
  GtkLabel        *error;
  GtkLabel        *caller;
  GtkLabel        *memory;
  GtkLabel        *unfinished;
} CallCell;

enum {
  ROW_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FtCallView, ft_call_view, GTK_TYPE_WIDGET)

static gboolean
is_match (FtCallView *self,
          FtNodeId    node)
{
  guint lo = 0, hi;

  if (self->matches == NULL)
    return FALSE;

  hi = self->matches->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      FtNodeId at = g_array_index (self->matches, FtNodeId, mid);

      if (at == node)
        return TRUE;
      if (at < node)
        lo = mid + 1;
      else
        hi = mid;
    }

  return FALSE;
}

static GtkLabel *
badge_new (GtkWidget  *box,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_widget_add_css_class (label, "badge");
  gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (box), label);

  return GTK_LABEL (label);
}

static void
on_call_setup_cb (FtCallView               *self,
                  GtkListItem              *item,
                  GtkSignalListItemFactory *factory)
{
  CallCell *cell = g_new0 (CallCell, 1);

  cell->expander = GTK_TREE_EXPANDER (gtk_tree_expander_new ());
  cell->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  cell->error_icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  gtk_widget_add_css_class (cell->error_icon, "error");
  gtk_box_append (GTK_BOX (cell->box), cell->error_icon);

  cell->name = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_use_markup (cell->name, FALSE);
  gtk_label_set_xalign (cell->name, 0.0f);
  gtk_widget_add_css_class (GTK_WIDGET (cell->name), "call-name");
  gtk_box_append (GTK_BOX (cell->box), GTK_WIDGET (cell->name));

  cell->module = badge_new (cell->box, "module");
  cell->duration = badge_new (cell->box, "duration");
  cell->error = badge_new (cell->box, "error-badge");
  cell->caller = badge_new (cell->box, "caller");
  /* Only the caller can be long; the others are a few characters. */
  gtk_label_set_ellipsize (cell->caller, PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_width_chars (cell->caller, 8);
  gtk_label_set_max_width_chars (cell->caller, 32);
  cell->memory = badge_new (cell->box, "memory");
  cell->unfinished = badge_new (cell->box, "unfinished");
  gtk_widget_set_tooltip_text (GTK_WIDGET (cell->unfinished),
                               _("This call never returned: the program crashed, was killed or was still running when the trace ended."));

  gtk_tree_expander_set_child (cell->expander, cell->box);
  gtk_list_item_set_child (item, GTK_WIDGET (cell->expander));
  g_object_set_data_full (G_OBJECT (item), "ft-call-cell", cell, g_free);
}

static void
set_badge (GtkLabel   *badge,
           gboolean    shown,
           const char *text)
{
  shown = shown && text != NULL && text[0] != '\0';
  gtk_widget_set_visible (GTK_WIDGET (badge), shown);
  if (shown)
    gtk_label_set_text (badge, text);
}

/* Change of resident memory across the call, from its own file slice. */
static char *
dup_memory_text (FtTrace  *trace,
                 FtNodeId  node)
{
  g_autoptr(FtNodeDetail) detail = NULL;
  JsonObject *before, *after;

  if (!(ft_trace_get_flags (trace, node) & FT_NODE_FLAG_MEMORY))
    return NULL;

  detail = ft_trace_get_detail (trace, node, NULL);
  if (detail == NULL
      || detail->memory_before == NULL || !JSON_NODE_HOLDS_OBJECT (detail->memory_before)
      || detail->memory_after == NULL || !JSON_NODE_HOLDS_OBJECT (detail->memory_after))
    return NULL;

  before = json_node_get_object (detail->memory_before);
  after = json_node_get_object (detail->memory_after);
  if (!json_object_has_member (before, "rss_bytes") || !json_object_has_member (after, "rss_bytes"))
    return NULL;

  {
    g_autofree char *diff = ft_format_bytes_diff (json_object_get_int_member (after, "rss_bytes")
                                                  - json_object_get_int_member (before, "rss_bytes"));
    /* Translators: badge with the change of resident memory, e.g. "RSS +1.2 MB" */
    return g_strdup_printf (_("RSS %s"), diff);
  }
}

static void
style_cell (FtCallView  *self,
            GtkListItem *item)
{
  CallCell *cell = g_object_get_data (G_OBJECT (item), "ft-call-cell");
  GtkTreeListRow *list_row = gtk_list_item_get_item (item);
  g_autoptr(FtCallRow) row = NULL;
  FtNodeId node;

  if (cell == NULL || list_row == NULL)
    return;

  row = gtk_tree_list_row_get_item (list_row);
  node = ft_call_row_get_node (row);

  if (!ft_call_row_is_group (row) && is_match (self, node))
    gtk_widget_add_css_class (cell->box, "search-match");
  else
    gtk_widget_remove_css_class (cell->box, "search-match");

  if (!ft_call_row_is_group (row) && node == self->current_match)
    gtk_widget_add_css_class (cell->box, "search-current");
  else
    gtk_widget_remove_css_class (cell->box, "search-current");
}

static void
fill_badges (FtCallView *self,
             CallCell   *cell,
             FtCallRow  *row)
{
  FtTrace *trace = ft_call_row_get_trace (row);
  FtNodeId node = ft_call_row_get_node (row);
  gboolean group = ft_call_row_is_group (row);
  FtNodeFlags flags = group ? 0 : ft_trace_get_flags (trace, node);
  g_autofree char *duration = ft_format_duration (ft_call_row_get_duration_ms (row));
  g_autofree char *caller = NULL;
  g_autofree char *memory = NULL;
  const char *error_type = ft_trace_get_error_type (trace, node);

  if (!group && ft_trace_get_caller (trace, node) != NULL)
    caller = g_strdup_printf ("← %s", ft_trace_get_caller (trace, node));
  if (!group && (self->badges & FT_BADGE_MEMORY))
    memory = dup_memory_text (trace, node);

  set_badge (cell->module, self->badges & FT_BADGE_MODULE, ft_call_row_get_module (row));
  set_badge (cell->duration, (self->badges & FT_BADGE_DURATION) && !isnan (ft_call_row_get_duration_ms (row)),
             duration);
  set_badge (cell->error, (self->badges & FT_BADGE_ERROR) && (flags & FT_NODE_FLAG_ERROR),
             error_type ? error_type : _("error"));
  set_badge (cell->caller, self->badges & FT_BADGE_CALLER, caller);
  set_badge (cell->memory, self->badges & FT_BADGE_MEMORY, memory);
  /* Shown with the error badges: a call that never returned. */
  set_badge (cell->unfinished, (self->badges & FT_BADGE_ERROR) && (flags & FT_NODE_FLAG_INCOMPLETE),
             _("unfinished"));
}

static void
fill_cell (FtCallView  *self,
           GtkListItem *item)
{
  CallCell *cell = g_object_get_data (G_OBJECT (item), "ft-call-cell");
  GtkTreeListRow *list_row = gtk_list_item_get_item (item);
  g_autoptr(FtCallRow) row = gtk_tree_list_row_get_item (list_row);
  g_autofree char *title = ft_call_row_dup_title (row);
  FtNodeFlags flags = 0;

  if (!ft_call_row_is_group (row))
    flags = ft_trace_get_flags (ft_call_row_get_trace (row), ft_call_row_get_node (row));

  gtk_tree_expander_set_list_row (cell->expander, list_row);
  gtk_label_set_text (cell->name, title);
  gtk_widget_set_visible (cell->error_icon, (flags & FT_NODE_FLAG_ERROR) != 0);
  if (ft_call_row_is_group (row)
      || ft_trace_get_kind (ft_call_row_get_trace (row), ft_call_row_get_node (row)) == FT_NODE_KIND_INSTANCE)
    gtk_widget_add_css_class (cell->box, "instance-group");
  else
    gtk_widget_remove_css_class (cell->box, "instance-group");
  if (flags & FT_NODE_FLAG_INCOMPLETE)
    gtk_widget_add_css_class (cell->box, "incomplete");
  else
    gtk_widget_remove_css_class (cell->box, "incomplete");

  fill_badges (self, cell, row);
  style_cell (self, item);
}

static void
on_call_bind_cb (FtCallView               *self,
                 GtkListItem              *item,
                 GtkSignalListItemFactory *factory)
{
  fill_cell (self, item);
  g_hash_table_add (self->bound_cells, item);
}

static void
on_call_unbind_cb (FtCallView               *self,
                   GtkListItem              *item,
                   GtkSignalListItemFactory *factory)
{
  CallCell *cell = g_object_get_data (G_OBJECT (item), "ft-call-cell");

  g_hash_table_remove (self->bound_cells, item);
  if (cell != NULL)
    gtk_tree_expander_set_list_row (cell->expander, NULL);
}

static void
on_call_teardown_cb (FtCallView               *self,
                     GtkListItem              *item,
                     GtkSignalListItemFactory *factory)
{
  g_hash_table_remove (self->bound_cells, item);
}

static void
refresh_bound_cells (FtCallView *self,
                     gboolean    badges_too)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->bound_cells);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      if (badges_too)
        fill_cell (self, item);
      else
        style_cell (self, item);
    }
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  FtCallView *self = user_data;

  return ft_call_model_create_children (item, self->flags);
}

static GListModel *
create_top_model (FtCallView *self)
{
  g_autoptr(GArray) roots = NULL;

  if (self->root == FT_NODE_NONE)
    return G_LIST_MODEL (ft_call_model_new_children (self->trace, FT_NODE_NONE, self->flags));

  roots = g_array_new (FALSE, FALSE, sizeof (FtNodeId));
  g_array_append_val (roots, self->root);
  return G_LIST_MODEL (ft_call_model_new_list (self->trace, roots, self->flags));
}

static void
on_selection_changed_cb (FtCallView         *self,
                         guint               position,
                         guint               n_items,
                         GtkSingleSelection *selection)
{
  g_autoptr(FtCallRow) row = ft_call_view_get_selected (self);

  g_signal_emit (self, signals[ROW_SELECTED], 0, row);
}

/* Rebuilt whenever the trace or what is shown changes; expanding all is
 * a rebuild with autoexpand on. */
static void
rebuild (FtCallView *self,
         gboolean    expand_all)
{
  GtkTreeListModel *tree;

  g_clear_object (&self->tree);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  g_clear_object (&self->selection);

  if (self->trace == NULL)
    {
      gtk_column_view_set_model (self->column_view, NULL);
      return;
    }

  tree = gtk_tree_list_model_new (create_top_model (self), FALSE, expand_all,
                                  create_children_cb, self, NULL);
  /* Rows added later (by the user expanding) open one level at a time. */
  gtk_tree_list_model_set_autoexpand (tree, FALSE);
  self->tree = tree;
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (tree)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (on_selection_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_emit (self, signals[ROW_SELECTED], 0, NULL);
}

static FtCallModelFlags
read_model_flags (GSettings *settings)
{
  FtCallModelFlags flags = FT_CALL_MODEL_PLAIN;

  if (g_settings_get_boolean (settings, "hide-internals"))
    flags |= FT_CALL_MODEL_HIDE_INTERNALS;
  if (g_settings_get_boolean (settings, "group-by-instance"))
    flags |= FT_CALL_MODEL_GROUP_INSTANCE;

  return flags;
}

static FtBadges
read_badges (GSettings *settings)
{
  static const struct { const char *key; FtBadges badge; } keys[] = {
    { "badge-module", FT_BADGE_MODULE },
    { "badge-duration", FT_BADGE_DURATION },
    { "badge-error", FT_BADGE_ERROR },
    { "badge-caller", FT_BADGE_CALLER },
    { "badge-memory", FT_BADGE_MEMORY },
  };
  FtBadges badges = FT_BADGE_NONE;

  if (!g_settings_get_boolean (settings, "show-badges"))
    return FT_BADGE_NONE;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (g_settings_get_boolean (settings, keys[i].key))
      badges |= keys[i].badge;

  return badges;
}

static void
on_settings_changed_cb (FtCallView *self,
                        const char *key,
                        GSettings  *settings)
{
  FtCallModelFlags flags = read_model_flags (settings);
  FtBadges badges = read_badges (settings);

  if (flags != self->flags)
    {
      g_autoptr(FtCallRow) selected = ft_call_view_get_selected (self);
      FtNodeId node = selected ? ft_call_row_get_node (selected) : FT_NODE_NONE;

      self->flags = flags;
      rebuild (self, FALSE);
      /* Keep the user's place across the change. */
      if (node != FT_NODE_NONE)
        ft_call_view_reveal (self, node);
    }

  if (badges != self->badges)
    {
      self->badges = badges;
      refresh_bound_cells (self, TRUE);
    }
}

/* Enter or a double click opens or closes a call, as the expander does. */
static void
on_activate_cb (FtCallView    *self,
                guint          position,
                GtkColumnView *column_view)
{
  g_autoptr(GtkTreeListRow) row = NULL;

  if (self->tree == NULL)
    return;

  row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);
  if (row != NULL && gtk_tree_list_row_is_expandable (row))
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
}

static void on_after_paint_cb (FtCallView    *self,
                               GdkFrameClock *clock);

static void
ft_call_view_dispose (GObject *object)
{
  FtCallView *self = (FtCallView *)object;

  if (self->scroll_clock != NULL)
    g_signal_handlers_disconnect_by_func (self->scroll_clock, on_after_paint_cb, self);
  g_clear_weak_pointer (&self->scroll_clock);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->trace);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->matches, g_array_unref);
  g_clear_pointer (&self->bound_cells, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), FT_TYPE_CALL_VIEW);

  G_OBJECT_CLASS (ft_call_view_parent_class)->dispose (object);
}

static void
ft_call_view_class_init (FtCallViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ft_call_view_dispose;

  /**
   * FtCallView::row-selected:
   * @row: (nullable): the selected FtCallRow
   */
  signals[ROW_SELECTED] =
    g_signal_new ("row-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FT_TYPE_CALL_ROW);

  g_type_ensure (FT_TYPE_CALL_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowtrace/FlowTrace/ft-call-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FtCallView, scroller);
  gtk_widget_class_bind_template_child (widget_class, FtCallView, column_view);
  gtk_widget_class_bind_template_child (widget_class, FtCallView, call_column);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ftcallview");
}

static void
ft_call_view_init (FtCallView *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->root = FT_NODE_NONE;
  self->current_match = FT_NODE_NONE;
  self->scroll_position = GTK_INVALID_LIST_POSITION;
  self->bound_cells = g_hash_table_new (NULL, NULL);
  self->settings = g_settings_new (APP_ID);
  self->flags = read_model_flags (self->settings);
  self->badges = read_badges (self->settings);
  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (on_settings_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->column_view, "activate", G_CALLBACK (on_activate_cb), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (on_call_setup_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "bind", G_CALLBACK (on_call_bind_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (on_call_unbind_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "teardown", G_CALLBACK (on_call_teardown_cb), self, G_CONNECT_SWAPPED);
  gtk_column_view_column_set_factory (self->call_column, factory);
  g_object_unref (factory);
}

GtkWidget *
ft_call_view_new (void)
{
  return g_object_new (FT_TYPE_CALL_VIEW, NULL);
}

/* @root: FT_NODE_NONE for the whole trace, or the one call whose subtree
 * is shown (a panel). */
void
ft_call_view_set_trace (FtCallView *self,
                        FtTrace    *trace,
                        FtNodeId    root)
{
  g_return_if_fail (FT_IS_CALL_VIEW (self));
  g_return_if_fail (trace == NULL || FT_IS_TRACE (trace));

  g_set_object (&self->trace, trace);
  self->root = root;
  g_clear_pointer (&self->matches, g_array_unref);
  self->current_match = FT_NODE_NONE;
  rebuild (self, FALSE);
}

FtTrace *
ft_call_view_get_trace (FtCallView *self)
{
  g_return_val_if_fail (FT_IS_CALL_VIEW (self), NULL);

  return self->trace;
}

/* Returns: (transfer full) (nullable) */
FtCallRow *
ft_call_view_get_selected (FtCallView *self)
{
  GtkTreeListRow *list_row;

  g_return_val_if_fail (FT_IS_CALL_VIEW (self), NULL);

  if (self->selection == NULL)
    return NULL;

  list_row = gtk_single_selection_get_selected_item (self->selection);
  if (list_row == NULL)
    return NULL;

  return gtk_tree_list_row_get_item (list_row);
}

static GtkWidget *
find_list_view (FtCallView *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;

  return NULL;
}

/* GTK 4.8 has no gtk_column_view_scroll_to(): its inner list view has
 * the "list.scroll-to-item" action. */
static void
scroll_to (FtCallView *self,
           guint       position)
{
  GtkWidget *list_view = find_list_view (self);

  if (list_view != NULL && self->tree != NULL
      && position < g_list_model_get_n_items (G_LIST_MODEL (self->tree)))
    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", position);
}

/* After a reveal has expanded rows, GTK 4.8's list view must lay them out
 * once before it can scroll to one: scrolling in the same frame leaves an
 * empty viewport.  So the scroll waits for the end of the next frame. */
static void
on_after_paint_cb (FtCallView    *self,
                   GdkFrameClock *clock)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint_cb, self);
  g_clear_weak_pointer (&self->scroll_clock);
  if (self->scroll_position != GTK_INVALID_LIST_POSITION)
    scroll_to (self, self->scroll_position);
  self->scroll_position = GTK_INVALID_LIST_POSITION;
}

void
ft_call_view_select_position (FtCallView *self,
                              guint       position)
{
  GdkFrameClock *clock;

  g_return_if_fail (FT_IS_CALL_VIEW (self));

  if (self->selection == NULL)
    return;

  gtk_single_selection_set_selected (self->selection, position);

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));
  if (clock == NULL)
    {
      scroll_to (self, position);
      return;
    }

  self->scroll_position = position;
  /* The clock goes away with the window's surface: a weak pointer. */
  if (self->scroll_clock == NULL)
    {
      g_set_weak_pointer (&self->scroll_clock, clock);
      g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_after_paint_cb), self, G_CONNECT_SWAPPED);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The calls shown from the top of this view down to @node: internal
 * ancestors are left out when hidden, as the tree leaves them out. */
static GArray *
dup_visible_chain (FtCallView *self,
                   FtNodeId    node)
{
  GArray *chain = g_array_new (FALSE, FALSE, sizeof (FtNodeId));
  gboolean hide = (self->flags & FT_CALL_MODEL_HIDE_INTERNALS) != 0;

  for (FtNodeId at = node; at != FT_NODE_NONE; at = ft_trace_get_parent (self->trace, at))
    {
      gboolean hidden = hide && at != self->root
        && (ft_trace_get_flags (self->trace, at) & FT_NODE_FLAG_INTERNAL);

      if (!hidden)
        g_array_prepend_val (chain, at);
      if (at == self->root)
        return chain;
    }

  if (self->root != FT_NODE_NONE)
    g_array_set_size (chain, 0);   /* not inside this panel */

  return chain;
}

static GtkTreeListRow *
child_row (GtkTreeListModel *tree,
           GtkTreeListRow   *parent,
           guint             position)
{
  if (parent == NULL)
    return gtk_tree_list_model_get_child_row (tree, position);

  gtk_tree_list_row_set_expanded (parent, TRUE);
  return gtk_tree_list_row_get_child_row (parent, position);
}

/* Expands every ancestor of @node, selects it and scrolls to it. */
gboolean
ft_call_view_reveal (FtCallView *self,
                     FtNodeId    node)
{
  g_autoptr(GArray) chain = NULL;
  g_autoptr(GtkTreeListRow) row = NULL;
  GListModel *model;

  g_return_val_if_fail (FT_IS_CALL_VIEW (self), FALSE);

  if (self->tree == NULL || node == FT_NODE_NONE)
    return FALSE;

  chain = dup_visible_chain (self, node);
  model = gtk_tree_list_model_get_model (self->tree);

  for (guint i = 0; i < chain->len; i++)
    {
      FtNodeId at = g_array_index (chain, FtNodeId, i);
      GtkTreeListRow *next;
      guint position, group_position;

      if (model == NULL || !FT_IS_CALL_MODEL (model)
          || !ft_call_model_locate (FT_CALL_MODEL (model), at, &position, &group_position))
        break;

      next = child_row (self->tree, row, position);
      if (next != NULL && group_position != G_MAXUINT)
        {
          GtkTreeListRow *group = next;

          next = child_row (self->tree, group, group_position);
          g_object_unref (group);
        }
      if (next == NULL)
        break;

      g_clear_object (&row);
      row = next;
      if (i + 1 < chain->len)
        {
          gtk_tree_list_row_set_expanded (row, TRUE);
          model = gtk_tree_list_row_get_children (row);
        }
    }

  if (row == NULL)
    return FALSE;

  ft_call_view_select_position (self, gtk_tree_list_row_get_position (row));
  return TRUE;
}

void
ft_call_view_expand_all (FtCallView *self)
{
  g_return_if_fail (FT_IS_CALL_VIEW (self));

  rebuild (self, TRUE);
}

void
ft_call_view_collapse_all (FtCallView *self)
{
  g_return_if_fail (FT_IS_CALL_VIEW (self));

  rebuild (self, FALSE);
}

/* @matches: (nullable): sorted node ids to highlight; @current is the one
 * the search is on. */
void
ft_call_view_set_matches (FtCallView *self,
                          GArray     *matches,
                          FtNodeId    current)
{
  g_return_if_fail (FT_IS_CALL_VIEW (self));

  if (matches != self->matches)
    {
      g_clear_pointer (&self->matches, g_array_unref);
      self->matches = matches ? g_array_ref (matches) : NULL;
    }
  self->current_match = current;
  refresh_bound_cells (self, FALSE);
}

GtkTreeListModel *
ft_call_view_get_tree_model (FtCallView *self)
{
  g_return_val_if_fail (FT_IS_CALL_VIEW (self), NULL);

  return self->tree;
}

GtkColumnView *
ft_call_view_get_column_view (FtCallView *self)
{
  g_return_val_if_fail (FT_IS_CALL_VIEW (self), NULL);

  return self->column_view;
}

FtCallModelFlags
ft_call_view_get_model_flags (FtCallView *self)
{
  g_return_val_if_fail (FT_IS_CALL_VIEW (self), 0);

  return self->flags;
}

FtBadges
ft_call_view_get_badges (FtCallView *self)
{
  g_return_val_if_fail (FT_IS_CALL_VIEW (self), 0);

  return self->badges;
}
