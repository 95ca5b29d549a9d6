/* ft-detail-pane.c
 *
 * SPDX-License-Identifier: MIT
 *
 * The pane parses the selected call's own slice of the file (inputs,
 * outputs, memory) when it is selected; the node table never holds them.
 * Every captured text goes through gtk_label_set_text(): never markup.
 */

#define G_LOG_DOMAIN "ft-detail-pane"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "core/ft-trace.h"
#include "ft-call-row.h"
#include "ft-detail-pane.h"
#include "ft-source-view.h"
#include "ft-format.h"
#include "ft-json-item.h"
#include "ft-json-view.h"

struct _FtDetailPane
{
  GtkWidget     parent_instance;

  GtkStack     *stack;
  GtkLabel     *title;
  GtkLabel     *notice;
  GtkGrid      *facts;
  GtkWidget    *error_box;
  GtkLabel     *error_type;
  GtkLabel     *error_message;
  GtkWidget    *inputs_section;
  FtJsonView   *inputs_view;
  GtkWidget    *inputs_after_section;
  FtJsonView   *inputs_after_view;
  GtkWidget    *output_section;
  FtJsonView   *output_view;
  GtkWidget    *memory_section;
  GtkGrid      *memory_grid;
  GtkWidget    *extra_section;
  FtJsonView   *extra_view;
  FtSourceView *source_view;

  GSettings    *settings;
  FtCallRow    *row;
  FtNodeDetail *detail;
  guint         n_facts;
};

G_DEFINE_FINAL_TYPE (FtDetailPane, ft_detail_pane, GTK_TYPE_WIDGET)

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
value_label_new (const char *text)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_hexpand (label, TRUE);

  return label;
}

static void
add_fact (FtDetailPane *self,
          const char   *name,
          const char   *value)
{
  GtkWidget *key;

  if (value == NULL || value[0] == '\0')
    return;

  key = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (key), 1.0f);
  gtk_label_set_yalign (GTK_LABEL (key), 0.0f);
  gtk_widget_add_css_class (key, "dim-label");
  gtk_grid_attach (self->facts, key, 0, self->n_facts, 1, 1);
  gtk_grid_attach (self->facts, value_label_new (value), 1, self->n_facts, 1, 1);
  self->n_facts++;
}

static void
fill_facts (FtDetailPane *self,
            FtTrace      *trace,
            FtNodeId      node)
{
  g_autofree char *instance = NULL;
  g_autofree char *location = NULL;
  g_autofree char *duration = NULL;
  const char *file = ft_trace_get_file_name (trace, node);
  gint64 instance_id;

  clear_grid (self->facts);
  self->n_facts = 0;

  if (ft_trace_get_instance_id (trace, node, &instance_id))
    instance = g_strdup_printf ("%" G_GINT64_FORMAT, instance_id);
  if (file != NULL && ft_trace_get_line (trace, node) > 0)
    location = g_strdup_printf ("%s:%u", file, ft_trace_get_line (trace, node));
  else if (file != NULL)
    location = g_strdup (file);
  if (!isnan (ft_trace_get_duration_ms (trace, node)))
    duration = ft_format_duration (ft_trace_get_duration_ms (trace, node));

  add_fact (self, _("Caller"), ft_trace_get_caller (trace, node));
  add_fact (self, _("Module"), ft_trace_get_module (trace, node));
  add_fact (self, _("Class"), ft_trace_get_called (trace, node));
  add_fact (self, _("Instance"), instance);
  add_fact (self, _("Location"), location);
  add_fact (self, _("Duration"), duration);
  add_fact (self, _("Thread"), ft_trace_get_thread_name (trace, node));
  if (self->detail != NULL && self->detail->skipped_calls > 0)
    {
      gint64 n = self->detail->skipped_calls;
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n);
      g_autofree char *skipped =
        /* Translators: %s is a number of calls below this one that the
         * tracer counted but did not record */
        g_strdup_printf (ngettext ("%s call below, left out by --max-depth or --min-duration",
                                   "%s calls below, left out by --max-depth or --min-duration",
                                   (gulong) MIN (n, G_MAXLONG)),
                         count);

      add_fact (self, _("Not recorded"), skipped);
    }
}

