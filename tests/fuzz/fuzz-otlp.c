/* fuzz-otlp.c: the OTLP encoders, JSON and protobuf
 *
 * SPDX-License-Identifier: MIT
 *
 * The input is a trace file.  When it loads, it is encoded in JSON, in
 * protobuf, and in protobuf again with gzip and the filters on (one trace
 * per call, a depth limit, a minimum duration), in small batches.  Every
 * JSON body must parse, every protobuf body must be well formed for the
 * ExportTraceServiceRequest schema with valid UTF-8 strings, and the
 * batches must hold exactly the spans the encoder announced.
 */

#define G_LOG_DOMAIN "fuzz-otlp"

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "ft-otlp-encoder.h"

/* Protobuf: the nested messages of the schema, by (message, field). */
typedef enum
{
  M_REQUEST, M_RESOURCE_SPANS, M_RESOURCE, M_SCOPE_SPANS, M_SCOPE,
  M_SPAN, M_KEY_VALUE, M_ANY_VALUE, M_EVENT, M_STATUS, M_LEAF
} Message;

typedef enum { K_MESSAGE, K_STRING, K_BYTES, K_VARINT, K_FIXED64 } Kind;

typedef struct
{
  Message  message;
  guint    field;
  Kind     kind;
  Message  child;
} Rule;

static const Rule rules[] = {
  { M_REQUEST, 1, K_MESSAGE, M_RESOURCE_SPANS },
  { M_RESOURCE_SPANS, 1, K_MESSAGE, M_RESOURCE },
  { M_RESOURCE_SPANS, 2, K_MESSAGE, M_SCOPE_SPANS },
  { M_RESOURCE, 1, K_MESSAGE, M_KEY_VALUE },
  { M_SCOPE_SPANS, 1, K_MESSAGE, M_SCOPE },
  { M_SCOPE_SPANS, 2, K_MESSAGE, M_SPAN },
  { M_SCOPE, 1, K_STRING, M_LEAF },
  { M_SCOPE, 2, K_STRING, M_LEAF },
  { M_SPAN, 1, K_BYTES, M_LEAF },
  { M_SPAN, 2, K_BYTES, M_LEAF },
  { M_SPAN, 4, K_BYTES, M_LEAF },
  { M_SPAN, 5, K_STRING, M_LEAF },
  { M_SPAN, 6, K_VARINT, M_LEAF },
  { M_SPAN, 7, K_FIXED64, M_LEAF },
  { M_SPAN, 8, K_FIXED64, M_LEAF },
  { M_SPAN, 9, K_MESSAGE, M_KEY_VALUE },
  { M_SPAN, 11, K_MESSAGE, M_EVENT },
  { M_SPAN, 15, K_MESSAGE, M_STATUS },
  { M_KEY_VALUE, 1, K_STRING, M_LEAF },
  { M_KEY_VALUE, 2, K_MESSAGE, M_ANY_VALUE },
  { M_ANY_VALUE, 1, K_STRING, M_LEAF },
  { M_ANY_VALUE, 2, K_VARINT, M_LEAF },
  { M_ANY_VALUE, 3, K_VARINT, M_LEAF },
  { M_ANY_VALUE, 4, K_FIXED64, M_LEAF },
  { M_EVENT, 1, K_FIXED64, M_LEAF },
  { M_EVENT, 2, K_STRING, M_LEAF },
  { M_EVENT, 3, K_MESSAGE, M_KEY_VALUE },
  { M_STATUS, 2, K_STRING, M_LEAF },
  { M_STATUS, 3, K_VARINT, M_LEAF },
};

static guint64
read_varint (const guint8 **p,
             const guint8  *end)
{
  guint64 v = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      g_assert_true (*p < end);
      v |= (guint64) (**p & 0x7F) << shift;
      if ((*(*p)++ & 0x80) == 0)
        return v;
    }
  g_error ("protobuf: a varint longer than 10 bytes");
}

