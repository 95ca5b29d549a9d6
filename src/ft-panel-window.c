/* ft-panel-window.c
 *
 * SPDX-License-Identifier: MIT
 *
 * The original viewer's floating panels: any number can be open, each
 * with its own tree (rooted at the call) and detail pane, sharing the
 * trace with the main window.
 */

#define G_LOG_DOMAIN "ft-panel-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ft-call-row.h"
#include "ft-call-view.h"
#include "ft-detail-pane.h"
#include "ft-panel-window.h"

struct _FtPanelWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  FtCallView           *call_view;
  FtDetailPane         *detail_pane;

  FtNodeId              node;
};

G_DEFINE_FINAL_TYPE (FtPanelWindow, ft_panel_window, ADW_TYPE_APPLICATION_WINDOW)

static void
on_row_selected_cb (FtPanelWindow *self,
                    FtCallRow     *row,
                    FtCallView    *view)
{
  ft_detail_pane_set_row (self->detail_pane, row);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-panel", row != NULL);
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  FtPanelWindow *self = FT_PANEL_WINDOW (widget);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (g_variant_get_string (param, NULL)));
}

/* A panel can open panels of its own calls. */
static void
open_panel_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  FtPanelWindow *self = FT_PANEL_WINDOW (widget);
  g_autoptr(FtCallRow) row = ft_call_view_get_selected (self->call_view);
  FtPanelWindow *panel;

  if (row == NULL)
    return;

  panel = ft_panel_window_new (ADW_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                               ft_call_row_get_trace (row), ft_call_row_get_node (row));
  gtk_window_present (GTK_WINDOW (panel));
}

static void
ft_panel_window_class_init (FtPanelWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (FT_TYPE_CALL_VIEW);
  g_type_ensure (FT_TYPE_DETAIL_PANE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowtrace/FlowTrace/ft-panel-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FtPanelWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FtPanelWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FtPanelWindow, call_view);
  gtk_widget_class_bind_template_child (widget_class, FtPanelWindow, detail_pane);

  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.open-panel", NULL, open_panel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.open-panel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
ft_panel_window_init (FtPanelWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->node = FT_NODE_NONE;
  g_signal_connect_object (self->call_view, "row-selected", G_CALLBACK (on_row_selected_cb), self, G_CONNECT_SWAPPED);
}

FtPanelWindow *
ft_panel_window_new (AdwApplication *application,
                     FtTrace        *trace,
                     FtNodeId        node)
{
  FtPanelWindow *self;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *file = NULL;

  g_return_val_if_fail (FT_IS_TRACE (trace), NULL);
  g_return_val_if_fail (node < ft_trace_get_n_nodes (trace), NULL);

  self = g_object_new (FT_TYPE_PANEL_WINDOW, "application", application, NULL);
  self->node = node;

  name = ft_trace_dup_display_name (trace, node);
  file = g_file_get_basename (ft_trace_get_file (trace));
  /* Translators: title of a panel window showing one call, e.g. "Cart.total — trace.json" */
  title = g_strdup_printf (_("%s — %s"), name, file);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, file);

  ft_call_view_set_trace (self->call_view, trace, node);
  ft_call_view_reveal (self->call_view, node);
  {
    GtkTreeListModel *tree = ft_call_view_get_tree_model (self->call_view);
    g_autoptr(GtkTreeListRow) row = gtk_tree_list_model_get_child_row (tree, 0);

    if (row != NULL)
      gtk_tree_list_row_set_expanded (row, TRUE);
  }

  return self;
}

FtCallView *
ft_panel_window_get_call_view (FtPanelWindow *self)
{
  g_return_val_if_fail (FT_IS_PANEL_WINDOW (self), NULL);

  return self->call_view;
}

FtNodeId
ft_panel_window_get_node (FtPanelWindow *self)
{
  g_return_val_if_fail (FT_IS_PANEL_WINDOW (self), FT_NODE_NONE);

  return self->node;
}
