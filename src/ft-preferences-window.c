/* ft-preferences-window.c
 *
 * SPDX-License-Identifier: MIT
 *
 * Every row is bound to its GSettings key; the combo rows map their
 * position to the key's choices.
 */

#define G_LOG_DOMAIN "ft-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "ft-preferences-window.h"

struct _FtPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwComboRow          *style_row;
  AdwComboRow          *language_row;
  AdwExpanderRow       *badges_row;
  GtkSwitch            *hide_internals_switch;
  GtkSwitch            *group_switch;
  GtkSwitch            *empty_switch;
  GtkSwitch            *badge_module_switch;
  GtkSwitch            *badge_duration_switch;
  GtkSwitch            *badge_error_switch;
  GtkSwitch            *badge_caller_switch;
  GtkSwitch            *badge_memory_switch;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (FtPreferencesWindow, ft_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *style_choices[] = { "follow", "light", "dark", NULL };
static const char *language_choices[] = { "system", "en", "es", NULL };

static gboolean
choice_to_position (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char **choices = user_data;
  const char *choice = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], choice))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
position_to_choice (const GValue       *value,
                    const GVariantType *type,
                    gpointer            user_data)
{
  const char **choices = user_data;
  guint position = g_value_get_uint (value);

  if (position >= g_strv_length ((char **) choices))
    return NULL;

  return g_variant_new_string (choices[position]);
}

static void
bind_choice (FtPreferencesWindow *self,
             const char          *key,
             AdwComboRow         *row,
             const char         **choices)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_to_position, position_to_choice, choices, NULL);
}

static void
ft_preferences_window_dispose (GObject *object)
{
  FtPreferencesWindow *self = (FtPreferencesWindow *)object;

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), FT_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (ft_preferences_window_parent_class)->dispose (object);
}

static void
ft_preferences_window_class_init (FtPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ft_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/flowtrace/FlowTrace/ft-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FtPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, FtPreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, FtPreferencesWindow, badges_row);
  gtk_widget_class_bind_template_child (widget_class, FtPreferencesWindow, hide_internals_switch);
  gtk_widget_class_bind_template_child (widget_class, FtPreferencesWindow, group_switch);
  gtk_widget_class_bind_template_child (widget_class, FtPreferencesWindow, empty_switch);
  gtk_widget_class_bind_template_child (widget_class, FtPreferencesWindow, badge_module_switch);
  gtk_widget_class_bind_template_child (widget_class, FtPreferencesWindow, badge_duration_switch);
  gtk_widget_class_bind_template_child (widget_class, FtPreferencesWindow, badge_error_switch);
  gtk_widget_class_bind_template_child (widget_class, FtPreferencesWindow, badge_caller_switch);
  gtk_widget_class_bind_template_child (widget_class, FtPreferencesWindow, badge_memory_switch);
}

static void
ft_preferences_window_init (FtPreferencesWindow *self)
{
  static const struct { const char *key; gsize offset; } switches[] = {
    { "hide-internals", G_STRUCT_OFFSET (FtPreferencesWindow, hide_internals_switch) },
    { "group-by-instance", G_STRUCT_OFFSET (FtPreferencesWindow, group_switch) },
    { "show-empty-values", G_STRUCT_OFFSET (FtPreferencesWindow, empty_switch) },
    { "badge-module", G_STRUCT_OFFSET (FtPreferencesWindow, badge_module_switch) },
    { "badge-duration", G_STRUCT_OFFSET (FtPreferencesWindow, badge_duration_switch) },
    { "badge-error", G_STRUCT_OFFSET (FtPreferencesWindow, badge_error_switch) },
    { "badge-caller", G_STRUCT_OFFSET (FtPreferencesWindow, badge_caller_switch) },
    { "badge-memory", G_STRUCT_OFFSET (FtPreferencesWindow, badge_memory_switch) },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  bind_choice (self, "style-variant", self->style_row, style_choices);
  bind_choice (self, "language", self->language_row, language_choices);
  g_settings_bind (self->settings, "show-badges", self->badges_row, "enable-expansion", G_SETTINGS_BIND_DEFAULT);
  for (guint i = 0; i < G_N_ELEMENTS (switches); i++)
    g_settings_bind (self->settings, switches[i].key,
                     G_STRUCT_MEMBER (GtkSwitch *, self, switches[i].offset), "active",
                     G_SETTINGS_BIND_DEFAULT);
}

GtkWidget *
ft_preferences_window_new (GtkWindow *transient_for)
{
  return g_object_new (FT_TYPE_PREFERENCES_WINDOW,
                       "transient-for", transient_for,
                       NULL);
}
