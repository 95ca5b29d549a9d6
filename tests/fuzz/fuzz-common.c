/* fuzz-common.c: temporary files and checks shared by the fuzz targets
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "fuzz"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"

#include "../core/ft-test-util.h"

static char *tmp_dir;

static void
remove_tmp_dir (void)
{
  ft_test_remove_dir (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

/* g_error() and fatal criticals stop at a breakpoint (SIGTRAP), which
 * libFuzzer does not watch: turn it into the abort it reports and saves. */
static void
on_trap (int signum)
{
  abort ();
}

static void
write_or_abort (const char    *path,
                const uint8_t *data,
                size_t         size)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents_full (path, (const char *) data, size,
                                 G_FILE_SET_CONTENTS_NONE, 0600, &error))
    g_error ("%s", error->message);
}

GFile *
fuzz_write_trace (const uint8_t *data,
                  size_t         size,
                  const uint8_t *part_data,
                  size_t         part_size)
{
  g_autofree char *path = NULL;
  g_autofree char *part = NULL;

  if (tmp_dir == NULL)
    {
      g_autoptr(GError) error = NULL;

      /* a critical or a warning from GLib is a bug found, as in the tests */
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      signal (SIGTRAP, on_trap);
      tmp_dir = g_dir_make_tmp ("flowtrace-fuzz-XXXXXX", &error);
      if (tmp_dir == NULL)
        g_error ("%s", error->message);
      atexit (remove_tmp_dir);
    }

  path = g_build_filename (tmp_dir, "trace.json", NULL);
  part = g_build_filename (tmp_dir, "trace.json.thread-1.part", NULL);

  /* g_file_set_contents_full without CONSISTENT does not truncate */
  g_unlink (path);
  g_unlink (part);
  write_or_abort (path, data, size);
  if (part_data != NULL)
    write_or_abort (part, part_data, part_size);

  return g_file_new_for_path (path);
}

FtTrace *
fuzz_load_trace (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_file_get_basename (file);
  FtTrace *trace = ft_trace_load (file, NULL, NULL, NULL, &error);

  if (trace != NULL)
    {
      g_assert_no_error (error);
      return trace;
    }

  /* a refusal must say which file and, for a parse error, where */
  g_assert_nonnull (error);
  g_assert_true (g_error_matches (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE) ||
                 g_error_matches (error, FT_TRACE_ERROR, FT_TRACE_ERROR_TOO_LARGE));
  g_assert_nonnull (strstr (error->message, name));
  if (error->code == FT_TRACE_ERROR_NOT_A_TRACE)
    g_assert_nonnull (strstr (error->message, ": byte "));
  return NULL;
}

void
fuzz_check_tree (FtTrace *trace)
{
  guint n = ft_trace_get_n_nodes (trace);
  guint seen = 0;

  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (ft_trace_get_n_roots (trace), >, 0);

  for (FtNodeId node = 0; node < n; node++)
    {
      FtNodeId parent = ft_trace_get_parent (trace, node);
      guint n_children = ft_trace_get_n_children (trace, node);

      if (parent == FT_NODE_NONE)
        g_assert_cmpuint (ft_trace_get_root (trace, ft_trace_get_index (trace, node)), ==, node);
      else
        {
          g_assert_cmpuint (parent, <, node);   /* file order: parents first */
          g_assert_cmpuint (ft_trace_get_child (trace, parent, ft_trace_get_index (trace, node)), ==, node);
        }
      for (guint i = 0; i < n_children; i++)
        g_assert_cmpuint (ft_trace_get_parent (trace, ft_trace_get_child (trace, node, i)), ==, node);
      seen += n_children;
      g_assert_cmpuint (ft_trace_get_n_descendants (trace, node), <, n - node);
    }
  g_assert_cmpuint (seen + ft_trace_get_n_roots (trace), ==, n);
}
