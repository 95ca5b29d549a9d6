/* test-call-model.c: what the call tree lists under each call
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <string.h>

#include "ft-call-model.h"
#include "ft-call-row.h"
#include "ft-json-item.h"
#include "ft-test-util.h"

/* root
 *   a (Obj#1)
 *   <listcomp>            internal
 *     __eq__              internal
 *       deep
 *     b
 *   c (Obj#2)
 *   d (Obj#1)
 *   e
 */
static const char trace_text[] =
  "[{\"id\":0,\"callable\":\"root\",\"module\":\"__main__\",\"calls\":["
  "{\"id\":1,\"callable\":\"a\",\"called\":\"Obj\",\"module\":\"m\",\"instance_id\":1,\"calls\":[]},"
  "{\"id\":2,\"callable\":\"<listcomp>\",\"called\":\"<listcomp>\",\"module\":\"m\",\"calls\":["
  "{\"id\":3,\"callable\":\"__eq__\",\"called\":\"Obj\",\"module\":\"m\",\"instance_id\":1,\"calls\":["
  "{\"id\":4,\"callable\":\"deep\",\"module\":\"m\",\"calls\":[]}]},"
  "{\"id\":5,\"callable\":\"b\",\"module\":\"m\",\"calls\":[]}]},"
  "{\"id\":6,\"callable\":\"c\",\"called\":\"Obj\",\"module\":\"m\",\"instance_id\":2,\"calls\":[]},"
  "{\"id\":7,\"callable\":\"d\",\"called\":\"Obj\",\"module\":\"m\",\"instance_id\":1,\"calls\":[]},"
  "{\"id\":8,\"callable\":\"e\",\"module\":\"m\",\"calls\":[]}]}]";

static FtTrace *trace;

static char *
titles (GListModel *model)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FtCallRow) row = g_list_model_get_item (model, i);
      g_autofree char *title = ft_call_row_dup_title (row);

      g_string_append_printf (out, "%s%s", i ? " " : "", title);
    }

  return g_string_free (out, FALSE);
}

static FtNodeId
node (gint64 id)
{
  return ft_test_node_by_id (trace, id);
}

static void
test_plain (void)
{
  g_autoptr(FtCallModel) model = ft_call_model_new_children (trace, node (0), FT_CALL_MODEL_PLAIN);
  g_autofree char *text = titles (G_LIST_MODEL (model));
  guint position, group;

  g_assert_cmpstr (text, ==, "Obj.a <listcomp> Obj.c Obj.d e");
  g_assert_true (ft_call_model_locate (model, node (7), &position, &group));
  g_assert_cmpuint (position, ==, 3);
  g_assert_cmpuint (group, ==, G_MAXUINT);
  /* Not a child of root: not here. */
  g_assert_false (ft_call_model_locate (model, node (4), &position, &group));
}

static void
test_hide_internals_lifts_children (void)
{
  g_autoptr(FtCallModel) model = ft_call_model_new_children (trace, node (0), FT_CALL_MODEL_HIDE_INTERNALS);
  g_autofree char *text = titles (G_LIST_MODEL (model));
  guint position, group;

  /* <listcomp> and __eq__ give their place to deep and b, in order. */
  g_assert_cmpstr (text, ==, "Obj.a deep b Obj.c Obj.d e");
  g_assert_true (ft_call_model_locate (model, node (5), &position, &group));
  g_assert_cmpuint (position, ==, 2);
  g_assert_true (ft_call_model_locate (model, node (4), &position, &group));
  g_assert_cmpuint (position, ==, 1);
}

static void
test_group_by_instance (void)
{
  g_autoptr(FtCallModel) model = ft_call_model_new_children (trace, node (0), FT_CALL_MODEL_GROUP_INSTANCE);
  g_autofree char *text = titles (G_LIST_MODEL (model));
  g_autoptr(FtCallRow) group_row = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_autoptr(GListModel) members = ft_call_model_create_children (group_row, FT_CALL_MODEL_GROUP_INSTANCE);
  g_autofree char *member_text = titles (members);
  guint position, group;

  /* Obj#1 sits where its first call was; d moved into it. */
  g_assert_cmpstr (text, ==, "Obj#1 <listcomp> Obj#2 e");
  g_assert_cmpstr (member_text, ==, "Obj.a Obj.d");
  g_assert_true (ft_call_model_locate (model, node (7), &position, &group));
  g_assert_cmpuint (position, ==, 0);
  g_assert_cmpuint (group, ==, 1);
  g_assert_true (ft_call_model_locate (model, node (8), &position, &group));
  g_assert_cmpuint (position, ==, 3);
  g_assert_cmpuint (group, ==, G_MAXUINT);
}

