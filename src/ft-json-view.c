/* ft-json-view.c
 *
 * SPDX-License-Identifier: MIT
 *
 * A GtkListBox bound to a GtkTreeListModel: unlike a GtkListView it takes
 * its natural height, so several values stack in the detail pane's one
 * scrolled window.  Each row is a GtkTreeExpander, which expands its
 * GtkTreeListRow by itself.  Activating a row copies its value.
 */

#define G_LOG_DOMAIN "ft-json-view"

#include "config.h"

#include <glib/gi18n.h>

#include "ft-json-item.h"
#include "ft-json-view.h"

struct _FtJsonView
{
  GtkWidget         parent_instance;
  GtkListBox       *list_box;
  GtkWidget        *menu;
  GtkTreeListModel *tree;
  guint             n_changed;
};

G_DEFINE_FINAL_TYPE (FtJsonView, ft_json_view, GTK_TYPE_WIDGET)

static const char *
value_css_class (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "json-null";
  if (!JSON_NODE_HOLDS_VALUE (node))
    return "json-container";
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return "json-string";
  return "json-number";
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  GtkTreeListRow *list_row = item;
  g_autoptr(FtJsonItem) json_item = gtk_tree_list_row_get_item (list_row);
  g_autofree char *summary = ft_json_item_dup_summary (json_item);
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *value = gtk_label_new (NULL);

  if (ft_json_item_get_key (json_item) != NULL)
    {
      GtkWidget *key = gtk_label_new (NULL);

      gtk_label_set_use_markup (GTK_LABEL (key), FALSE);
      gtk_label_set_text (GTK_LABEL (key), ft_json_item_get_key (json_item));
      gtk_widget_add_css_class (key, "json-key");
      gtk_box_append (GTK_BOX (box), key);
    }

  gtk_label_set_use_markup (GTK_LABEL (value), FALSE);
  gtk_label_set_text (GTK_LABEL (value), summary);
  gtk_label_set_xalign (GTK_LABEL (value), 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (value), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (value), TRUE);
  gtk_widget_set_hexpand (value, TRUE);
  gtk_widget_set_tooltip_text (value, summary);
  gtk_widget_add_css_class (value, "json-value");
  gtk_widget_add_css_class (value, ft_json_item_is_marker (json_item)
                                   ? "json-marker"
                                   : value_css_class (ft_json_item_get_node (json_item)));
  gtk_box_append (GTK_BOX (box), value);

  if (ft_json_item_get_changed (json_item))
    {
      GtkWidget *badge = gtk_label_new (_("changed"));

      gtk_widget_add_css_class (badge, "badge");
      gtk_widget_add_css_class (badge, "changed");
      gtk_box_append (GTK_BOX (box), badge);
      gtk_widget_add_css_class (box, "json-changed");
    }

  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), list_row);

  return expander;
}

gboolean
ft_json_view_copy_row (FtJsonView *self,
                       guint       position)
{
  g_autoptr(GtkTreeListRow) list_row = NULL;
  g_autoptr(FtJsonItem) item = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (FT_IS_JSON_VIEW (self), FALSE);

  if (self->tree == NULL)
    return FALSE;

  list_row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);
  if (list_row == NULL)
    return FALSE;

  item = gtk_tree_list_row_get_item (list_row);
  text = ft_json_item_dup_copy_text (item);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", _("Value copied"));

  return TRUE;
}

static void
on_row_activated_cb (FtJsonView    *self,
                     GtkListBoxRow *row,
                     GtkListBox    *list_box)
{
  ft_json_view_copy_row (self, gtk_list_box_row_get_index (row));
}

static void
copy_row_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  ft_json_view_copy_row (FT_JSON_VIEW (widget), g_variant_get_uint32 (param));
}