/* Checks one message; returns how many spans it holds. */
static guint
check_message (Message       message,
               const guint8 *p,
               const guint8 *end)
{
  guint n_spans = 0;

  while (p < end)
    {
      guint64 tag = read_varint (&p, end);
      guint field = tag >> 3, wire = tag & 7;
      const Rule *rule = NULL;
      guint64 len;

      for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
        if (rules[i].message == message && rules[i].field == field)
          rule = &rules[i];
      if (rule == NULL)
        g_error ("protobuf: message %d has no field %u", message, field);

      switch (rule->kind)
        {
        case K_VARINT:
          g_assert_cmpuint (wire, ==, 0);
          read_varint (&p, end);
          break;
        case K_FIXED64:
          g_assert_cmpuint (wire, ==, 1);
          g_assert_cmpint (end - p, >=, 8);
          p += 8;
          break;
        default:
          g_assert_cmpuint (wire, ==, 2);
          len = read_varint (&p, end);
          g_assert_cmpuint (len, <=, (guint64) (end - p));
          if (rule->kind == K_STRING)
            g_assert_true (g_utf8_validate_len ((const char *) p, len, NULL));
          else if (rule->kind == K_BYTES)
            g_assert_true (len == 8 || len == 16);
          else
            n_spans += check_message (rule->child, p, p + len);
          if (rule->child == M_SPAN)
            n_spans++;
          p += len;
          break;
        }
    }
  g_assert_true (p == end);
  return n_spans;
}

static GBytes *
gunzip (GBytes *bytes)
{
  g_autoptr(GZlibDecompressor) zlib = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) memory = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (memory, G_CONVERTER (zlib));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error) < 0)
    g_error ("gzip: %s", error->message);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static guint
check_json (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);
  JsonObject *scope;
  JsonArray *spans;

  if (!json_parser_load_from_data (parser, text, len, &error))
    g_error ("OTLP/JSON body does not parse: %s", error->message);
  scope = json_array_get_object_element (
            json_object_get_array_member (
              json_array_get_object_element (
                json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                              "resourceSpans"), 0),
              "scopeSpans"), 0);
  spans = json_object_get_array_member (scope, "spans");
  for (guint i = 0; i < json_array_get_length (spans); i++)
    {
      JsonObject *span = json_array_get_object_element (spans, i);
      guint64 start = g_ascii_strtoull (json_object_get_string_member (span, "startTimeUnixNano"), NULL, 10);
      guint64 end = g_ascii_strtoull (json_object_get_string_member (span, "endTimeUnixNano"), NULL, 10);

      g_assert_cmpuint (strlen (json_object_get_string_member (span, "traceId")), ==, 32);
      g_assert_cmpuint (strlen (json_object_get_string_member (span, "spanId")), ==, 16);
      g_assert_cmpuint (start, <=, end);
    }
  return json_array_get_length (spans);
}

static void
encode_all (FtTrace        *trace,
            FtOtlpEncoding  encoding,
            gboolean        filters)
{
  g_autoptr(FtOtlpEncoder) encoder = NULL;
  FtOtlpOptions options;
  guint64 total = 0;
  GBytes *batch;
  guint n;

  ft_otlp_options_init (&options);
  options.encoding = encoding;
  if (filters)
    {
      options.gzip = TRUE;
      options.trace_per_call = TRUE;
      options.max_depth = 2;
      options.min_duration_ms = 0.5;
    }

  encoder = ft_otlp_encoder_new (trace, &options);
  while ((batch = ft_otlp_encoder_next_batch (encoder, 3, 4096, &n, NULL)) != NULL)
    {
      g_autoptr(GBytes) plain = options.gzip ? gunzip (batch) : g_bytes_ref (batch);
      gsize len;
      const guint8 *data = g_bytes_get_data (plain, &len);

      g_assert_cmpuint (n, >, 0);
      g_assert_cmpuint (n, <=, 3);
      if (encoding == FT_OTLP_ENCODING_JSON)
        g_assert_cmpuint (check_json (plain), ==, n);
      else
        g_assert_cmpuint (check_message (M_REQUEST, data, data + len), ==, n);
      total += n;
      g_bytes_unref (batch);
    }
  g_assert_cmpuint (total, ==, ft_otlp_encoder_get_n_spans (encoder));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GFile) file = fuzz_write_trace (data, size, NULL, 0);
  g_autoptr(FtTrace) trace = fuzz_load_trace (file);

  if (trace == NULL)
    return 0;

  encode_all (trace, FT_OTLP_ENCODING_JSON, FALSE);
  encode_all (trace, FT_OTLP_ENCODING_PROTOBUF, FALSE);
  encode_all (trace, FT_OTLP_ENCODING_PROTOBUF, TRUE);
  return 0;
}
