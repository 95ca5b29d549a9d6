/* test-trace.c: loading, navigating, details, salvage, errors and search
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "test-trace"

#include "config.h"

#include "ft-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "ft-trace.h"
#include "ft-trace-filter.h"
#include "ft-trace-private.h"   /* ft_trace_search_set_chunk_size */

static char *tmp_dir;

/* A FlowTrace-format trace with a thread node, a method with an error, an
 * internal callable, memory snapshots and unicode. */
static const char flowtrace_trace[] =
  "[{\"id\":0,\"callable\":\"app.py\",\"module\":\"__main__\",\"called\":\"app.py\",\"caller\":null,"
  "\"instance_id\":null,\"flowtrace\":{\"version\":2,\"python\":\"3.11.7\",\"complete\":true},"
  "\"inputs\":{},\"calls\":["
   "{\"id\":1,\"kind\":\"thread\",\"callable\":\"MainThread\",\"module\":\"threading\",\"called\":\"Thread\","
   "\"caller\":null,\"thread\":\"MainThread\",\"thread_id\":140,\"start_ns\":5,\"calls\":["
    "{\"id\":2,\"callable\":\"pay\",\"module\":\"shop.cart\",\"called\":\"Cart\",\"caller\":\"app.py::app.py\","
    "\"instance_id\":77,\"file\":\"/src/shop/cart.py\",\"line\":31,\"start_ns\":10,"
    "\"inputs\":{\"amount\":12.5,\"note\":\"Caf\\u00e9 \\ud83d\\ude00 total\"},"
    "\"memory_before\":{\"rss_bytes\":1000,\"vms_bytes\":2000},"
    "\"calls\":["
     "{\"id\":3,\"callable\":\"__init__\",\"module\":\"shop.receipt\",\"called\":\"Receipt\",\"caller\":\"Cart::pay\","
     "\"instance_id\":null,\"inputs\":{},\"calls\":[],\"inputs_after\":{},\"output\":null,\"error\":null,"
     "\"error_type\":null,\"duration_ms\":0.5},"
     "{\"id\":4,\"callable\":\"<listcomp>\",\"module\":\"shop.cart\",\"called\":\"<listcomp>\",\"caller\":\"Cart::pay\","
     "\"inputs\":{\"xs\":[1,2]},\"calls\":[],\"inputs_after\":{\"xs\":[1,2]},\"output\":[2,4],\"error\":null,"
     "\"duration_ms\":0.01}"
    "],"
    "\"inputs_after\":{\"amount\":12.5,\"note\":\"changed\"},\"output\":{\"paid\":true,\"ticket\":\"T-9\"},"
    "\"error\":\"ValueError('card declined')\",\"error_type\":\"ValueError\","
    "\"memory_after\":{\"rss_bytes\":1500,\"vms_bytes\":2600},\"duration_ms\":1.25}"
   "],\"duration_ms\":2.0}"
  "],\"inputs_after\":{},\"output\":null,\"error\":null,\"error_type\":null,\"duration_ms\":3.5}]";

/* The original PyTraceFlow shape: "__instance__" groups, no kind, start_ns or metadata. */
static const char original_trace[] =
  "[\n"
  "  {\n"
  "    \"id\": 0, \"callable\": \"script.py\", \"module\": \"__main__\", \"called\": \"script.py\",\n"
  "    \"caller\": null, \"instance_id\": null, \"inputs\": {}, \"output\": null, \"error\": null,\n"
  "    \"duration_ms\": 10.0,\n"
  "    \"calls\": [\n"
  "      {\"id\": 1, \"callable\": \"__instance__\", \"module\": \"demo.prices\", \"called\": \"PriceBook\",\n"
  "       \"caller\": \"script.py::script.py\", \"instance_id\": 140000000001,\n"
  "       \"calls\": [\n"
  "         {\"id\": 2, \"callable\": \"lookup\", \"module\": \"demo.prices\", \"called\": \"PriceBook\",\n"
  "          \"caller\": \"script.py::script.py\", \"instance_id\": 140000000001,\n"
  "          \"inputs\": {\"sku\": \"A-1\"}, \"output\": 9.99, \"error\": null, \"duration_ms\": 0.2, \"calls\": []},\n"
  "         {\"id\": 3, \"callable\": \"__repr__\", \"module\": \"demo.prices\", \"called\": \"PriceBook\",\n"
  "          \"caller\": \"PriceBook::lookup\", \"instance_id\": 140000000001,\n"
  "          \"inputs\": {}, \"output\": \"<PriceBook>\", \"error\": null, \"duration_ms\": 0.1, \"calls\": []}\n"
  "       ]},\n"
  "      {\"id\": 4, \"callable\": \"total\", \"module\": \"demo.taxes\", \"called\": \"total\",\n"
  "       \"caller\": \"script.py::script.py\", \"instance_id\": null,\n"
  "       \"inputs\": {\"items\": [1, 2]}, \"output\": null, \"error\": \"KeyError('vat')\", \"duration_ms\": 0.3, \"calls\": []}\n"
  "    ]\n"
  "  }\n"
  "]\n";

