/* fuzz-common.h: what the fuzz targets share
 *
 * SPDX-License-Identifier: MIT
 *
 * Each target defines LLVMFuzzerTestOneInput().  Built with clang and
 * -Dfuzzing=true it is linked with libFuzzer; in every other build it is
 * linked with replay.c, which feeds it the corpus and the regression
 * inputs kept in the repository, so a crash found once stays fixed.
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ft-trace.h"

G_BEGIN_DECLS

int      LLVMFuzzerTestOneInput  (const uint8_t *data,
                                  size_t         size);

/* Writes data to a file in a private temporary folder (the same path on
 * every call, so the loader sees a real file) and returns it.  With part
 * not NULL, "<trace>.thread-1.part" holds it, as the tracer leaves for
 * another thread; otherwise no such file exists. */
GFile   *fuzz_write_trace        (const uint8_t *data,
                                  size_t         size,
                                  const uint8_t *part,
                                  size_t         part_size);

/* Loads it; NULL with the error checked to be a clear message (it names
 * the file) when the input is not a trace.  Aborts on anything else. */
FtTrace *fuzz_load_trace         (GFile         *file);

/* Where the loaded trace's inputs are checked: every node is reachable
 * from the roots exactly once, parents and children agree. */
void     fuzz_check_tree         (FtTrace       *trace);

G_END_DECLS
