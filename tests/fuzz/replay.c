/* replay.c: runs a fuzz target over saved inputs, without libFuzzer
 *
 * SPDX-License-Identifier: MIT
 *
 * Usage: fuzz-TARGET-replay PATH...  where each PATH is an input file or a
 * folder of them (the corpus, the regressions).  Every build runs this
 * through meson, so an input that once crashed a target is tried again
 * with gcc, ASan or valgrind alike.  A crash or a failed check aborts.
 */

#define G_LOG_DOMAIN "fuzz-replay"

#include "config.h"

#include <glib.h>
#include <locale.h>

#include "fuzz-common.h"

static guint
replay_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;
      guint n = 0;

      if (dir == NULL)
        g_error ("%s", error->message);
      while ((name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          g_ptr_array_add (names, g_build_filename (path, name, NULL));
      /* the same order everywhere, so a report names the same input */
      g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
      for (guint i = 0; i < names->len; i++)
        n += replay_path (names->pdata[i]);
      return n;
    }

  if (!g_file_get_contents (path, &data, &len, &error))
    g_error ("%s", error->message);
  g_print ("# %s (%" G_GSIZE_FORMAT " bytes)\n", path, len);
  LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
  return 1;
}

int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      g_printerr ("usage: %s INPUT-OR-FOLDER...\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    n += replay_path (argv[i]);
  g_print ("%u inputs replayed\n", n);
  return n > 0 ? 0 : 1;
}
