/* ft-test-util.h: helpers shared by the app's widget tests
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include <adwaita.h>

#include "core/ft-trace.h"
#include "ft-types.h"

G_BEGIN_DECLS

/* A small trace with nested calls, an instance, an internal frame, an
 * error, memory snapshots and markup-looking values. */
extern const char ft_test_sample_trace[];

void       ft_test_init             (int         *argc,
                                     char      ***argv);
char      *ft_test_write_file       (const char  *name,
                                     const char  *contents,
                                     gssize       length);
FtWindow  *ft_test_load_window      (const char  *path,
                                     GError     **error);
void       ft_test_wait_frames      (GtkWidget   *widget,
                                     guint        n_frames);
GtkLabel  *ft_test_find_label       (GtkWidget   *root,
                                     const char  *text);
GPtrArray *ft_test_collect_labels   (GtkWidget   *root);
GtkWidget *ft_test_find_widget      (GtkWidget   *root,
                                     GType        type);
FtNodeId   ft_test_node_by_id       (FtTrace     *trace,
                                     gint64       id);
gint64     ft_test_selected_id      (FtWindow    *window);
gboolean   ft_test_node_row_expanded (FtWindow   *window,
                                      FtNodeId    node);
void       ft_test_destroy_window   (gpointer     window);
void       ft_test_save_shot        (GtkWidget   *window,
                                     const char  *name);

G_END_DECLS
