/* ft-trace-filter.h: which calls of a trace a filter keeps
 *
 * SPDX-License-Identifier: MIT
 *
 * A filter is a set of conditions (module glob, class, duration range,
 * time window, errors only) that a call must all meet.  The visible set is
 * the matching calls plus their ancestors, so every kept call still hangs
 * under the calls that led to it.  Core code: no GTK.
 */

#pragma once

#include "ft-trace.h"

G_BEGIN_DECLS

typedef struct _FtTraceFilter FtTraceFilter;

FtTraceFilter *ft_trace_filter_new            (void);
FtTraceFilter *ft_trace_filter_copy           (const FtTraceFilter *self);
void           ft_trace_filter_free           (FtTraceFilter *self);

/* NULL or "" clears a condition; NAN clears a duration bound; -1 a time bound. */
void           ft_trace_filter_set_module     (FtTraceFilter *self,
                                               const char    *glob);
void           ft_trace_filter_set_class      (FtTraceFilter *self,
                                               const char    *name);
void           ft_trace_filter_set_duration   (FtTraceFilter *self,
                                               double         min_ms,
                                               double         max_ms);
/* On start_ns, in milliseconds since the start of recording. */
void           ft_trace_filter_set_time_window (FtTraceFilter *self,
                                                double         from_ms,
                                                double         to_ms);
void           ft_trace_filter_set_errors_only (FtTraceFilter *self,
                                                gboolean       errors_only);

/* One command-line term: module=GLOB, class=NAME, min-ms=N, max-ms=N,
 * from-ms=N, to-ms=N or errors.  The error names the term and says what
 * is expected. */
gboolean       ft_trace_filter_parse_term     (FtTraceFilter *self,
                                               const char    *term,
                                               GError       **error);

/* TRUE when no condition is set (everything is visible). */
gboolean       ft_trace_filter_is_empty       (const FtTraceFilter *self);
/* Whether one call meets every condition.  Roots, threads, processes and
 * "__instance__" groups never match by themselves. */
gboolean       ft_trace_filter_matches        (const FtTraceFilter *self,
                                               FtTrace             *trace,
                                               FtNodeId             node);

/* The visible set: a bitset over the node table. */
typedef struct
{
  guint    n_nodes;
  guint    n_visible;
  guint    n_matches;     /* calls meeting the filter themselves */
  guint64 *bits;
} FtVisibleSet;

/* O(n) over the node table; roots are always visible so that a written
 * trace keeps its metadata.  NULL when cancelled. */
FtVisibleSet  *ft_trace_filter_compute        (const FtTraceFilter *self,
                                               FtTrace             *trace,
                                               GCancellable        *cancellable);
void           ft_visible_set_free            (FtVisibleSet *set);

static inline gboolean
ft_visible_set_contains (const FtVisibleSet *set,
                         FtNodeId            node)
{
  return node < set->n_nodes && (set->bits[node >> 6] >> (node & 63)) & 1;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FtTraceFilter, ft_trace_filter_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FtVisibleSet, ft_visible_set_free)

G_END_DECLS