static GFile *
write_trace_len (const char *name,
                 const char *text,
                 gssize      len)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  /* no fsync: thousands of cut files are written; without the
   * CONSISTENT flag an existing file would not be truncated */
  g_unlink (path);
  g_file_set_contents_full (path, text, len, G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static GFile *
write_trace (const char *name,
             const char *text)
{
  return write_trace_len (name, text, -1);
}

static FtTrace *
load_ok (const char *name,
         const char *text)
{
  g_autoptr(GFile) file = write_trace (name, text);
  g_autoptr(GError) error = NULL;
  FtTrace *trace = ft_trace_load (file, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (trace);
  return trace;
}

static void
assert_object_json (JsonNode   *node,
                    const char *expected)
{
  g_autoptr(JsonNode) want = json_from_string (expected, NULL);
  g_autofree char *got = NULL;

  g_assert_nonnull (node);
  got = json_to_string (node, FALSE);
  if (!json_node_equal (node, want))
    g_error ("got %s, expected %s", got, expected);
}

static GArray *
search (FtTrace       *trace,
        const char    *needle,
        FtSearchFlags  flags)
{
  return ft_trace_search (trace, needle, flags, NULL);
}

static void
assert_hits (GArray     *hits,
             const char *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < hits->len; i++)
    g_string_append_printf (got, "%s%u", i ? "," : "", g_array_index (hits, FtNodeId, i));
  g_assert_cmpstr (got->str, ==, expected);
  g_array_unref (hits);
}

/* ---------------------------------------------------------------- formats */

static void
test_flowtrace_format (void)
{
  g_autoptr(FtTrace) trace = load_ok ("flowtrace.json", flowtrace_trace);
  FtNodeId root, thread, pay, init, comp;
  gint64 instance = 0;
  g_autofree char *display = NULL;
  JsonObject *meta;

  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, 5);
  g_assert_cmpuint (ft_trace_get_n_roots (trace), ==, 1);
  g_assert_cmpuint (ft_trace_get_n_calls (trace), ==, 3);
  g_assert_false (ft_trace_is_salvaged (trace));
  g_assert_null (ft_trace_get_salvage_message (trace));
  g_assert_true (ft_trace_is_complete (trace));

  meta = ft_trace_get_metadata (trace);
  g_assert_nonnull (meta);
  g_assert_cmpint (json_object_get_int_member (meta, "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (meta, "python"), ==, "3.11.7");

  root = ft_trace_get_root (trace, 0);
  g_assert_cmpuint (ft_trace_get_parent (trace, root), ==, FT_NODE_NONE);
  g_assert_cmpstr (ft_trace_get_callable (trace, root), ==, "app.py");
  g_assert_cmpuint (ft_trace_get_n_children (trace, root), ==, 1);
  g_assert_cmpuint (ft_trace_get_n_descendants (trace, root), ==, 4);
  g_assert_cmpfloat (ft_trace_get_duration_ms (trace, root), ==, 3.5);

  thread = ft_trace_get_child (trace, root, 0);
  g_assert_cmpint (ft_trace_get_kind (trace, thread), ==, FT_NODE_KIND_THREAD);
  g_assert_cmpstr (ft_trace_get_thread_name (trace, thread), ==, "MainThread");
  g_assert_cmpint (ft_trace_get_start_ns (trace, thread), ==, 5);
  g_assert_cmpuint (ft_trace_get_parent (trace, thread), ==, root);

  pay = ft_trace_get_child (trace, thread, 0);
  g_assert_cmpint (ft_trace_get_id (trace, pay), ==, 2);
  g_assert_cmpint (ft_trace_get_kind (trace, pay), ==, FT_NODE_KIND_CALL);
  g_assert_cmpstr (ft_trace_get_callable (trace, pay), ==, "pay");
  g_assert_cmpstr (ft_trace_get_called (trace, pay), ==, "Cart");
  g_assert_cmpstr (ft_trace_get_module (trace, pay), ==, "shop.cart");
  g_assert_cmpstr (ft_trace_get_caller (trace, pay), ==, "app.py::app.py");
  g_assert_cmpstr (ft_trace_get_file_name (trace, pay), ==, "/src/shop/cart.py");
  g_assert_cmpuint (ft_trace_get_line (trace, pay), ==, 31);
  g_assert_cmpstr (ft_trace_get_error (trace, pay), ==, "ValueError('card declined')");
  g_assert_cmpstr (ft_trace_get_error_type (trace, pay), ==, "ValueError");
  g_assert_cmpint (ft_trace_get_start_ns (trace, pay), ==, 10);
  g_assert_cmpfloat (ft_trace_get_duration_ms (trace, pay), ==, 1.25);
  g_assert_true (ft_trace_get_instance_id (trace, pay, &instance));
  g_assert_cmpint (instance, ==, 77);
  display = ft_trace_dup_display_name (trace, pay);
  g_assert_cmpstr (display, ==, "Cart.pay");
  g_assert_cmpuint (ft_trace_get_depth (trace, pay), ==, 2);
  g_assert_cmpuint (ft_trace_get_flags (trace, pay), ==,
                    FT_NODE_FLAG_ERROR | FT_NODE_FLAG_MEMORY | FT_NODE_FLAG_HAS_INSTANCE);

  init = ft_trace_get_child (trace, pay, 0);
  comp = ft_trace_get_child (trace, pay, 1);
  g_assert_cmpuint (ft_trace_get_index (trace, init), ==, 0);
  g_assert_cmpuint (ft_trace_get_index (trace, comp), ==, 1);
  g_assert_false (ft_trace_get_instance_id (trace, init, NULL));
  g_assert_cmpuint (ft_trace_get_flags (trace, init), ==, FT_NODE_FLAG_INTERNAL | FT_NODE_FLAG_EMPTY_IO);
  g_assert_cmpuint (ft_trace_get_flags (trace, comp), ==, FT_NODE_FLAG_INTERNAL);
  g_assert_cmpint (ft_trace_get_start_ns (trace, init), ==, -1);
  g_assert_null (ft_trace_get_thread_name (trace, init));
  g_assert_null (ft_trace_get_error (trace, init));
  g_assert_cmpuint (ft_trace_get_line (trace, init), ==, 0);
}

/* Lives of a generator and a coroutine as the tracer writes them: placed
 * when they end (ids out of file order), with running/suspended times and
 * resumes; an older file's per-resumption node (kind, no resumes) too. */
static const char life_trace[] =
  "[{\"id\":0,\"callable\":\"a.py\",\"module\":\"__main__\",\"called\":\"a.py\",\"caller\":null,"
  "\"instance_id\":null,\"inputs\":{},\"calls\":["
   "{\"id\":1,\"kind\":\"thread\",\"callable\":\"MainThread\",\"module\":\"threading\",\"called\":\"Thread\","
   "\"caller\":null,\"thread\":\"MainThread\",\"thread_id\":7,\"start_ns\":1,\"calls\":["
    "{\"id\":2,\"callable\":\"main\",\"module\":\"a\",\"called\":\"main\",\"caller\":\"Thread::MainThread\","
    "\"instance_id\":null,\"file\":\"/a.py\",\"line\":9,\"kind\":\"coroutine\",\"start_ns\":10,"
    "\"inputs\":{},\"calls\":["
     "{\"id\":4,\"callable\":\"other\",\"module\":\"a\",\"called\":\"other\",\"caller\":\"main::main\","
     "\"instance_id\":null,\"start_ns\":30,\"inputs\":{},\"calls\":[],\"inputs_after\":{},\"output\":1,"
     "\"duration_ms\":0.001,\"error\":null,\"error_type\":null},"
     "{\"id\":3,\"callable\":\"ticks\",\"module\":\"a\",\"called\":\"Feed\",\"caller\":\"main::main\","
     "\"instance_id\":5,\"kind\":\"async_generator\",\"start_ns\":20,\"inputs\":{\"n\":2},\"calls\":[],"
     "\"inputs_after\":{\"n\":2},\"output\":null,\"duration_ms\":0.5,\"running_ms\":0.125,"
     "\"suspended_ms\":0.375,\"resumes\":2,\"yields\":2,\"error\":null,\"error_type\":null,\"closed\":true}"
    "],\"inputs_after\":{},\"output\":[0,1],\"duration_ms\":2.0,\"running_ms\":0.5,\"suspended_ms\":1.5,"
    "\"resumes\":3,\"yields\":3,\"error\":null,\"error_type\":null},"
    "{\"id\":5,\"callable\":\"gen\",\"module\":\"a\",\"called\":\"gen\",\"caller\":\"Thread::MainThread\","
    "\"instance_id\":null,\"kind\":\"generator\",\"inputs\":{},\"calls\":[],\"inputs_after\":{},"
    "\"output\":7,\"duration_ms\":0.002,\"error\":null,\"error_type\":null}"
   "],\"duration_ms\":3.0}"
  "],\"inputs_after\":{},\"output\":null,\"error\":null,\"duration_ms\":3.5}]";

static void
test_life_format (void)
{
  g_autoptr(FtTrace) trace = load_ok ("life.json", life_trace);
  FtNodeId thread = ft_trace_get_child (trace, ft_trace_get_root (trace, 0), 0);
  FtNodeId main_node = ft_trace_get_child (trace, thread, 0);
  FtNodeId other = ft_trace_get_child (trace, main_node, 0);
  FtNodeId ticks = ft_trace_get_child (trace, main_node, 1);
  FtNodeId old_gen = ft_trace_get_child (trace, thread, 1);
  g_autoptr(FtNodeDetail) main_detail = NULL;
  g_autoptr(FtNodeDetail) ticks_detail = NULL;
  g_autoptr(FtNodeDetail) old_detail = NULL;
  g_autoptr(FtNodeDetail) other_detail = NULL;
  g_autoptr(FtTraceFilter) filter = NULL;
  g_autofree char *ticks_name = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (ft_trace_get_n_calls (trace), ==, 4);
  g_assert_cmpint (ft_trace_get_kind (trace, main_node), ==, FT_NODE_KIND_COROUTINE);
  g_assert_cmpint (ft_trace_get_kind (trace, ticks), ==, FT_NODE_KIND_ASYNC_GENERATOR);
  g_assert_cmpint (ft_trace_get_kind (trace, old_gen), ==, FT_NODE_KIND_GENERATOR);
  g_assert_cmpint (ft_trace_get_kind (trace, other), ==, FT_NODE_KIND_CALL);
  /* placed after a sibling that started later: the file order stays */
  g_assert_cmpint (ft_trace_get_id (trace, other), ==, 4);
  g_assert_cmpint (ft_trace_get_id (trace, ticks), ==, 3);
  g_assert_cmpint (ft_trace_get_start_ns (trace, ticks), <, ft_trace_get_start_ns (trace, other));
  g_assert_cmpfloat (ft_trace_get_duration_ms (trace, main_node), ==, 2.0);
  /* an async generator method is shown as Class.method, like any method */
  ticks_name = ft_trace_dup_display_name (trace, ticks);
  g_assert_cmpstr (ticks_name, ==, "Feed.ticks");
  /* lives are calls for the filters */
  filter = ft_trace_filter_new ();
  g_assert_true (ft_trace_filter_parse_term (filter, "min-ms=0.4", &error));
  g_assert_no_error (error);
  g_assert_true (ft_trace_filter_matches (filter, trace, ticks));
  g_assert_true (ft_trace_filter_matches (filter, trace, main_node));
  g_assert_false (ft_trace_filter_matches (filter, trace, other));

  main_detail = ft_trace_get_detail (trace, main_node, &error);
  g_assert_no_error (error);
  g_assert_true (main_detail->has_life);
  g_assert_cmpint (main_detail->resumes, ==, 3);
  g_assert_cmpint (main_detail->yields, ==, 3);
  g_assert_cmpfloat (main_detail->running_ms, ==, 0.5);
  g_assert_cmpfloat (main_detail->suspended_ms, ==, 1.5);
  g_assert_false (main_detail->closed);
  /* the life fields are shown on their own, not as extras */
  g_assert_null (main_detail->extra);

  ticks_detail = ft_trace_get_detail (trace, ticks, &error);
  g_assert_no_error (error);
  g_assert_true (ticks_detail->has_life);
  g_assert_cmpint (ticks_detail->resumes, ==, 2);
  g_assert_cmpfloat (ticks_detail->running_ms, ==, 0.125);
  g_assert_true (ticks_detail->closed);

  /* an older file: one node per resumption, no life fields */
  old_detail = ft_trace_get_detail (trace, old_gen, &error);
  g_assert_no_error (error);
  g_assert_false (old_detail->has_life);
  g_assert_cmpint (old_detail->yields, ==, -1);
  g_assert_true (isnan (old_detail->running_ms));

  other_detail = ft_trace_get_detail (trace, other, &error);
  g_assert_no_error (error);
  g_assert_false (other_detail->has_life);
}

static void
test_original_format (void)
{
  g_autoptr(FtTrace) trace = load_ok ("original.json", original_trace);
  FtNodeId root = ft_trace_get_root (trace, 0);
  FtNodeId group = ft_trace_get_child (trace, root, 0);
  FtNodeId lookup = ft_trace_get_child (trace, group, 0);
  FtNodeId repr = ft_trace_get_child (trace, group, 1);
  FtNodeId total = ft_trace_get_child (trace, root, 1);
  gint64 instance = 0;
  g_autofree char *group_name = ft_trace_dup_display_name (trace, group);

  g_assert_null (ft_trace_get_metadata (trace));
  g_assert_true (ft_trace_is_complete (trace));
  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, 5);
  /* the group is not a call of its own */
  g_assert_cmpuint (ft_trace_get_n_calls (trace), ==, 3);

  g_assert_cmpint (ft_trace_get_kind (trace, group), ==, FT_NODE_KIND_INSTANCE);
  g_assert_cmpstr (group_name, ==, "__instance__");
  /* a group is not hidden with Python internals even though it looks like a dunder */
  g_assert_false (ft_trace_get_flags (trace, group) & FT_NODE_FLAG_INTERNAL);
  g_assert_true (ft_trace_get_instance_id (trace, group, &instance));
  g_assert_cmpint (instance, ==, 140000000001);

  g_assert_cmpint (ft_trace_get_kind (trace, lookup), ==, FT_NODE_KIND_CALL);
  g_assert_cmpint (ft_trace_get_start_ns (trace, lookup), ==, -1);
  g_assert_true (ft_trace_get_flags (trace, repr) & FT_NODE_FLAG_INTERNAL);
  g_assert_cmpuint (ft_trace_get_flags (trace, total), ==, FT_NODE_FLAG_ERROR);
  g_assert_cmpstr (ft_trace_get_error (trace, total), ==, "KeyError('vat')");
  g_assert_cmpuint (ft_trace_get_index (trace, total), ==, 1);
}

/* ---------------------------------------------------------------- navigation */

static void
test_navigation_wide (void)
{
  g_autoptr(GString) s = g_string_new ("[{\"id\":0,\"callable\":\"root\",\"calls\":[");
  g_autoptr(FtTrace) trace = NULL;
  const guint n = 5000;
  FtNodeId root;
  guint id = 1;

  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (s, "%s{\"id\":%u,\"callable\":\"f%u\",\"calls\":[", i ? "," : "", id++, i);
      /* child count varies: 0, 1, 2 */
      for (guint k = 0; k < i % 3; k++)
        g_string_append_printf (s, "%s{\"id\":%u,\"callable\":\"g%u_%u\"}", k ? "," : "", id++, i, k);
      g_string_append (s, "]}");
    }
  g_string_append (s, "]},{\"id\":999999,\"callable\":\"second root\"}]");

  trace = load_ok ("wide.json", s->str);
  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, id + 1);
  g_assert_cmpuint (ft_trace_get_n_roots (trace), ==, 2);
  g_assert_cmpuint (ft_trace_get_index (trace, ft_trace_get_root (trace, 1)), ==, 1);
  g_assert_cmpstr (ft_trace_get_callable (trace, ft_trace_get_root (trace, 1)), ==, "second root");

  root = ft_trace_get_root (trace, 0);
  g_assert_cmpuint (ft_trace_get_n_children (trace, root), ==, n);
  for (guint i = 0; i < n; i++)
    {
      FtNodeId child = ft_trace_get_child (trace, root, i);
      g_autofree char *want = g_strdup_printf ("f%u", i);

      g_assert_cmpstr (ft_trace_get_callable (trace, child), ==, want);
      g_assert_cmpuint (ft_trace_get_index (trace, child), ==, i);
      g_assert_cmpuint (ft_trace_get_parent (trace, child), ==, root);
      g_assert_cmpuint (ft_trace_get_n_children (trace, child), ==, i % 3);
      g_assert_cmpuint (ft_trace_get_n_descendants (trace, child), ==, i % 3);
      for (guint k = 0; k < i % 3; k++)
        {
          FtNodeId g = ft_trace_get_child (trace, child, k);
          g_autofree char *gwant = g_strdup_printf ("g%u_%u", i, k);
          g_assert_cmpstr (ft_trace_get_callable (trace, g), ==, gwant);
          g_assert_cmpuint (ft_trace_get_parent (trace, g), ==, child);
          g_assert_cmpuint (ft_trace_get_depth (trace, g), ==, 2);
        }
    }
}

