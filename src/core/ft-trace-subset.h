/* ft-trace-subset.h: a trace of only some nodes of another, in memory
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ft-trace-filter.h"

G_BEGIN_DECLS

/* A new FtTrace holding the nodes of set (ancestor-closed, as
 * ft_trace_filter_compute() makes it), in the same order, reading the
 * same file: details, search and writing work on it as on any trace.
 * O(n) in the source's nodes, no I/O; it keeps source alive. */
FtTrace *ft_trace_new_subset (FtTrace            *source,
                              const FtVisibleSet *set);

G_END_DECLS
