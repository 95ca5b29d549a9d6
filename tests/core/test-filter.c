/* test-filter.c: filters, the visible set and writing it as a trace
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "test-filter"

#include "config.h"

#include "ft-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ft-trace.h"
#include "ft-trace-filter.h"
#include "ft-trace-writer.h"
#include "ft-trace-subset.h"

static char *tmp_dir;

/* root(0) > thread(1) > pay(2: shop.cart Cart, error, 1.25 ms, start 10 ns)
 *   > __init__(3: shop.receipt Receipt, 0.5 ms)  > <listcomp>(4: shop.cart, 0.01 ms)
 * thread(1) > total(5: tax.rates, 7 ms, start 3 ms) > lookup(6: tax.rates Table, 6 ms) */
static const char trace_text[] =
  "[{\"id\":0,\"callable\":\"app.py\",\"module\":\"__main__\",\"called\":\"app.py\",\"caller\":null,"
  "\"instance_id\":null,\"flowtrace\":{\"version\":2,\"python\":\"3.11.7\",\"complete\":true},"
  "\"inputs\":{},\"calls\":["
   "{\"id\":1,\"kind\":\"thread\",\"callable\":\"MainThread\",\"module\":\"threading\",\"called\":\"Thread\","
   "\"caller\":null,\"thread\":\"MainThread\",\"thread_id\":140,\"start_ns\":5,\"calls\":["
    "{\"id\":2,\"callable\":\"pay\",\"module\":\"shop.cart\",\"called\":\"Cart\",\"caller\":\"app.py::app.py\","
    "\"instance_id\":77,\"file\":\"/src/shop/cart.py\",\"line\":31,\"start_ns\":10,"
    "\"inputs\":{\"amount\":12.5,\"note\":\"Caf\\u00e9 \\ud83d\\ude00 total\"},\"calls\":["
     "{\"id\":3,\"callable\":\"__init__\",\"module\":\"shop.receipt\",\"called\":\"Receipt\",\"caller\":\"Cart::pay\","
     "\"instance_id\":null,\"start_ns\":20,\"inputs\":{},\"calls\":[],\"inputs_after\":{},\"output\":null,\"error\":null,"
     "\"error_type\":null,\"duration_ms\":0.5},"
     "{\"id\":4,\"callable\":\"<listcomp>\",\"module\":\"shop.cart\",\"called\":\"<listcomp>\",\"caller\":\"Cart::pay\","
     "\"start_ns\":600000,\"inputs\":{\"xs\":[1,2]},\"calls\":[],\"inputs_after\":{\"xs\":[1,2]},\"output\":[2,4],\"error\":null,"
     "\"duration_ms\":0.01}"
    "],\"inputs_after\":{\"amount\":12.5},\"output\":{\"paid\":true},"
    "\"error\":\"ValueError('card declined')\",\"error_type\":\"ValueError\",\"duration_ms\":1.25},"
    "{\"id\":5,\"callable\":\"total\",\"module\":\"tax.rates\",\"called\":\"total\",\"caller\":\"app.py::app.py\","
    "\"start_ns\":3000000,\"inputs\":{},\"calls\":["
     "{\"id\":6,\"callable\":\"lookup\",\"module\":\"tax.rates\",\"called\":\"Table\",\"caller\":\"total::total\","
     "\"start_ns\":3500000,\"inputs\":{\"k\":\"vat\"},\"calls\":[],\"inputs_after\":{\"k\":\"vat\"},\"output\":0.21,"
     "\"error\":null,\"duration_ms\":6.0}"
    "],\"inputs_after\":{},\"output\":2.5,\"error\":null,\"duration_ms\":7.0}"
   "],\"duration_ms\":9.0}"
  "],\"inputs_after\":{},\"output\":null,\"error\":null,\"error_type\":null,\"duration_ms\":10.0}]";

static GFile *
write_file (const char *name,
            const char *text,
            gssize      len)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, len, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

