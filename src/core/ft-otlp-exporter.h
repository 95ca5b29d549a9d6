/* ft-otlp-exporter.h: send a trace to an OTLP/HTTP receiver
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ft-otlp-encoder.h"

G_BEGIN_DECLS

#define FT_OTLP_ERROR (ft_otlp_error_quark ())

typedef enum
{
  FT_OTLP_ERROR_BAD_URL,
  FT_OTLP_ERROR_BAD_HEADER,
  FT_OTLP_ERROR_REJECTED,      /* 4xx (other than 429), or spans rejected in a partial success */
  FT_OTLP_ERROR_SERVER,        /* a 5xx that is not worth retrying */
  FT_OTLP_ERROR_UNREACHABLE,   /* retries used up: connection errors or 429/502/503/504 */
  FT_OTLP_ERROR_BAD_CA_FILE,
} FtOtlpError;

typedef struct
{
  guint64 n_spans;          /* accepted by the receiver */
  guint64 n_spans_total;    /* the export's spans, after the filters */
  guint64 n_rejected;       /* refused by the receiver in partial-success answers */
  guint   n_batches;        /* requests accepted */
  guint   n_retries;        /* requests sent again */
  guint   n_failures;       /* batches given up on */
  guint64 n_bytes;          /* request bodies sent, as sent (compressed with gzip) */
  double  seconds;
} FtOtlpReport;

/* Called in the main context that started the export. */
typedef void (*FtOtlpProgressFunc) (guint64  spans_sent,
                                    guint64  spans_total,
                                    gpointer user_data);

#define FT_TYPE_OTLP_EXPORTER (ft_otlp_exporter_get_type ())
G_DECLARE_FINAL_TYPE (FtOtlpExporter, ft_otlp_exporter, FT, OTLP_EXPORTER, GObject)

GQuark          ft_otlp_error_quark               (void);

/* NULL with FT_OTLP_ERROR_BAD_URL unless @endpoint is an http(s) URL. */
FtOtlpExporter *ft_otlp_exporter_new              (const char          *endpoint,
                                                   const FtOtlpOptions *options,
                                                   GError             **error);
/* "NAME=VALUE"; errors name the header, never its value. */
gboolean        ft_otlp_exporter_add_header_text  (FtOtlpExporter      *self,
                                                   const char          *text,
                                                   GError             **error);
gboolean        ft_otlp_exporter_add_header       (FtOtlpExporter      *self,
                                                   const char          *name,
                                                   const char          *value,
                                                   GError             **error);
/* Defaults: 2048 spans, 4 MiB before compression. */
void            ft_otlp_exporter_set_batch_limits (FtOtlpExporter      *self,
                                                   guint                max_spans,
                                                   gsize                max_bytes);
/* Defaults: 5 retries per batch, from 500 ms doubling up to 30 s. */
void            ft_otlp_exporter_set_retry        (FtOtlpExporter      *self,
                                                   guint                max_retries,
                                                   guint                initial_backoff_ms,
                                                   guint                max_backoff_ms);
/* Trust the certificate authorities in @path (PEM) instead of the
 * system's, for a receiver with a private CA or a self-signed certificate. */
gboolean        ft_otlp_exporter_set_ca_file      (FtOtlpExporter      *self,
                                                   const char          *path,
                                                   GError             **error);
/* The endpoint without password or query: safe to show. */
const char     *ft_otlp_exporter_get_display_url  (FtOtlpExporter      *self);

void            ft_otlp_exporter_export_async     (FtOtlpExporter      *self,
                                                   FtTrace             *trace,
                                                   GCancellable        *cancellable,
                                                   FtOtlpProgressFunc   progress,
                                                   gpointer             progress_data,
                                                   GDestroyNotify       progress_destroy,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* @report (may be NULL) is filled on failure too: what got through. */
gboolean        ft_otlp_exporter_export_finish    (FtOtlpExporter      *self,
                                                   GAsyncResult        *result,
                                                   FtOtlpReport        *report,
                                                   GError             **error);

/* One translated sentence: spans, batches, retries, failures, size, time. */
char           *ft_otlp_report_to_string          (const FtOtlpReport  *report);

G_END_DECLS
