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

/* A label lays out all of its text, ellipsized or not: 200 MB of it
 * would hold the window for minutes.  Longer text is cut for display
 * (Copy still gives all of it). */
#define MAX_SHOWN_CHARS 2000

/* Control characters would be invisible or break the one-line summary:
 * they are written as escapes (\n, \t, \x1b); everything else as typed. */
static char *
dup_visible_string (const char *text)
{
  GString *out = g_string_sized_new (MIN (strlen (text), 4 * MAX_SHOWN_CHARS));
  const char *stop = text;
  glong n_chars = 0;

  /* where the shown part ends, without measuring all of a long text */
  while (*stop != '\0' && n_chars < MAX_SHOWN_CHARS)
    stop = g_utf8_next_char (stop), n_chars++;

  for (const char *p = text; p < stop; p++)
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

  if (*stop != '\0')
    {
      g_autofree char *start = g_string_free (out, FALSE);
      g_autofree char *size = g_strdup_printf ("%ld", g_utf8_strlen (text, -1));

      return g_strdup_printf (_("(cut from %s characters) %s…"), size, start);
    }
  return g_string_free (out, FALSE);
}

char *
ft_dup_shown_text (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  return dup_visible_string (text);
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

/* The tracer's "$truncated" markers (docs/trace-format.md) stand for a
 * value it cut or could not take; they read as a sentence, not as a
 * JSON object. */
static const char *
marker_kind (JsonNode *node)
{
  JsonObject *object;
  JsonNode *kind;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  kind = json_object_get_member (object, "$truncated");
  if (kind == NULL || !JSON_NODE_HOLDS_VALUE (kind) || json_node_get_value_type (kind) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (kind);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *member = json_object_get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return "?";
  return json_node_get_string (member);
}

static char *
dup_marker_text (JsonNode   *node,
                 const char *kind)
{
  JsonObject *object = json_node_get_object (node);
  const char *size_key = g_str_equal (kind, "int") ? "bits" : "len";
  JsonNode *size_node = json_object_get_member (object, size_key);
  /* a hand-made marker may hold anything there */
  g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT,
                                           size_node != NULL && JSON_NODE_HOLDS_VALUE (size_node) &&
                                           json_node_get_value_type (size_node) == G_TYPE_INT64
                                           ? json_node_get_int (size_node) : 0);
  g_autofree char *value = NULL;

  if (g_str_equal (kind, "str") || g_str_equal (kind, "bytes"))
    value = dup_visible_string (member_string (object, "value"));

  if (g_str_equal (kind, "str"))
    /* Translators: a long string cut by the tracer: its length, then its start */
    return g_strdup_printf (_("(cut from %s characters) %s…"), size, value);
  if (g_str_equal (kind, "bytes"))
    /* Translators: long bytes cut by the tracer: their length, then their start */
    return g_strdup_printf (_("(cut from %s bytes) %s…"), size, value);
  if (g_str_equal (kind, "int"))
    return g_strdup_printf (_("(an integer of %s bits, too large to record)"), size);
  if (g_str_equal (kind, "items"))
    return g_strdup_printf (_("(… %s items in all)"), size);
  if (g_str_equal (kind, "depth"))
    /* Translators: %s is a Python type name */
    return g_strdup_printf (_("(%s nested too deep to record)"), member_string (object, "type"));
  if (g_str_equal (kind, "cycle"))
    /* Translators: %s is a Python type name */
    return g_strdup_printf (_("(%s containing itself)"), member_string (object, "type"));
  if (g_str_equal (kind, "budget"))
    return g_strdup (_("(not recorded: the call’s value budget was spent)"));
  if (g_str_equal (kind, "repr-error"))
    /* Translators: a type name, then the exception its repr() raised */
    return g_strdup_printf (_("(repr() of %s raised %s)"), member_string (object, "type"),
                            member_string (object, "error_type"));

  return NULL;
}

gboolean
ft_json_item_is_marker (FtJsonItem *self)
{
  g_return_val_if_fail (FT_IS_JSON_ITEM (self), FALSE);

  return marker_kind (self->node) != NULL;
}

char *
ft_json_item_dup_summary (FtJsonItem *self)
{
  const char *kind;
  char *marker;

  g_return_val_if_fail (FT_IS_JSON_ITEM (self), NULL);

  kind = marker_kind (self->node);
  if (kind != NULL && (marker = dup_marker_text (self->node, kind)) != NULL)
    return marker;

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

  if (marker_kind (self->node) != NULL)
    return NULL;

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
