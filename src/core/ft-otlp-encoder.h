/* ft-otlp-encoder.h: a trace as OTLP spans, in batches
 *
 * SPDX-License-Identifier: MIT
 *
 * Turns the calls of an FtTrace into OpenTelemetry spans and encodes them
 * as OTLP/HTTP request bodies (ExportTraceServiceRequest), JSON or
 * protobuf, optionally gzip-compressed.  No GTK and no network here: the
 * exporter (ft-otlp-exporter.h) sends what this produces.
 */

#pragma once

#include "ft-trace.h"

G_BEGIN_DECLS

typedef enum
{
  FT_OTLP_ENCODING_PROTOBUF,
  FT_OTLP_ENCODING_JSON,
} FtOtlpEncoding;

typedef struct
{
  char           *service_name;      /* NULL: the trace file's stem */
  FtOtlpEncoding  encoding;
  gboolean        gzip;
  double          min_duration_ms;   /* calls shorter than this are left out, with their callees */
  guint           max_depth;         /* 0: no limit; 1: top-level calls only */
  gboolean        trace_per_call;    /* one trace id per top-level call */
} FtOtlpOptions;

void            ft_otlp_options_init           (FtOtlpOptions  *options);
void            ft_otlp_options_clear          (FtOtlpOptions  *options);
/* "json" / "protobuf" (also "proto"); FALSE for anything else. */
gboolean        ft_otlp_encoding_from_string   (const char     *text,
                                                FtOtlpEncoding *encoding);
const char     *ft_otlp_encoding_to_string     (FtOtlpEncoding  encoding);
const char     *ft_otlp_encoding_content_type  (FtOtlpEncoding  encoding);

typedef struct _FtOtlpEncoder FtOtlpEncoder;

FtOtlpEncoder  *ft_otlp_encoder_new            (FtTrace             *trace,
                                                const FtOtlpOptions *options);
void            ft_otlp_encoder_free           (FtOtlpEncoder       *self);
/* Spans the whole export will produce (after the filters). */
guint64         ft_otlp_encoder_get_n_spans    (FtOtlpEncoder       *self);
const char     *ft_otlp_encoder_get_service_name (FtOtlpEncoder     *self);
/* The next request body: at most max_spans spans and, unless a single
 * span is larger, about max_bytes bytes before compression.  NULL when
 * every span has been encoded.  Sets *n_spans to the spans it holds. */
GBytes         *ft_otlp_encoder_next_batch     (FtOtlpEncoder       *self,
                                                guint                max_spans,
                                                gsize                max_bytes,
                                                guint               *n_spans,
                                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FtOtlpEncoder, ft_otlp_encoder_free)

G_END_DECLS