static void
test_navigation_deep (void)
{
  g_autoptr(GString) s = g_string_new ("[");
  g_autoptr(FtTrace) trace = NULL;
  const guint depth = 3000;   /* deeper than Python's default recursion limit */
  FtNodeId node;

  for (guint i = 0; i < depth; i++)
    g_string_append_printf (s, "{\"id\":%u,\"callable\":\"rec\",\"calls\":[", i);
  for (guint i = 0; i < depth; i++)
    g_string_append (s, "],\"output\":1}");
  g_string_append (s, "]");

  trace = load_ok ("deep.json", s->str);
  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, depth);
  node = ft_trace_get_root (trace, 0);
  g_assert_cmpuint (ft_trace_get_n_descendants (trace, node), ==, depth - 1);
  while (ft_trace_get_n_children (trace, node) > 0)
    node = ft_trace_get_child (trace, node, 0);
  g_assert_cmpuint (node, ==, depth - 1);
  g_assert_cmpuint (ft_trace_get_depth (trace, node), ==, depth - 1);
}

/* ---------------------------------------------------------------- details */

static void
test_detail (void)
{
  g_autoptr(FtTrace) trace = load_ok ("detail.json", flowtrace_trace);
  g_autoptr(FtNodeDetail) pay = NULL;
  g_autoptr(FtNodeDetail) init = NULL;
  g_autoptr(FtNodeDetail) thread = NULL;
  g_autoptr(GError) error = NULL;

  pay = ft_trace_get_detail (trace, 2, &error);
  g_assert_no_error (error);
  assert_object_json (pay->inputs, "{\"amount\":12.5,\"note\":\"Caf\xc3\xa9 \xf0\x9f\x98\x80 total\"}");
  assert_object_json (pay->inputs_after, "{\"amount\":12.5,\"note\":\"changed\"}");
  assert_object_json (pay->output, "{\"paid\":true,\"ticket\":\"T-9\"}");
  assert_object_json (pay->memory_before, "{\"rss_bytes\":1000,\"vms_bytes\":2000}");
  assert_object_json (pay->memory_after, "{\"rss_bytes\":1500,\"vms_bytes\":2600}");
  g_assert_null (pay->extra);

  init = ft_trace_get_detail (trace, 3, &error);
  g_assert_no_error (error);
  assert_object_json (init->inputs, "{}");
  g_assert_nonnull (init->output);
  g_assert_true (JSON_NODE_HOLDS_NULL (init->output));
  g_assert_null (init->memory_before);

  /* the thread node: no output at all, thread_id kept as an extra */
  thread = ft_trace_get_detail (trace, 1, &error);
  g_assert_no_error (error);
  g_assert_null (thread->output);
  g_assert_null (thread->inputs);
  assert_object_json (thread->extra, "{\"thread_id\":140}");
}

/* skipped_calls (the tracer's --max-depth and --min-duration) is read into
 * the detail, not left among the extras; odd values are ignored. */
static void
test_detail_skipped_calls (void)
{
  static const char text[] =
    "[{\"id\":0,\"callable\":\"root\",\"calls\":["
    "{\"id\":1,\"callable\":\"a\",\"calls\":[],\"skipped_calls\":42,\"output\":1},"
    "{\"id\":2,\"callable\":\"b\",\"calls\":[],\"skipped_calls\":\"many\"},"
    "{\"id\":3,\"callable\":\"c\",\"skipped_calls\":-5,\"calls\":[]},"
    "{\"id\":4,\"callable\":\"d\",\"calls\":[]}],\"skipped_calls\":9}]";
  g_autoptr(FtTrace) trace = load_ok ("skipped.json", text);
  const gint64 expected[] = { 9, 42, 0, 0, 0 };

  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, 5);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FtNodeDetail) d = ft_trace_get_detail (trace, i, &error);

      g_assert_no_error (error);
      g_assert_cmpint (d->skipped_calls, ==, expected[i]);
      g_assert_null (d->extra);
    }
}

static void
test_detail_key_order (void)
{
  /* "calls" first, in the middle, last, and absent */
  static const char text[] =
    "[{\"calls\":[{\"callable\":\"last\",\"inputs\":{\"k\":3},\"calls\":[]},"
    "{\"callable\":\"none\",\"inputs\":{\"k\":4},\"output\":\"x\"}],"
    "\"callable\":\"first\",\"inputs\":{\"k\":1},\"output\":[1]},"
    "{\"callable\":\"mid\",\"inputs\":{\"k\":2},\"calls\":[{\"id\":9}],\"output\":{\"v\":[\"]\"]}},"
    "{\"callable\":\"nil\",\"inputs\":{\"k\":5},\"calls\":null,\"output\":\"after null\"}]";
  g_autoptr(FtTrace) trace = load_ok ("order.json", text);
  const char *inputs[] = { "{\"k\":1}", "{\"k\":3}", "{\"k\":4}", "{\"k\":2}", NULL, "{\"k\":5}" };
  const char *outputs[] = { "[1]", NULL, "\"x\"", "{\"v\":[\"]\"]}", NULL, "\"after null\"" };

  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FtNodeDetail) d = ft_trace_get_detail (trace, i, &error);

      g_assert_no_error (error);
      if (inputs[i] == NULL)
        g_assert_null (d->inputs);
      else
        assert_object_json (d->inputs, inputs[i]);
      if (outputs[i] == NULL)
        g_assert_null (d->output);
      else
        assert_object_json (d->output, outputs[i]);
    }
  g_assert_cmpstr (ft_trace_get_callable (trace, 0), ==, "first");
  g_assert_cmpuint (ft_trace_get_n_children (trace, 0), ==, 2);
  g_assert_cmpuint (ft_trace_get_n_children (trace, 5), ==, 0);
  assert_hits (search (trace, "after null", FT_SEARCH_VALUES), "5");
  assert_hits (search (trace, "k", FT_SEARCH_VALUES), "0,1,2,3,5");
}

/* ---------------------------------------------------------------- strings and numbers */

static void
test_unescape_and_numbers (void)
{
  static const char text[] =
    "[{\"id\":1e999,\"callable\":\"caf\\u00e9\\n\\t\\\"q\\\" \\ud83d\\ude00 \\ud800 x\\u0000y\","
    "\"module\":\"m\\/n\",\"duration_ms\":1e300,\"start_ns\":-1e999,\"line\":99999999999,"
    "\"instance_id\":\"18446744073709551615\",\"output\":-1e999,\"inputs\":{\"big\":123456789012345678901234567890}}]";
  g_autoptr(FtTrace) trace = load_ok ("escapes.json", text);

  g_assert_cmpstr (ft_trace_get_callable (trace, 0), ==,
                   "caf\xc3\xa9\n\t\"q\" \xf0\x9f\x98\x80 \xef\xbf\xbd x\xef\xbf\xbdy");
  g_assert_cmpstr (ft_trace_get_module (trace, 0), ==, "m/n");
  g_assert_cmpint (ft_trace_get_id (trace, 0), ==, G_MAXINT64);
  g_assert_cmpfloat (ft_trace_get_duration_ms (trace, 0), ==, 1e300);
  g_assert_cmpint (ft_trace_get_start_ns (trace, 0), ==, G_MININT64);
  g_assert_cmpuint (ft_trace_get_line (trace, 0), ==, G_MAXUINT32);
  /* out of range for gint64: not a crash, just not an instance id */
  g_assert_false (ft_trace_get_flags (trace, 0) & FT_NODE_FLAG_EMPTY_IO);
}

static void
test_detail_odd_strings (void)
{
  /* lone surrogates (Python writes them for undecodable bytes) and NUL */
  g_autoptr(FtTrace) trace =
    load_ok ("odd-strings.json",
             "[{\"id\":1,\"callable\":\"f\",\"inputs\":{\"a\":\"x\\udcff y\",\"b\":\"\\ud83d\\ude00\","
             "\"c\":\"\\\\ud800\",\"d\":\"n\\u0000m\"},\"output\":\"\\ud800\"}]");
  g_autoptr(GError) error = NULL;
  g_autoptr(FtNodeDetail) d = ft_trace_get_detail (trace, 0, &error);
  JsonObject *inputs;

  g_assert_no_error (error);
  inputs = json_node_get_object (d->inputs);
  g_assert_cmpstr (json_object_get_string_member (inputs, "a"), ==, "x\xef\xbf\xbd y");
  g_assert_cmpstr (json_object_get_string_member (inputs, "b"), ==, "\xf0\x9f\x98\x80");
  /* an escaped backslash followed by "ud800" is plain text */
  g_assert_cmpstr (json_object_get_string_member (inputs, "c"), ==, "\\ud800");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (inputs, "d"), "n"));
  g_assert_cmpstr (json_node_get_string (d->output), ==, "\xef\xbf\xbd");
}