static const char *
life_kind_name (FtNodeKind kind)
{
  switch ((int) kind)
    {
    case FT_NODE_KIND_GENERATOR:
      return _("Generator");
    case FT_NODE_KIND_COROUTINE:
      return _("Coroutine");
    case FT_NODE_KIND_ASYNC_GENERATOR:
      return _("Async generator");
    default:
      return NULL;
    }
}

/* A generator's or coroutine's whole life: how long it ran, how long it
 * waited, how often it was resumed. */
static void
fill_life (FtDetailPane *self,
           FtTrace      *trace,
           FtNodeId      node)
{
  FtNodeDetail *d = self->detail;
  g_autofree char *running = NULL;
  g_autofree char *suspended = NULL;
  g_autofree char *resumes = NULL;
  g_autofree char *yields = NULL;

  add_fact (self, _("Kind"), life_kind_name (ft_trace_get_kind (trace, node)));
  if (d == NULL || !d->has_life)
    return;
  if (!isnan (d->running_ms))
    running = ft_format_duration (d->running_ms);
  if (!isnan (d->suspended_ms))
    suspended = ft_format_duration (d->suspended_ms);
  resumes = g_strdup_printf ("%" G_GINT64_FORMAT, d->resumes);
  if (d->yields >= 0)
    yields = g_strdup_printf ("%" G_GINT64_FORMAT, d->yields);
  add_fact (self, _("Running time"), running);
  add_fact (self, _("Suspended time"), suspended);
  add_fact (self, _("Resumes"), resumes);
  add_fact (self, _("Yields"), yields);
  if (d->closed)
    add_fact (self, _("End"), _("Closed while suspended"));
}

static gboolean
is_empty (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_get_size (json_node_get_object (node)) == 0;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) == 0;
  return FALSE;
}

static void
show_value (FtDetailPane *self,
            GtkWidget    *section,
            FtJsonView   *view,
            JsonNode     *value,
            JsonNode     *compare_to)
{
  gboolean show_empty = g_settings_get_boolean (self->settings, "show-empty-values");
  g_autoptr(JsonNode) none = NULL;

  if (is_empty (value) && !show_empty)
    {
      gtk_widget_set_visible (section, FALSE);
      ft_json_view_set_value (view, NULL, NULL);
      return;
    }

  if (value == NULL)
    value = none = json_node_new (JSON_NODE_NULL);

  gtk_widget_set_visible (section, TRUE);
  ft_json_view_set_value (view, value, compare_to);
}

static const struct {
  const char *key;
  const char *label;
  gboolean    bytes;
} memory_keys[] = {
  { "rss_bytes", N_("Resident (RSS)"), TRUE },
  { "vms_bytes", N_("Virtual (VMS)"), TRUE },
  { "py_tracemalloc_current", N_("Python allocated"), TRUE },
  { "py_tracemalloc_peak", N_("Python peak"), TRUE },
};

static char *
dup_memory_value (JsonObject *object,
                  const char *key)
{
  if (object == NULL || !json_object_has_member (object, key))
    return g_strdup ("—");

  return g_format_size ((guint64) MAX (json_object_get_int_member (object, key), 0));
}

static void
add_memory_header (FtDetailPane *self)
{
  const char *titles[] = { "", _("Before"), _("After"), _("Difference") };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkWidget *label = gtk_label_new (titles[i]);

      gtk_label_set_xalign (GTK_LABEL (label), i == 0 ? 0.0f : 1.0f);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_grid_attach (self->memory_grid, label, i, 0, 1, 1);
    }
}

static void
fill_memory (FtDetailPane *self)
{
  JsonObject *before = NULL, *after = NULL;
  guint row = 1;

  clear_grid (self->memory_grid);
  if (self->detail->memory_before != NULL && JSON_NODE_HOLDS_OBJECT (self->detail->memory_before))
    before = json_node_get_object (self->detail->memory_before);
  if (self->detail->memory_after != NULL && JSON_NODE_HOLDS_OBJECT (self->detail->memory_after))
    after = json_node_get_object (self->detail->memory_after);

  gtk_widget_set_visible (self->memory_section, before != NULL || after != NULL);
  if (before == NULL && after == NULL)
    return;

  add_memory_header (self);
  for (guint i = 0; i < G_N_ELEMENTS (memory_keys); i++)
    {
      const char *key = memory_keys[i].key;
      g_autofree char *b = dup_memory_value (before, key);
      g_autofree char *a = dup_memory_value (after, key);
      g_autofree char *d = NULL;
      GtkWidget *cells[4];

      if ((before == NULL || !json_object_has_member (before, key))
          && (after == NULL || !json_object_has_member (after, key)))
        continue;

      if (before != NULL && after != NULL
          && json_object_has_member (before, key) && json_object_has_member (after, key))
        d = ft_format_bytes_diff (json_object_get_int_member (after, key)
                                  - json_object_get_int_member (before, key));

      cells[0] = gtk_label_new (_(memory_keys[i].label));
      cells[1] = gtk_label_new (b);
      cells[2] = gtk_label_new (a);
      cells[3] = gtk_label_new (d ? d : "—");
      for (guint c = 0; c < 4; c++)
        {
          gtk_label_set_xalign (GTK_LABEL (cells[c]), c == 0 ? 0.0f : 1.0f);
          if (c > 0)
            gtk_widget_add_css_class (cells[c], "numeric");
          gtk_grid_attach (self->memory_grid, cells[c], c, row, 1, 1);
        }
      row++;
    }
}

