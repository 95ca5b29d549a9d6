/* ft-json-item.c
 *
 * SPDX-License-Identifier: MIT
 *
 * Captured values are small (the tracer bounds them), so an item simply
 * holds a reference on its JsonNode; children items are made when the
 * row is expanded.
 */

#define G_LOG_DOMAIN "ft-json-item"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ft-json-item.h"

struct _FtJsonItem
{
  GObject   parent_instance;
  char     *key;
  JsonNode *node;
  guint     changed : 1;
};

G_DEFINE_FINAL_TYPE (FtJsonItem, ft_json_item, G_TYPE_OBJECT)

static void
ft_json_item_finalize (GObject *object)
{
  FtJsonItem *self = (FtJsonItem *)object;

  g_clear_pointer (&self->key, g_free);
  g_clear_pointer (&self->node, json_node_unref);

  G_OBJECT_CLASS (ft_json_item_parent_class)->finalize (object);
}

static void
ft_json_item_class_init (FtJsonItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ft_json_item_finalize;
}

static void
ft_json_item_init (FtJsonItem *self)
{
}

FtJsonItem *
ft_json_item_new (const char *key,
                  JsonNode   *node,
                  gboolean    changed)
{
  FtJsonItem *self;

  g_return_val_if_fail (node != NULL, NULL);

  self = g_object_new (FT_TYPE_JSON_ITEM, NULL);
  self->key = g_strdup (key);
  self->node = json_node_ref (node);
  self->changed = !!changed;

  return self;
}

const char *
ft_json_item_get_key (FtJsonItem *self)
{
  g_return_val_if_fail (FT_IS_JSON_ITEM (self), NULL);

  return self->key;
}

JsonNode *
ft_json_item_get_node (FtJsonItem *self)
{
  g_return_val_if_fail (FT_IS_JSON_ITEM (self), NULL);

  return self->node;
}

gboolean
ft_json_item_get_changed (FtJsonItem *self)
{
  g_return_val_if_fail (FT_IS_JSON_ITEM (self), FALSE);

  return self->changed;
}

/* Control characters would be invisible or break the one-line summary:
 * they are written as escapes (\n, \t, \x1b); everything else as typed. */
static char *
dup_visible_string (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));

  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* Strings are shown as typed (no quotes); the label that shows them never
 * parses markup. */
static char *
dup_scalar_text (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("None");

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return dup_visible_string (json_node_get_string (node));

  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "True" : "False");

  return json_to_string (node, FALSE);
}

char *
ft_json_item_dup_summary (FtJsonItem *self)
{
  g_return_val_if_fail (FT_IS_JSON_ITEM (self), NULL);

  if (JSON_NODE_HOLDS_OBJECT (self->node))
    {
      guint n = json_object_get_size (json_node_get_object (self->node));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "{%u key}", "{%u keys}", n), n);
    }

  if (JSON_NODE_HOLDS_ARRAY (self->node))
    {
      guint n = json_array_get_length (json_node_get_array (self->node));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "[%u item]", "[%u items]", n), n);
    }

  return dup_scalar_text (self->node);
}

char *
ft_json_node_dup_copy_text (JsonNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));

  return json_to_string (node, TRUE);
}

/* What the clipboard gets: a string as typed, anything else as JSON. */
char *
ft_json_item_dup_copy_text (FtJsonItem *self)
{
  g_return_val_if_fail (FT_IS_JSON_ITEM (self), NULL);

  return ft_json_node_dup_copy_text (self->node);
}

static void
add_member_cb (JsonObject  *object,
               const char  *member,
               JsonNode    *node,
               gpointer     user_data)
{
  g_autoptr(FtJsonItem) item = ft_json_item_new (member, node, FALSE);

  g_list_store_append (user_data, item);
}

GListModel *
ft_json_item_create_children (FtJsonItem *self)
{
  GListStore *store;

  g_return_val_if_fail (FT_IS_JSON_ITEM (self), NULL);

  if (JSON_NODE_HOLDS_OBJECT (self->node))
    {
      JsonObject *object = json_node_get_object (self->node);

      if (json_object_get_size (object) == 0)
        return NULL;
      store = g_list_store_new (FT_TYPE_JSON_ITEM);
      json_object_foreach_member (object, add_member_cb, store);
      return G_LIST_MODEL (store);
    }

  if (JSON_NODE_HOLDS_ARRAY (self->node))
    {
      JsonArray *array = json_node_get_array (self->node);
      guint n = json_array_get_length (array);

      if (n == 0)
        return NULL;
      store = g_list_store_new (FT_TYPE_JSON_ITEM);
      for (guint i = 0; i < n; i++)
        {
          g_autofree char *key = g_strdup_printf ("[%u]", i);
          g_autoptr(FtJsonItem) item = ft_json_item_new (key, json_array_get_element (array, i), FALSE);

          g_list_store_append (store, item);
        }
      return G_LIST_MODEL (store);
    }

  return NULL;
}