static void
test_flags (void)
{
  static const char text[] =
    "[{\"id\":0,\"callable\":\"root\",\"calls\":["
    "{\"id\":1,\"callable\":\"__repr__\",\"inputs\":{},\"output\":null},"
    "{\"id\":2,\"callable\":\"<lambda>\",\"inputs\":{\"x\":1},\"output\":null},"
    "{\"id\":3,\"callable\":\"__private\",\"output\":0},"
    "{\"id\":4,\"callable\":\"__\",\"output\":false},"
    "{\"id\":5,\"callable\":\"plain\"},"
    "{\"id\":6,\"callable\":\"crashed\",\"incomplete\":true,\"inputs\":{\"a\":{}},\"output\":null},"
    "{\"id\":7,\"callable\":\"mem\",\"memory_before\":{\"rss_bytes\":1},\"memory_after\":null,\"output\":\"\"},"
    "{\"id\":8,\"callable\":\"err\",\"error\":\"\",\"instance_id\":null,\"output\":{}},"
    "{\"id\":9,\"callable\":\"gen\",\"kind\":\"generator\",\"instance_id\":5},"
    "{\"id\":10,\"callable\":\"co\",\"kind\":\"coroutine\"},"
    "{\"id\":11,\"callable\":\"child\",\"kind\":\"process\",\"pid\":4242},"
    "{\"id\":12,\"callable\":\"odd\",\"kind\":\"something-new\"}"
    "]}]";
  g_autoptr(FtTrace) trace = load_ok ("flags.json", text);
  const struct { guint flags; FtNodeKind kind; } want[] = {
    { FT_NODE_FLAG_EMPTY_IO, FT_NODE_KIND_CALL },
    { FT_NODE_FLAG_INTERNAL | FT_NODE_FLAG_EMPTY_IO, FT_NODE_KIND_CALL },
    { FT_NODE_FLAG_INTERNAL, FT_NODE_KIND_CALL },
    { 0, FT_NODE_KIND_CALL },
    { 0, FT_NODE_KIND_CALL },
    { FT_NODE_FLAG_EMPTY_IO, FT_NODE_KIND_CALL },
    { FT_NODE_FLAG_INCOMPLETE, FT_NODE_KIND_CALL },
    { FT_NODE_FLAG_MEMORY, FT_NODE_KIND_CALL },
    { FT_NODE_FLAG_ERROR, FT_NODE_KIND_CALL },
    { FT_NODE_FLAG_EMPTY_IO | FT_NODE_FLAG_HAS_INSTANCE, FT_NODE_KIND_GENERATOR },
    { FT_NODE_FLAG_EMPTY_IO, FT_NODE_KIND_COROUTINE },
    { FT_NODE_FLAG_EMPTY_IO, FT_NODE_KIND_PROCESS },
    { FT_NODE_FLAG_EMPTY_IO, FT_NODE_KIND_CALL },
  };

  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      g_test_message ("node %u (%s)", i, ft_trace_get_callable (trace, i));
      g_assert_cmphex (ft_trace_get_flags (trace, i), ==, want[i].flags);
      g_assert_cmpint (ft_trace_get_kind (trace, i), ==, want[i].kind);
    }
  /* a file that says "incomplete": true was not salvaged */
  g_assert_false (ft_trace_is_salvaged (trace));
  g_assert_cmpuint (ft_trace_get_n_incomplete (trace), ==, 0);
}

static void
test_incomplete_metadata (void)
{
  g_autoptr(FtTrace) trace =
    load_ok ("running.json",
             "[{\"id\":0,\"callable\":\"a.py\",\"flowtrace\":{\"version\":2,\"complete\":false},\"calls\":[]}]");

  g_assert_false (ft_trace_is_salvaged (trace));
  g_assert_false (ft_trace_is_complete (trace));
}

/* ---------------------------------------------------------------- malformed */

static void
test_malformed (void)
{
  static const struct { const char *text; gssize len; guint offset; } cases[] = {
    { "", 0, 0 },
    { "   \n", -1, 4 },
    { "{}", -1, 0 },
    { "\"calls\"", -1, 0 },
    { "[]", -1, 1 },
    { "[1]", -1, 1 },
    { "[[]]", -1, 1 },
    { "[{}]", -1, 1 },
    { "[{\"a\":1}]", -1, 1 },
    { "[{\"id\":\"x\"}]", -1, 7 },
    { "[{\"id\":1,\"callable\":5}]", -1, 20 },
    { "[{\"callable\":\"f\",\"calls\":{}}]", -1, 25 },
    { "[{\"callable\":\"f\",\"calls\":[1]}]", -1, 26 },
    { "[{\"callable\":\"f\",\"inputs\":[1]}]", -1, 26 },
    { "[{\"callable\":\"f\",\"duration_ms\":\"slow\"}]", -1, 31 },
    { "[{\"callable\":\"f\",\"duration_ms\":1e999}]", -1, 31 },
    { "[{\"callable\":\"f\",\"duration_ms\":-1E400}]", -1, 31 },
    { "[{\"callable\":\"f\",\"incomplete\":1}]", -1, 30 },
    { "[{\"callable\":\"f\",\"memory_before\":7}]", -1, 33 },
    { "[{\"callable\":\"f\"}] x", -1, 19 },
    { "[{\"callable\":\"f\"},]", -1, 18 },
    { "[{\"callable\":\"f\" \"module\":\"m\"}]", -1, 17 },
    { "[{\"callable\" \"f\"}]", -1, 13 },
    { "[{callable:\"f\"}]", -1, 2 },
    { "[{\"callable\":\"\xff\"}]", -1, 14 },
    { "[{\"callable\":\"ok\xc3\"}]", -1, 16 },
    { "[{\"callable\":\"a\\qb\"}]", -1, 15 },
    { "[{\"callable\":\"a\\u12G4\"}]", -1, 15 },
    { "[{\"callable\":\"a\tb\"}]", -1, 15 },
    { "[{\"callable\":\"f\",\"x\":tru}]", -1, 21 },
    { "[{\"callable\":\"f\",\"x\":-}]", -1, 22 },
    { "[{\"callable\":\"f\",\"x\":1.}]", -1, 23 },
    { "[{\"callable\":\"f\",\"x\":01}]", -1, 22 },
    { "[{\"callable\":\"f\",\"x\":NaN}]", -1, 21 },
    { "\x00\x01\x02", 3, 0 },
    { "PK\x03\x04", 4, 0 },
    { "<html><body>", -1, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("bad-%u.json", i);
      g_autoptr(GFile) file = write_trace_len (name, cases[i].text,
                                               cases[i].len >= 0 ? cases[i].len : (gssize) strlen (cases[i].text));
      g_autoptr(GError) error = NULL;
      g_autoptr(FtTrace) trace = ft_trace_load (file, NULL, NULL, NULL, &error);
      g_autofree char *where = g_strdup_printf (": byte %u: ", cases[i].offset);

      g_test_message ("case %u: %s", i, error ? error->message : "(loaded)");
      g_assert_null (trace);
      g_assert_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE);
      g_assert_nonnull (strstr (error->message, name));
      g_assert_nonnull (strstr (error->message, where));
      g_assert_nonnull (strstr (error->message, "expected"));
    }
}

static void
test_too_deep (void)
{
  g_autoptr(GString) values = g_string_new ("[{\"callable\":\"f\",\"inputs\":{\"a\":");
  g_autoptr(GString) calls = g_string_new ("[");
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) f1 = NULL;
  g_autoptr(GFile) f2 = NULL;
  FtTrace *trace;

  /* nesting inside a value, and nested calls: an error, not a stack overflow */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (values, '[');
  for (guint i = 0; i < 20000; i++)
    g_string_append (calls, "{\"callable\":\"f\",\"calls\":[");

  f1 = write_trace ("deep-values.json", values->str);
  trace = ft_trace_load (f1, NULL, NULL, NULL, &error);
  g_assert_null (trace);
  g_assert_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE);
  /* 31 bytes of prefix, then the 20000th level of nesting */
  g_assert_nonnull (strstr (error->message, "deep-values.json: byte 20028: "));
  g_clear_error (&error);

  f2 = write_trace ("deep-calls.json", calls->str);
  trace = ft_trace_load (f2, NULL, NULL, NULL, &error);
  g_assert_null (trace);
  g_assert_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE);
  g_assert_nonnull (strstr (error->message, "deep-calls.json: byte "));
}

static void
test_not_a_file (void)
{
  g_autoptr(GFile) dir = g_file_new_for_path (tmp_dir);
  g_autofree char *fifo_path = g_build_filename (tmp_dir, "fifo.json", NULL);
  g_autoptr(GFile) fifo = g_file_new_for_path (fifo_path);
  g_autoptr(GError) error = NULL;
  FtTrace *trace;

  trace = ft_trace_load (dir, NULL, NULL, NULL, &error);
  g_assert_null (trace);
  g_assert_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE);
  g_clear_error (&error);

  /* a FIFO with no writer: an error at once, not a hang in open() */
  g_assert_cmpint (mkfifo (fifo_path, 0600), ==, 0);
  trace = ft_trace_load (fifo, NULL, NULL, NULL, &error);
  g_assert_null (trace);
  g_assert_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE);
  g_assert_nonnull (strstr (error->message, "fifo.json: byte 0: "));
  g_unlink (fifo_path);
}

static void
test_missing_file (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "does-not-exist.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(FtTrace) trace = ft_trace_load (file, NULL, NULL, NULL, &error);

  g_assert_null (trace);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* ---------------------------------------------------------------- salvage */

typedef struct
{
  guint64  open;     /* offset of the node's '{' */
  guint64  close;    /* offset just after its '}' */
} Span;

/* Offsets of each node's braces in a valid trace, in node order. */
static GArray *
node_spans (const char *text)
{
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (int));
  gboolean in_string = FALSE;
  int depth_of_node[64];
  int n_open = 0;

  /* nodes are the objects at even array depth: top array, calls arrays */
  for (gsize i = 0; text[i]; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          int parent = stack->len > 0 ? g_array_index (stack, int, stack->len - 1) : -1;
          gboolean is_node = c == '{' && parent == 2;
          /* 2: an array of nodes (the top one, or an array right inside a
           * node, which in these traces is "calls" or a harmless output);
           * 3: a node; 0/1: other arrays and objects */
          int kind = c == '[' ? (parent == -1 || parent == 3 ? 2 : 0) : (is_node ? 3 : 1);
          g_array_append_val (stack, kind);
          if (is_node)
            {
              Span span = { i, 0 };
              depth_of_node[n_open++] = spans->len;
              g_array_append_val (spans, span);
            }
        }
      else if (c == '}' || c == ']')
        {
          int kind = g_array_index (stack, int, stack->len - 1);
          g_array_set_size (stack, stack->len - 1);
          if (kind == 3)
            g_array_index (spans, Span, depth_of_node[--n_open]).close = i + 1;
        }
    }
  return g_steal_pointer (&spans);
}

