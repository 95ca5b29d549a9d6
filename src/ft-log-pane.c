/* ft-log-pane.c
 *
 * SPDX-License-Identifier: MIT
 *
 * Below the call tree: how the run is going (calls so far, elapsed
 * time) or how it ended (exit status, the tracer's finish line, the
 * trace file), and the script's stdout and stderr as they come.
 */

#define G_LOG_DOMAIN "ft-log-pane"

#include "config.h"

#include <glib/gi18n.h>

#include "ft-log-pane.h"

/* Enough to read a run's story; a script printing without end must not
 * grow the buffer without end. */
#define MAX_LINES 5000

struct _FtLogPane
{
  GtkBox       parent_instance;

  GtkSpinner  *spinner;
  GtkImage    *status_icon;
  GtkLabel    *status_label;
  GtkLabel    *detail_label;
  GtkLabel    *trace_label;
  GtkWidget   *cancel_button;
  GtkWidget   *rerun_button;
  GtkTextView *text_view;
  GtkScrolledWindow *scroller;

  /* Lines not yet in the buffer: a script printing fast is shown in
   * batches, not one buffer change and scroll per line. */
  GString     *pending;
  FtRunStream  pending_stream;
  guint        flush_source;
  guint        follow : 1;
  guint        is_error : 1;
};

G_DEFINE_FINAL_TYPE (FtLogPane, ft_log_pane, GTK_TYPE_BOX)

static void
set_status (FtLogPane  *self,
            const char *status,
            const char *detail)
{
  gtk_label_set_text (self->status_label, status);
  gtk_label_set_text (self->detail_label, detail ? detail : "");
}

static void
set_icon (FtLogPane  *self,
          const char *icon_name,
          const char *css_class)
{
  GtkWidget *icon = GTK_WIDGET (self->status_icon);

  gtk_widget_remove_css_class (icon, "error");
  gtk_widget_remove_css_class (icon, "success");
  gtk_widget_remove_css_class (icon, "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_set_visible (icon, icon_name != NULL);
  if (icon_name == NULL)
    return;

  gtk_image_set_from_icon_name (self->status_icon, icon_name);
  gtk_widget_add_css_class (icon, css_class);
}

static void
set_running (FtLogPane *self,
             gboolean   running)
{
  gtk_spinner_set_spinning (self->spinner, running);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), running);
  gtk_widget_set_visible (self->cancel_button, running);
  gtk_widget_set_visible (self->rerun_button, !running);
}

/* Starts a new run: the log is emptied. */
void
ft_log_pane_start (FtLogPane *self,
                   FtRunner  *runner)
{
  g_autofree char *name = NULL;
  g_autofree char *status = NULL;

  g_return_if_fail (FT_IS_LOG_PANE (self));
  g_return_if_fail (FT_IS_RUNNER (runner));

  name = g_path_get_basename (ft_runner_get_script (runner));
  /* Translators: %s is a script's file name */
  status = g_strdup_printf (_("Running %s"), name);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_string_truncate (self->pending, 0);
  self->follow = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", 0);
  self->is_error = FALSE;
  set_icon (self, NULL, NULL);
  set_status (self, status, _("Starting…"));
  gtk_label_set_text (self->trace_label, "");
  set_running (self, TRUE);
}

static void
trim_lines (GtkTextBuffer *buffer)
{
  int extra = gtk_text_buffer_get_line_count (buffer) - MAX_LINES;
  GtkTextIter start, end;

  if (extra <= 0)
    return;

  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_get_iter_at_line (buffer, &end, extra);
  gtk_text_buffer_delete (buffer, &start, &end);
}

static const char *
stream_tag (FtRunStream stream)
{
  if (stream == FT_RUN_STREAM_STDERR)
    return "stderr";
  if (stream == FT_RUN_STREAM_TRACER)
    return "tracer";

  return NULL;
}

/* Like a terminal: the view keeps to the end as lines come (and old
 * ones go, which moves the text under it) until the user scrolls up;
 * scrolling back down to the end follows again. */
static void
keep_to_end (FtLogPane     *self,
             GtkAdjustment *adjustment)
{
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  if (!self->follow && gtk_adjustment_get_value (adjustment) >= bottom - 2.0)
    self->follow = TRUE;
  if (self->follow && gtk_adjustment_get_value (adjustment) < bottom)
    gtk_adjustment_set_value (adjustment, bottom);
}

static gboolean
on_scroll_cb (FtLogPane                *self,
              double                    dx,
              double                    dy,
              GtkEventControllerScroll *controller)
{
  if (dy < 0)
    self->follow = FALSE;

  return FALSE;
}

static void
flush_pending (FtLogPane *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter end;

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->pending->len == 0)
    return;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert_with_tags_by_name (buffer, &end, self->pending->str, self->pending->len,
                                            stream_tag (self->pending_stream), NULL);
  g_string_truncate (self->pending, 0);
  trim_lines (buffer);
}

static gboolean
flush_cb (gpointer user_data)
{
  FtLogPane *self = user_data;

  self->flush_source = 0;
  flush_pending (self);
  return G_SOURCE_REMOVE;
}