static FtTrace *
load (GFile *file)
{
  g_autoptr(GError) error = NULL;
  FtTrace *trace = ft_trace_load (file, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return trace;
}

static FtTrace *
load_text (const char *text)
{
  g_autoptr(GFile) file = write_file ("in.json", text, -1);

  return load (file);
}

/* The ids of the visible nodes, in file order, e.g. "0,1,2,3". */
static char *
visible_ids (FtTrace            *trace,
             const FtVisibleSet *set)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < ft_trace_get_n_nodes (trace); i++)
    if (ft_visible_set_contains (set, i))
      g_string_append_printf (s, "%s%" G_GINT64_FORMAT, s->len ? "," : "", ft_trace_get_id (trace, i));
  return g_string_free (s, FALSE);
}

static char *
filtered_ids (FtTrace     *trace,
              const char **terms)
{
  g_autoptr(FtTraceFilter) filter = ft_trace_filter_new ();
  g_autoptr(FtVisibleSet) set = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; terms[i] != NULL; i++)
    {
      ft_trace_filter_parse_term (filter, terms[i], &error);
      g_assert_no_error (error);
    }
  set = ft_trace_filter_compute (filter, trace, NULL);
  return visible_ids (trace, set);
}

#define CHECK(trace, want, ...) \
  G_STMT_START { \
    const char *terms_[] = { __VA_ARGS__, NULL }; \
    g_autofree char *got_ = filtered_ids (trace, terms_); \
    g_assert_cmpstr (got_, ==, want); \
  } G_STMT_END

static void
test_conditions (void)
{
  g_autoptr(FtTrace) trace = load_text (trace_text);
  const char *none[] = { NULL };
  g_autofree char *all = filtered_ids (trace, none);

  g_assert_cmpstr (all, ==, "0,1,2,3,4,5,6");
  /* matches and their ancestors; a hidden parent's kept child stays under it */
  CHECK (trace, "0,1,2,3", "module=shop.receipt");
  CHECK (trace, "0,1,2,4", "module=shop.c*", "max-ms=0.1");
  CHECK (trace, "0,1,2,3,4,5,6", "module=*");
  CHECK (trace, "0,1,2", "errors");
  CHECK (trace, "0,1,5,6", "min-ms=5");
  CHECK (trace, "0,1,5", "min-ms=6.5", "module=tax.*");
  CHECK (trace, "0,1,5,6", "min-ms=5", "max-ms=6.5");   /* 6 matches, 5 is its caller */
  /* class: methods only; "total" is a function whose called is "total" */
  CHECK (trace, "0,1,5,6", "class=Table");
  CHECK (trace, "0", "class=total");
  CHECK (trace, "0,1,2,3", "class=Receipt");
  /* time window on start_ns, in ms since recording started */
  CHECK (trace, "0,1,2,4,5,6", "from-ms=0.5", "to-ms=4");
  CHECK (trace, "0,1,5,6", "from-ms=2.9");
  /* nothing matches: only the root, so a written file keeps its metadata */
  CHECK (trace, "0", "module=nothing.here");
}

static void
test_counts (void)
{
  g_autoptr(FtTrace) trace = load_text (trace_text);
  g_autoptr(FtTraceFilter) filter = ft_trace_filter_new ();
  g_autoptr(FtVisibleSet) set = NULL;

  g_assert_true (ft_trace_filter_is_empty (filter));
  ft_trace_filter_set_module (filter, "tax.*");
  g_assert_false (ft_trace_filter_is_empty (filter));
  set = ft_trace_filter_compute (filter, trace, NULL);
  g_assert_cmpuint (set->n_matches, ==, 2);
  g_assert_cmpuint (set->n_visible, ==, 4);
  g_assert_true (ft_trace_filter_matches (filter, trace, 5));
  g_assert_false (ft_trace_filter_matches (filter, trace, 1));   /* a thread never matches */

  /* a copy is independent */
  {
    g_autoptr(FtTraceFilter) copy = ft_trace_filter_copy (filter);

    ft_trace_filter_set_module (filter, NULL);
    g_assert_true (ft_trace_filter_is_empty (filter));
    g_assert_false (ft_trace_filter_is_empty (copy));
  }
}

static void
test_bad_terms (void)
{
  const char *bad[] = { "modul=x", "module=", "min-ms=abc", "max-ms=-3", "from-ms=1e999",
                        "errors=yes", "", "class", NULL };

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(FtTraceFilter) filter = ft_trace_filter_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (ft_trace_filter_parse_term (filter, bad[i], &error));
      g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
      /* the message names the term */
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_assert_true (ft_trace_filter_is_empty (filter));
    }
}

