/* test-hostile.c: traces made to break the viewer
 *
 * SPDX-License-Identifier: MIT
 *
 * Nesting 100 000 deep, 1e999, invalid UTF-8, keys of the wrong type, a
 * 200 MB string, deep values: each file either gives a clear error (the
 * file, the byte offset, what was expected) or loads, and then everything
 * the viewer does with a trace (details, search, hot spots, filters, the
 * writer, OTLP) works on it.  Never a crash (recursion over the nesting
 * depth would overflow the stack) and never a hang.
 */

#define G_LOG_DOMAIN "test-hostile"

#include "config.h"

#include "ft-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ft-hotspots.h"
#include "ft-otlp-encoder.h"
#include "ft-trace.h"
#include "ft-trace-diff.h"
#include "ft-trace-filter.h"
#include "ft-trace-subset.h"
#include "ft-trace-writer.h"

static char *tmp_dir;

static GFile *
write_file (const char *name,
            GString    *text)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_unlink (path);
  g_file_set_contents_full (path, text->str, text->len, G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

/* Loading fails with a message naming the file, the byte and what was
 * expected: the exact text a user sees in the error dialog. */
static void
assert_refused (const char *name,
                GString    *text,
                guint64     offset,
                const char *expected)
{
  g_autoptr(GFile) file = write_file (name, text);
  g_autoptr(GError) error = NULL;
  g_autoptr(FtTrace) trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  g_autofree char *path = g_file_get_parse_name (file);
  g_autofree char *want = g_strdup_printf ("%s: byte %" G_GUINT64_FORMAT ": expected %s",
                                           path, offset, expected);

  g_assert_null (trace);
  g_assert_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE);
  g_assert_cmpstr (error->message, ==, want);
}

static FtTrace *
load_ok (const char *name,
         GString    *text)
{
  g_autoptr(GFile) file = write_file (name, text);
  g_autoptr(GError) error = NULL;
  FtTrace *trace = ft_trace_load (file, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (trace);
  return trace;
}

/* What the window and the exports do with a loaded trace. */
static void
use_everything (FtTrace *trace)
{
  guint n = ft_trace_get_n_nodes (trace);
  g_autoptr(FtHotspots) hotspots = NULL;
  g_autoptr(FtTraceFilter) filter = ft_trace_filter_new ();
  g_autoptr(FtVisibleSet) set = NULL;
  g_autoptr(FtTrace) subset = NULL;
  g_autoptr(FtTraceDiff) diff = NULL;
  g_autoptr(FtOtlpEncoder) encoder = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  FtOtlpOptions options;
  FtDiffOptions diff_options;
  GArray *hits;
  GBytes *batch;
  guint64 n_spans = 0;
  guint n_batch;

  for (FtNodeId node = 0; node < n; node += MAX (1, n / 16))
    {
      g_autoptr(FtNodeDetail) detail = ft_trace_get_detail (trace, node, &error);
      g_assert_no_error (error);
      g_assert_nonnull (detail);
    }

  hits = ft_trace_search (trace, "needle", FT_SEARCH_ALL, NULL);
  g_array_unref (hits);

  hotspots = ft_hotspots_compute (trace, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ft_hotspots_get_n_functions (hotspots), >, 0);

  ft_trace_filter_set_module (filter, "*");
  set = ft_trace_filter_compute (filter, trace, NULL);
  subset = ft_trace_new_subset (trace, set);
  g_assert_cmpuint (ft_trace_get_n_nodes (subset), <=, n);
  g_assert_true (ft_trace_write_visible (trace, NULL, out, NULL, &error));
  g_assert_no_error (error);

  ft_diff_options_init (&diff_options);
  diff = ft_trace_diff_new (trace, trace, &diff_options);
  g_assert_nonnull (diff);

  ft_otlp_options_init (&options);
  options.encoding = FT_OTLP_ENCODING_JSON;
  encoder = ft_otlp_encoder_new (trace, &options);
  while ((batch = ft_otlp_encoder_next_batch (encoder, 512, 1 << 20, &n_batch, &error)) != NULL)
    {
      n_spans += n_batch;
      g_bytes_unref (batch);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n_spans, ==, ft_otlp_encoder_get_n_spans (encoder));
}

/* ---------------------------------------------------------------- nesting */

static GString *
nested_calls (guint depth,
              gboolean closed)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < depth; i++)
    g_string_append_printf (s, "{\"id\":%u,\"callable\":\"f\",\"module\":\"m\",\"duration_ms\":1,\"calls\":[", i);
  if (closed)
    for (guint i = 0; i < depth; i++)
      g_string_append (s, "]}");
  g_string_append (s, closed ? "]" : "");
  return s;
}

