/* ft-export-dialog.c: send the open trace to an OTLP receiver
 *
 * SPDX-License-Identifier: MIT
 *
 * Endpoint, service name, encoding and gzip are remembered in GSettings;
 * header values (tokens) are not: they live in the password row while
 * the dialog is open and nowhere else.  The export runs in the core's
 * worker thread; the dialog shows its progress, Cancel stops it, and the
 * result goes to the window as a toast.  A failed export keeps the dialog
 * open with the receiver's message so the fields can be corrected.
 */

#define G_LOG_DOMAIN "ft-export-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "core/ft-otlp-exporter.h"
#include "ft-export-dialog.h"

struct _FtExportDialog
{
  AdwWindow             parent_instance;

  AdwEntryRow          *endpoint_row;
  AdwEntryRow          *service_row;
  AdwPasswordEntryRow  *headers_row;
  AdwComboRow          *encoding_row;
  GtkSwitch            *gzip_switch;
  GtkSpinButton        *min_duration_spin;
  GtkSpinButton        *max_depth_spin;
  GtkSwitch            *trace_per_call_switch;
  GtkWidget            *filters_group;
  GtkProgressBar       *progress_bar;
  GtkLabel             *status_label;
  GtkButton            *export_button;
  GtkButton            *cancel_button;
  GtkWidget            *fields_group;

  GtkWindow            *parent;     /* weak */
  FtTrace              *trace;
  GSettings            *settings;
  GCancellable         *cancellable;
  char                 *stem;
  gboolean              closed;
};

G_DEFINE_FINAL_TYPE (FtExportDialog, ft_export_dialog, ADW_TYPE_WINDOW)

enum { FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
toast (FtExportDialog *self,
       const char     *text)
{
  if (self->parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->parent), "win.toast", "s", text);
}

static void
set_busy (FtExportDialog *self,
          gboolean        busy)
{
  gtk_widget_set_sensitive (self->fields_group, !busy);
  gtk_widget_set_sensitive (self->filters_group, !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  if (busy)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_progress_bar_set_text (self->progress_bar, _("Preparing spans…"));
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
    }
}

static void
show_error (FtExportDialog *self,
            const char     *message)
{
  gtk_label_set_text (self->status_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
}

static void
save_settings (FtExportDialog *self)
{
  const char *service = gtk_editable_get_text (GTK_EDITABLE (self->service_row));

  g_settings_set_string (self->settings, "otlp-endpoint",
                         gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row)));
  /* The trace's own name is the default, not a choice to carry over. */
  g_settings_set_string (self->settings, "otlp-service",
                         g_strcmp0 (service, self->stem) == 0 ? "" : service);
  g_settings_set_string (self->settings, "otlp-encoding",
                         adw_combo_row_get_selected (self->encoding_row) == 1 ? "json" : "protobuf");
  g_settings_set_boolean (self->settings, "otlp-gzip", gtk_switch_get_active (self->gzip_switch));
}

static void
progress_cb (guint64  sent,
             guint64  total,
             gpointer user_data)
{
  FtExportDialog *self = user_data;
  g_autofree char *text = NULL;
  g_autofree char *sent_text = NULL;
  g_autofree char *total_text = NULL;

  if (self->cancellable == NULL || total == 0)
    return;
  sent_text = g_strdup_printf ("%" G_GUINT64_FORMAT, sent);
  total_text = g_strdup_printf ("%" G_GUINT64_FORMAT, total);
  /* Translators: export progress, e.g. "2048 of 70000 spans sent" */
  text = g_strdup_printf (_("%s of %s spans sent"), sent_text, total_text);
  gtk_progress_bar_set_fraction (self->progress_bar, (double) sent / (double) total);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
on_exported_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FtExportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *text = NULL;
  FtOtlpReport report = { 0 };
  gboolean ok;

  ok = ft_otlp_exporter_export_finish (FT_OTLP_EXPORTER (object), result, &report, &error);
  g_clear_object (&self->cancellable);
  summary = ft_otlp_report_to_string (&report);

  /* Closed while exporting: only the window hears how it ended. */
  if (self->closed)
    {
      text = g_strdup_printf (ok ? _("Exported to OTLP: %s") : _("Export canceled: %s"), summary);
      toast (self, text);
      g_signal_emit (self, signals[FINISHED], 0, ok, text);
      return;
    }

  set_busy (self, FALSE);

  if (ok)
    {
      /* Translators: toast after an export; %s is the report */
      text = g_strdup_printf (_("Exported to OTLP: %s"), summary);
      toast (self, text);
      g_signal_emit (self, signals[FINISHED], 0, TRUE, text);
      self->closed = TRUE;
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = g_strdup_printf (_("Export canceled: %s"), summary);
  else
    text = g_strdup_printf (_("Export failed: %s"), error->message);
  toast (self, text);
  show_error (self, text);
  g_signal_emit (self, signals[FINISHED], 0, FALSE, text);
}

static gboolean
add_headers (FtExportDialog  *self,
             FtOtlpExporter  *exporter,
             GError         **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->headers_row));
  g_auto(GStrv) parts = g_strsplit (text, ";", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0' && !ft_otlp_exporter_add_header_text (exporter, parts[i], error))
        return FALSE;
    }
  return TRUE;
}

