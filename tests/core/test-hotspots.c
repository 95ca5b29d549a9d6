/* test-hotspots.c: calls, total, self time and errors per function
 *
 * SPDX-License-Identifier: MIT
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "ft-hotspots.h"

static char *tmp_dir;

#define CALL(id, mod, called, callable, ms, extra, calls) \
  "{\"id\":" #id ",\"callable\":\"" callable "\",\"module\":\"" mod "\",\"called\":\"" called "\"," \
  "\"inputs\":{},\"output\":null,\"error\":" extra ",\"duration_ms\":" #ms ",\"calls\":[" calls "]}"

/* main 20 ms: Cart.add twice (4 + 2 ms, the second failing), add() the
 * plain function (1 ms), fib recursing three deep (6 > 3 > 1 ms), and a
 * worker thread with one more Cart.add (5 ms). */
static const char trace_text[] =
  "[" CALL (0, "__main__", "app.py", "app.py", 20.0, "null",
       CALL (1, "shop", "Cart", "add", 4.0, "null",
             CALL (2, "shop", "price", "price", 1.5, "null", "") ","
             CALL (3, "shop", "price", "price", 0.5, "null", "")) ","
       CALL (4, "shop", "Cart", "add", 2.0, "\"ValueError('qty')\"", "") ","
       CALL (5, "shop", "add", "add", 1.0, "null", "") ","
       CALL (6, "math", "fib", "fib", 6.0, "null",
             CALL (7, "math", "fib", "fib", 3.0, "null",
                   CALL (8, "math", "fib", "fib", 1.0, "null", ""))) ","
       "{\"id\":9,\"kind\":\"thread\",\"callable\":\"worker\",\"module\":\"threading\",\"called\":\"Thread\","
       "\"thread\":\"worker\",\"duration_ms\":5.5,\"calls\":["
       CALL (10, "shop", "Cart", "add", 5.0, "null", "") "]}") "]";