static void
fill_error (FtDetailPane *self,
            FtTrace      *trace,
            FtNodeId      node)
{
  const char *error = ft_trace_get_error (trace, node);
  const char *type = ft_trace_get_error_type (trace, node);
  g_autofree char *shown = NULL;

  gtk_widget_set_visible (self->error_box, error != NULL);
  if (error == NULL)
    return;

  gtk_label_set_text (self->error_type, type ? type : _("Error"));
  /* the whole text when it is of a size a label shows at once */
  if (strlen (error) > 4 * 2000)
    error = shown = ft_dup_shown_text (error);
  gtk_label_set_text (self->error_message, error);
}

static void
fill_notice (FtDetailPane *self,
             FtTrace      *trace,
             FtNodeId      node,
             const GError *error)
{
  g_autofree char *text = NULL;

  if (error != NULL)
    /* Translators: %s says why the call's values could not be read */
    text = g_strdup_printf (_("The values of this call could not be read: %s"), error->message);
  else if (ft_trace_get_flags (trace, node) & FT_NODE_FLAG_INCOMPLETE)
    text = g_strdup (_("This call never returned: the program crashed, was killed or was still running when the trace ended."));

  gtk_widget_set_visible (GTK_WIDGET (self->notice), text != NULL);
  gtk_label_set_text (self->notice, text ? text : "");
}

static void
fill_values (FtDetailPane *self)
{
  FtNodeDetail *d = self->detail;

  show_value (self, self->inputs_section, self->inputs_view, d ? d->inputs : NULL, NULL);
  /* Inputs after the call are shown when the call changed them. */
  if (d != NULL && d->inputs_after != NULL && !is_empty (d->inputs_after)
      && (d->inputs == NULL || !json_node_equal (d->inputs, d->inputs_after)))
    show_value (self, self->inputs_after_section, self->inputs_after_view,
                d->inputs_after, d->inputs);
  else
    {
      /* Unchanged is not empty: nothing to add to "Inputs". */
      gtk_widget_set_visible (self->inputs_after_section, FALSE);
      ft_json_view_set_value (self->inputs_after_view, NULL, NULL);
    }
  show_value (self, self->output_section, self->output_view, d ? d->output : NULL, NULL);

  gtk_widget_set_visible (self->extra_section, d != NULL && !is_empty (d->extra));
  ft_json_view_set_value (self->extra_view, d && !is_empty (d->extra) ? d->extra : NULL, NULL);

  if (d != NULL)
    fill_memory (self);
  else
    gtk_widget_set_visible (self->memory_section, FALSE);
}

/* An instance group: what the calls on that object add up to. */
static void
fill_group (FtDetailPane *self)
{
  FtTrace *trace = ft_call_row_get_trace (self->row);
  FtNodeId first = ft_call_row_get_node (self->row);
  g_autofree char *instance = g_strdup_printf ("%" G_GINT64_FORMAT, ft_call_row_get_instance_id (self->row));
  g_autofree char *calls = g_strdup_printf ("%u", ft_call_row_get_members (self->row)->len);
  g_autofree char *duration = ft_format_duration (ft_call_row_get_duration_ms (self->row));

  clear_grid (self->facts);
  self->n_facts = 0;
  add_fact (self, _("Class"), ft_trace_get_called (trace, first));
  add_fact (self, _("Module"), ft_trace_get_module (trace, first));
  add_fact (self, _("Instance"), instance);
  add_fact (self, _("Calls"), calls);
  add_fact (self, _("Duration"), duration);

  gtk_widget_set_visible (GTK_WIDGET (self->notice), FALSE);
  gtk_widget_set_visible (self->error_box, FALSE);
  gtk_widget_set_visible (self->inputs_section, FALSE);
  gtk_widget_set_visible (self->inputs_after_section, FALSE);
  gtk_widget_set_visible (self->output_section, FALSE);
  gtk_widget_set_visible (self->memory_section, FALSE);
  gtk_widget_set_visible (self->extra_section, FALSE);
}

