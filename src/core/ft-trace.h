/* ft-trace.h: a FlowTrace trace loaded into a compact node table
 *
 * SPDX-License-Identifier: MIT
 *
 * The trace is read once, streaming, into plain structs (never a DOM).
 * Strings are interned; a node's inputs, outputs and memory snapshots stay
 * in the file and are parsed on demand from its byte slice.  Core code: no
 * GTK here, only GLib/GIO and json-glib.
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Index of a node in the table: 0 .. n_nodes-1, in file (depth-first) order. */
typedef guint32 FtNodeId;
#define FT_NODE_NONE G_MAXUINT32

typedef enum
{
  FT_NODE_KIND_CALL,
  FT_NODE_KIND_THREAD,
  FT_NODE_KIND_PROCESS,
  FT_NODE_KIND_COROUTINE,
  FT_NODE_KIND_GENERATOR,
  FT_NODE_KIND_INSTANCE,      /* "__instance__" grouping node of the original tool's files */
  FT_NODE_KIND_ASYNC_GENERATOR,
} FtNodeKind;

typedef enum
{
  FT_NODE_FLAG_NONE        = 0,
  FT_NODE_FLAG_ERROR       = 1 << 0,  /* "error" is a non-null string */
  FT_NODE_FLAG_INCOMPLETE  = 1 << 1,  /* "incomplete": true, or closed by salvage */
  FT_NODE_FLAG_MEMORY      = 1 << 2,  /* has memory_before/memory_after */
  FT_NODE_FLAG_INTERNAL    = 1 << 3,  /* dunder method or synthetic frame (<listcomp>, <lambda>…) */
  FT_NODE_FLAG_EMPTY_IO    = 1 << 4,  /* inputs empty and output null */
  FT_NODE_FLAG_HAS_INSTANCE = 1 << 5, /* instance_id is set */
} FtNodeFlags;

typedef enum
{
  FT_SEARCH_NAMES   = 1 << 0,  /* callable, called (class) */
  FT_SEARCH_MODULES = 1 << 1,
  FT_SEARCH_VALUES  = 1 << 2,  /* inputs, inputs_after, output (raw text of the file slice) */
  FT_SEARCH_ERRORS  = 1 << 3,  /* error and error_type */
  FT_SEARCH_ALL     = 0xF,
} FtSearchFlags;

#define FT_TRACE_ERROR (ft_trace_error_quark ())

typedef enum
{
  FT_TRACE_ERROR_NOT_A_TRACE,   /* message names the file, the byte offset and what was expected */
  FT_TRACE_ERROR_EMPTY,
  FT_TRACE_ERROR_TOO_LARGE,
} FtTraceError;

/* Called from the loading thread; bytes_read of total_bytes. */
typedef void (*FtTraceProgressFunc) (guint64  bytes_read,
                                     guint64  total_bytes,
                                     gpointer user_data);

/* Detail of one node, parsed on demand from its slice of the file. */
typedef struct
{
  JsonNode *inputs;          /* object or NULL */
  JsonNode *inputs_after;    /* object or NULL */
  JsonNode *output;          /* any, or NULL when absent (JSON null is a JSON_NODE_NULL) */
  JsonNode *memory_before;   /* object or NULL */
  JsonNode *memory_after;    /* object or NULL */
  JsonNode *extra;           /* object of other keys not shown elsewhere, or NULL */
  gint64    skipped_calls;   /* calls below left out by the tracer's filters (0: none) */
  /* A generator's, coroutine's or async generator's whole life (has_life:
   * the node carries "resumes"); times in ms, NAN when absent. */
  gboolean  has_life;
  gint64    resumes;
  gint64    yields;          /* -1 when absent */
  double    running_ms;
  double    suspended_ms;
  gboolean  closed;          /* ended from outside while suspended */
} FtNodeDetail;

void          ft_node_detail_free (FtNodeDetail *detail);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FtNodeDetail, ft_node_detail_free)

#define FT_TYPE_TRACE (ft_trace_get_type ())
G_DECLARE_FINAL_TYPE (FtTrace, ft_trace, FT, TRACE, GObject)

GQuark        ft_trace_error_quark          (void);

