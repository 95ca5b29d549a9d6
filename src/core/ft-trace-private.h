/* ft-trace-private.h: the node table behind FtTrace
 *
 * SPDX-License-Identifier: MIT
 */

#pragma once

#include "ft-trace.h"

G_BEGIN_DECLS

/* Interned string fields of a node; 0 means absent or null. */
typedef enum
{
  FT_STR_CALLABLE,
  FT_STR_MODULE,
  FT_STR_CALLED,
  FT_STR_CALLER,
  FT_STR_FILE,
  FT_STR_THREAD,
  FT_STR_ERROR,
  FT_STR_ERROR_TYPE,
  FT_N_STR
} FtStrField;

/* Private bits of FtNode.priv */
enum
{
  FT_PRIV_HAS_CALLS    = 1 << 0,  /* the object has a "calls" member: head + tail */
  FT_PRIV_SYNTH_CLOSE  = 1 << 1,  /* salvage closed it: its text lacks the final '}' */
  FT_PRIV_RANGES_UNKNOWN = 1 << 2, /* a value range did not fit vr_*: scan the slices */
};

/* Value ranges kept for search: inputs, inputs_after, output. */
enum
{
  FT_VALUE_INPUTS,
  FT_VALUE_INPUTS_AFTER,
  FT_VALUE_OUTPUT,
  FT_N_VALUES
};

/* Offsets in FtNode carry the file they are in: 0 is the trace itself,
 * k > 0 its k-th "<trace>.thread-N.part" side file (merged on salvage). */
#define FT_OFFSET_FILE_SHIFT 48
#define FT_OFFSET_FILE(off)  ((guint) ((off) >> FT_OFFSET_FILE_SHIFT))
#define FT_OFFSET_POS(off)   ((off) & ((G_GUINT64_CONSTANT (1) << FT_OFFSET_FILE_SHIFT) - 1))
#define FT_OFFSET_BASE(k)    ((guint64) (k) << FT_OFFSET_FILE_SHIFT)

/* One call.  Plain data, 128 bytes; children live in FtTrace.children. */
typedef struct
{
  guint64 head_off;       /* file offset of '{' */
  guint64 tail_off;       /* file offset just after the calls' ']' */
  gint64  id;
  gint64  instance_id;
  gint64  start_ns;
  double  duration_ms;
  guint32 head_len;       /* '{' up to the "calls" key (whole object without calls) */
  guint32 tail_len;       /* after ']' up to and including '}' */
  guint32 parent;
  guint32 first_child;    /* index into FtTrace.children */
  guint32 n_children;
  guint32 n_descendants;
  guint32 str[FT_N_STR];
  guint32 line;
  guint8  kind;
  guint8  flags;
  guint8  priv;
  guint8  vr_info;              /* bit k: value k present; bit 3+k: it is in the tail */
  guint16 vr_start[FT_N_VALUES]; /* relative to head_off, or tail_off when in the tail */
  guint16 vr_len[FT_N_VALUES];
} FtNode;

struct _FtTrace
{
  GObject       parent_instance;

  GFile        *file;
  char         *display_name;   /* for messages */

  FtNode       *nodes;
  guint         n_nodes;
  guint32      *children;
  GArray       *roots;          /* of FtNodeId */

  GStringChunk *chunk;
  GPtrArray    *strings;        /* id -> const char * (owned by chunk); [0] = NULL */
  GHashTable   *string_ids;     /* const char * -> GUINT_TO_POINTER (id) */

  guint64       meta_off;
  guint64       meta_len;
  JsonObject   *metadata;

  guint64       file_size;
  guint64       salvage_offset;
  char         *salvage_message;
  guint         n_calls;
  guint         n_incomplete;
  guint         salvaged : 1;
  guint         has_unicode_escapes : 1;

  GMutex        io_lock;
  GInputStream *io_stream;

  /* side files of a run that did not end, in merge order (index k - 1) */
  GPtrArray    *part_files;      /* of GFile */
  GArray       *part_sizes;      /* of guint64 */
  GPtrArray    *part_streams;    /* of GInputStream, opened on demand */
  guint         n_merged_parts;
};

const FtNode *ft_trace_peek_node (FtTrace  *self,
                                  FtNodeId  node);
gboolean      ft_trace_read_range (FtTrace  *self,
                                   guint64   offset,
                                   gsize     len,
                                   guint8   *out,
                                   GError  **error);

/* For tests: the value search reads the file in steps of this size. */
void          ft_trace_search_set_chunk_size (gsize size);

G_END_DECLS