/* One line of output; stderr and the tracer's own lines are tinted. */
void
ft_log_pane_append (FtLogPane   *self,
                    FtRunStream  stream,
                    const char  *line)
{
  g_return_if_fail (FT_IS_LOG_PANE (self));
  g_return_if_fail (line != NULL);

  if (self->pending->len > 0 && stream != self->pending_stream)
    flush_pending (self);

  self->pending_stream = stream;
  g_string_append (self->pending, line);
  g_string_append_c (self->pending, '\n');
  if (self->flush_source == 0)
    self->flush_source = g_timeout_add (50, flush_cb, self);
}

void
ft_log_pane_set_progress (FtLogPane *self,
                          guint64    calls,
                          double     elapsed)
{
  g_autofree char *text = NULL;
  g_autofree char *count = NULL;

  g_return_if_fail (FT_IS_LOG_PANE (self));

  count = g_strdup_printf ("%" G_GUINT64_FORMAT, calls);
  /* Translators: run progress, e.g. "1234 calls · 3.2 s" */
  text = g_strdup_printf (ngettext ("%s call · %.1f s", "%s calls · %.1f s", (gulong) MIN (calls, G_MAXULONG)),
                          count, elapsed);
  gtk_label_set_text (self->detail_label, text);
}

void
ft_log_pane_set_trace_path (FtLogPane  *self,
                            const char *path)
{
  g_autofree char *text = NULL;

  g_return_if_fail (FT_IS_LOG_PANE (self));

  /* Translators: %s is the path of a trace file */
  text = path ? g_strdup_printf (_("Trace: %s"), path) : NULL;
  gtk_label_set_text (self->trace_label, text ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->trace_label), path);
}

/* How the run ended: @error when it could not run or left no trace. */
void
ft_log_pane_finish (FtLogPane    *self,
                    FtRunner     *runner,
                    const GError *error)
{
  g_autofree char *status = NULL;

  g_return_if_fail (FT_IS_LOG_PANE (self));
  g_return_if_fail (FT_IS_RUNNER (runner));

  flush_pending (self);
  set_running (self, FALSE);
  if (error != NULL)
    {
      self->is_error = TRUE;
      set_icon (self, "dialog-error-symbolic", "error");
      set_status (self, _("Could not run the script"), error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
      return;
    }

  status = ft_runner_dup_status_text (runner);
  self->is_error = !ft_runner_succeeded (runner);
  if (ft_runner_was_cancelled (runner))
    set_icon (self, "process-stop-symbolic", "warning");
  else if (self->is_error)
    set_icon (self, "dialog-error-symbolic", "error");
  else
    set_icon (self, "object-select-symbolic", "success");
  if (self->is_error && !ft_runner_was_cancelled (runner))
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  set_status (self, status, ft_runner_get_finish_line (runner));
  ft_log_pane_set_trace_path (self, ft_runner_get_output (runner));
}

/* Everything in the log, for tests and copying. */
char *
ft_log_pane_dup_text (FtLogPane *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (FT_IS_LOG_PANE (self), NULL);

  flush_pending (self);
  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

const char *
ft_log_pane_get_status (FtLogPane *self)
{
  g_return_val_if_fail (FT_IS_LOG_PANE (self), NULL);

  return gtk_label_get_text (self->status_label);
}

const char *
ft_log_pane_get_detail (FtLogPane *self)
{
  g_return_val_if_fail (FT_IS_LOG_PANE (self), NULL);

  return gtk_label_get_text (self->detail_label);
}

gboolean
ft_log_pane_is_error (FtLogPane *self)
{
  g_return_val_if_fail (FT_IS_LOG_PANE (self), FALSE);

  return self->is_error;
}

static void
ft_log_pane_dispose (GObject *object)
{
  FtLogPane *self = FT_LOG_PANE (object);

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->pending != NULL)
    g_string_free (g_steal_pointer (&self->pending), TRUE);
  gtk_widget_dispose_template (GTK_WIDGET (object), FT_TYPE_LOG_PANE);

  G_OBJECT_CLASS (ft_log_pane_parent_class)->dispose (object);
}

static void
ft_log_pane_class_init (FtLogPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ft_log_pane_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowtrace/FlowTrace/ft-log-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, FtLogPane, spinner);
  gtk_widget_class_bind_template_child (widget_class, FtLogPane, status_icon);
  gtk_widget_class_bind_template_child (widget_class, FtLogPane, status_label);
  gtk_widget_class_bind_template_child (widget_class, FtLogPane, detail_label);
  gtk_widget_class_bind_template_child (widget_class, FtLogPane, trace_label);
  gtk_widget_class_bind_template_child (widget_class, FtLogPane, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, FtLogPane, rerun_button);
  gtk_widget_class_bind_template_child (widget_class, FtLogPane, text_view);
  gtk_widget_class_bind_template_child (widget_class, FtLogPane, scroller);
}

static void
ft_log_pane_init (FtLogPane *self)
{
  GtkTextBuffer *buffer;
  GtkEventController *scroll;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->pending = g_string_new (NULL);
  self->follow = TRUE;
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                           G_CALLBACK (keep_to_end), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (keep_to_end), self, G_CONNECT_SWAPPED);
  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (on_scroll_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), scroll);
  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_create_tag (buffer, "stderr", "foreground", "#e66100", NULL);
  gtk_text_buffer_create_tag (buffer, "tracer", "foreground", "#62a0ea", "style", PANGO_STYLE_ITALIC, NULL);
  set_running (self, FALSE);
}

GtkWidget *
ft_log_pane_new (void)
{
  return g_object_new (FT_TYPE_LOG_PANE, NULL);
}