void
ft_export_dialog_start (FtExportDialog *self)
{
  g_autoptr(FtOtlpExporter) exporter = NULL;
  g_autoptr(GError) error = NULL;
  FtOtlpOptions options;

  g_return_if_fail (FT_IS_EXPORT_DIALOG (self));

  if (self->cancellable != NULL)
    return;

  ft_otlp_options_init (&options);
  options.service_name = (char *) gtk_editable_get_text (GTK_EDITABLE (self->service_row));
  options.encoding = adw_combo_row_get_selected (self->encoding_row) == 1
                     ? FT_OTLP_ENCODING_JSON : FT_OTLP_ENCODING_PROTOBUF;
  options.gzip = gtk_switch_get_active (self->gzip_switch);
  options.min_duration_ms = gtk_spin_button_get_value (self->min_duration_spin);
  options.max_depth = gtk_spin_button_get_value_as_int (self->max_depth_spin);
  options.trace_per_call = gtk_switch_get_active (self->trace_per_call_switch);

  exporter = ft_otlp_exporter_new (gtk_editable_get_text (GTK_EDITABLE (self->endpoint_row)), &options, &error);
  if (exporter == NULL || !add_headers (self, exporter, &error))
    {
      show_error (self, error->message);
      g_signal_emit (self, signals[FINISHED], 0, FALSE, error->message);
      return;
    }

  save_settings (self);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  ft_otlp_exporter_export_async (exporter, self->trace, self->cancellable,
                                 progress_cb, g_object_ref (self), g_object_unref,
                                 on_exported_cb, g_object_ref (self));
}

gboolean
ft_export_dialog_is_busy (FtExportDialog *self)
{
  g_return_val_if_fail (FT_IS_EXPORT_DIALOG (self), FALSE);

  return self->cancellable != NULL;
}

static void
on_export_clicked_cb (FtExportDialog *self,
                      GtkButton      *button)
{
  ft_export_dialog_start (self);
}

/* Cancel stops a running export; otherwise it closes the dialog. */
static void
on_cancel_clicked_cb (FtExportDialog *self,
                      GtkButton      *button)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_close (GTK_WINDOW (self));
}

static gboolean
ft_export_dialog_close_request (GtkWindow *window)
{
  FtExportDialog *self = FT_EXPORT_DIALOG (window);

  self->closed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (ft_export_dialog_parent_class)->close_request (window);
}

static void
ft_export_dialog_dispose (GObject *object)
{
  FtExportDialog *self = (FtExportDialog *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_weak_pointer (&self->parent);
  g_clear_object (&self->trace);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->stem, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), FT_TYPE_EXPORT_DIALOG);

  G_OBJECT_CLASS (ft_export_dialog_parent_class)->dispose (object);
}

static void
ft_export_dialog_class_init (FtExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ft_export_dialog_dispose;
  window_class->close_request = ft_export_dialog_close_request;

  /* Emitted when an export ends (or cannot start): success and the
   * message shown. */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowtrace/FlowTrace/ft-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, service_row);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, headers_row);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, encoding_row);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, gzip_switch);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, export_button);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, fields_group);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, min_duration_spin);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, max_depth_spin);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, trace_per_call_switch);
  gtk_widget_class_bind_template_child (widget_class, FtExportDialog, filters_group);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ft_export_dialog_init (FtExportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->export_button, "clicked", G_CALLBACK (on_export_clicked_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->endpoint_row, "entry-activated", G_CALLBACK (on_export_clicked_cb), self, G_CONNECT_SWAPPED);
}

static void
load_settings (FtExportDialog *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "otlp-endpoint");
  g_autofree char *service = g_settings_get_string (self->settings, "otlp-service");
  g_autofree char *encoding = g_settings_get_string (self->settings, "otlp-encoding");

  gtk_editable_set_text (GTK_EDITABLE (self->endpoint_row), endpoint);
  gtk_editable_set_text (GTK_EDITABLE (self->service_row), service[0] ? service : self->stem);
  adw_combo_row_set_selected (self->encoding_row, g_str_equal (encoding, "json") ? 1 : 0);
  gtk_switch_set_active (self->gzip_switch, g_settings_get_boolean (self->settings, "otlp-gzip"));
}

FtExportDialog *
ft_export_dialog_new (GtkWindow *parent,
                      FtTrace   *trace)
{
  FtExportDialog *self;
  g_autofree char *base = NULL;
  char *dot;

  g_return_val_if_fail (FT_IS_TRACE (trace), NULL);

  self = g_object_new (FT_TYPE_EXPORT_DIALOG, "transient-for", parent, NULL);
  g_set_weak_pointer (&self->parent, parent);
  self->trace = g_object_ref (trace);
  base = g_file_get_basename (ft_trace_get_file (trace));
  if ((dot = strrchr (base, '.')) != NULL && dot != base)
    *dot = '\0';
  self->stem = g_steal_pointer (&base);
  load_settings (self);

  return self;
}
