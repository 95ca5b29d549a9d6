/* ft-source-view.c: the lines around a call's file:line
 *
 * SPDX-License-Identifier: MIT
 *
 * A plain monospace GtkTextView: a few lines need no new dependency.
 * Paths the tracer wrote relative to the script's folder are found through
 * the run's "cwd" or next to the trace.
 */

#define G_LOG_DOMAIN "ft-source-view"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "ft-source-view.h"

#define CONTEXT_LINES 6
#define MAX_SOURCE_SIZE (8 << 20)

struct _FtSourceView
{
  GtkWidget    parent_instance;

  GtkLabel    *location_label;
  GtkLabel    *note_label;
  GtkTextView *text_view;
  GtkWidget   *open_button;

  GFile       *file;
  guint        line;
};

G_DEFINE_FINAL_TYPE (FtSourceView, ft_source_view, GTK_TYPE_WIDGET)

static GFile *
resolve (FtTrace    *trace,
         const char *path)
{
  JsonObject *meta = ft_trace_get_metadata (trace);
  const char *cwd = NULL;
  g_autoptr(GFile) dir = NULL;

  if (g_path_is_absolute (path))
    return g_file_new_for_path (path);
  if (meta != NULL && json_object_has_member (meta, "cwd") &&
      JSON_NODE_HOLDS_VALUE (json_object_get_member (meta, "cwd")))
    cwd = json_object_get_string_member (meta, "cwd");
  if (cwd != NULL)
    {
      g_autoptr(GFile) in_cwd = g_file_new_build_filename (cwd, path, NULL);

      if (g_file_query_exists (in_cwd, NULL))
        return g_steal_pointer (&in_cwd);
    }
  dir = g_file_get_parent (ft_trace_get_file (trace));
  return dir != NULL ? g_file_resolve_relative_path (dir, path) : g_file_new_for_path (path);
}

/* A text view measures its lines in idle steps over several frames, so
 * the box would grow a line at a time after each selection: ask for the
 * height of @n_lines at once. */
static void
reserve_lines (FtSourceView *self,
               guint         n_lines)
{
  GtkWidget *view = GTK_WIDGET (self->text_view);
  PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (view), NULL, NULL);
  int line = MAX (pango_font_metrics_get_height (metrics),
                  pango_font_metrics_get_ascent (metrics) + pango_font_metrics_get_descent (metrics));

  pango_font_metrics_unref (metrics);
  gtk_widget_set_size_request (view, -1,
                               PANGO_PIXELS_CEIL (line * (int) n_lines)
                               + gtk_text_view_get_top_margin (self->text_view)
                               + gtk_text_view_get_bottom_margin (self->text_view));
}

/* Numbered lines around line; the call's own line is marked. */
static void
fill_text (FtSourceView *self,
           const char   *contents)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  guint n = g_strv_length (lines);
  guint first = self->line > CONTEXT_LINES ? self->line - CONTEXT_LINES : 1;
  guint last = MIN (self->line + CONTEXT_LINES, n);
  GtkTextIter start, end;

  gtk_text_buffer_set_text (buffer, "", 0);
  for (guint i = first; i <= last; i++)
    {
      g_autofree char *text = g_strdup_printf ("%s%5u  %s", i > first ? "\n" : "", i,
                                               g_utf8_validate (lines[i - 1], -1, NULL) ? lines[i - 1] : "");

      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_insert (buffer, &end, text, -1);
    }
  reserve_lines (self, last >= first ? last - first + 1 : 1);
  if (self->line >= first && self->line <= last)
    {
      gtk_text_buffer_get_iter_at_line (buffer, &start, self->line - first);
      end = start;
      gtk_text_iter_forward_to_line_end (&end);
      gtk_text_buffer_apply_tag_by_name (buffer, "call-line", &start, &end);
    }
}

static void
show_note (FtSourceView *self,
           const char   *note)
{
  gtk_label_set_text (self->note_label, note);
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->text_view), note == NULL);
}

