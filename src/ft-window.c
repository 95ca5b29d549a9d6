/* ft-window.c
 *
 * SPDX-License-Identifier: MIT
 *
 * Pages: welcome (nothing open), loading (progress and Cancel) and the
 * trace (call tree beside the detail pane).  Loading runs in the core's
 * worker thread; the window only polls its progress.
 */

#define G_LOG_DOMAIN "ft-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ft-application.h"
#include "ft-call-row.h"
#include "ft-call-view.h"
#include "ft-detail-pane.h"
#include "ft-diff-window.h"
#include "ft-export-dialog.h"
#include "ft-hotspots-view.h"
#include "ft-filter-bar.h"
#include "ft-log-pane.h"
#include "ft-panel-window.h"
#include "ft-run-dialog.h"
#include "ft-timeline.h"
#include "ft-window.h"

#define MAX_RECENT 6

/* Recent files are kept per program name: the app's, or a test's. */
static const char *
recent_app_name (void)
{
  return g_get_prgname () ? g_get_prgname () : "flowtrace-gtk";
}

typedef struct
{
  GMutex  mutex;
  guint64 read;
  guint64 total;
} LoadProgress;

struct _FtWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkLabel             *search_count;
  GtkRevealer          *banner;
  GtkLabel             *banner_label;
  GtkStack             *stack;
  AdwStatusPage        *loading_page;
  GtkProgressBar       *progress_bar;
  GtkWidget            *recent_box;
  GtkListBox           *recent_list;
  GtkPaned             *paned;
  FtCallView           *call_view;
  FtDetailPane         *detail_pane;
  AdwStatusPage        *running_page;
  FtLogPane            *log_pane;
  GtkStack             *view_stack;
  GtkWidget            *view_switcher;
  FtTimeline           *timeline;
  FtHotspotsView       *hotspots_view;
  FtFilterBar          *filter_bar;

  GSettings            *settings;
  FtTrace              *trace;
  GCancellable         *cancellable;
  LoadProgress         *progress;
  guint                 progress_source;
  GArray               *matches;
  guint                 match_index;
  /* The run in progress, or the last one */
  FtRunner             *runner;
  GCancellable         *run_cancellable;
  char                 *run_output;      /* -o of the command line, kept for Re-run */
  guint                 run_timer;

  guint                 remember_size : 1;
  guint                 closing : 1;
};

G_DEFINE_FINAL_TYPE (FtWindow, ft_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_VIEW,
  N_PROPS
};

static void set_view_trace (FtWindow *self,
                            FtTrace  *trace);

static void
load_progress_clear (LoadProgress *progress)
{
  g_mutex_clear (&progress->mutex);
}

static void
load_progress_unref (LoadProgress *progress)
{
  g_atomic_rc_box_release_full (progress, (GDestroyNotify) load_progress_clear);
}

/* What one load owns; the loader thread holds @progress until the end. */
typedef struct
{
  GCancellable *cancellable;
  LoadProgress *progress;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->cancellable);
  g_clear_pointer (&data->progress, load_progress_unref);
  g_free (data);
}

/* Called in the loading thread. */
static void
progress_cb (guint64  bytes_read,
             guint64  total_bytes,
             gpointer user_data)
{
  LoadProgress *progress = user_data;

  g_mutex_lock (&progress->mutex);
  progress->read = bytes_read;
  progress->total = total_bytes;
  g_mutex_unlock (&progress->mutex);
}

static gboolean
update_progress_cb (gpointer user_data)
{
  FtWindow *self = user_data;
  guint64 read, total;
  g_autofree char *read_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *text = NULL;

  g_mutex_lock (&self->progress->mutex);
  read = self->progress->read;
  total = self->progress->total;
  g_mutex_unlock (&self->progress->mutex);

  if (total == 0)
    {
      gtk_progress_bar_pulse (self->progress_bar);
      return G_SOURCE_CONTINUE;
    }

  read_text = g_format_size (read);
  total_text = g_format_size (total);
  /* Translators: loading progress, e.g. "12.1 MB of 515.0 MB" */
  text = g_strdup_printf (_("%s of %s"), read_text, total_text);
  gtk_progress_bar_set_fraction (self->progress_bar, (double) read / (double) total);
  gtk_progress_bar_set_text (self->progress_bar, text);

  return G_SOURCE_CONTINUE;
}

