/* ft-trace-writer.h: write the visible part of a trace as a trace
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ft-trace-filter.h"

G_BEGIN_DECLS

/* Streams a valid trace holding exactly the nodes of set (all nodes when
 * set is NULL), each with its own text from the original file and its
 * kept children nested in "calls".  The root's metadata is kept as is. */
gboolean ft_trace_write_visible         (FtTrace             *trace,
                                         const FtVisibleSet  *set,
                                         GOutputStream       *out,
                                         GCancellable        *cancellable,
                                         GError             **error);
/* The same into file, replaced only when the whole trace was written. */
gboolean ft_trace_write_visible_to_file (FtTrace             *trace,
                                         const FtVisibleSet  *set,
                                         GFile               *file,
                                         GCancellable        *cancellable,
                                         GError             **error);

G_END_DECLS
