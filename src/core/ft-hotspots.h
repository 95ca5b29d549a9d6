/* ft-hotspots.h: time and calls per function, aggregated over a trace
 *
 * SPDX-License-Identifier: MIT
 *
 * A function is (module, class, callable).  Core code: no GTK.
 */

#pragma once

#include "ft-trace.h"

G_BEGIN_DECLS

typedef struct
{
  const char *module;       /* interned in the trace; NULL when absent */
  const char *class_name;   /* "called" for methods, NULL for plain functions */
  const char *callable;     /* NULL when absent */
  guint       n_calls;
  guint       n_errors;     /* calls whose "error" is set */
  /* Sum of durations, a call inside a call of the same function (recursion)
   * not counted again, as cProfile's cumulative time. */
  double      total_ms;
  /* Sum over calls of the duration minus the children's durations. */
  double      self_ms;
  FtNodeId    first_call;   /* in file order */
} FtHotspot;

#define FT_TYPE_HOTSPOTS (ft_hotspots_get_type ())
G_DECLARE_FINAL_TYPE (FtHotspots, ft_hotspots, FT, HOTSPOTS, GObject)

/* O(n) over the node table, in a worker thread. */
void             ft_hotspots_compute_async   (FtTrace             *trace,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
FtHotspots      *ft_hotspots_compute_finish  (GAsyncResult        *result,
                                              GError             **error);
/* NULL with G_IO_ERROR_CANCELLED when cancelled. */
FtHotspots      *ft_hotspots_compute         (FtTrace             *trace,
                                              GCancellable        *cancellable,
                                              GError             **error);

FtTrace         *ft_hotspots_get_trace       (FtHotspots          *self);
/* Functions in order of first call. */
guint            ft_hotspots_get_n_functions (FtHotspots          *self);
const FtHotspot *ft_hotspots_get_function    (FtHotspots          *self,
                                              guint                index);
/* The function index of a call, or G_MAXUINT for threads, processes and
 * "__instance__" groups. */
guint            ft_hotspots_lookup_node     (FtHotspots          *self,
                                              FtNodeId             node);
/* The calls of function @index, sorted (file order), as for search matches. */
GArray          *ft_hotspots_dup_calls       (FtHotspots          *self,
                                              guint                index);
/* "Class.callable" or "callable". Newly allocated. */
char            *ft_hotspot_dup_name         (const FtHotspot     *hotspot);

G_END_DECLS