/* Loading: streaming parse in a worker thread (GTask); cancellable. */
void          ft_trace_load_async           (GFile                *file,
                                             GCancellable         *cancellable,
                                             FtTraceProgressFunc   progress,
                                             gpointer              progress_data,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
FtTrace      *ft_trace_load_finish          (GAsyncResult         *result,
                                             GError              **error);
FtTrace      *ft_trace_load                 (GFile                *file,
                                             GCancellable         *cancellable,
                                             FtTraceProgressFunc   progress,
                                             gpointer              progress_data,
                                             GError              **error);

GFile        *ft_trace_get_file             (FtTrace  *self);
guint         ft_trace_get_n_nodes          (FtTrace  *self);

/* Truncated input: the file did not end; what was read is kept, open
 * nodes are closed and flagged INCOMPLETE.  The message says how many
 * calls were recovered and where the file stopped (translated). */
gboolean      ft_trace_is_salvaged          (FtTrace  *self);
const char   *ft_trace_get_salvage_message  (FtTrace  *self);
/* The run did not end cleanly: salvaged, or metadata "complete": false. */
gboolean      ft_trace_is_complete          (FtTrace  *self);

/* The root "flowtrace" metadata object, or NULL for the original tool's files. */
JsonObject   *ft_trace_get_metadata         (FtTrace  *self);

/* Tree: the top-level array's elements are the roots. */
guint         ft_trace_get_n_roots          (FtTrace  *self);
FtNodeId      ft_trace_get_root             (FtTrace  *self,
                                             guint     index);
FtNodeId      ft_trace_get_parent           (FtTrace  *self,
                                             FtNodeId  node);
guint         ft_trace_get_n_children       (FtTrace  *self,
                                             FtNodeId  node);
/* O(1): children are stored contiguously. */
FtNodeId      ft_trace_get_child            (FtTrace  *self,
                                             FtNodeId  node,
                                             guint     index);
/* Position of node among its parent's children (or among the roots). */
guint         ft_trace_get_index            (FtTrace  *self,
                                             FtNodeId  node);
guint         ft_trace_get_depth            (FtTrace  *self,
                                             FtNodeId  node);
/* Number of nodes in the subtree below node, node excluded. */
guint         ft_trace_get_n_descendants    (FtTrace  *self,
                                             FtNodeId  node);

/* Fields.  Strings are interned and live as long as the trace; NULL when
 * the field is absent or null. */
FtNodeKind    ft_trace_get_kind             (FtTrace  *self,
                                             FtNodeId  node);
FtNodeFlags   ft_trace_get_flags            (FtTrace  *self,
                                             FtNodeId  node);
gint64        ft_trace_get_id               (FtTrace  *self,
                                             FtNodeId  node);
const char   *ft_trace_get_callable         (FtTrace  *self,
                                             FtNodeId  node);
const char   *ft_trace_get_module           (FtTrace  *self,
                                             FtNodeId  node);
const char   *ft_trace_get_called           (FtTrace  *self,
                                             FtNodeId  node);
const char   *ft_trace_get_caller           (FtTrace  *self,
                                             FtNodeId  node);
const char   *ft_trace_get_file_name        (FtTrace  *self,
                                             FtNodeId  node);
const char   *ft_trace_get_thread_name      (FtTrace  *self,
                                             FtNodeId  node);
const char   *ft_trace_get_error            (FtTrace  *self,
                                             FtNodeId  node);
const char   *ft_trace_get_error_type       (FtTrace  *self,
                                             FtNodeId  node);
/* 0 when absent. */
guint         ft_trace_get_line             (FtTrace  *self,
                                             FtNodeId  node);
/* FALSE when absent. */
gboolean      ft_trace_get_instance_id      (FtTrace  *self,
                                             FtNodeId  node,
                                             gint64   *instance_id);
/* -1 when absent. */
gint64        ft_trace_get_start_ns         (FtTrace  *self,
                                             FtNodeId  node);
/* NAN when absent or null. */
double        ft_trace_get_duration_ms      (FtTrace  *self,
                                             FtNodeId  node);
/* "Class.callable" for methods (called != callable), else "callable". Newly allocated. */
char         *ft_trace_dup_display_name     (FtTrace  *self,
                                             FtNodeId  node);

/* On demand: parses the node's own slice of the file (children excluded). */
FtNodeDetail *ft_trace_get_detail           (FtTrace  *self,
                                             FtNodeId  node,
                                             GError  **error);

/* Search: matching nodes in tree (file) order; case-insensitive. */
GArray       *ft_trace_search               (FtTrace       *self,
                                             const char    *needle,
                                             FtSearchFlags  flags,
                                             GCancellable  *cancellable);

/* Added after the first API freeze (additions only). */

/* How ft_trace_search() matches, for the record:
 * - NAMES, MODULES, ERRORS: substring of the interned string, case folded
 *   (g_utf8_casefold), each distinct string tested once.
 * - VALUES: substring of the raw JSON text of "inputs", "inputs_after" and
 *   "output" (so argument names match too, keys of the call itself do not),
 *   ASCII case-insensitive; a non-ASCII needle is also looked for in its
 *   \uXXXX form when the file uses such escapes (the original tool did).
 * - Cancelled: returns an empty array.  Safe to call from any thread; the
 *   value scan uses two threads of its own on large files.
 * Salvaged traces also read the "<trace>.thread-K.part" side files the
 * tracer leaves when a run is killed; their calls hang under the root. */

/* Calls in the trace: nodes other than roots, threads, processes and
 * "__instance__" groups.  The number the salvage message quotes. */
guint         ft_trace_get_n_calls          (FtTrace  *self);
/* Nodes that salvage closed (not counting "incomplete": true in the file). */
guint         ft_trace_get_n_incomplete     (FtTrace  *self);
/* Byte offset where a salvaged file stops; 0 when not salvaged. */
guint64       ft_trace_get_salvage_offset   (FtTrace  *self);
/* The node's own JSON text, children left out ("calls": null), as parsed
 * by ft_trace_get_detail().  Newly allocated, NUL-terminated. */
char         *ft_trace_dup_node_text        (FtTrace  *self,
                                             FtNodeId  node,
                                             gsize    *len,
                                             GError  **error);

G_END_DECLS