static void
stop_progress (FtWindow *self)
{
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_clear_pointer (&self->progress, load_progress_unref);
}

static void
show_toast (FtWindow   *self,
            const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_banner (FtWindow *self)
{
  g_autofree char *text = NULL;

  if (self->trace != NULL && ft_trace_is_salvaged (self->trace))
    text = g_strdup_printf ("%s %s", ft_trace_get_salvage_message (self->trace),
                            _("Calls still open when the file stopped are marked as unfinished."));
  else if (self->trace != NULL && !ft_trace_is_complete (self->trace))
    text = g_strdup (_("The traced run did not end cleanly: calls that never returned are marked as unfinished."));

  gtk_label_set_text (self->banner_label, text ? text : "");
  gtk_revealer_set_reveal_child (self->banner, text != NULL);
}

static void
clear_search (FtWindow *self)
{
  g_clear_pointer (&self->matches, g_array_unref);
  self->match_index = 0;
  gtk_label_set_text (self->search_count, "");
  ft_call_view_set_matches (self->call_view, NULL, FT_NODE_NONE);
}

static gboolean
opens_at_start (FtTrace        *trace,
                GtkTreeListRow *row,
                guint           n_siblings)
{
  g_autoptr(FtCallRow) call = gtk_tree_list_row_get_item (row);
  FtNodeKind kind;

  if (ft_call_row_is_group (call))
    return FALSE;

  kind = ft_trace_get_kind (trace, ft_call_row_get_node (call));
  return n_siblings == 1 || kind == FT_NODE_KIND_THREAD || kind == FT_NODE_KIND_PROCESS;
}

/* A trace opens on its calls, not on one collapsed row: the top-level
 * rows open, and below them threads, processes and only children. */
static void
expand_top_rows (FtWindow *self)
{
  GtkTreeListModel *tree = ft_call_view_get_tree_model (self->call_view);
  guint opened = 0;

  if (tree == NULL)
    return;

  /* Only the first screenful matters; a root may have a million calls. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tree)) && i < 200 && opened < 16; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (tree), i);
      g_autoptr(GtkTreeListRow) parent = gtk_tree_list_row_get_parent (row);
      guint n_siblings;

      if (parent == NULL)
        n_siblings = 1;
      else if (gtk_tree_list_row_get_depth (row) < 3)
        n_siblings = g_list_model_get_n_items (gtk_tree_list_row_get_children (parent));
      else
        continue;

      if (gtk_tree_list_row_is_expandable (row) && opens_at_start (self->trace, row, n_siblings))
        {
          gtk_tree_list_row_set_expanded (row, TRUE);
          opened++;
        }
    }
}

static void
add_recent (FtWindow *self,
            GFile    *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .display_name = NULL,
    .description = NULL,
    .mime_type = (char *) "application/json",
    .app_name = (char *) recent_app_name (),
    .app_exec = (char *) "flowtrace-gtk %u",
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static void
set_trace (FtWindow *self,
           FtTrace  *trace)
{
  g_autofree char *basename = NULL;

  g_set_object (&self->trace, trace);
  clear_search (self);
  ft_call_view_set_trace (self->call_view, trace, FT_NODE_NONE);
  set_view_trace (self, trace);
  update_banner (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-otlp", trace != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-filtered", trace != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare", trace != NULL);
  ft_filter_bar_set_trace (self->filter_bar, trace);

  if (trace == NULL)
    {
      adw_window_title_set_subtitle (self->window_title, "");
      gtk_stack_set_visible_child_name (self->stack, "welcome");
      return;
    }

  basename = g_file_get_basename (ft_trace_get_file (trace));
  adw_window_title_set_subtitle (self->window_title, basename);
  gtk_stack_set_visible_child_name (self->stack, "trace");
  expand_top_rows (self);
  ft_call_view_select_position (self->call_view, 0);
}

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FtWindow *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(FtTrace) trace = NULL;
  GError *error = NULL;

  trace = ft_trace_load_finish (result, &error);

  /* A newer load replaced this one: leave the window to it. */
  if (data->cancellable != self->cancellable)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Loading was replaced by another file"));
      g_clear_error (&error);
      return;
    }

  stop_progress (self);
  g_clear_object (&self->cancellable);

  if (trace == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, self->trace ? "trace" : "welcome");
      g_task_return_error (task, error);
      return;
    }

  set_trace (self, trace);
  add_recent (self, ft_trace_get_file (trace));
  g_task_return_boolean (task, TRUE);
}