/* Right click: a menu with "Copy Value" for the row under the pointer. */
static void
on_secondary_click_cb (FtJsonView      *self,
                       int              n_press,
                       double           x,
                       double           y,
                       GtkGestureClick *gesture)
{
  g_autoptr(GMenu) model = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;
  GtkListBoxRow *row;
  double row_y;

  gtk_widget_translate_coordinates (GTK_WIDGET (self), GTK_WIDGET (self->list_box), x, y, NULL, &row_y);
  row = gtk_list_box_get_row_at_y (self->list_box, (int) row_y);
  if (row == NULL)
    return;

  item = g_menu_item_new (_("_Copy Value"), NULL);
  g_menu_item_set_action_and_target_value (item, "json.copy-row",
                                           g_variant_new_uint32 (gtk_list_box_row_get_index (row)));
  g_menu_append_item (model, item);
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->menu), G_MENU_MODEL (model));
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static GListModel *
create_children_cb (gpointer item,
                    gpointer user_data)
{
  return ft_json_item_create_children (item);
}

static void
ft_json_view_dispose (GObject *object)
{
  FtJsonView *self = (FtJsonView *)object;

  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  g_clear_pointer ((GtkWidget **)&self->list_box, gtk_widget_unparent);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_object (&self->tree);

  G_OBJECT_CLASS (ft_json_view_parent_class)->dispose (object);
}

static void
ft_json_view_class_init (FtJsonViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ft_json_view_dispose;

  gtk_widget_class_install_action (widget_class, "json.copy-row", "u", copy_row_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ftjsonview");
}

static void
ft_json_view_init (FtJsonView *self)
{
  GtkGesture *click;

  self->list_box = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list_box, GTK_SELECTION_NONE);
  gtk_list_box_set_activate_on_single_click (self->list_box, FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list_box), "json-tree");
  gtk_widget_set_parent (GTK_WIDGET (self->list_box), GTK_WIDGET (self));
  g_signal_connect_object (self->list_box, "row-activated",
                           G_CALLBACK (on_row_activated_cb), self, G_CONNECT_SWAPPED);

  self->menu = gtk_popover_menu_new_from_model (NULL);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_secondary_click_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->list_box),
                               _("Double-click a value to copy it, or right-click for a menu"));
}

GtkWidget *
ft_json_view_new (void)
{
  return g_object_new (FT_TYPE_JSON_VIEW, NULL);
}

static gboolean
differs (JsonObject *compare,
         const char *key,
         JsonNode   *node)
{
  JsonNode *other;

  if (compare == NULL)
    return FALSE;

  other = json_object_get_member (compare, key);
  return other == NULL || !json_node_equal (other, node);
}

static void
fill_store (FtJsonView *self,
            GListStore *store,
            JsonNode   *value,
            JsonNode   *compare_to)
{
  JsonObject *compare = NULL;

  if (compare_to != NULL && JSON_NODE_HOLDS_OBJECT (compare_to))
    compare = json_node_get_object (compare_to);

  if (JSON_NODE_HOLDS_OBJECT (value) && !json_object_has_member (json_node_get_object (value), "$truncated"))
    {
      JsonObject *object = json_node_get_object (value);
      g_autoptr(GList) members = json_object_get_members (object);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *member = json_object_get_member (object, l->data);
          gboolean changed = differs (compare, l->data, member);
          g_autoptr(FtJsonItem) item = ft_json_item_new (l->data, member, changed);

          self->n_changed += changed;
          g_list_store_append (store, item);
        }
      return;
    }

  {
    g_autoptr(FtJsonItem) item = ft_json_item_new (NULL, value, FALSE);
    g_list_store_append (store, item);
  }
}

/* @value: (nullable): the value to show; an object shows one row per
 * member.  @compare_to: (nullable): an object whose members that differ
 * from @value's are marked as changed (inputs against inputs after). */
void
ft_json_view_set_value (FtJsonView *self,
                        JsonNode   *value,
                        JsonNode   *compare_to)
{
  GListStore *store;

  g_return_if_fail (FT_IS_JSON_VIEW (self));

  gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  g_clear_object (&self->tree);
  self->n_changed = 0;
  if (value == NULL)
    return;

  store = g_list_store_new (FT_TYPE_JSON_ITEM);
  fill_store (self, store, value, compare_to);
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (store), FALSE, FALSE,
                                        create_children_cb, NULL, NULL);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->tree), create_row_cb, self, NULL);
}

guint
ft_json_view_get_n_changed (FtJsonView *self)
{
  g_return_val_if_fail (FT_IS_JSON_VIEW (self), 0);

  return self->n_changed;
}