static void
check_salvage_at (const char *text,
                  gsize       cut,
                  GArray     *spans,
                  FtTrace    *full)
{
  g_autoptr(GFile) file = write_trace_len ("cut.json", text, cut);
  g_autoptr(GError) error = NULL;
  g_autoptr(FtTrace) trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  guint started = 0;

  for (guint i = 0; i < spans->len; i++)
    if (g_array_index (spans, Span, i).open < cut)
      started++;

  if (started == 0)
    {
      /* nothing of a call was written: not a trace */
      g_assert_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE);
      g_assert_nonnull (strstr (error->message, "cut.json: byte "));
      return;
    }

  g_assert_no_error (error);
  g_assert_true (ft_trace_is_salvaged (trace));
  g_assert_false (ft_trace_is_complete (trace));
  g_assert_nonnull (ft_trace_get_salvage_message (trace));
  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, started);

  for (guint i = 0; i < started; i++)
    {
      Span span = g_array_index (spans, Span, i);
      gboolean closed = span.close <= cut;
      g_autoptr(FtNodeDetail) detail = NULL;
      g_autoptr(GError) detail_error = NULL;
      const char *callable = ft_trace_get_callable (trace, i);

      g_assert_cmpuint (ft_trace_get_parent (trace, i), ==, ft_trace_get_parent (full, i));
      /* closed calls are intact; open ones are flagged */
      if (closed)
        {
          g_assert_cmphex (ft_trace_get_flags (trace, i), ==, ft_trace_get_flags (full, i));
          g_assert_cmpstr (callable, ==, ft_trace_get_callable (full, i));
          g_assert_cmpuint (ft_trace_get_n_children (trace, i), ==, ft_trace_get_n_children (full, i));
        }
      else
        {
          g_assert_true (ft_trace_get_flags (trace, i) & FT_NODE_FLAG_INCOMPLETE);
          g_assert_true (callable == NULL || g_str_has_prefix (ft_trace_get_callable (full, i), callable) ||
                         strcmp (callable, ft_trace_get_callable (full, i)) == 0);
        }

      /* whatever was kept can still be shown */
      detail = ft_trace_get_detail (trace, i, &detail_error);
      g_assert_no_error (detail_error);
      g_assert_nonnull (detail);
    }
}

static void
test_salvage_every_offset (void)
{
  g_autoptr(GFile) file = write_trace ("full.json", flowtrace_trace);
  g_autoptr(FtTrace) full = ft_trace_load (file, NULL, NULL, NULL, NULL);
  g_autoptr(GArray) spans = node_spans (flowtrace_trace);
  gsize len = strlen (flowtrace_trace);

  g_assert_nonnull (full);
  g_assert_cmpuint (spans->len, ==, ft_trace_get_n_nodes (full));

  /* every cut: the last byte is ']' so len - 1 is the last truncated one */
  for (gsize cut = 0; cut < len; cut++)
    check_salvage_at (flowtrace_trace, cut, spans, full);
}

static void
test_salvage_pretty_original (void)
{
  g_autoptr(GFile) file = write_trace ("full-original.json", original_trace);
  g_autoptr(FtTrace) full = ft_trace_load (file, NULL, NULL, NULL, NULL);
  g_autoptr(GArray) spans = node_spans (original_trace);
  gsize len = strlen (original_trace);

  g_assert_nonnull (full);
  /* the closing "]\n": cuts before the ']' are truncated */
  for (gsize cut = 0; cut < len - 2; cut++)
    check_salvage_at (original_trace, cut, spans, full);
}

/* Traces written by the real tracer (samples/, run with --with-memory),
 * cut at every offset with -m slow, else at a sample of them. */
static void
test_salvage_real_traces (void)
{
  static const struct { const char *name; guint step; } files[] = {
    { "conc-demo.json", 3 },        /* four threads */
    { "complex-app.json", 29 },
    { "hostile-values.json", 23 },  /* markers, odd strings, deep values */
  };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", files[f].name, NULL);
      g_autofree char *text = NULL;
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(FtTrace) full = NULL;
      g_autoptr(GPtrArray) outputs = NULL;
      guint step = g_test_slow () ? 1 : files[f].step;
      gsize len = 0, first_node;

      if (g_getenv ("FLOWTRACE_TEST_VALGRIND") != NULL)
        step *= 10;   /* as in test_mutations */

      g_assert_true (g_file_get_contents (path, &text, &len, NULL));
      full = ft_trace_load (file, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (ft_trace_is_complete (full));
      first_node = strstr (text, "{") - text;
      outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) ft_node_detail_free);
      for (guint i = 0; i < ft_trace_get_n_nodes (full); i++)
        g_ptr_array_add (outputs, ft_trace_get_detail (full, i, NULL));

      for (gsize cut = 0; cut + 2 < len; cut += step)
        {
          g_autoptr(GFile) part = write_trace_len ("real-cut.json", text, cut);
          g_autoptr(FtTrace) trace = ft_trace_load (part, NULL, NULL, NULL, &error);

          if (cut <= first_node)
            {
              g_assert_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE);
              g_clear_error (&error);
              continue;
            }
          g_assert_no_error (error);
          g_assert_true (ft_trace_is_salvaged (trace));
          g_assert_cmpuint (ft_trace_get_n_nodes (trace), <=, ft_trace_get_n_nodes (full));
          for (guint i = 0; i < ft_trace_get_n_nodes (trace); i++)
            {
              g_autoptr(FtNodeDetail) detail = ft_trace_get_detail (trace, i, &error);

              g_assert_no_error (error);
              g_assert_cmpuint (ft_trace_get_parent (trace, i), ==, ft_trace_get_parent (full, i));
              if (!(ft_trace_get_flags (trace, i) & FT_NODE_FLAG_INCOMPLETE))
                {
                  FtNodeDetail *whole = outputs->pdata[i];

                  g_assert_cmpstr (ft_trace_get_callable (trace, i), ==, ft_trace_get_callable (full, i));
                  g_assert_cmpuint (ft_trace_get_n_children (trace, i), ==, ft_trace_get_n_children (full, i));
                  g_assert_true ((detail->output == NULL) == (whole->output == NULL));
                  if (detail->output != NULL)
                    g_assert_true (json_node_equal (detail->output, whole->output));
                }
            }
        }
    }
}

static void
test_salvage_message (void)
{
  g_autofree char *text = g_strndup (flowtrace_trace, strstr (flowtrace_trace, "{\"id\":4") - flowtrace_trace + 20);
  g_autoptr(GFile) file = write_trace ("crashed.json", text);
  g_autoptr(GError) error = NULL;
  g_autoptr(FtTrace) trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  const char *msg;

  g_assert_no_error (error);
  g_assert_true (ft_trace_is_salvaged (trace));
  g_assert_cmpuint (ft_trace_get_n_calls (trace), ==, 3);
  /* root, thread, pay and the listcomp were open */
  g_assert_cmpuint (ft_trace_get_n_incomplete (trace), ==, 4);
  g_assert_cmpuint (ft_trace_get_salvage_offset (trace), ==, strlen (text));
  msg = ft_trace_get_salvage_message (trace);
  g_assert_nonnull (strstr (msg, "3 calls"));
  g_assert_nonnull (strstr (msg, "did not end"));
  g_assert_false (ft_trace_get_flags (trace, 3) & FT_NODE_FLAG_INCOMPLETE);
  g_assert_true (ft_trace_get_flags (trace, 4) & FT_NODE_FLAG_INCOMPLETE);
}

/* ---------------------------------------------------------------- side files */

static GFile *
write_in (const char *dir,
          const char *name,
          const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_file_new_for_path (path);
}

static FtNodeId
root_child_named (FtTrace    *trace,
                  guint       index,
                  const char *callable)
{
  FtNodeId child = ft_trace_get_child (trace, ft_trace_get_root (trace, 0), index);

  g_assert_cmpstr (ft_trace_get_callable (trace, child), ==, callable);
  return child;
}

/* A run killed with threads: the tracer keeps each other thread's calls in
 * "<trace>.thread-K.part" until the end; salvage reads them too. */
static void
test_salvage_side_files (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "parts", NULL);
  g_autoptr(GFile) main_file = NULL;
  g_autoptr(GFile) complete_file = NULL;
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(FtTrace) complete = NULL;
  g_autoptr(FtNodeDetail) detail = NULL;
  g_autoptr(GError) error = NULL;
  FtNodeId t1, t2, t3, t10, fetch1;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  main_file = write_in (dir, "app.json",
    "[{\"id\":0,\"callable\":\"app.py\",\"module\":\"__main__\",\"flowtrace\":{\"version\":2,\"complete\":false},"
    "\"inputs\":{},\"calls\":[{\"id\":1,\"kind\":\"thread\",\"callable\":\"MainThread\",\"thread\":\"MainThread\","
    "\"calls\":[{\"id\":2,\"callable\":\"work\",\"inputs\":{\"n\":1},\"calls\":[");
  g_object_unref (write_in (dir, "app.json.thread-1.part",
    ",{\"id\":3,\"kind\":\"thread\",\"callable\":\"Thread-1 (worker)\",\"thread\":\"Thread-1 (worker)\",\"calls\":["
    "{\"id\":4,\"callable\":\"fetch\",\"inputs\":{\"url\":\"http://x/one\"},\"calls\":[],"
    "\"inputs_after\":{\"url\":\"http://x/one\"},\"output\":\"page one\",\"error\":null,\"duration_ms\":1.0}"
    "],\"duration_ms\":2.0}"));
  g_object_unref (write_in (dir, "app.json.thread-2.part",
    ",{\"id\":5,\"kind\":\"thread\",\"callable\":\"Thread-2 (worker)\",\"calls\":["
    "{\"id\":6,\"callable\":\"fetch\",\"inputs\":{\"url\":\"http://x/two\"},\"calls\":["));
  g_object_unref (write_in (dir, "app.json.thread-3.part",
    ",{\"id\":8,\"kind\":\"thread\",\"callable\":\"T3\",\"calls\":[{\"id\":9,\"callable\":1}]}]}]"));
  g_object_unref (write_in (dir, "app.json.thread-10.part",
    ",{\"id\":10,\"kind\":\"thread\",\"callable\":\"Thread-10\",\"calls\":[{\"id\":11,\"callable\":\"late\"}]}"));
  /* not ours */
  g_object_unref (write_in (dir, "other.json.thread-1.part", ",{\"id\":99,\"callable\":\"stranger\"}"));
  g_object_unref (write_in (dir, "app.json.thread-x.part", ",{\"id\":98,\"callable\":\"stranger\"}"));

  trace = ft_trace_load (main_file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ft_trace_is_salvaged (trace));
  g_assert_nonnull (strstr (ft_trace_get_salvage_message (trace), "side file"));
  g_assert_cmpuint (ft_trace_get_n_roots (trace), ==, 1);
  g_assert_cmpuint (ft_trace_get_n_children (trace, ft_trace_get_root (trace, 0)), ==, 5);

  root_child_named (trace, 0, "MainThread");
  t1 = root_child_named (trace, 1, "Thread-1 (worker)");
  t2 = root_child_named (trace, 2, "Thread-2 (worker)");
  t3 = root_child_named (trace, 3, "T3");
  t10 = root_child_named (trace, 4, "Thread-10");

  /* a finished thread is intact; cut or damaged ones are closed as incomplete */
  g_assert_false (ft_trace_get_flags (trace, t1) & FT_NODE_FLAG_INCOMPLETE);
  g_assert_true (ft_trace_get_flags (trace, t2) & FT_NODE_FLAG_INCOMPLETE);
  g_assert_true (ft_trace_get_flags (trace, t3) & FT_NODE_FLAG_INCOMPLETE);
  g_assert_false (ft_trace_get_flags (trace, t10) & FT_NODE_FLAG_INCOMPLETE);
  g_assert_cmpfloat (ft_trace_get_duration_ms (trace, t1), ==, 2.0);
  g_assert_cmpuint (ft_trace_get_kind (trace, t1), ==, FT_NODE_KIND_THREAD);

  /* details and search read the side files */
  fetch1 = ft_trace_get_child (trace, t1, 0);
  detail = ft_trace_get_detail (trace, fetch1, &error);
  g_assert_no_error (error);
  assert_object_json (detail->inputs, "{\"url\":\"http://x/one\"}");
  assert_object_json (detail->output, "\"page one\"");
  {
    g_autofree char *want = g_strdup_printf ("%u", fetch1);
    g_autofree char *want2 = g_strdup_printf ("%u", ft_trace_get_child (trace, t2, 0));
    assert_hits (search (trace, "PAGE ONE", FT_SEARCH_VALUES), want);
    assert_hits (search (trace, "x/two", FT_SEARCH_VALUES), want2);
  }
  assert_hits (search (trace, "stranger", FT_SEARCH_ALL), "");
  for (guint i = 0; i < ft_trace_get_n_nodes (trace); i++)
    {
      g_autoptr(FtNodeDetail) d = ft_trace_get_detail (trace, i, &error);
      g_assert_no_error (error);
    }

  /* a trace that ended does not take side files (stale ones are left alone) */
  complete_file = write_in (dir, "done.json", "[{\"id\":0,\"callable\":\"app.py\",\"calls\":[]}]");
  g_object_unref (write_in (dir, "done.json.thread-1.part", ",{\"id\":3,\"kind\":\"thread\",\"callable\":\"T\"}"));
  complete = ft_trace_load (complete_file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ft_trace_get_n_nodes (complete), ==, 1);

  ft_test_remove_dir (dir);
}