/* Loads @file into this window; the window shows progress, and the
 * caller decides what to do with an error. */
void
ft_window_load_async (FtWindow            *self,
                      GFile               *file,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *escaped = NULL;
  LoadData *data;

  g_return_if_fail (FT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  stop_progress (self);

  self->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  self->progress = g_atomic_rc_box_new0 (LoadProgress);
  g_mutex_init (&self->progress->mutex);
  self->progress_source = g_timeout_add (100, update_progress_cb, self);

  task = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (task, ft_window_load_async);
  data = g_new0 (LoadData, 1);
  data->cancellable = g_object_ref (self->cancellable);
  data->progress = g_atomic_rc_box_acquire (self->progress);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  /* The status page's description is Pango markup; a file name is not. */
  basename = g_file_get_basename (file);
  escaped = g_markup_escape_text (basename, -1);
  adw_status_page_set_description (self->loading_page, escaped);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, NULL);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  ft_trace_load_async (file, self->cancellable, progress_cb, data->progress,
                       on_loaded_cb, g_steal_pointer (&task));
}

gboolean
ft_window_load_finish (FtWindow      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
show_error_dialog (FtWindow     *self,
                   const GError *error)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Open the Trace"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_open_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FtWindow *self = FT_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (ft_window_load_finish (self, result, &error))
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_toast (self, _("Loading canceled"));
  else
    show_error_dialog (self, error);
}

void
ft_window_open (FtWindow *self,
                GFile    *file)
{
  g_return_if_fail (FT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  ft_window_load_async (self, file, NULL, on_open_loaded_cb, NULL);
}

static void
on_chooser_response_cb (FtWindow             *self,
                        int                   response,
                        GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    ft_window_open (self, file);

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_object_unref (chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  FtWindow *self = FT_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) json = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Open Trace"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (json, _("Traces (JSON)"));
  gtk_file_filter_add_mime_type (json, "application/json");
  gtk_file_filter_add_suffix (json, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), json);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
cancel_load_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  FtWindow *self = FT_WINDOW (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  show_toast (FT_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
dismiss_banner_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  gtk_revealer_set_reveal_child (FT_WINDOW (widget)->banner, FALSE);
}

static void
expand_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  FtWindow *self = FT_WINDOW (widget);

  ft_call_view_expand_all (self->call_view);
  ft_call_view_select_position (self->call_view, 0);
}

static void
collapse_all_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  FtWindow *self = FT_WINDOW (widget);

  ft_call_view_collapse_all (self->call_view);
  ft_call_view_select_position (self->call_view, 0);
}

static void
open_panel_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  FtWindow *self = FT_WINDOW (widget);
  g_autoptr(FtCallRow) row = ft_call_view_get_selected (self->call_view);
  FtPanelWindow *panel;

  if (row == NULL)
    return;

  panel = ft_panel_window_new (ADW_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))),
                               ft_call_row_get_trace (row), ft_call_row_get_node (row));
  gtk_window_present (GTK_WINDOW (panel));
}

static void
export_otlp_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  FtWindow *self = FT_WINDOW (widget);

  if (self->trace != NULL)
    gtk_window_present (GTK_WINDOW (ft_export_dialog_new (GTK_WINDOW (self), self->trace)));
}

/* Search ------------------------------------------------------------ */

static void
show_match (FtWindow *self)
{
  g_autofree char *count = NULL;
  FtNodeId node;

  if (self->matches == NULL || self->matches->len == 0)
    {
      gtk_label_set_text (self->search_count, self->matches ? _("No matches") : "");
      ft_call_view_set_matches (self->call_view, self->matches, FT_NODE_NONE);
      return;
    }

  node = g_array_index (self->matches, FtNodeId, self->match_index);
  /* Translators: position of the current search match, e.g. "3/17" */
  count = g_strdup_printf (_("%u/%u"), self->match_index + 1, self->matches->len);
  gtk_label_set_text (self->search_count, count);
  ft_call_view_set_matches (self->call_view, self->matches, node);
  ft_call_view_reveal (self->call_view, node);
}