static void
test_calls_100k_deep (void)
{
  g_autoptr(GString) text = nested_calls (100000, TRUE);
  /* a call and its "calls" are two levels: the 10 000th call's '[' is
   * the 20 001st level */
  const char *call = strstr (text->str, "{\"id\":9999,");
  gsize offset = strchr (call, '[') - text->str;

  assert_refused ("calls-100k.json", text, offset, "JSON nested less than 20000 levels deep");
}

static void
test_calls_deepest_allowed (void)
{
  /* frames: the top array, then a node and its calls array per call */
  g_autoptr(GString) text = nested_calls (9999, TRUE);
  g_autoptr(FtTrace) trace = load_ok ("calls-deep.json", text);
  FtNodeId deepest = ft_trace_get_n_nodes (trace) - 1;

  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, 9999);
  g_assert_cmpuint (ft_trace_get_depth (trace, deepest), ==, 9998);
  use_everything (trace);
}

static void
test_calls_deep_salvaged (void)
{
  g_autoptr(GString) text = nested_calls (9999, FALSE);
  g_autoptr(FtTrace) trace = load_ok ("calls-deep-cut.json", text);

  g_assert_true (ft_trace_is_salvaged (trace));
  g_assert_cmpuint (ft_trace_get_n_incomplete (trace), ==, 9999);
  use_everything (trace);
}

static GString *
nested_value (guint       depth,
              const char *open,
              const char *close)
{
  GString *s = g_string_new ("[{\"id\":0,\"callable\":\"f\",\"inputs\":{\"v\":");

  for (guint i = 0; i < depth; i++)
    g_string_append (s, open);
  g_string_append (s, "1");
  for (guint i = 0; i < depth; i++)
    g_string_append (s, close);
  g_string_append (s, "},\"calls\":[],\"output\":null}]");
  return s;
}

static void
test_value_100k_deep (void)
{
  g_autoptr(GString) text = nested_value (100000, "[", "]");
  /* "[{" and "inputs" take 3 levels of the 20 000 */
  gsize offset = strlen ("[{\"id\":0,\"callable\":\"f\",\"inputs\":{\"v\":") + 20000 - 3;

  assert_refused ("value-100k.json", text, offset, "JSON nested less than 20000 levels deep");
}

static void
test_value_deepest_allowed (gconstpointer data)
{
  gboolean objects = GPOINTER_TO_INT (data);
  g_autoptr(GString) text = nested_value (19990, objects ? "{\"k\":" : "[", objects ? "}" : "]");
  g_autoptr(FtTrace) trace = load_ok ("value-deep.json", text);
  g_autoptr(GError) error = NULL;
  g_autoptr(FtNodeDetail) detail = ft_trace_get_detail (trace, 0, &error);

  /* json-glib parses the slice; it must not run out of stack */
  g_assert_no_error (error);
  g_assert_nonnull (detail->inputs);
  use_everything (trace);
}

/* ---------------------------------------------------------------- scalars */

static void
test_huge_numbers (void)
{
  g_autoptr(GString) text =
    g_string_new ("[{\"id\":1e999,\"callable\":\"f\",\"line\":1e999,\"start_ns\":-1e999,"
                  "\"instance_id\":1e999,\"inputs\":{\"x\":1e999,\"y\":-1e999,\"z\":1e-999},"
                  "\"calls\":[],\"output\":123456789012345678901234567890e300,\"duration_ms\":1e300}]");
  g_autoptr(FtTrace) trace = load_ok ("numbers.json", text);
  g_autoptr(FtNodeDetail) detail = ft_trace_get_detail (trace, 0, NULL);

  /* integers beyond 64 bits are clamped, not wrapped */
  g_assert_cmpint (ft_trace_get_id (trace, 0), ==, G_MAXINT64);
  g_assert_cmpuint (ft_trace_get_line (trace, 0), ==, G_MAXUINT32);
  g_assert_cmpfloat (ft_trace_get_duration_ms (trace, 0), ==, 1e300);
  g_assert_nonnull (detail);
  use_everything (trace);

  g_string_assign (text, "[{\"id\":0,\"callable\":\"f\",\"calls\":[],\"duration_ms\":1e999}]");
  assert_refused ("inf-duration.json", text, strstr (text->str, "1e999") - text->str,
                  "a finite number or null for \"duration_ms\"");
}

/* ---------------------------------------------------------------- UTF-8 */