/* ---------------------------------------------------------------- mutations */

/* Random damage to valid traces: every result is either a trace whose
 * every call can be shown and searched, or an error naming a byte offset
 * inside the file.  Never a crash (the suite also runs under ASan). */
static void
check_mutant (const char *text,
              gsize       len)
{
  g_autoptr(GFile) file = write_trace_len ("mutant.json", text, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(FtTrace) trace = ft_trace_load (file, NULL, NULL, NULL, &error);

  if (trace == NULL)
    {
      const char *at;
      guint64 offset;

      g_assert_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE);
      at = strstr (error->message, "mutant.json: byte ");
      g_assert_nonnull (at);
      offset = g_ascii_strtoull (at + strlen ("mutant.json: byte "), NULL, 10);
      g_assert_cmpuint (offset, <=, len);
      return;
    }

  for (guint i = 0; i < ft_trace_get_n_nodes (trace); i++)
    {
      g_autoptr(GError) detail_error = NULL;
      g_autoptr(FtNodeDetail) detail = ft_trace_get_detail (trace, i, &detail_error);
      g_autofree char *name = ft_trace_dup_display_name (trace, i);

      g_assert_no_error (detail_error);
      g_assert_nonnull (name);
      g_assert_cmpuint (ft_trace_get_index (trace, i), <, MAX (ft_trace_get_n_roots (trace),
                        ft_trace_get_parent (trace, i) == FT_NODE_NONE ? 0 :
                        ft_trace_get_n_children (trace, ft_trace_get_parent (trace, i))));
    }
  g_array_unref (ft_trace_search (trace, "a", FT_SEARCH_ALL, NULL));
}

static void
test_mutations (void)
{
  const char *sources[] = { flowtrace_trace, original_trace };
  static const char junk[] = "{}[]\":,\\ 0-e.tfnu\x80\xff";
  /* fixed by default; FT_MUTATION_SEED explores others */
  const char *seed = g_getenv ("FT_MUTATION_SEED");
  GRand *rand = g_rand_new_with_seed (seed != NULL ? (guint32) g_ascii_strtoull (seed, NULL, 10) : 20261126);
  guint rounds = g_test_slow () ? 20000 : 2000;

  /* memcheck runs some 50 times slower (meson test --setup valgrind);
   * the ASan build and the fuzzers run all of them */
  if (g_getenv ("FLOWTRACE_TEST_VALGRIND") != NULL)
    rounds /= 10;

  for (guint r = 0; r < rounds; r++)
    {
      const char *src = sources[r % G_N_ELEMENTS (sources)];
      g_autoptr(GString) s = g_string_new (src);
      guint n_edits = g_rand_int_range (rand, 1, 4);

      for (guint e = 0; e < n_edits && s->len > 0; e++)
        {
          gsize at = g_rand_int_range (rand, 0, s->len);
          char c = junk[g_rand_int_range (rand, 0, sizeof junk - 1)];
          gsize span = g_rand_int_range (rand, 1, 8);

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0: s->str[at] = c; break;
            case 1: g_string_insert_c (s, at, c); break;
            case 2: g_string_erase (s, at, MIN (s->len - at, span)); break;
            default: g_string_truncate (s, at); break;
            }
        }
      check_mutant (s->str, s->len);
    }
  g_rand_free (rand);
}

/* ---------------------------------------------------------------- random traces */

/* Random valid traces (keys in any order, nulls where allowed, absent
 * fields, odd spacing), checked against json-glib reading the same text. */
typedef struct
{
  GRand   *rand;
  GString *out;
  guint    next_id;
} Gen;

static void
gen_space (Gen *g)
{
  static const char *spaces[] = { "", "", "", " ", "\n  ", "\t", "\r\n" };
  g_string_append (g->out, spaces[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (spaces))]);
}

static void
gen_value (Gen *g,
           int  depth)
{
  static const char *words[] = { "zq", "Alpha", "caf\\u00e9", "x\\\"y", "calls", "<b>", "" };
  int kind = g_rand_int_range (g->rand, 0, depth > 2 ? 5 : 7);

  gen_space (g);
  switch (kind)
    {
    case 0: g_string_append (g->out, "null"); break;
    case 1: g_string_append_printf (g->out, "%d", g_rand_int_range (g->rand, -1000, 1000)); break;
    case 2: g_string_append (g->out, g_rand_boolean (g->rand) ? "true" : "1.5e3"); break;
    case 3:
    case 4:
      g_string_append_printf (g->out, "\"%s%s\"", words[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (words))],
                              g_rand_boolean (g->rand) ? "" : " tail");
      break;
    case 5:
      g_string_append_c (g->out, '[');
      for (int i = g_rand_int_range (g->rand, 0, 3); i > 0; i--)
        {
          gen_value (g, depth + 1);
          if (i > 1)
            g_string_append_c (g->out, ',');
        }
      g_string_append_c (g->out, ']');
      break;
    default:
      g_string_append_c (g->out, '{');
      for (int i = g_rand_int_range (g->rand, 0, 3); i > 0; i--)
        {
          g_string_append_printf (g->out, "\"%s%d\":", words[g_rand_int_range (g->rand, 0, 3)], i);
          gen_value (g, depth + 1);
          if (i > 1)
            g_string_append_c (g->out, ',');
        }
      g_string_append_c (g->out, '}');
      break;
    }
  gen_space (g);
}

static void gen_node (Gen *g, int depth);

static void
gen_member (Gen        *g,
            const char *key,
            int         depth)
{
  static const char *names[] = { "run", "__init__", "<listcomp>", "__instance__", "zq_find", "Caf\u00e9" };

  gen_space (g);
  g_string_append_printf (g->out, "\"%s\"", key);
  gen_space (g);
  g_string_append_c (g->out, ':');
  gen_space (g);

  if (strcmp (key, "id") == 0)
    g_string_append_printf (g->out, "%u", g->next_id++);
  else if (strcmp (key, "callable") == 0 || strcmp (key, "called") == 0)
    g_string_append_printf (g->out, "\"%s\"", names[g_rand_int_range (g->rand, 0, G_N_ELEMENTS (names))]);
  else if (strcmp (key, "duration_ms") == 0 || strcmp (key, "instance_id") == 0)
    g_string_append (g->out, g_rand_boolean (g->rand) ? "null" : "12");
  else if (strcmp (key, "error") == 0)
    g_string_append (g->out, g_rand_boolean (g->rand) ? "null" : "\"ZqError()\"");
  else if (strcmp (key, "incomplete") == 0)
    g_string_append (g->out, g_rand_boolean (g->rand) ? "true" : "false");
  else if (strcmp (key, "inputs") == 0 || strcmp (key, "inputs_after") == 0 ||
           strcmp (key, "memory_before") == 0)
    {
      if (g_rand_int_range (g->rand, 0, 4) == 0)
        g_string_append (g->out, "null");
      else
        {
          g_string_append (g->out, "{");
          for (int i = g_rand_int_range (g->rand, 0, 3); i > 0; i--)
            {
              g_string_append_printf (g->out, "\"a%d\":", i);
              gen_value (g, 1);
              if (i > 1)
                g_string_append_c (g->out, ',');
            }
          g_string_append (g->out, "}");
        }
    }
  else if (strcmp (key, "calls") == 0)
    {
      if (g_rand_int_range (g->rand, 0, 5) == 0)
        g_string_append (g->out, "null");
      else
        {
          int n = depth > 4 ? 0 : g_rand_int_range (g->rand, 0, 4);
          g_string_append_c (g->out, '[');
          for (int i = 0; i < n; i++)
            {
              if (i > 0)
                g_string_append_c (g->out, ',');
              gen_node (g, depth + 1);
            }
          g_string_append_c (g->out, ']');
        }
    }
  else
    gen_value (g, 0);   /* output, and keys the table does not know */
  gen_space (g);
}

static void
gen_node (Gen *g,
          int  depth)
{
  const char *keys[] = { "id", "callable", "called", "inputs", "inputs_after", "output",
                         "error", "duration_ms", "instance_id", "incomplete", "memory_before",
                         "calls", "custom" };
  gboolean first = TRUE;

  /* shuffle; keep "id" always so the object is a call */
  for (guint i = G_N_ELEMENTS (keys) - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (g->rand, 0, i + 1);
      const char *t = keys[i];
      keys[i] = keys[j];
      keys[j] = t;
    }
  g_string_append_c (g->out, '{');
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      if (strcmp (keys[i], "id") != 0 && g_rand_int_range (g->rand, 0, 4) == 0)
        continue;
      if (!first)
        g_string_append_c (g->out, ',');
      first = FALSE;
      gen_member (g, keys[i], depth);
    }
  g_string_append_c (g->out, '}');
}