/* Searches the open trace and reveals the first match. */
void
ft_window_search (FtWindow   *self,
                  const char *text)
{
  g_return_if_fail (FT_IS_WINDOW (self));

  clear_search (self);
  if (self->trace == NULL || text == NULL || text[0] == '\0')
    return;

  /* What the tree shows: the filtered view while filters are on. */
  self->matches = ft_trace_search (ft_call_view_get_trace (self->call_view), text, FT_SEARCH_ALL, NULL);
  show_match (self);
}

guint
ft_window_get_n_matches (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), 0);

  return self->matches ? self->matches->len : 0;
}

static void
step_match (FtWindow *self,
            int       step)
{
  guint n;

  if (self->matches == NULL || self->matches->len == 0)
    return;

  n = self->matches->len;
  self->match_index = (self->match_index + n + step) % n;
  show_match (self);
}

static void
search_next_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  step_match (FT_WINDOW (widget), 1);
}

static void
search_previous_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  step_match (FT_WINDOW (widget), -1);
}

/* Filters ------------------------------------------------------------- */

static void
filter_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  FtWindow *self = FT_WINDOW (widget);

  ft_filter_bar_set_revealed (self->filter_bar, !ft_filter_bar_get_revealed (self->filter_bar));
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  FtWindow *self = FT_WINDOW (widget);

  if (self->trace != NULL)
    ft_diff_window_compare_with (GTK_WINDOW (self), self->trace);
}

static void
export_filtered_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  ft_filter_bar_choose_export (FT_WINDOW (widget)->filter_bar);
}

/* Every view shows the same (filtered) trace, so node ids agree. */
static void
on_filter_view_changed_cb (FtWindow    *self,
                           FtFilterBar *bar)
{
  FtTrace *view = ft_filter_bar_get_view_trace (bar);

  clear_search (self);
  ft_call_view_set_trace (self->call_view, view, FT_NODE_NONE);
  set_view_trace (self, view);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  FtWindow *self = FT_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
on_search_changed_cb (FtWindow       *self,
                      GtkSearchEntry *entry)
{
  ft_window_search (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_search_activate_cb (FtWindow       *self,
                       GtkSearchEntry *entry)
{
  step_match (self, 1);
}

static void
on_search_previous_cb (FtWindow       *self,
                       GtkSearchEntry *entry)
{
  step_match (self, -1);
}

static void
on_search_stop_cb (FtWindow       *self,
                   GtkSearchEntry *entry)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  clear_search (self);
  gtk_widget_grab_focus (GTK_WIDGET (ft_call_view_get_column_view (self->call_view)));
}

/* Selection, drop and recent files ---------------------------------- */

static void
on_row_selected_cb (FtWindow   *self,
                    FtCallRow  *row,
                    FtCallView *view)
{
  ft_detail_pane_set_row (self->detail_pane, row);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-panel", row != NULL);
}

static gboolean
on_drop_cb (FtWindow      *self,
            const GValue  *value,
            double         x,
            double         y,
            GtkDropTarget *target)
{
  GFile *file = NULL;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      g_autoptr(GSList) files = gdk_file_list_get_files (g_value_get_boxed (value));

      /* One trace per window: the first file dropped. */
      file = files ? files->data : NULL;
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;

  ft_window_open (self, file);
  return TRUE;
}

static void
on_recent_activated_cb (FtWindow      *self,
                        GtkListBoxRow *row,
                        GtkListBox    *list)
{
  const char *uri = g_object_get_data (G_OBJECT (row), "ft-uri");
  g_autoptr(GFile) file = NULL;

  if (uri == NULL)
    return;

  file = g_file_new_for_uri (uri);
  ft_window_open (self, file);
}

static int
compare_recent (gconstpointer a,
                gconstpointer b)
{
  GDateTime *ma = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *mb = gtk_recent_info_get_modified ((GtkRecentInfo *) b);

  return g_date_time_compare (mb, ma);
}

static GtkWidget *
recent_row_new (GtkRecentInfo *info)
{
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GFile) file = g_file_new_for_uri (gtk_recent_info_get_uri (info));
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *folder = parent ? g_file_get_parse_name (parent) : NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), folder ? folder : "");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "ft-uri", g_strdup (gtk_recent_info_get_uri (info)), g_free);

  return row;
}