/* Counts the nodes of a trace with Python's json module: another parser. */
static int
python_count (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  const char *argv[] = { "python3", "-c",
    "import json,sys\n"
    "def n(x): return 1 + sum(n(c) for c in (x.get('calls') or []))\n"
    "print(sum(n(r) for r in json.load(open(sys.argv[1], encoding='utf-8'))))",
    path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error))
    {
      g_test_skip ("no python3");
      return -1;
    }
  g_spawn_check_wait_status (status, &error);
  if (error != NULL)
    g_error ("python could not read %s: %s", path, err);
  return atoi (out);
}

static FtTrace *
write_and_reload (FtTrace            *trace,
                  const FtVisibleSet *set,
                  const char         *name)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GFile) out = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FtTrace *again;
  int py;

  ft_trace_write_visible_to_file (trace, set, out, NULL, &error);
  g_assert_no_error (error);
  again = load (out);
  g_assert_false (ft_trace_is_salvaged (again));
  py = python_count (out);
  if (py >= 0)
    g_assert_cmpint (py, ==, ft_trace_get_n_nodes (again));
  return again;
}

static void
test_write (void)
{
  g_autoptr(FtTrace) trace = load_text (trace_text);
  g_autoptr(FtTraceFilter) filter = ft_trace_filter_new ();
  g_autoptr(FtVisibleSet) set = NULL;
  g_autoptr(FtTrace) again = NULL;
  g_autoptr(FtVisibleSet) all = NULL;
  g_autoptr(FtTraceFilter) none = ft_trace_filter_new ();
  g_autoptr(FtNodeDetail) detail = NULL;
  g_autofree char *ids = NULL;

  ft_trace_filter_set_module (filter, "shop.c*");
  ft_trace_filter_set_duration (filter, NAN, 0.1);
  set = ft_trace_filter_compute (filter, trace, NULL);
  again = write_and_reload (trace, set, "out.json");
  g_assert_cmpuint (ft_trace_get_n_nodes (again), ==, set->n_visible);

  all = ft_trace_filter_compute (none, again, NULL);
  ids = visible_ids (again, all);
  g_assert_cmpstr (ids, ==, "0,1,2,4");
  /* structure and fields as they were: <listcomp> under pay, values intact */
  g_assert_cmpuint (ft_trace_get_parent (again, 3), ==, 2);
  g_assert_cmpstr (ft_trace_get_callable (again, 3), ==, "<listcomp>");
  g_assert_cmpstr (ft_trace_get_error_type (again, 2), ==, "ValueError");
  g_assert_cmpfloat (ft_trace_get_duration_ms (again, 2), ==, 1.25);
  detail = ft_trace_get_detail (again, 2, NULL);
  g_assert_nonnull (detail->output);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (detail->inputs), "note"),
                   ==, "Café \U0001F600 total");
  /* the root's metadata is kept */
  g_assert_nonnull (ft_trace_get_metadata (again));
  g_assert_cmpstr (json_object_get_string_member (ft_trace_get_metadata (again), "python"), ==, "3.11.7");
}

static void
test_write_nothing_matches (void)
{
  g_autoptr(FtTrace) trace = load_text (trace_text);
  g_autoptr(FtTraceFilter) filter = ft_trace_filter_new ();
  g_autoptr(FtVisibleSet) set = NULL;
  g_autoptr(FtTrace) again = NULL;

  ft_trace_filter_set_class (filter, "Nobody");
  set = ft_trace_filter_compute (filter, trace, NULL);
  again = write_and_reload (trace, set, "empty.json");
  g_assert_cmpuint (ft_trace_get_n_nodes (again), ==, 1);
  g_assert_cmpuint (ft_trace_get_n_children (again, 0), ==, 0);
  g_assert_cmpfloat (ft_trace_get_duration_ms (again, 0), ==, 10.0);
}