static void
refill (FtDetailPane *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  FtTrace *trace;
  FtNodeId node;

  g_clear_pointer (&self->detail, ft_node_detail_free);
  if (self->row == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  trace = ft_call_row_get_trace (self->row);
  node = ft_call_row_get_node (self->row);
  title = ft_call_row_dup_title (self->row);
  gtk_label_set_text (self->title, title);

  if (ft_call_row_is_group (self->row))
    {
      fill_group (self);
      gtk_stack_set_visible_child_name (self->stack, "details");
      return;
    }

  self->detail = ft_trace_get_detail (trace, node, &error);
  fill_notice (self, trace, node, error);
  fill_facts (self, trace, node);
  fill_life (self, trace, node);
  fill_error (self, trace, node);
  fill_values (self);
  ft_source_view_show_call (self->source_view, trace, node);
  gtk_stack_set_visible_child_name (self->stack, "details");
}

static JsonNode *
section_value (FtDetailPane *self,
               const char   *name)
{
  if (self->detail == NULL)
    return NULL;
  if (g_str_equal (name, "inputs"))
    return self->detail->inputs;
  if (g_str_equal (name, "inputs_after"))
    return self->detail->inputs_after;
  if (g_str_equal (name, "output"))
    return self->detail->output;
  return NULL;
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  FtDetailPane *self = FT_DETAIL_PANE (widget);
  JsonNode *value = section_value (self, g_variant_get_string (param, NULL));
  g_autofree char *text = NULL;

  if (value == NULL)
    return;

  text = ft_json_node_dup_copy_text (value);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  gtk_widget_activate_action (widget, "win.toast", "s", _("Value copied"));
}

static void
on_settings_changed_cb (FtDetailPane *self,
                        const char   *key,
                        GSettings    *settings)
{
  if (g_str_equal (key, "show-empty-values") && self->row != NULL && !ft_call_row_is_group (self->row))
    fill_values (self);
}

static void
ft_detail_pane_dispose (GObject *object)
{
  FtDetailPane *self = (FtDetailPane *)object;

  g_clear_pointer (&self->detail, ft_node_detail_free);
  g_clear_object (&self->row);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), FT_TYPE_DETAIL_PANE);

  G_OBJECT_CLASS (ft_detail_pane_parent_class)->dispose (object);
}

static void
ft_detail_pane_class_init (FtDetailPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ft_detail_pane_dispose;

  g_type_ensure (FT_TYPE_JSON_VIEW);
  g_type_ensure (FT_TYPE_SOURCE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowtrace/FlowTrace/ft-detail-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, stack);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, title);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, notice);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, facts);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, error_box);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, error_type);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, error_message);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, inputs_section);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, inputs_view);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, inputs_after_section);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, inputs_after_view);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, output_section);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, output_view);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, memory_section);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, memory_grid);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, extra_section);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, extra_view);
  gtk_widget_class_bind_template_child (widget_class, FtDetailPane, source_view);
  gtk_widget_class_install_action (widget_class, "detail.copy", "s", copy_action);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ftdetailpane");
}

static void
ft_detail_pane_init (FtDetailPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (on_settings_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
ft_detail_pane_new (void)
{
  return g_object_new (FT_TYPE_DETAIL_PANE, NULL);
}

/* @row: (nullable): the call to show; a group row shows its first call. */
void
ft_detail_pane_set_row (FtDetailPane *self,
                        FtCallRow    *row)
{
  g_return_if_fail (FT_IS_DETAIL_PANE (self));
  g_return_if_fail (row == NULL || FT_IS_CALL_ROW (row));

  if (!g_set_object (&self->row, row))
    return;

  refill (self);
}

FtCallRow *
ft_detail_pane_get_row (FtDetailPane *self)
{
  g_return_val_if_fail (FT_IS_DETAIL_PANE (self), NULL);

  return self->row;
}