static void
fill_recent (FtWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  GtkWidget *child;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  items = g_list_sort (items, compare_recent);
  for (const GList *l = items; l != NULL && n < MAX_RECENT; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      if (!gtk_recent_info_has_application (info, recent_app_name ()) || !gtk_recent_info_exists (info))
        continue;
      gtk_list_box_append (self->recent_list, recent_row_new (info));
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);

  gtk_widget_set_visible (self->recent_box, n > 0);
}

/* Running a script ----------------------------------------------------- */

gboolean
ft_window_is_running (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), FALSE);

  return self->runner != NULL && ft_runner_is_running (self->runner);
}

static void
update_run_actions (FtWindow *self)
{
  gboolean running = ft_window_is_running (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.rerun", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-run", running);
}

static void
update_run_progress (FtWindow *self)
{
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, ft_runner_get_n_calls (self->runner));
  g_autofree char *text = NULL;
  guint64 calls = ft_runner_get_n_calls (self->runner);
  double elapsed = ft_runner_get_elapsed (self->runner);

  /* Translators: run progress, e.g. "1234 calls · 3.2 s" */
  text = g_strdup_printf (ngettext ("%s call · %.1f s", "%s calls · %.1f s", (gulong) MIN (calls, G_MAXULONG)),
                          count, elapsed);
  adw_status_page_set_description (self->running_page, text);
  ft_log_pane_set_progress (self->log_pane, calls, elapsed);
}

static gboolean
run_timer_cb (gpointer user_data)
{
  FtWindow *self = user_data;

  update_run_progress (self);
  return G_SOURCE_CONTINUE;
}

static void
on_runner_output_cb (FtWindow   *self,
                     guint       stream,
                     const char *line,
                     FtRunner   *runner)
{
  ft_log_pane_append (self->log_pane, stream, line);
}

static void
on_runner_progress_cb (FtWindow *self,
                       guint64   calls,
                       double    elapsed,
                       FtRunner *runner)
{
  update_run_progress (self);
}

static void
show_running (FtWindow *self)
{
  g_autofree char *name = g_path_get_basename (ft_runner_get_script (self->runner));
  g_autofree char *title = g_strdup_printf (_("Running %s"), name);

  adw_status_page_set_title (self->running_page, title);
  adw_status_page_set_description (self->running_page, _("Starting…"));
  ft_log_pane_start (self->log_pane, self->runner);
  gtk_widget_set_visible (GTK_WIDGET (self->log_pane), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "running");
  self->run_timer = g_timeout_add (250, run_timer_cb, self);
}

static void
on_run_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!ft_window_load_finish (FT_WINDOW (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_run_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FtWindow *self = g_task_get_source_object (task);
  FtRunner *runner = FT_RUNNER (object);
  g_autoptr(GFile) file = NULL;
  GError *error = NULL;
  gboolean ok = ft_runner_run_finish (runner, result, &error);

  g_clear_handle_id (&self->run_timer, g_source_remove);
  g_signal_handlers_disconnect_by_data (runner, self);
  if (self->closing)
    {
      g_clear_error (&error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("The window was closed"));
      return;
    }

  ft_log_pane_finish (self->log_pane, runner, error);
  update_run_actions (self);
  if (!ok)
    {
      gtk_stack_set_visible_child_name (self->stack, self->trace ? "trace" : "welcome");
      g_task_return_error (task, error);
      return;
    }

  /* A failing or interrupted script still left a trace: open it. */
  file = g_file_new_for_path (ft_runner_get_output (runner));
  ft_window_load_async (self, file, NULL, on_run_loaded_cb, g_steal_pointer (&task));
}

/**
 * ft_window_run_async:
 * @runner: a runner not yet started
 *
 * Runs @runner with the log pane showing its output, then opens its
 * trace in this window.  Fails when the script could not run (or left
 * no trace) or when its trace does not open; a script that fails or is
 * cancelled still opens its trace and succeeds here.
 */
void
ft_window_run_async (FtWindow            *self,
                     FtRunner            *runner,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FT_IS_WINDOW (self));
  g_return_if_fail (FT_IS_RUNNER (runner));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, ft_window_run_async);
  if (ft_window_is_running (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "%s",
                               _("A script is already running in this window; cancel it first"));
      return;
    }

  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_set_object (&self->runner, runner);
  g_clear_object (&self->run_cancellable);
  self->run_cancellable = g_cancellable_new ();
  g_signal_connect_object (runner, "output", G_CALLBACK (on_runner_output_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (runner, "progress", G_CALLBACK (on_runner_progress_cb), self, G_CONNECT_SWAPPED);

  ft_runner_run_async (runner, self->run_cancellable, on_run_done_cb, g_steal_pointer (&task));
  show_running (self);
  update_run_actions (self);
}

gboolean
ft_window_run_finish (FtWindow      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Interrupts the run; what was recorded still opens. */
void
ft_window_cancel_run (FtWindow *self)
{
  g_return_if_fail (FT_IS_WINDOW (self));

  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
}

/* The trace file for runs from the command line's -o; NULL: a new file
 * per run in the cache folder. */
void
ft_window_set_run_output (FtWindow   *self,
                          const char *path)
{
  g_return_if_fail (FT_IS_WINDOW (self));

  g_free (self->run_output);
  self->run_output = g_strdup (path);
}

FtRunner *
ft_window_get_runner (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), NULL);

  return self->runner;
}