static void
test_hide_and_group (void)
{
  g_autoptr(FtCallModel) model = ft_call_model_new_children (trace, node (0),
                                                             FT_CALL_MODEL_HIDE_INTERNALS | FT_CALL_MODEL_GROUP_INSTANCE);
  g_autofree char *text = titles (G_LIST_MODEL (model));

  g_assert_cmpstr (text, ==, "Obj#1 deep b Obj#2 e");
}

static void
test_leaf_has_no_children_model (void)
{
  g_autoptr(FtCallRow) leaf = ft_call_row_new_node (trace, node (8));
  g_autoptr(FtCallRow) listcomp = ft_call_row_new_node (trace, node (2));
  g_autoptr(GListModel) none = ft_call_model_create_children (leaf, FT_CALL_MODEL_PLAIN);
  g_autoptr(GListModel) some = ft_call_model_create_children (listcomp, FT_CALL_MODEL_PLAIN);

  /* No expander for a leaf. */
  g_assert_null (none);
  g_assert_cmpuint (g_list_model_get_n_items (some), ==, 2);
}

/* A child process's row says its pid. */
static void
test_process_title (void)
{
  static const char text[] =
    "[{\"id\":0,\"callable\":\"root\",\"module\":\"__main__\",\"calls\":["
    "{\"id\":1,\"kind\":\"thread\",\"callable\":\"MainThread\",\"calls\":["
    "{\"id\":2,\"callable\":\"run\",\"module\":\"m\",\"calls\":["
    "{\"caller\":\"run::run\",\"id\":4294967296,\"kind\":\"process\",\"pid\":2,"
    "\"callable\":\"helper.py\",\"module\":\"__main__\",\"calls\":[]},"
    "{\"id\":3,\"kind\":\"process\",\"pid\":null,\"callable\":\"fork\","
    "\"module\":\"os\",\"calls\":[]}]}]}]}]";
  g_autofree char *path = ft_test_write_file ("process.json", text, -1);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(FtTrace) processes = ft_trace_load (file, NULL, NULL, NULL, &error);
  g_autoptr(FtCallModel) model = NULL;
  g_autofree char *text_out = NULL;

  g_assert_no_error (error);
  model = ft_call_model_new_children (processes, ft_test_node_by_id (processes, 2),
                                      FT_CALL_MODEL_PLAIN);
  text_out = titles (G_LIST_MODEL (model));
  /* No pid known (the child never started recording): the name alone. */
  g_assert_cmpstr (text_out, ==, "helper.py (process 2) fork");
}

/* A value of 200 MB in a label would hold the window for minutes: its
 * summary is cut, saying from how long; Copy still gives all of it. */
static void
test_long_string_summary (void)
{
  gsize len = 50u << 20;
  g_autofree char *text = g_malloc (len + 1);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autoptr(FtJsonItem) item = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *copy = NULL;

  memset (text, 'a', len);
  text[0] = '\n';
  text[len] = 0;
  json_node_set_string (node, text);
  item = ft_json_item_new ("s", node, FALSE);
  summary = ft_json_item_dup_summary (item);
  copy = ft_json_item_dup_copy_text (item);

  g_assert_cmpuint (strlen (summary), <, 2100);
  g_assert_true (g_str_has_prefix (summary, "(cut from 52428800 characters) \\naaa"));
  g_assert_true (g_str_has_suffix (summary, "a…"));
  g_assert_cmpuint (strlen (copy), ==, len);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  ft_test_init (&argc, &argv);
  path = ft_test_write_file ("model.json", trace_text, -1);
  file = g_file_new_for_path (path);
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/flowtrace/call-model/plain", test_plain);
  g_test_add_func ("/flowtrace/call-model/hide-internals", test_hide_internals_lifts_children);
  g_test_add_func ("/flowtrace/call-model/group-by-instance", test_group_by_instance);
  g_test_add_func ("/flowtrace/call-model/hide-and-group", test_hide_and_group);
  g_test_add_func ("/flowtrace/call-model/leaf", test_leaf_has_no_children_model);
  g_test_add_func ("/flowtrace/call-model/process-title", test_process_title);
  g_test_add_func ("/flowtrace/json-item/long-string-summary", test_long_string_summary);

  status = g_test_run ();
  g_clear_object (&trace);
  return status;
}
