/* SPDX-License-Identifier: MIT
 *
 * ft-test-util.h: what the core tests share.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* Remove @dir and the files in it (the tests' temporary folders hold no
 * subfolders). */
static inline void
ft_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}