FtLogPane *
ft_window_get_log_pane (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), NULL);

  return self->log_pane;
}

static void
show_run_error (FtWindow     *self,
                const GError *error)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Run the Script"), NULL);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_interactive_run_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  FtWindow *self = FT_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (ft_window_run_finish (self, result, &error) || self->closing)
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_toast (self, _("Run canceled"));
  else
    show_run_error (self, error);
}

static void
start_run (FtWindow *self,
           FtRunner *runner)
{
  ft_runner_set_output (runner, self->run_output);
  ft_window_run_async (self, runner, on_interactive_run_cb, NULL);
}

static void
on_dialog_run_cb (FtWindow    *self,
                  FtRunner    *runner,
                  FtRunDialog *dialog)
{
  /* The dialog chose its own settings: a new file per run. */
  g_clear_pointer (&self->run_output, g_free);
  start_run (self, runner);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  FtWindow *self = FT_WINDOW (widget);
  g_autofree char *tracer = ft_application_find_tracer ();
  FtRunDialog *dialog = ft_run_dialog_new (GTK_WINDOW (self), tracer);

  g_signal_connect_object (dialog, "run", G_CALLBACK (on_dialog_run_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The last run again, with the same script, arguments and flags. */
static void
rerun_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  FtWindow *self = FT_WINDOW (widget);
  g_autoptr(FtRunner) runner = NULL;

  if (self->runner == NULL)
    {
      run_action (widget, "win.run", NULL);
      return;
    }

  runner = ft_runner_new_copy (self->runner);
  start_run (self, runner);
}

static void
cancel_run_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  ft_window_cancel_run (FT_WINDOW (widget));
}

/* Views: tree, timeline, hot spots ------------------------------------- */

static const char *view_names[] = { "tree", "timeline", "hotspots" };

static gboolean
is_view_name (const char *name)
{
  return name != NULL && g_strv_contains (view_names, name);
}

static void
set_view_trace (FtWindow *self,
                FtTrace  *trace)
{
  ft_timeline_set_trace (self->timeline, trace);
  ft_hotspots_view_set_trace (self->hotspots_view, trace);
  gtk_widget_set_visible (GTK_WIDGET (self->view_switcher), trace != NULL);
}

static void
on_timeline_call_selected_cb (FtWindow   *self,
                              guint       node,
                              FtTimeline *timeline)
{
  ft_call_view_reveal (self->call_view, node);
}

static void
on_tree_row_selected_cb (FtWindow   *self,
                         FtCallRow  *row,
                         FtCallView *view)
{
  if (row != NULL && !ft_call_row_is_group (row))
    ft_timeline_set_selected (self->timeline, ft_call_row_get_node (row));
}

/* A function chosen in the hot spots: its calls become the matches that
 * F3 steps through, highlighted in the tree and the timeline. */
static void
on_function_selected_cb (FtWindow       *self,
                         guint           index,
                         FtHotspotsView *view)
{
  FtHotspots *hotspots = ft_hotspots_view_get_hotspots (view);

  if (hotspots == NULL)
    return;

  clear_search (self);
  self->matches = ft_hotspots_dup_calls (hotspots, index);
  show_match (self);
  ft_timeline_set_highlight (self->timeline, self->matches);
}

static void
on_function_activated_cb (FtWindow       *self,
                          guint           index,
                          FtHotspotsView *view)
{
  on_function_selected_cb (self, index, view);
  ft_window_set_view (self, "tree");
}

/**
 * ft_window_set_view:
 * @view: "tree", "timeline" or "hotspots"
 */
void
ft_window_set_view (FtWindow   *self,
                    const char *view)
{
  g_return_if_fail (FT_IS_WINDOW (self));
  g_return_if_fail (is_view_name (view));

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), view) == 0)
    return;

  gtk_stack_set_visible_child_name (self->view_stack, view);
}