static gboolean
json_contains (JsonNode   *node,
               const char *needle)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) members = json_object_get_members (json_node_get_object (node));
      for (GList *l = members; l != NULL; l = l->next)
        if (strstr (l->data, needle) != NULL ||
            json_contains (json_object_get_member (json_node_get_object (node), l->data), needle))
          return TRUE;
      return FALSE;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (a); i++)
        if (json_contains (json_array_get_element (a, i), needle))
          return TRUE;
      return FALSE;
    }
  return json_node_get_value_type (node) == G_TYPE_STRING &&
         strstr (json_node_get_string (node), needle) != NULL;
}

static void
flatten (JsonArray *calls,
         GPtrArray *out)
{
  for (guint i = 0; calls != NULL && i < json_array_get_length (calls); i++)
    {
      JsonObject *o = json_array_get_object_element (calls, i);
      JsonNode *c = json_object_get_member (o, "calls");

      g_ptr_array_add (out, o);
      flatten (c != NULL && JSON_NODE_HOLDS_ARRAY (c) ? json_node_get_array (c) : NULL, out);
    }
}

static void
assert_member_equal (JsonObject *o,
                     const char *key,
                     JsonNode   *got,
                     gboolean    object_only)
{
  JsonNode *want = json_object_get_member (o, key);

  if (want == NULL || (object_only && !JSON_NODE_HOLDS_OBJECT (want)))
    g_assert_null (got);
  else
    {
      g_assert_nonnull (got);
      g_assert_true (json_node_equal (want, got));
    }
}

static void
check_random_trace (const char *text)
{
  g_autoptr(FtTrace) trace = load_ok ("random.json", text);
  g_autoptr(JsonNode) root = json_from_string (text, NULL);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GArray) hits = NULL;
  guint n_want = 0;

  g_assert_nonnull (root);
  flatten (json_node_get_array (root), nodes);
  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, nodes->len);

  for (guint i = 0; i < nodes->len; i++)
    {
      JsonObject *o = nodes->pdata[i];
      JsonNode *calls = json_object_get_member (o, "calls");
      JsonNode *inputs = json_object_get_member (o, "inputs");
      JsonNode *output = json_object_get_member (o, "output");
      g_autoptr(FtNodeDetail) d = NULL;
      g_autoptr(GError) error = NULL;
      gboolean empty_io;

      g_assert_cmpint (ft_trace_get_id (trace, i), ==, json_object_get_int_member (o, "id"));
      g_assert_cmpstr (ft_trace_get_callable (trace, i), ==, json_object_get_string_member_with_default (o, "callable", NULL));
      g_assert_cmpuint (ft_trace_get_n_children (trace, i), ==,
                        calls != NULL && JSON_NODE_HOLDS_ARRAY (calls) ? json_array_get_length (json_node_get_array (calls)) : 0);
      g_assert_cmpint (!!(ft_trace_get_flags (trace, i) & FT_NODE_FLAG_ERROR), ==,
                       json_object_get_string_member_with_default (o, "error", NULL) != NULL);
      g_assert_cmpint (!!(ft_trace_get_flags (trace, i) & FT_NODE_FLAG_INCOMPLETE), ==,
                       json_object_get_boolean_member_with_default (o, "incomplete", FALSE));
      empty_io = (inputs == NULL || !JSON_NODE_HOLDS_OBJECT (inputs) ||
                  json_object_get_size (json_node_get_object (inputs)) == 0) &&
                 (output == NULL || JSON_NODE_HOLDS_NULL (output));
      g_assert_cmpint (!!(ft_trace_get_flags (trace, i) & FT_NODE_FLAG_EMPTY_IO), ==, empty_io);

      d = ft_trace_get_detail (trace, i, &error);
      g_assert_no_error (error);
      assert_member_equal (o, "inputs", d->inputs, TRUE);
      assert_member_equal (o, "inputs_after", d->inputs_after, TRUE);
      assert_member_equal (o, "output", d->output, FALSE);
      assert_member_equal (o, "memory_before", d->memory_before, TRUE);
      if (d->extra != NULL)
        assert_member_equal (o, "custom", json_object_get_member (json_node_get_object (d->extra), "custom"), FALSE);

      if (json_contains (json_object_get_member (o, "inputs"), "zq") ||
          json_contains (json_object_get_member (o, "inputs_after"), "zq") ||
          json_contains (json_object_get_member (o, "output"), "zq"))
        n_want++;
    }

  /* "zq" only ever appears as written (no escapes), so the raw search and
   * the parsed values agree */
  hits = ft_trace_search (trace, "ZQ", FT_SEARCH_VALUES, NULL);
  g_assert_cmpuint (hits->len, ==, n_want);
}

static void
test_random_traces (void)
{
  Gen g = { g_rand_new_with_seed (7), g_string_new (NULL), 1 };
  guint rounds = g_test_slow () ? 3000 : 300;

  if (g_getenv ("FLOWTRACE_TEST_VALGRIND") != NULL)
    rounds /= 10;   /* as in test_mutations */

  for (guint r = 0; r < rounds; r++)
    {
      g_string_truncate (g.out, 0);
      g.next_id = 1;
      g_string_append_c (g.out, '[');
      for (int i = g_rand_int_range (g.rand, 1, 3); i > 0; i--)
        {
          gen_node (&g, 0);
          if (i > 1)
            g_string_append_c (g.out, ',');
        }
      g_string_append_c (g.out, ']');
      g_test_message ("%s", g.out->str);
      check_random_trace (g.out->str);
    }
  g_string_free (g.out, TRUE);
  g_rand_free (g.rand);
}

/* ---------------------------------------------------------------- large file */

/* A trace over 8 MiB so reads, progress and the search scan span chunks.
 * Node i's inputs carry "tok<i>" so each can be found exactly once. */
static GFile *
write_large_trace (guint *n_nodes,
                   guint *edge)
{
  g_autoptr(GString) s = g_string_new ("[{\"id\":0,\"callable\":\"big.py\",\"module\":\"__main__\",\"calls\":[");
  guint i;

  for (i = 1; s->len < 9 * 1024 * 1024; i++)
    {
      gsize before = s->len;

      g_string_append_printf (s,
                              "%s{\"id\":%u,\"callable\":\"work\",\"module\":\"pkg.mod%u\",\"called\":\"Worker\","
                              "\"caller\":\"big.py::big.py\",\"inputs\":{\"key\":\"tok%07u\",\"pad\":\"%0200u\"},"
                              "\"calls\":[],\"inputs_after\":{},\"output\":%u,\"error\":null,\"duration_ms\":0.125}",
                              i > 1 ? "," : "", i, i % 7, i, 0, i);
      if (before <= 8u * 1024 * 1024 && s->len > 8u * 1024 * 1024)
        *edge = i;   /* the scan's first chunk ends inside this call */
    }
  g_string_append (s, "]}]");
  *n_nodes = i;
  return write_trace ("large.json", s->str);
}

typedef struct
{
  GCancellable *cancellable;
  guint64       last;
  guint64       total;
  guint         calls;
  gboolean      cancel;
} Progress;

static void
on_progress (guint64  bytes_read,
             guint64  total_bytes,
             gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpuint (bytes_read, >=, p->last);
  g_assert_cmpuint (bytes_read, <=, total_bytes);
  p->last = bytes_read;
  p->total = total_bytes;
  p->calls++;
  if (p->cancel)
    g_cancellable_cancel (p->cancellable);
}

static void
test_large_progress_and_cancel (void)
{
  guint n_nodes = 0, edge = 0;
  g_autoptr(GFile) file = write_large_trace (&n_nodes, &edge);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Progress p = { cancellable, 0, 0, 0, FALSE };
  g_autoptr(FtTrace) trace = ft_trace_load (file, cancellable, on_progress, &p, &error);
  FtTrace *cancelled;

  g_assert_no_error (error);
  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, n_nodes);
  g_assert_cmpuint (p.calls, >=, 2);
  g_assert_cmpuint (p.last, ==, p.total);

  /* cancelling during the load stops it with G_IO_ERROR_CANCELLED */
  p = (Progress) { cancellable, 0, 0, 0, TRUE };
  cancelled = ft_trace_load (file, cancellable, on_progress, &p, &error);
  g_assert_null (cancelled);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (p.calls, ==, 1);
}

static void
test_large_search_across_chunks (void)
{
  guint n_nodes = 0, edge = 0;
  g_autoptr(GFile) file = write_large_trace (&n_nodes, &edge);
  g_autoptr(FtTrace) trace = ft_trace_load (file, NULL, NULL, NULL, NULL);
  g_autoptr(GArray) all = NULL;
  g_assert_nonnull (trace);
  /* every node's value, including those around the 8 MiB scan chunk edge */
  for (guint i = 1; i < n_nodes; i++)
    {
      g_autofree char *needle = NULL;
      g_autoptr(GArray) hits = NULL;

      /* a sample keeps the test quick; the window covers the 8 MiB chunk edge */
      if (i % 97 != 0 && (i < edge - 20 || i > edge + 20) && i > 5 && i < n_nodes - 5)
        continue;
      needle = g_strdup_printf ("TOK%07u", i);
      hits = ft_trace_search (trace, needle, FT_SEARCH_VALUES, NULL);
      g_assert_cmpuint (hits->len, ==, 1);
      g_assert_cmpuint (g_array_index (hits, FtNodeId, 0), ==, i);
    }

  all = ft_trace_search (trace, "pkg.MOD3", FT_SEARCH_MODULES, NULL);
  g_assert_cmpuint (all->len, ==, (n_nodes - 1 + 7 - 3 - 1) / 7);
  for (guint k = 1; k < all->len; k++)
    g_assert_cmpuint (g_array_index (all, FtNodeId, k - 1), <, g_array_index (all, FtNodeId, k));
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  FtTrace **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = ft_trace_load_finish (result, &error);
  g_assert_no_error (error);
}

static void
on_load_failed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **out = user_data;
  FtTrace *trace = ft_trace_load_finish (result, out);

  g_assert_null (trace);
}

