/* ft-filter-bar.c: filter the call tree by module, class, duration, time and errors
 *
 * SPDX-License-Identifier: MIT
 *
 * The bar turns its fields into an FtTraceFilter and the trace into an
 * in-memory subset of the matching calls and their callers.  The window
 * shows that subset with its usual tree, details and search, so nothing
 * else needs to know about filters.
 */

#define G_LOG_DOMAIN "ft-filter-bar"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "core/ft-trace-filter.h"
#include "core/ft-trace-subset.h"
#include "core/ft-trace-writer.h"
#include "ft-filter-bar.h"

struct _FtFilterBar
{
  GtkWidget       parent_instance;

  GtkRevealer    *revealer;
  GtkEntry       *module_entry;
  GtkEntry       *class_entry;
  GtkEntry       *min_entry;
  GtkEntry       *max_entry;
  GtkEntry       *from_entry;
  GtkEntry       *to_entry;
  GtkCheckButton *errors_check;
  GtkLabel       *status_label;

  FtTrace        *trace;
  FtTrace        *view;      /* subset, or NULL when showing all */
  GtkNativeDialog *chooser;
};

enum { VIEW_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FtFilterBar, ft_filter_bar, GTK_TYPE_WIDGET)

/* Milliseconds, or unset when empty; a text that is not a number is
 * marked and ignored. */
static double
ms_value (GtkEntry *entry,
          double    unset)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end = NULL;
  double v;

  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  if (copy[0] == '\0')
    return unset;
  v = g_ascii_strtod (copy, &end);
  if (end == NULL || *end != '\0' || !isfinite (v) || v < 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return unset;
    }
  return v;
}

static FtTraceFilter *
read_filter (FtFilterBar *self)
{
  FtTraceFilter *filter = ft_trace_filter_new ();

  ft_trace_filter_set_module (filter, gtk_editable_get_text (GTK_EDITABLE (self->module_entry)));
  ft_trace_filter_set_class (filter, gtk_editable_get_text (GTK_EDITABLE (self->class_entry)));
  ft_trace_filter_set_duration (filter, ms_value (self->min_entry, NAN), ms_value (self->max_entry, NAN));
  ft_trace_filter_set_time_window (filter, ms_value (self->from_entry, -1), ms_value (self->to_entry, -1));
  ft_trace_filter_set_errors_only (filter, gtk_check_button_get_active (self->errors_check));
  return filter;
}

static void
show_status (FtFilterBar  *self,
             FtVisibleSet *set)
{
  g_autofree char *text = NULL;

  if (set == NULL)
    text = g_strdup (_("All calls"));
  else
    text = g_strdup_printf (ngettext ("%u of %u call matches", "%u of %u calls match",
                                      ft_trace_get_n_calls (self->trace)),
                            set->n_matches, ft_trace_get_n_calls (self->trace));
  gtk_label_set_text (self->status_label, text);
}