static guint
count_lines (const char *text,
             gsize       len)
{
  guint n = 1;

  for (gsize i = 0; i < len; i++)
    n += text[i] == '\n';
  return n;
}

static void
load_source (FtSourceView *self)
{
  g_autofree char *contents = NULL;
  g_autofree char *path = g_file_get_path (self->file);
  g_autofree char *note = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  GStatBuf st;

  if (path == NULL || g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    note = g_strdup_printf (_("The source file is not on this computer: %s"),
                            path != NULL ? path : g_file_peek_path (self->file));
  else if (st.st_size > MAX_SOURCE_SIZE)
    note = g_strdup (_("The source file is too large to show here; open it in an editor"));
  else if (!g_file_get_contents (path, &contents, &len, &error))
    note = g_strdup_printf (_("The source file could not be read: %s"), error->message);
  else if (self->line == 0 || self->line > count_lines (contents, len))
    note = g_strdup (_("The call’s line is not in the file as it is now"));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "source.open", contents != NULL);
  show_note (self, note);
  if (note == NULL)
    fill_text (self, contents);
}

void
ft_source_view_show_call (FtSourceView *self,
                          FtTrace      *trace,
                          FtNodeId      node)
{
  const char *path;
  g_autofree char *location = NULL;

  g_return_if_fail (FT_IS_SOURCE_VIEW (self));
  g_return_if_fail (FT_IS_TRACE (trace));

  g_clear_object (&self->file);
  path = ft_trace_get_file_name (trace, node);
  self->line = ft_trace_get_line (trace, node);
  /* Threads, groups and the original tool's files have no location. */
  gtk_widget_set_visible (GTK_WIDGET (self), path != NULL && path[0] != '\0' && path[0] != '<');
  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    return;

  self->file = resolve (trace, path);
  location = g_strdup_printf ("%s:%u", path, self->line);
  gtk_label_set_text (self->location_label, location);
  load_source (self);
}

GFile *
ft_source_view_get_file (FtSourceView *self)
{
  g_return_val_if_fail (FT_IS_SOURCE_VIEW (self), NULL);

  return self->file;
}

char *
ft_source_view_dup_text (FtSourceView *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (FT_IS_SOURCE_VIEW (self), NULL);

  if (gtk_widget_get_visible (GTK_WIDGET (self->note_label)))
    return g_strdup (gtk_label_get_text (self->note_label));
  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
on_launched_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GtkWidget) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not open the source file: %s"), error->message);

      gtk_widget_activate_action (self, "win.toast", "s", message);
    }
}

/* Through the desktop's default handler (GtkFileLauncher is GTK 4.10). */
static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  FtSourceView *self = FT_SOURCE_VIEW (widget);
  g_autoptr(GdkAppLaunchContext) context = NULL;
  g_autofree char *uri = NULL;

  if (self->file == NULL)
    return;
  uri = g_file_get_uri (self->file);
  context = gdk_display_get_app_launch_context (gtk_widget_get_display (widget));
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), NULL,
                                           on_launched_cb, g_object_ref (widget));
}

static void
ft_source_view_dispose (GObject *object)
{
  FtSourceView *self = FT_SOURCE_VIEW (object);
  GtkWidget *child;

  g_clear_object (&self->file);
  gtk_widget_dispose_template (GTK_WIDGET (self), FT_TYPE_SOURCE_VIEW);
  /* The outer box is not a bound child. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ft_source_view_parent_class)->dispose (object);
}

static void
ft_source_view_class_init (FtSourceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ft_source_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowtrace/FlowTrace/ft-source-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FtSourceView, location_label);
  gtk_widget_class_bind_template_child (widget_class, FtSourceView, note_label);
  gtk_widget_class_bind_template_child (widget_class, FtSourceView, text_view);
  gtk_widget_class_bind_template_child (widget_class, FtSourceView, open_button);
  gtk_widget_class_install_action (widget_class, "source.open", NULL, open_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ft_source_view_init (FtSourceView *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_create_tag (buffer, "call-line", "weight", PANGO_WEIGHT_BOLD,
                              "paragraph-background", "rgba(53,132,228,0.25)", NULL);
}