static void
test_async (void)
{
  g_autoptr(GFile) file = write_trace ("async.json", flowtrace_trace);
  g_autoptr(GFile) bad = write_trace ("async-bad.json", "[{\"callable\":1}]");
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GMainContext *ctx = g_main_context_default ();

  ft_trace_load_async (file, NULL, NULL, NULL, on_loaded, &trace);
  while (trace == NULL)
    g_main_context_iteration (ctx, TRUE);
  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, 5);

  ft_trace_load_async (bad, NULL, NULL, NULL, on_load_failed, &error);
  while (error == NULL)
    g_main_context_iteration (ctx, TRUE);
  g_assert_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  ft_trace_load_async (file, cancellable, NULL, NULL, on_load_failed, &error);
  while (error == NULL)
    g_main_context_iteration (ctx, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---------------------------------------------------------------- search */

static void
test_search (void)
{
  g_autoptr(FtTrace) trace = load_ok ("search.json", flowtrace_trace);

  /* names: callable and class, case-insensitive */
  assert_hits (search (trace, "PAY", FT_SEARCH_NAMES), "2");
  assert_hits (search (trace, "cart", FT_SEARCH_NAMES), "2");
  assert_hits (search (trace, "receipt", FT_SEARCH_NAMES), "3");
  assert_hits (search (trace, "thread", FT_SEARCH_NAMES), "1");
  /* modules only with the module flag */
  assert_hits (search (trace, "shop.", FT_SEARCH_MODULES), "2,3,4");
  assert_hits (search (trace, "shop.", FT_SEARCH_NAMES), "");
  /* errors: text and type */
  assert_hits (search (trace, "declined", FT_SEARCH_ERRORS), "2");
  assert_hits (search (trace, "valueerror", FT_SEARCH_ERRORS), "2");
  assert_hits (search (trace, "declined", FT_SEARCH_VALUES), "");
  /* values: inputs, inputs_after, output; not keys of the node, not children */
  assert_hits (search (trace, "caf\xc3\xa9", FT_SEARCH_VALUES), "2");
  assert_hits (search (trace, "CHANGED", FT_SEARCH_VALUES), "2");
  assert_hits (search (trace, "t-9", FT_SEARCH_VALUES), "2");
  assert_hits (search (trace, "xs", FT_SEARCH_VALUES), "4");
  assert_hits (search (trace, "callable", FT_SEARCH_VALUES), "");
  assert_hits (search (trace, "rss_bytes", FT_SEARCH_VALUES), "");
  assert_hits (search (trace, "pay", FT_SEARCH_VALUES), "");
  /* everything, in tree order, each node once */
  /* Receipt.__init__ in shop.receipt has no "a" anywhere searched */
  assert_hits (search (trace, "a", FT_SEARCH_ALL), "0,1,2,4");
  assert_hits (search (trace, "", FT_SEARCH_ALL), "");
  assert_hits (search (trace, "no such text", FT_SEARCH_ALL), "");
}

static void
test_search_unicode (void)
{
  /* raw UTF-8 (FlowTrace) and \\u escapes (ensure_ascii, the original tool) */
  g_autoptr(FtTrace) trace =
    load_ok ("search-unicode.json",
             "[{\"id\":0,\"callable\":\"r\",\"calls\":["
             "{\"id\":1,\"callable\":\"a\",\"inputs\":{\"city\":\"M\xc3\xa1laga \xf0\x9f\x8c\x9e\"}},"
             "{\"id\":2,\"callable\":\"b\",\"output\":\"m\\u00e1laga \\ud83c\\udf1e\"},"
             "{\"id\":3,\"callable\":\"\xc3\x91" "and\xc3\xba\"},"
             "{\"id\":4,\"callable\":\"q\",\"output\":\"say \\\"hi\\\"\\nC:\\\\tmp\"}]}]");

  assert_hits (search (trace, "\xc3\xa1laga", FT_SEARCH_VALUES), "1,2");
  assert_hits (search (trace, "\xf0\x9f\x8c\x9e", FT_SEARCH_VALUES), "1,2");
  /* quotes, newlines and backslashes are escaped in the file */
  assert_hits (search (trace, "say \"HI\"", FT_SEARCH_VALUES), "4");
  assert_hits (search (trace, "\"\nc:\\tmp", FT_SEARCH_VALUES), "4");
  /* names fold case beyond ASCII */
  assert_hits (search (trace, "\xc3\xb1" "and\xc3\x9a", FT_SEARCH_NAMES), "3");
}

static void
test_search_tiny_chunks (void)
{
  g_autoptr(GString) s = g_string_new ("[{\"id\":0,\"callable\":\"r\",\"calls\":[");
  g_autoptr(FtTrace) trace = NULL;
  const guint n = 60;

  for (guint i = 1; i <= n; i++)
    g_string_append_printf (s, "%s{\"id\":%u,\"callable\":\"f\",\"inputs\":{\"k\":\"%.*sNeedle%03u\"},"
                            "\"calls\":[],\"output\":\"Out%03u\"}",
                            i > 1 ? "," : "", i, (int) (i % 13), "xxxxxxxxxxxxx", i, i);
  g_string_append (s, "]}]");
  trace = load_ok ("tiny-chunks.json", s->str);

  /* with 17- and 64-byte steps every value lands across a chunk edge somewhere */
  for (gsize chunk = 17; chunk <= 64; chunk += 47)
    {
      ft_trace_search_set_chunk_size (chunk);
      for (guint i = 1; i <= n; i++)
        {
          g_autofree char *needle = g_strdup_printf ("needle%03u", i);
          g_autofree char *out = g_strdup_printf ("OUT%03u", i);
          g_autofree char *want = g_strdup_printf ("%u", i);

          assert_hits (search (trace, needle, FT_SEARCH_VALUES), want);
          assert_hits (search (trace, out, FT_SEARCH_VALUES), want);
        }
      {
        g_autoptr(GArray) all = ft_trace_search (trace, "needle", FT_SEARCH_VALUES, NULL);
        g_assert_cmpuint (all->len, ==, n);
      }
    }
  ft_trace_search_set_chunk_size (8u << 20);
}

static void
test_search_big_values (void)
{
  /* values over 64 KiB, and a value 64 KiB into the node: the slow path */
  g_autoptr(GString) s = g_string_new ("[{\"id\":0,\"callable\":\"r\",\"calls\":[");
  g_autoptr(FtTrace) trace = NULL;
  g_autofree char *pad = g_strnfill (70000, 'p');

  g_string_append_printf (s, "{\"id\":1,\"callable\":\"big\",\"inputs\":{\"s\":\"%sFindMe\"},"
                          "\"calls\":[],\"output\":\"callable\"},", pad);
  /* (an unknown member: names are at most 64 KiB) */
  g_string_append_printf (s, "{\"id\":2,\"callable\":\"far\",\"doc\":\"%s\",\"inputs\":{\"k\":\"FindMeToo\"},"
                          "\"calls\":[],\"output\":null}", pad);
  g_string_append (s, "]}]");
  trace = load_ok ("big-values.json", s->str);

  assert_hits (search (trace, "findme", FT_SEARCH_VALUES), "1,2");
  assert_hits (search (trace, "findmetoo", FT_SEARCH_VALUES), "2");
  assert_hits (search (trace, "pppp", FT_SEARCH_VALUES), "1");
  assert_hits (search (trace, "callable", FT_SEARCH_VALUES), "1");
}

static void
test_search_original (void)
{
  g_autoptr(FtTrace) trace = load_ok ("search-original.json", original_trace);

  assert_hits (search (trace, "a-1", FT_SEARCH_VALUES), "2");
  assert_hits (search (trace, "<pricebook>", FT_SEARCH_VALUES), "3");
  assert_hits (search (trace, "pricebook", FT_SEARCH_NAMES), "1,2,3");
  assert_hits (search (trace, "items", FT_SEARCH_ALL), "4");
  assert_hits (search (trace, "vat", FT_SEARCH_ERRORS), "4");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = g_dir_make_tmp ("flowtrace-test-trace-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/flowtrace/trace/format/flowtrace", test_flowtrace_format);
  g_test_add_func ("/flowtrace/trace/format/original", test_original_format);
  g_test_add_func ("/flowtrace/trace/format/lives", test_life_format);
  g_test_add_func ("/flowtrace/trace/format/unescape-and-numbers", test_unescape_and_numbers);
  g_test_add_func ("/flowtrace/trace/format/flags", test_flags);
  g_test_add_func ("/flowtrace/trace/format/incomplete-metadata", test_incomplete_metadata);
  g_test_add_func ("/flowtrace/trace/navigation/wide", test_navigation_wide);
  g_test_add_func ("/flowtrace/trace/navigation/deep", test_navigation_deep);
  g_test_add_func ("/flowtrace/trace/detail/fields", test_detail);
  g_test_add_func ("/flowtrace/trace/detail/skipped-calls", test_detail_skipped_calls);
  g_test_add_func ("/flowtrace/trace/detail/key-order", test_detail_key_order);
  g_test_add_func ("/flowtrace/trace/detail/odd-strings", test_detail_odd_strings);
  g_test_add_func ("/flowtrace/trace/detail/random-traces", test_random_traces);
  g_test_add_func ("/flowtrace/trace/errors/malformed", test_malformed);
  g_test_add_func ("/flowtrace/trace/errors/too-deep", test_too_deep);
  g_test_add_func ("/flowtrace/trace/errors/missing-file", test_missing_file);
  g_test_add_func ("/flowtrace/trace/errors/not-a-file", test_not_a_file);
  g_test_add_func ("/flowtrace/trace/salvage/every-offset", test_salvage_every_offset);
  g_test_add_func ("/flowtrace/trace/salvage/every-offset-original", test_salvage_pretty_original);
  g_test_add_func ("/flowtrace/trace/salvage/message", test_salvage_message);
  g_test_add_func ("/flowtrace/trace/salvage/side-files", test_salvage_side_files);
  g_test_add_func ("/flowtrace/trace/salvage/real-traces", test_salvage_real_traces);
  g_test_add_func ("/flowtrace/trace/errors/mutations", test_mutations);
  g_test_add_func ("/flowtrace/trace/load/progress-and-cancel", test_large_progress_and_cancel);
  g_test_add_func ("/flowtrace/trace/load/async", test_async);
  g_test_add_func ("/flowtrace/trace/search/flags", test_search);
  g_test_add_func ("/flowtrace/trace/search/original", test_search_original);
  g_test_add_func ("/flowtrace/trace/search/unicode", test_search_unicode);
  g_test_add_func ("/flowtrace/trace/search/big-values", test_search_big_values);
  g_test_add_func ("/flowtrace/trace/search/tiny-chunks", test_search_tiny_chunks);
  g_test_add_func ("/flowtrace/trace/search/across-chunks", test_large_search_across_chunks);

  ret = g_test_run ();

  ft_test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