static void
refilter (FtFilterBar *self)
{
  g_autoptr(FtTraceFilter) filter = read_filter (self);
  g_autoptr(FtVisibleSet) set = NULL;
  gboolean was_filtering = self->view != NULL;

  g_clear_object (&self->view);
  if (self->trace != NULL && gtk_revealer_get_reveal_child (self->revealer) &&
      !ft_trace_filter_is_empty (filter))
    {
      set = ft_trace_filter_compute (filter, self->trace, NULL);
      self->view = ft_trace_new_subset (self->trace, set);
    }
  show_status (self, set);
  if (was_filtering || self->view != NULL)
    g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

static void
ft_filter_bar_dispose (GObject *object)
{
  FtFilterBar *self = FT_FILTER_BAR (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->view);
  g_clear_object (&self->trace);
  gtk_widget_dispose_template (GTK_WIDGET (self), FT_TYPE_FILTER_BAR);

  G_OBJECT_CLASS (ft_filter_bar_parent_class)->dispose (object);
}

static void
ft_filter_bar_class_init (FtFilterBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ft_filter_bar_dispose;

  /* The shown trace changed: ft_filter_bar_get_view_trace() says to what. */
  signals[VIEW_CHANGED] = g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowtrace/FlowTrace/ft-filter-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, FtFilterBar, revealer);
  gtk_widget_class_bind_template_child (widget_class, FtFilterBar, module_entry);
  gtk_widget_class_bind_template_child (widget_class, FtFilterBar, class_entry);
  gtk_widget_class_bind_template_child (widget_class, FtFilterBar, min_entry);
  gtk_widget_class_bind_template_child (widget_class, FtFilterBar, max_entry);
  gtk_widget_class_bind_template_child (widget_class, FtFilterBar, from_entry);
  gtk_widget_class_bind_template_child (widget_class, FtFilterBar, to_entry);
  gtk_widget_class_bind_template_child (widget_class, FtFilterBar, errors_check);
  gtk_widget_class_bind_template_child (widget_class, FtFilterBar, status_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ftfilterbar");
}

static void
ft_filter_bar_init (FtFilterBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->module_entry, "changed", G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->class_entry, "changed", G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->min_entry, "changed", G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->max_entry, "changed", G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->from_entry, "changed", G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->to_entry, "changed", G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->errors_check, "toggled", G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
  show_status (self, NULL);
}

void
ft_filter_bar_set_trace (FtFilterBar *self,
                         FtTrace     *trace)
{
  g_return_if_fail (FT_IS_FILTER_BAR (self));
  g_return_if_fail (trace == NULL || FT_IS_TRACE (trace));

  g_set_object (&self->trace, trace);
  refilter (self);
}

FtTrace *
ft_filter_bar_get_view_trace (FtFilterBar *self)
{
  g_return_val_if_fail (FT_IS_FILTER_BAR (self), NULL);

  return self->view != NULL ? self->view : self->trace;
}

gboolean
ft_filter_bar_is_filtering (FtFilterBar *self)
{
  g_return_val_if_fail (FT_IS_FILTER_BAR (self), FALSE);

  return self->view != NULL;
}

gboolean
ft_filter_bar_get_revealed (FtFilterBar *self)
{
  g_return_val_if_fail (FT_IS_FILTER_BAR (self), FALSE);

  return gtk_revealer_get_reveal_child (self->revealer);
}

/* Closing the bar shows every call again; opening it applies its fields. */
void
ft_filter_bar_set_revealed (FtFilterBar *self,
                            gboolean     revealed)
{
  g_return_if_fail (FT_IS_FILTER_BAR (self));

  gtk_revealer_set_reveal_child (self->revealer, revealed);
  if (revealed)
    gtk_widget_grab_focus (GTK_WIDGET (self->module_entry));
  refilter (self);
}

gboolean
ft_filter_bar_export (FtFilterBar  *self,
                      GFile        *file,
                      GError      **error)
{
  FtTrace *view;

  g_return_val_if_fail (FT_IS_FILTER_BAR (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  view = ft_filter_bar_get_view_trace (self);
  if (view == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Open a trace first"));
      return FALSE;
    }
  return ft_trace_write_visible_to_file (view, NULL, file, NULL, error);
}

static void
on_chooser_response_cb (FtFilterBar          *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  g_clear_object (&self->chooser);
  if (response != GTK_RESPONSE_ACCEPT || file == NULL)
    return;
  if (ft_filter_bar_export (self, file, &error))
    {
      g_autofree char *name = g_file_get_basename (file);

      message = g_strdup_printf (_("Filtered view saved as “%s”"), name);
    }
  else
    message = g_strdup (error->message);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static char *
suggested_name (FtFilterBar *self)
{
  g_autofree char *base = g_file_get_basename (ft_trace_get_file (self->trace));
  char *dot = strrchr (base, '.');

  if (dot != NULL && g_str_equal (dot, ".json"))
    *dot = '\0';
  return g_strconcat (base, "-filtered.json", NULL);
}

void
ft_filter_bar_choose_export (FtFilterBar *self)
{
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;
  g_autoptr(GFile) folder = NULL;

  g_return_if_fail (FT_IS_FILTER_BAR (self));

  if (self->trace == NULL || self->chooser != NULL)
    return;
  chooser = gtk_file_chooser_native_new (_("Export Filtered View"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  name = suggested_name (self);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  folder = g_file_get_parent (ft_trace_get_file (self->trace));
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}