static void
test_invalid_utf8 (void)
{
  static const char * const cases[] = {
    "[{\"id\":0,\"callable\":\"f\xff\"}]",
    "[{\"id\":0,\"callable\":\"f\",\"inputs\":{\"a\":\"ok\xc3\x28\"}}]",
    "[{\"id\":0,\"callable\":\"f\",\"inputs\":{\"k\xe2\x82\":1}}]",    /* in a key */
    "[{\"id\":0,\"calla\xc0\xafle\":\"f\"}]",                       /* overlong, in a node's key */
    "[{\"id\":0,\"callable\":\"f\",\"error\":\"\xed\xa0\x80\"}]",    /* a surrogate in UTF-8 */
    "[{\"id\":0,\"callable\":\"f\",\"x\":\"\xf4\x90\x80\x80\"}]",     /* beyond U+10FFFF */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) text = g_string_new (cases[i]);
      g_autofree char *name = g_strdup_printf ("utf8-%u.json", i);
      const char *bad = NULL;

      /* the message points at the first byte that is not UTF-8 */
      g_assert_false (g_utf8_validate (text->str, text->len, &bad));
      assert_refused (name, text, bad - text->str, "valid UTF-8 text");
    }
}

/* ---------------------------------------------------------------- types */

/* A call with two "calls" lists: read as one, it would be written back
 * (Export Filtered View) as another trace; refused at the second key. */
static void
test_second_calls_member (void)
{
  g_autoptr(GString) text = g_string_new ("[{\"id\":0,\"callable\":\"a.py\",\"calls\":["
                                          "{\"id\":1,\"callable\":\"f\",\"calls\":[]}],"
                                          "\"calls\":[{\"id\":2,\"callable\":\"g\",\"calls\":[]}]}]");
  const char *second = strstr (strstr (text->str, "]}],") + 4, "\"calls\"");

  assert_refused ("second-calls.json", text, second - text->str,
                  "a single \"calls\" member in a call, not a second one");
}

static void
test_wrong_types (void)
{
  static const struct { const char *member; const char *expected; } cases[] = {
    { "\"calls\":5", "an array of calls for \"calls\"" },
    { "\"calls\":{}", "an array of calls for \"calls\"" },
    { "\"calls\":\"none\"", "an array of calls for \"calls\"" },
    { "\"duration_ms\":\"x\"", "a number or null for \"duration_ms\"" },
    { "\"duration_ms\":[]", "a number or null for \"duration_ms\"" },
    { "\"id\":[]", "an integer or null for \"id\"" },
    { "\"id\":{}", "an integer or null for \"id\"" },
    { "\"id\":true", "an integer or null for \"id\"" },
    { "\"line\":\"7\"", "an integer or null for \"line\"" },
    { "\"start_ns\":false", "an integer or null for \"start_ns\"" },
    { "\"module\":[\"m\"]", "a string or null for \"module\"" },
    { "\"error\":{\"type\":1}", "a string or null for \"error\"" },
    { "\"kind\":3", "a string or null for \"kind\"" },
    { "\"inputs\":[1]", "an object or null for \"inputs\"" },
    { "\"inputs\":\"a\"", "an object or null for \"inputs\"" },
    { "\"memory_after\":7", "an object or null for \"memory_after\"" },
    { "\"flowtrace\":[]", "an object or null for \"flowtrace\"" },
    { "\"incomplete\":\"yes\"", "true or false for \"incomplete\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      static const char head[] = "[{\"callable\":\"f\",";
      g_autoptr(GString) text = g_string_new (head);
      g_autofree char *name = g_strdup_printf ("types-%u.json", i);
      const char *colon = strchr (cases[i].member, ':');

      g_string_append_printf (text, "%s}]", cases[i].member);
      assert_refused (name, text, strlen (head) + (colon - cases[i].member) + 1, cases[i].expected);
    }
}

/* Wrong types inside the metadata and the values are not the reader's to
 * judge: they load, and nothing that reads them trips. */
static void
test_odd_metadata (void)
{
  g_autoptr(GString) text =
    g_string_new ("[{\"id\":0,\"callable\":\"a.py\",\"flowtrace\":{\"version\":[],\"complete\":\"yes\","
                  "\"started_unix_ns\":-5,\"pid\":\"x\",\"python\":{},\"argv\":7,\"flags\":null},"
                  "\"calls\":[{\"id\":1,\"kind\":\"thread\",\"callable\":\"T\",\"thread_id\":\"t\",\"calls\":["
                  "{\"id\":2,\"kind\":\"process\",\"callable\":\"p\",\"pid\":[1],\"calls\":[]}]}]}]");
  g_autoptr(FtTrace) trace = load_ok ("odd-metadata.json", text);

  g_assert_true (ft_trace_is_complete (trace));   /* "complete" that is not a boolean says nothing */
  use_everything (trace);
}

/* ---------------------------------------------------------------- size */

static GString *
big_string_trace (gsize len)
{
  GString *s = g_string_sized_new (len + 256);

  g_string_append (s, "[{\"id\":0,\"callable\":\"main\",\"calls\":[{\"id\":1,\"callable\":\"big\",\"inputs\":{\"s\":\"");
  memset (s->str + s->len, 'a', len);
  g_string_set_size (s, s->len + len);
  g_string_append (s, "needle\"},\"calls\":[],\"output\":null,\"duration_ms\":1}],\"duration_ms\":2}]");
  return s;
}

static void
test_200mb_string (void)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FtNodeDetail) detail = NULL;
  GArray *hits;

  {
    g_autoptr(GString) text = big_string_trace (200u << 20);
    file = write_file ("200mb.json", text);
  }
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, 2);
  g_assert_cmpstr (ft_trace_get_callable (trace, 1), ==, "big");

  hits = ft_trace_search (trace, "needle", FT_SEARCH_VALUES, NULL);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpuint (g_array_index (hits, FtNodeId, 0), ==, 1);
  g_array_unref (hits);

  detail = ft_trace_get_detail (trace, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (json_object_get_string_member (json_node_get_object (detail->inputs), "s")),
                    ==, (200u << 20) + 6);
}

