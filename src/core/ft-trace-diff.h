/* ft-trace-diff.h: two traces aligned by call path
 *
 * SPDX-License-Identifier: MIT
 *
 * A call's path is the chain of "module::Class.callable" from the root,
 * each with its occurrence index among same-named siblings: the 2nd
 * "shop::Cart.add" under "main" in run A is aligned with the 2nd one under
 * "main" in run B.  Core code: no GTK.
 */

#pragma once

#include "ft-trace.h"

G_BEGIN_DECLS

typedef enum
{
  FT_DIFF_SAME,
  FT_DIFF_ADDED,      /* only in B */
  FT_DIFF_REMOVED,    /* only in A */
  FT_DIFF_CHANGED,    /* in both, see FtDiffChanges */
} FtDiffKind;

typedef enum
{
  FT_DIFF_CHANGE_NONE     = 0,
  FT_DIFF_CHANGE_DURATION = 1 << 0,  /* beyond both thresholds */
  FT_DIFF_CHANGE_OUTPUT   = 1 << 1,
  FT_DIFF_CHANGE_ERROR    = 1 << 2,  /* error text differs (raised in one only, or another) */
} FtDiffChanges;

/* One aligned row.  Children of an entry are contiguous. */
typedef struct
{
  FtNodeId      a;            /* FT_NODE_NONE when added */
  FtNodeId      b;            /* FT_NODE_NONE when removed */
  guint32       parent;       /* entry index, G_MAXUINT32 for the top */
  guint32       first_child;
  guint32       n_children;
  guint8        kind;         /* FtDiffKind */
  guint8        changes;      /* FtDiffChanges */
  guint8        changed_below; /* some descendant is not SAME */
} FtDiffEntry;

typedef struct
{
  double min_ms;     /* |Δ| at least this (default 1 ms) */
  double ratio;      /* and at least this share of the longer (default 0.2) */
} FtDiffOptions;

typedef struct _FtTraceDiff FtTraceDiff;

void          ft_diff_options_init          (FtDiffOptions      *options);

FtTraceDiff  *ft_trace_diff_new             (FtTrace             *a,
                                             FtTrace             *b,
                                             const FtDiffOptions *options);
FtTraceDiff  *ft_trace_diff_ref             (FtTraceDiff *self);
void          ft_trace_diff_unref           (FtTraceDiff *self);

FtTrace      *ft_trace_diff_get_a           (FtTraceDiff *self);
FtTrace      *ft_trace_diff_get_b           (FtTraceDiff *self);
guint         ft_trace_diff_get_n_entries   (FtTraceDiff *self);
const FtDiffEntry *ft_trace_diff_get_entry  (FtTraceDiff *self,
                                             guint        index);
/* Top-level entries (the roots) are 0 .. n_top-1. */
guint         ft_trace_diff_get_n_top       (FtTraceDiff *self);
guint         ft_trace_diff_count           (FtTraceDiff *self,
                                             FtDiffKind   kind);
/* The node shown for an entry: b, or a when removed. */
FtTrace      *ft_trace_diff_get_entry_trace (FtTraceDiff *self,
                                             guint        index,
                                             FtNodeId    *node);
/* "module::Class.callable", the step of a call path (newly allocated). */
char         *ft_trace_dup_path_step        (FtTrace     *trace,
                                             FtNodeId     node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FtTraceDiff, ft_trace_diff_unref)

G_END_DECLS
