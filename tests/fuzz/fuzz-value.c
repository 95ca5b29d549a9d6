/* fuzz-value.c: the on-demand value parser
 *
 * SPDX-License-Identifier: MIT
 *
 * The input is one JSON value, placed as an argument, the output and an
 * unknown member of a call.  The reader only validates and skips values;
 * they are parsed (json-glib) when the call is selected.  Whatever the
 * reader accepted must parse then, and come back the same in all three
 * places.
 */

#define G_LOG_DOMAIN "fuzz-value"

#include "config.h"

#include <string.h>

#include "fuzz-common.h"

static const char head[] = "[{\"id\":0,\"callable\":\"f\",\"inputs\":{\"v\":";
static const char middle[] = "},\"calls\":[{\"id\":1,\"callable\":\"g\",\"calls\":[]}],\"output\":";
static const char extra_key[] = ",\"x\":";
static const char tail[] = "}]";

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GByteArray) text = g_byte_array_sized_new (3 * size + 128);
  g_autoptr(GFile) file = NULL;
  g_autoptr(FtTrace) trace = NULL;
  g_autoptr(FtNodeDetail) detail = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;
  g_autofree char *extra = NULL;
  GArray *hits;

  g_byte_array_append (text, (const guint8 *) head, strlen (head));
  g_byte_array_append (text, data, size);
  g_byte_array_append (text, (const guint8 *) middle, strlen (middle));
  g_byte_array_append (text, data, size);
  g_byte_array_append (text, (const guint8 *) extra_key, strlen (extra_key));
  g_byte_array_append (text, data, size);
  g_byte_array_append (text, (const guint8 *) tail, strlen (tail));

  file = fuzz_write_trace (text->data, text->len, NULL, 0);
  trace = fuzz_load_trace (file);
  if (trace == NULL || ft_trace_is_salvaged (trace))
    return 0;   /* not one value: the reader's business (fuzz-trace) */

  g_assert_cmpuint (ft_trace_get_n_nodes (trace), ==, 2);
  detail = ft_trace_get_detail (trace, 0, &error);
  if (detail == NULL)
    g_error ("the reader accepted a value the detail cannot parse: %s", error->message);

  g_assert_nonnull (detail->inputs);
  g_assert_nonnull (detail->output);
  g_assert_nonnull (detail->extra);
  input = json_to_string (json_object_get_member (json_node_get_object (detail->inputs), "v"), FALSE);
  output = json_to_string (detail->output, FALSE);
  extra = json_to_string (json_object_get_member (json_node_get_object (detail->extra), "x"), FALSE);
  g_assert_cmpstr (input, ==, output);
  g_assert_cmpstr (extra, ==, output);

  hits = ft_trace_search (trace, "v", FT_SEARCH_VALUES, NULL);
  g_assert_cmpuint (hits->len, >=, 1);   /* the argument's name */
  g_assert_cmpuint (g_array_index (hits, FtNodeId, 0), ==, 0);
  g_array_unref (hits);
  return 0;
}