static FtTrace *
load_text (const char *text)
{
  g_autofree char *path = g_build_filename (tmp_dir, "hot.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FtTrace *trace;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  trace = ft_trace_load (file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return trace;
}

static const FtHotspot *
find (FtHotspots *hot,
      const char *name)
{
  for (guint i = 0; i < ft_hotspots_get_n_functions (hot); i++)
    {
      const FtHotspot *spot = ft_hotspots_get_function (hot, i);
      g_autofree char *got = ft_hotspot_dup_name (spot);

      if (g_str_equal (got, name))
        return spot;
    }

  g_assert_not_reached ();
}

static void
test_aggregate (void)
{
  g_autoptr(FtTrace) trace = load_text (trace_text);
  g_autoptr(GError) error = NULL;
  g_autoptr(FtHotspots) hot = ft_hotspots_compute (trace, NULL, &error);
  const FtHotspot *add, *plain, *fib, *price, *main_spot;

  g_assert_no_error (error);
  /* app.py, Cart.add, price, add, fib: the thread is not a function. */
  g_assert_cmpuint (ft_hotspots_get_n_functions (hot), ==, 5);

  add = find (hot, "Cart.add");
  g_assert_cmpuint (add->n_calls, ==, 3);
  g_assert_cmpuint (add->n_errors, ==, 1);
  g_assert_cmpfloat_with_epsilon (add->total_ms, 11.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (add->self_ms, 2.0 + 2.0 + 5.0, 1e-9);
  g_assert_cmpstr (add->module, ==, "shop");

  /* The plain function add() of the same module is another function. */
  plain = find (hot, "add");
  g_assert_cmpuint (plain->n_calls, ==, 1);
  g_assert_null (plain->class_name);

  price = find (hot, "price");
  g_assert_cmpuint (price->n_calls, ==, 2);
  g_assert_cmpfloat_with_epsilon (price->self_ms, 2.0, 1e-9);

  /* Recursion: the total counts the outermost call only; self time
   * adds each level's own part (3 + 2 + 1). */
  fib = find (hot, "fib");
  g_assert_cmpuint (fib->n_calls, ==, 3);
  g_assert_cmpfloat_with_epsilon (fib->total_ms, 6.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fib->self_ms, 6.0, 1e-9);

  /* main's children: 4 + 2 + 1 + 6 + the thread's 5.5 */
  main_spot = find (hot, "app.py");
  g_assert_cmpfloat_with_epsilon (main_spot->self_ms, 20.0 - 18.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (main_spot->total_ms, 20.0, 1e-9);
}

static void
test_calls_of_function (void)
{
  g_autoptr(FtTrace) trace = load_text (trace_text);
  g_autoptr(FtHotspots) hot = ft_hotspots_compute (trace, NULL, NULL);
  guint index = ft_hotspots_lookup_node (hot, 1);
  g_autoptr(GArray) calls = NULL;

  g_assert_cmpuint (index, !=, G_MAXUINT);
  calls = ft_hotspots_dup_calls (hot, index);
  g_assert_cmpuint (calls->len, ==, 3);
  g_assert_cmpint (ft_trace_get_id (trace, g_array_index (calls, FtNodeId, 0)), ==, 1);
  g_assert_cmpint (ft_trace_get_id (trace, g_array_index (calls, FtNodeId, 1)), ==, 4);
  g_assert_cmpint (ft_trace_get_id (trace, g_array_index (calls, FtNodeId, 2)), ==, 10);
  g_assert_cmpuint (ft_hotspots_get_function (hot, index)->first_call, ==, 1);
  /* The thread node belongs to no function. */
  for (FtNodeId node = 0; node < ft_trace_get_n_nodes (trace); node++)
    if (ft_trace_get_kind (trace, node) == FT_NODE_KIND_THREAD)
      g_assert_cmpuint (ft_hotspots_lookup_node (hot, node), ==, G_MAXUINT);
}

/* Missing durations count as zero; a child longer than its parent does
 * not make the parent's self time negative. */
static void
test_missing_and_odd_durations (void)
{
  static const char text[] =
    "[{\"id\":0,\"callable\":\"m\",\"module\":\"x\",\"called\":\"m\",\"calls\":["
    "{\"id\":1,\"callable\":\"f\",\"module\":\"x\",\"called\":\"f\",\"duration_ms\":1.0,\"calls\":["
    "{\"id\":2,\"callable\":\"g\",\"module\":\"x\",\"called\":\"g\",\"duration_ms\":1.25,\"calls\":[]}]}]}]";
  g_autoptr(FtTrace) trace = load_text (text);
  g_autoptr(FtHotspots) hot = ft_hotspots_compute (trace, NULL, NULL);

  g_assert_cmpfloat (find (hot, "m")->total_ms, ==, 0.0);
  g_assert_cmpfloat (find (hot, "m")->self_ms, ==, 0.0);
  g_assert_cmpfloat (find (hot, "f")->self_ms, ==, 0.0);
  g_assert_cmpfloat_with_epsilon (find (hot, "g")->self_ms, 1.25, 1e-9);
}

static void
on_computed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = ((gpointer *) user_data)[1];
  FtHotspots **out = ((gpointer *) user_data)[0];

  *out = ft_hotspots_compute_finish (result, error);
  if (*out == NULL && *error == NULL)
    g_assert_not_reached ();
  ((gpointer *) user_data)[2] = GINT_TO_POINTER (1);
}

static FtHotspots *
compute_async (FtTrace      *trace,
               GCancellable *cancellable,
               GError      **error)
{
  FtHotspots *hot = NULL;
  gpointer data[3] = { &hot, error, NULL };

  ft_hotspots_compute_async (trace, cancellable, on_computed_cb, data);
  while (data[2] == NULL)
    g_main_context_iteration (NULL, TRUE);
  return hot;
}

static void
test_async_and_cancel (void)
{
  g_autoptr(FtTrace) trace = load_text (trace_text);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FtHotspots) hot = compute_async (trace, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ft_hotspots_get_n_functions (hot), ==, 5);
  g_assert_true (ft_hotspots_get_trace (hot) == trace);

  g_cancellable_cancel (cancellable);
  g_assert_null (compute_async (trace, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("ft-hotspots-XXXXXX", NULL);

  g_test_add_func ("/flowtrace/hotspots/aggregate", test_aggregate);
  g_test_add_func ("/flowtrace/hotspots/calls-of-function", test_calls_of_function);
  g_test_add_func ("/flowtrace/hotspots/missing-durations", test_missing_and_odd_durations);
  g_test_add_func ("/flowtrace/hotspots/async-and-cancel", test_async_and_cancel);

  status = g_test_run ();
  {
    g_autofree char *path = g_build_filename (tmp_dir, "hot.json", NULL);

    g_unlink (path);
    g_rmdir (tmp_dir);
  }
  return status;
}