/* A name of megabytes would hold every row and label that shows it:
 * refused.  An error's repr() may be long: kept (the views cut it). */
static void
test_huge_names (void)
{
  static const char * const keys[] = { "callable", "module", "called", "caller", "file", "thread", "error_type" };
  g_autoptr(GString) long_text = g_string_new (NULL);
  g_autoptr(GString) text = NULL;
  g_autoptr(FtTrace) trace = NULL;

  for (guint i = 0; i < 65537; i++)
    g_string_append_c (long_text, 'n');

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *name = g_strdup_printf ("name-%s.json", keys[i]);
      g_autofree char *expected = g_strdup_printf ("a string shorter than 64 KB for \"%s\"", keys[i]);
      gsize offset;

      g_autoptr(GString) bad = g_string_new ("[{\"id\":0,");

      g_string_append_printf (bad, "\"%s\":", keys[i]);
      offset = bad->len;
      g_string_append_printf (bad, "\"%s\",\"callable\":\"f\",\"calls\":[]}]", long_text->str);
      assert_refused (name, bad, offset, expected);
    }

  /* 64 KB exactly is a name; a 20 MB error is kept whole */
  g_string_truncate (long_text, 65536);
  text = g_string_new ("[{\"id\":0,\"callable\":\"");
  g_string_append (text, long_text->str);
  g_string_append (text, "\",\"error\":\"");
  for (guint i = 0; i < 20u << 20; i++)
    g_string_append_c (text, 'e');
  g_string_append (text, "\",\"calls\":[]}]");
  trace = load_ok ("long-error.json", text);
  g_assert_cmpuint (strlen (ft_trace_get_callable (trace, 0)), ==, 65536);
  g_assert_cmpuint (strlen (ft_trace_get_error (trace, 0)), ==, 20u << 20);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = g_dir_make_tmp ("flowtrace-test-hostile-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/flowtrace/hostile/nesting/calls-100k", test_calls_100k_deep);
  g_test_add_func ("/flowtrace/hostile/nesting/calls-deepest-allowed", test_calls_deepest_allowed);
  g_test_add_func ("/flowtrace/hostile/nesting/calls-deep-salvaged", test_calls_deep_salvaged);
  g_test_add_func ("/flowtrace/hostile/nesting/value-100k", test_value_100k_deep);
  g_test_add_data_func ("/flowtrace/hostile/nesting/value-deepest-arrays", GINT_TO_POINTER (FALSE),
                        test_value_deepest_allowed);
  g_test_add_data_func ("/flowtrace/hostile/nesting/value-deepest-objects", GINT_TO_POINTER (TRUE),
                        test_value_deepest_allowed);
  g_test_add_func ("/flowtrace/hostile/numbers", test_huge_numbers);
  g_test_add_func ("/flowtrace/hostile/second-calls-member", test_second_calls_member);
  g_test_add_func ("/flowtrace/hostile/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/flowtrace/hostile/wrong-types", test_wrong_types);
  g_test_add_func ("/flowtrace/hostile/odd-metadata", test_odd_metadata);
  g_test_add_func ("/flowtrace/hostile/200mb-string", test_200mb_string);
  g_test_add_func ("/flowtrace/hostile/huge-names", test_huge_names);

  ret = g_test_run ();

  ft_test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
