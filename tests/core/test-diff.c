/* test-diff.c: two runs aligned by call path
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "test-diff"

#include "config.h"

#include "ft-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ft-trace.h"
#include "ft-trace-diff.h"

static char *tmp_dir;

#define CALL(id, name, module, cls, dur, out, err, calls) \
  "{\"id\":" #id ",\"callable\":\"" name "\",\"module\":\"" module "\",\"called\":\"" cls "\"," \
  "\"inputs\":{},\"calls\":[" calls "],\"output\":" out ",\"error\":" err ",\"duration_ms\":" #dur "}"

#define ROOT(script, calls) \
  "[{\"id\":0,\"callable\":\"" script "\",\"module\":\"__main__\",\"called\":\"" script "\"," \
  "\"calls\":[" calls "],\"output\":null,\"error\":null,\"duration_ms\":100}]"

/* Run A: main > load, add, add, save(ok).  Run B: main > add, add(slower),
 * add (a third), report; save is gone; load's output changed; a new error. */
static const char run_a[] = ROOT ("a.py",
  CALL (1, "main", "app", "main", 50, "null", "null",
        CALL (2, "load", "app.io", "load", 5, "[1,2]", "null", "") ","
        CALL (3, "add", "shop", "Cart", 2, "1", "null", "") ","
        CALL (4, "add", "shop", "Cart", 2, "2", "null", "") ","
        CALL (5, "save", "app.io", "save", 3, "true", "null", "")));

static const char run_b[] = ROOT ("b.py",
  CALL (1, "main", "app", "main", 52, "null", "null",
        CALL (2, "load", "app.io", "load", 5.2, "[1,2,3]", "null", "") ","
        CALL (3, "add", "shop", "Cart", 2.1, "1", "null", "") ","
        CALL (4, "add", "shop", "Cart", 9, "2", "\"ValueError('x')\"", "") ","
        CALL (5, "add", "shop", "Cart", 2, "3", "null", "") ","
        CALL (6, "report", "app", "report", 1, "null", "null", "")));

static FtTrace *
load_text (const char *name,
           const char *text)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FtTrace *trace;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return trace;
}

/* "kind:id" of each child of entry @index, e.g. "=2 +6 -5". */
static char *
describe_children (FtTraceDiff *diff,
                   guint        index)
{
  const FtDiffEntry *e = ft_trace_diff_get_entry (diff, index);
  GString *s = g_string_new (NULL);
  static const char marks[] = "=+-~";

  for (guint i = 0; i < e->n_children; i++)
    {
      FtNodeId node;
      FtTrace *trace = ft_trace_diff_get_entry_trace (diff, e->first_child + i, &node);
      const FtDiffEntry *c = ft_trace_diff_get_entry (diff, e->first_child + i);

      g_string_append_printf (s, "%s%c%" G_GINT64_FORMAT, s->len ? " " : "", marks[c->kind],
                              ft_trace_get_id (trace, node));
    }
  return g_string_free (s, FALSE);
}

static void
test_align (void)
{
  g_autoptr(FtTrace) a = load_text ("a.json", run_a);
  g_autoptr(FtTrace) b = load_text ("b.json", run_b);
  g_autoptr(FtTraceDiff) diff = ft_trace_diff_new (a, b, NULL);
  g_autofree char *top = NULL;
  g_autofree char *main_children = NULL;
  const FtDiffEntry *root, *main_entry, *e;

  g_assert_cmpuint (ft_trace_diff_get_n_top (diff), ==, 1);
  root = ft_trace_diff_get_entry (diff, 0);
  /* the roots align by position though the scripts' names differ */
  g_assert_cmpuint (root->kind, ==, FT_DIFF_SAME);
  g_assert_true (root->changed_below);
  top = describe_children (diff, 0);
  g_assert_cmpstr (top, ==, "=1");
  main_entry = ft_trace_diff_get_entry (diff, root->first_child);
  /* 50 → 52 ms is within 20 %: not a change */
  g_assert_cmpuint (main_entry->changes, ==, 0);
  main_children = describe_children (diff, root->first_child);
  /* load changed (output), add#0 same, add#1 changed (duration, error),
   * the third add and report added, save (after the last aligned call) removed at the end */
  g_assert_cmpstr (main_children, ==, "~2 =3 ~4 +5 +6 -5");

  e = ft_trace_diff_get_entry (diff, main_entry->first_child);
  g_assert_cmpuint (e->changes, ==, FT_DIFF_CHANGE_OUTPUT);
  e = ft_trace_diff_get_entry (diff, main_entry->first_child + 2);
  g_assert_cmpuint (e->changes, ==, FT_DIFF_CHANGE_DURATION | FT_DIFF_CHANGE_ERROR);
  g_assert_cmpuint (ft_trace_diff_count (diff, FT_DIFF_ADDED), ==, 2);
  g_assert_cmpuint (ft_trace_diff_count (diff, FT_DIFF_REMOVED), ==, 1);
  g_assert_cmpuint (ft_trace_diff_count (diff, FT_DIFF_CHANGED), ==, 2);
}

static void
test_identical (void)
{
  g_autoptr(FtTrace) a = load_text ("a.json", run_a);
  g_autoptr(FtTrace) a2 = load_text ("a2.json", run_a);
  g_autoptr(FtTraceDiff) diff = ft_trace_diff_new (a, a2, NULL);

  g_assert_cmpuint (ft_trace_diff_get_n_entries (diff), ==, ft_trace_get_n_nodes (a));
  g_assert_cmpuint (ft_trace_diff_count (diff, FT_DIFF_SAME), ==, ft_trace_get_n_nodes (a));
  g_assert_false (ft_trace_diff_get_entry (diff, 0)->changed_below);
}

/* Thresholds: a looser ratio hides the slower add; a stricter one shows main. */
static void
test_thresholds (void)
{
  g_autoptr(FtTrace) a = load_text ("a.json", run_a);
  g_autoptr(FtTrace) b = load_text ("b.json", run_b);
  FtDiffOptions options;
  g_autoptr(FtTraceDiff) strict = NULL;

  ft_diff_options_init (&options);
  options.ratio = 0.01;
  strict = ft_trace_diff_new (a, b, &options);
  g_assert_cmpuint (ft_trace_diff_get_entry (strict, 1)->changes, ==, FT_DIFF_CHANGE_DURATION);
}

static void
test_path_step (void)
{
  g_autoptr(FtTrace) a = load_text ("a.json", run_a);
  g_autofree char *step = ft_trace_dup_path_step (a, 3);

  g_assert_cmpstr (step, ==, "shop::Cart.add");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("flowtrace-test-diff-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/flowtrace/diff/align", test_align);
  g_test_add_func ("/flowtrace/diff/identical", test_identical);
  g_test_add_func ("/flowtrace/diff/thresholds", test_thresholds);
  g_test_add_func ("/flowtrace/diff/path-step", test_path_step);

  ret = g_test_run ();
  ft_test_remove_dir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
