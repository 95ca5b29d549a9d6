/* ft-hotspot-row.c
 *
 * SPDX-License-Identifier: MIT
 *
 * Light: the numbers stay in FtHotspots; the properties exist so that
 * GtkNumericSorter and GtkStringSorter can sort the columns.
 */

#define G_LOG_DOMAIN "ft-hotspot-row"

#include "config.h"

#include "ft-hotspot-row.h"

struct _FtHotspotRow
{
  GObject     parent_instance;

  FtHotspots *hotspots;
  guint       index;
  char       *name;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_MODULE,
  PROP_CALLS,
  PROP_TOTAL_MS,
  PROP_SELF_MS,
  PROP_ERRORS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FtHotspotRow, ft_hotspot_row, G_TYPE_OBJECT)

static void
ft_hotspot_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FtHotspotRow *self = FT_HOTSPOT_ROW (object);
  const FtHotspot *spot = ft_hotspot_row_get_hotspot (self);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_MODULE:
      g_value_set_string (value, spot->module);
      break;
    case PROP_CALLS:
      g_value_set_uint (value, spot->n_calls);
      break;
    case PROP_TOTAL_MS:
      g_value_set_double (value, spot->total_ms);
      break;
    case PROP_SELF_MS:
      g_value_set_double (value, spot->self_ms);
      break;
    case PROP_ERRORS:
      g_value_set_uint (value, spot->n_errors);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ft_hotspot_row_finalize (GObject *object)
{
  FtHotspotRow *self = (FtHotspotRow *)object;

  g_clear_object (&self->hotspots);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (ft_hotspot_row_parent_class)->finalize (object);
}

static void
ft_hotspot_row_class_init (FtHotspotRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ft_hotspot_row_finalize;
  object_class->get_property = ft_hotspot_row_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_MODULE] = g_param_spec_string ("module", NULL, NULL, NULL, flags);
  properties[PROP_CALLS] = g_param_spec_uint ("calls", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_TOTAL_MS] = g_param_spec_double ("total-ms", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_SELF_MS] = g_param_spec_double ("self-ms", NULL, NULL, 0, G_MAXDOUBLE, 0, flags);
  properties[PROP_ERRORS] = g_param_spec_uint ("errors", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ft_hotspot_row_init (FtHotspotRow *self)
{
}

FtHotspotRow *
ft_hotspot_row_new (FtHotspots *hotspots,
                    guint       index)
{
  FtHotspotRow *self;

  g_return_val_if_fail (FT_IS_HOTSPOTS (hotspots), NULL);
  g_return_val_if_fail (index < ft_hotspots_get_n_functions (hotspots), NULL);

  self = g_object_new (FT_TYPE_HOTSPOT_ROW, NULL);
  self->hotspots = g_object_ref (hotspots);
  self->index = index;
  self->name = ft_hotspot_dup_name (ft_hotspots_get_function (hotspots, index));

  return self;
}

guint
ft_hotspot_row_get_index (FtHotspotRow *self)
{
  g_return_val_if_fail (FT_IS_HOTSPOT_ROW (self), 0);

  return self->index;
}

const FtHotspot *
ft_hotspot_row_get_hotspot (FtHotspotRow *self)
{
  g_return_val_if_fail (FT_IS_HOTSPOT_ROW (self), NULL);

  return ft_hotspots_get_function (self->hotspots, self->index);
}

const char *
ft_hotspot_row_get_name (FtHotspotRow *self)
{
  g_return_val_if_fail (FT_IS_HOTSPOT_ROW (self), NULL);

  return self->name;
}
