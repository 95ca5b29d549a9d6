/* ft-trace-loader.h: streaming parse into the node table
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ft-trace-private.h"

G_BEGIN_DECLS

gboolean ft_trace_parse_stream (FtTrace             *trace,
                                GInputStream        *stream,
                                GCancellable        *cancellable,
                                FtTraceProgressFunc  progress,
                                gpointer             progress_data,
                                GError             **error);

G_END_DECLS