/* With no filter the written file is the original, byte for byte. */
static void
test_write_everything_real_trace (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "complex-app.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(FtTrace) trace = load (file);
  g_autofree char *out_path = g_build_filename (tmp_dir, "copy.json", NULL);
  g_autoptr(GFile) out = g_file_new_for_path (out_path);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gsize a_len, b_len;
  g_autoptr(GError) error = NULL;

  ft_trace_write_visible_to_file (trace, NULL, out, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (path, &a, &a_len, NULL);
  g_file_get_contents (out_path, &b, &b_len, NULL);
  g_assert_cmpmem (a, a_len, b, b_len);
}

static void
test_write_real_trace_filtered (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "complex-app.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(FtTrace) trace = load (file);
  g_autoptr(FtTraceFilter) filter = ft_trace_filter_new ();
  g_autoptr(FtVisibleSet) set = NULL;
  g_autoptr(FtTrace) again = NULL;
  guint j = 0;

  ft_trace_filter_set_duration (filter, 0.05, NAN);
  set = ft_trace_filter_compute (filter, trace, NULL);
  g_assert_cmpuint (set->n_visible, >, 1);
  g_assert_cmpuint (set->n_visible, <, ft_trace_get_n_nodes (trace));
  again = write_and_reload (trace, set, "real.json");
  g_assert_cmpuint (ft_trace_get_n_nodes (again), ==, set->n_visible);
  /* the same nodes in the same order */
  for (guint i = 0; i < ft_trace_get_n_nodes (trace); i++)
    if (ft_visible_set_contains (set, i))
      g_assert_cmpint (ft_trace_get_id (again, j++), ==, ft_trace_get_id (trace, i));
}

/* A trace cut short: salvage closes the open calls; the written file is whole. */
static void
test_write_salvaged (void)
{
  gsize cut = strstr (trace_text, "\"inputs_after\":{\"amount\"") - trace_text;
  g_autoptr(GFile) file = write_file ("cut.json", trace_text, cut);
  g_autoptr(FtTrace) trace = load (file);
  g_autoptr(FtTraceFilter) filter = ft_trace_filter_new ();
  g_autoptr(FtVisibleSet) set = NULL;
  g_autoptr(FtTrace) again = NULL;

  g_assert_true (ft_trace_is_salvaged (trace));
  ft_trace_filter_set_module (filter, "shop.receipt");
  set = ft_trace_filter_compute (filter, trace, NULL);
  again = write_and_reload (trace, set, "from-cut.json");
  g_assert_cmpuint (ft_trace_get_n_nodes (again), ==, 4);
  g_assert_cmpstr (ft_trace_get_callable (again, 3), ==, "__init__");
}

/* Cut at every byte: the whole salvaged trace written out reads back the
 * same, the calls that never returned still marked incomplete, including
 * one cut before its "id" and one whose memory snapshot was cut. */
static void
test_write_salvaged_every_offset (void)
{
  static const char text[] =
    "[{\"id\":0,\"callable\":\"a.py\",\"calls\":[{\"id\":1,\"callable\":\"f\","
    "\"inputs\":{\"x\":1},\"memory_before\":{\"rss_bytes\":5},\"calls\":[{\"module\":\"m\","
    "\"callable\":\"g\",\"calls\":[]}],\"output\":[1,2],\"duration_ms\":1}],\"duration_ms\":2}]";
  gsize len = strlen (text);

  for (gsize cut = 2; cut < len; cut++)
    {
      g_autoptr(GFile) file = write_file ("cut-any.json", text, cut);
      g_autoptr(GFile) out = write_file ("cut-any-out.json", "", 0);
      g_autoptr(FtTrace) trace = load (file);
      g_autoptr(FtTrace) again = NULL;
      g_autoptr(GError) error = NULL;

      /* (python_count's check of every file would take a minute here) */
      ft_trace_write_visible_to_file (trace, NULL, out, NULL, &error);
      g_assert_no_error (error);
      again = load (out);
      g_assert_true (ft_trace_is_salvaged (trace));
      g_assert_false (ft_trace_is_salvaged (again));
      g_assert_cmpuint (ft_trace_get_n_nodes (again), ==, ft_trace_get_n_nodes (trace));
      for (FtNodeId node = 0; node < ft_trace_get_n_nodes (trace); node++)
        {
          g_assert_cmphex (ft_trace_get_flags (again, node), ==, ft_trace_get_flags (trace, node));
          g_assert_cmpstr (ft_trace_get_callable (again, node), ==, ft_trace_get_callable (trace, node));
        }
    }
}

static void
test_unwritable (void)
{
  g_autoptr(FtTrace) trace = load_text (trace_text);
  g_autoptr(GFile) out = g_file_new_for_path ("/nonexistent-dir/out.json");
  g_autoptr(GError) error = NULL;

  g_assert_false (ft_trace_write_visible_to_file (trace, NULL, out, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/out.json"));
}

/* The in-memory subset the app shows: same nodes as the written file,
 * links, counts, details and search over only what is kept. */
static void
test_subset (void)
{
  g_autoptr(FtTrace) trace = load_text (trace_text);
  g_autoptr(FtTraceFilter) filter = ft_trace_filter_new ();
  g_autoptr(FtVisibleSet) set = NULL;
  g_autoptr(FtTrace) sub = NULL;
  g_autoptr(FtNodeDetail) detail = NULL;
  g_autoptr(GArray) hits = NULL;
  g_autoptr(GArray) hidden = NULL;

  ft_trace_filter_set_module (filter, "shop.c*");
  ft_trace_filter_set_duration (filter, NAN, 0.1);
  set = ft_trace_filter_compute (filter, trace, NULL);
  sub = ft_trace_new_subset (trace, set);

  g_assert_cmpuint (ft_trace_get_n_nodes (sub), ==, 4);
  g_assert_cmpuint (ft_trace_get_n_roots (sub), ==, 1);
  g_assert_cmpuint (ft_trace_get_n_calls (sub), ==, 2);
  g_assert_cmpuint (ft_trace_get_n_children (sub, 1), ==, 1);   /* total is gone */
  g_assert_cmpuint (ft_trace_get_n_children (sub, 2), ==, 1);   /* __init__ is gone */
  g_assert_cmpuint (ft_trace_get_child (sub, 2, 0), ==, 3);
  g_assert_cmpuint (ft_trace_get_parent (sub, 3), ==, 2);
  g_assert_cmpuint (ft_trace_get_index (sub, 3), ==, 0);
  g_assert_cmpuint (ft_trace_get_n_descendants (sub, 0), ==, 3);
  g_assert_cmpint (ft_trace_get_id (sub, 3), ==, 4);
  g_assert_cmpstr (ft_trace_get_module (sub, 3), ==, "shop.cart");
  g_assert_nonnull (ft_trace_get_metadata (sub));
  detail = ft_trace_get_detail (sub, 3, NULL);
  g_assert_nonnull (detail);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (detail->output));
  /* search finds kept calls, and nothing in hidden ones */
  hits = ft_trace_search (sub, "xs", FT_SEARCH_VALUES, NULL);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpuint (g_array_index (hits, FtNodeId, 0), ==, 3);
  hidden = ft_trace_search (sub, "vat", FT_SEARCH_ALL, NULL);
  g_assert_cmpuint (hidden->len, ==, 0);

  /* the subset writes the same file as the set */
  {
    g_autoptr(FtTrace) again = write_and_reload (sub, NULL, "subset.json");

    g_assert_cmpuint (ft_trace_get_n_nodes (again), ==, 4);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("flowtrace-test-filter-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/flowtrace/filter/conditions", test_conditions);
  g_test_add_func ("/flowtrace/filter/counts", test_counts);
  g_test_add_func ("/flowtrace/filter/bad-terms", test_bad_terms);
  g_test_add_func ("/flowtrace/filter/write", test_write);
  g_test_add_func ("/flowtrace/filter/write-nothing-matches", test_write_nothing_matches);
  g_test_add_func ("/flowtrace/filter/write-everything", test_write_everything_real_trace);
  g_test_add_func ("/flowtrace/filter/write-real-filtered", test_write_real_trace_filtered);
  g_test_add_func ("/flowtrace/filter/write-salvaged", test_write_salvaged);
  g_test_add_func ("/flowtrace/filter/write-salvaged-every-offset", test_write_salvaged_every_offset);
  g_test_add_func ("/flowtrace/filter/unwritable", test_unwritable);
  g_test_add_func ("/flowtrace/filter/subset", test_subset);

  ret = g_test_run ();
  ft_test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