const char *
ft_window_get_view (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->view_stack);
}

FtTimeline *
ft_window_get_timeline (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), NULL);

  return self->timeline;
}

FtHotspotsView *
ft_window_get_hotspots_view (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), NULL);

  return self->hotspots_view;
}

static void
on_view_changed_cb (FtWindow   *self,
                    GParamSpec *pspec,
                    GtkStack   *stack)
{
  g_object_notify (G_OBJECT (self), "view");
}

static void
ft_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FtWindow *self = FT_WINDOW (object);

  if (prop_id == PROP_VIEW)
    g_value_set_string (value, ft_window_get_view (self));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
ft_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FtWindow *self = FT_WINDOW (object);

  if (prop_id == PROP_VIEW && is_view_name (g_value_get_string (value)))
    ft_window_set_view (self, g_value_get_string (value));
  else if (prop_id != PROP_VIEW)
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
setup_views (FtWindow *self)
{
  g_signal_connect_object (self->view_stack, "notify::visible-child-name", G_CALLBACK (on_view_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timeline, "call-selected", G_CALLBACK (on_timeline_call_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->call_view, "row-selected", G_CALLBACK (on_tree_row_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hotspots_view, "function-selected", G_CALLBACK (on_function_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hotspots_view, "function-activated", G_CALLBACK (on_function_activated_cb), self, G_CONNECT_SWAPPED);
}

/* Window size ------------------------------------------------------- */

static void
restore_size (FtWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
ft_window_close_request (GtkWindow *window)
{
  FtWindow *self = FT_WINDOW (window);
  int width, height;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  /* A run goes on to its end (interrupted) without the window. */
  self->closing = TRUE;
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);

  if (self->remember_size)
    {
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (ft_window_parent_class)->close_request (window);
}

static void
ft_window_dispose (GObject *object)
{
  FtWindow *self = (FtWindow *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  stop_progress (self);
  self->closing = TRUE;
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  g_clear_handle_id (&self->run_timer, g_source_remove);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->run_output, g_free);
  g_clear_pointer (&self->matches, g_array_unref);
  g_clear_object (&self->trace);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), FT_TYPE_WINDOW);

  G_OBJECT_CLASS (ft_window_parent_class)->dispose (object);
}

static void
ft_window_class_init (FtWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ft_window_dispose;
  window_class->close_request = ft_window_close_request;
  object_class->get_property = ft_window_get_property;
  object_class->set_property = ft_window_set_property;

  /* The view shown: "tree", "timeline" or "hotspots" (win.view). */
  g_object_class_install_property (object_class, PROP_VIEW,
                                   g_param_spec_string ("view", NULL, NULL, "tree",
                                                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_type_ensure (FT_TYPE_CALL_VIEW);
  g_type_ensure (FT_TYPE_DETAIL_PANE);
  g_type_ensure (FT_TYPE_LOG_PANE);
  g_type_ensure (FT_TYPE_TIMELINE);
  g_type_ensure (FT_TYPE_HOTSPOTS_VIEW);
  g_type_ensure (FT_TYPE_FILTER_BAR);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowtrace/FlowTrace/ft-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FtWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, search_count);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, recent_box);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, call_view);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, detail_pane);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, running_page);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, log_pane);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, view_switcher);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, FtWindow, hotspots_view);

  gtk_widget_class_install_property_action (widget_class, "win.view", "view");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.view", "s", "tree");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.view", "s", "timeline");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.view", "s", "hotspots");
  gtk_widget_class_bind_template_child (widget_class, FtWindow, filter_bar);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_install_action (widget_class, "win.cancel-load", NULL, cancel_load_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_install_action (widget_class, "win.search-next", NULL, search_next_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F3, 0, "win.search-next", NULL);
  gtk_widget_class_install_action (widget_class, "win.search-previous", NULL, search_previous_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F3, GDK_SHIFT_MASK, "win.search-previous", NULL);
  gtk_widget_class_install_action (widget_class, "win.expand-all", NULL, expand_all_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.expand-all", NULL);
  gtk_widget_class_install_action (widget_class, "win.collapse-all", NULL, collapse_all_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.collapse-all", NULL);
  gtk_widget_class_install_action (widget_class, "win.open-panel", NULL, open_panel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "win.open-panel", NULL);
  gtk_widget_class_install_action (widget_class, "win.dismiss-banner", NULL, dismiss_banner_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  /* Ctrl+E is taken by expand-all. */
  gtk_widget_class_install_action (widget_class, "win.export-otlp", NULL, export_otlp_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.export-otlp", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_X, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.export-otlp", NULL);
  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.run", NULL);
  gtk_widget_class_install_action (widget_class, "win.rerun", NULL, rerun_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.rerun", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.rerun", NULL);
  gtk_widget_class_install_action (widget_class, "win.cancel-run", NULL, cancel_run_action);
  gtk_widget_class_install_action (widget_class, "win.filter", NULL, filter_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.filter", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.filter", NULL);
  gtk_widget_class_install_action (widget_class, "win.export-filtered", NULL, export_filtered_action);
  gtk_widget_class_install_action (widget_class, "win.compare", NULL, compare_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
setup_search (FtWindow *self)
{
  GtkEventController *keys = gtk_shortcut_controller_new ();

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (on_search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "activate", G_CALLBACK (on_search_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "next-match", G_CALLBACK (on_search_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "previous-match", G_CALLBACK (on_search_previous_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "stop-search", G_CALLBACK (on_search_stop_cb), self, G_CONNECT_SWAPPED);

  /* Shift+Enter goes back, as in GNOME Text Editor. */
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_SHIFT_MASK),
                                                          gtk_named_action_new ("win.search-previous")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_SHIFT_MASK),
                                                          gtk_named_action_new ("win.search-previous")));
  /* Ctrl+Enter opens the current match in a panel, as the original
   * viewer's search did. */
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("win.open-panel")));
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
}

static void
ft_window_init (FtWindow *self)
{
  GtkDropTarget *drop;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->remember_size = TRUE;
  restore_size (self);
  setup_search (self);
  setup_views (self);

  g_signal_connect_object (self->call_view, "row-selected", G_CALLBACK (on_row_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filter_bar, "view-changed", G_CALLBACK (on_filter_view_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-filtered", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare", FALSE);
  g_signal_connect_object (self->recent_list, "row-activated", G_CALLBACK (on_recent_activated_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-panel", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-otlp", FALSE);
  update_run_actions (self);

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect_object (drop, "drop", G_CALLBACK (on_drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  fill_recent (self);
}

FtWindow *
ft_window_new (AdwApplication *application)
{
  return g_object_new (FT_TYPE_WINDOW, "application", application, NULL);
}

FtTrace *
ft_window_get_trace (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), NULL);

  return self->trace;
}

FtCallView *
ft_window_get_call_view (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), NULL);

  return self->call_view;
}

FtDetailPane *
ft_window_get_detail_pane (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), NULL);

  return self->detail_pane;
}

/* Nothing open and nothing loading: the window can take a file. */
gboolean
ft_window_is_empty (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), FALSE);

  return self->trace == NULL && self->cancellable == NULL && !ft_window_is_running (self);
}

/* TRUE while a page or the banner is still sliding in: a screenshot
 * waits for the window to settle. */
gboolean
ft_window_is_animating (FtWindow *self)
{
  g_return_val_if_fail (FT_IS_WINDOW (self), FALSE);

  /* The hot spots are still being counted. */
  if (g_strcmp0 (ft_window_get_view (self), "hotspots") == 0 && self->trace != NULL
      && ft_hotspots_view_get_hotspots (self->hotspots_view) == NULL)
    return TRUE;

  return gtk_stack_get_transition_running (self->stack)
      || gtk_revealer_get_child_revealed (self->banner) != gtk_revealer_get_reveal_child (self->banner);
}

/* Off for screenshots and tests: their fixed size must not become the
 * user's. */
void
ft_window_set_remember_size (FtWindow *self,
                             gboolean  remember)
{
  g_return_if_fail (FT_IS_WINDOW (self));

  self->remember_size = !!remember;
}
