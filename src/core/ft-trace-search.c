/* ft-trace-search.c: case-insensitive search over names and raw values
 *
 * SPDX-License-Identifier: MIT
 *
 * Names, modules and errors are interned, so each distinct string is tested
 * once and nodes are then collected by string id.  Values are searched in
 * the raw bytes of the file, read in large chunks; a hit is mapped back to
 * its node by binary search over the nodes' offsets and kept only when it
 * falls inside "inputs", "inputs_after" or "output".
 */

#define G_LOG_DOMAIN "ft-trace"

#include "config.h"

#include <string.h>

#ifdef __SSE2__
# include <emmintrin.h>
#endif

#include "ft-trace-private.h"

#define MAX_RANGES 8

/* Bytes read per step of the value scan; tests make it tiny so that hits
 * straddle every chunk edge. */
static gsize scan_chunk_size = 8u << 20;

void
ft_trace_search_set_chunk_size (gsize size)
{
  scan_chunk_size = MAX (size, 16);
}

/* ---------------------------------------------------------------- names */

static gboolean
is_ascii (const char *s)
{
  for (; *s; s++)
    if ((guchar) *s >= 0x80)
      return FALSE;
  return TRUE;
}

static const char *
ascii_strcasestr (const char *hay,
                  const char *needle,
                  gsize       nlen)
{
  for (; *hay; hay++)
    if (g_ascii_strncasecmp (hay, needle, nlen) == 0)
      return hay;
  return NULL;
}

static guint8 *
match_strings (FtTrace    *self,
               const char *needle)
{
  guint8 *hits = g_malloc0 (self->strings->len);
  gboolean ascii = is_ascii (needle);
  g_autofree char *folded = ascii ? NULL : g_utf8_casefold (needle, -1);
  gsize nlen = strlen (needle);

  for (guint i = 1; i < self->strings->len; i++)
    {
      const char *s = self->strings->pdata[i];

      if (ascii)
        hits[i] = ascii_strcasestr (s, needle, nlen) != NULL;
      else
        {
          g_autofree char *fs = g_utf8_casefold (s, -1);
          hits[i] = strstr (fs, folded) != NULL;
        }
    }
  return hits;
}

static void
search_strings (FtTrace       *self,
                const char    *needle,
                FtSearchFlags  flags,
                guint8        *marks)
{
  g_autofree guint8 *hits = match_strings (self, needle);

  for (guint i = 0; i < self->n_nodes; i++)
    {
      const guint32 *str = self->nodes[i].str;

      if (((flags & FT_SEARCH_NAMES) && (hits[str[FT_STR_CALLABLE]] || hits[str[FT_STR_CALLED]])) ||
          ((flags & FT_SEARCH_MODULES) && hits[str[FT_STR_MODULE]]) ||
          ((flags & FT_SEARCH_ERRORS) && (hits[str[FT_STR_ERROR]] || hits[str[FT_STR_ERROR_TYPE]])))
        marks[i] = 1;
    }
}

/* ---------------------------------------------------------------- values */

typedef struct
{
  guint64 start;
  guint64 end;
} Range;

typedef struct
{
  FtTrace *trace;
  guint8  *marks;

  const guint8 *chunk;
  guint64       chunk_base;
  gsize         chunk_len;

  guint   cursor;           /* node of the last hit */
  guint32 cached;           /* node whose ranges are below */
  Range   ranges[MAX_RANGES];
  guint   n_ranges;
} ValueScan;

static gboolean
is_value_key (const guint8 *k,
              gsize         n)
{
  return (n == 6 && memcmp (k, "inputs", 6) == 0) ||
         (n == 12 && memcmp (k, "inputs_after", 12) == 0) ||
         (n == 6 && memcmp (k, "output", 6) == 0);
}

/* Finds the value ranges of "inputs", "inputs_after" and "output" in one
 * slice of a node's text.  The file was validated on load, so a lenient
 * scan is enough.  A head slice starts before '{' (depth 0), a tail slice
 * right after the calls' ']' (depth 1). */
static void
slice_ranges (ValueScan    *vs,
              const guint8 *s,
              gsize         len,
              guint64       base,
              int           depth)
{
  gboolean expect_key = FALSE, want = FALSE;
  gsize key_start = 0, value_start = 0;

  for (gsize i = 0; i < len; i++)
    {
      guint8 c = s[i];

      if (c == '"')
        {
          gsize start = i + 1;
          for (i++; i < len && s[i] != '"'; i++)
            if (s[i] == '\\')
              i++;
          if (depth == 1 && expect_key)
            {
              want = is_value_key (s + start, MIN (i, len) - start);
              expect_key = FALSE;
              key_start = start;
            }
          continue;
        }

      if (c == '{' || c == '[')
        {
          depth++;
          if (depth == 1)
            expect_key = TRUE;
        }
      else if (c == '}' || c == ']')
        {
          if (depth == 1 && want && value_start != 0 && vs->n_ranges < MAX_RANGES)
            vs->ranges[vs->n_ranges++] = (Range) { base + value_start, base + i };
          if (depth == 1)
            want = FALSE;
          depth--;
        }
      else if (c == ':' && depth == 1 && key_start != 0)
        value_start = i + 1;
      else if (c == ',' && depth == 1)
        {
          if (want && vs->n_ranges < MAX_RANGES)
            vs->ranges[vs->n_ranges++] = (Range) { base + value_start, base + i };
          want = FALSE;
          expect_key = TRUE;
          value_start = 0;
        }
    }

  /* a head slice ends right before the "calls" key, after a ',' */
  if (want && value_start != 0 && vs->n_ranges < MAX_RANGES)
    vs->ranges[vs->n_ranges++] = (Range) { base + value_start, base + len };
}

static void
load_slice_ranges (ValueScan *vs,
                   guint64    off,
                   gsize      len,
                   int        depth)
{
  g_autofree guint8 *copy = NULL;

  if (len == 0)
    return;
  if (off >= vs->chunk_base && off + len <= vs->chunk_base + vs->chunk_len)
    {
      slice_ranges (vs, vs->chunk + (off - vs->chunk_base), len, off, depth);
      return;
    }
  copy = g_malloc (len);
  if (ft_trace_read_range (vs->trace, off, len, copy, NULL))
    slice_ranges (vs, copy, len, off, depth);
}

static void
cache_node (ValueScan *vs,
            guint32    node)
{
  const FtNode *n = &vs->trace->nodes[node];

  if (vs->cached == node)
    return;
  vs->cached = node;
  vs->n_ranges = 0;

  if (!(n->priv & FT_PRIV_RANGES_UNKNOWN))
    {
      /* the loader kept them */
      for (guint k = 0; k < FT_N_VALUES; k++)
        if (n->vr_info & (1 << k))
          {
            guint64 base = (n->vr_info & (1 << (3 + k))) ? n->tail_off : n->head_off;
            vs->ranges[vs->n_ranges++] = (Range) { base + n->vr_start[k],
                                                   base + n->vr_start[k] + n->vr_len[k] };
          }
      return;
    }

  /* a value over 64 KiB: find them in the text */
  load_slice_ranges (vs, n->head_off, n->head_len, 0);
  if (n->priv & FT_PRIV_HAS_CALLS)
    load_slice_ranges (vs, n->tail_off, n->tail_len, 1);
}

/* The node whose own text holds file offset `off`, or FT_NODE_NONE.
 * `slice_end` gets the end of that slice so the scan can skip it. */
static guint32
node_at (FtTrace *t,
         guint64  off,
         guint   *cursor,
         guint64 *slice_end)
{
  guint lo = 0, hi = t->n_nodes;
  guint32 n;

  /* hits come in file order: gallop forward from the last one */
  if (*cursor < t->n_nodes && t->nodes[*cursor].head_off <= off)
    {
      guint step = 1;

      lo = *cursor;
      while (lo + step < t->n_nodes && t->nodes[lo + step].head_off <= off)
        {
          lo += step;
          step *= 2;
        }
      hi = MIN (lo + step, t->n_nodes);
    }

  /* last node whose '{' is at or before off (heads are in file order) */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (t->nodes[mid].head_off <= off)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0)
    return FT_NODE_NONE;

  n = lo - 1;
  *cursor = n;
  if (off < t->nodes[n].head_off + t->nodes[n].head_len)
    {
      *slice_end = t->nodes[n].head_off + t->nodes[n].head_len;
      return n;
    }
  /* otherwise in the tail of n or of one of its ancestors */
  for (; n != FT_NODE_NONE; n = t->nodes[n].parent)
    {
      const FtNode *node = &t->nodes[n];
      if ((node->priv & FT_PRIV_HAS_CALLS) &&
          off >= node->tail_off && off < node->tail_off + node->tail_len)
        {
          *slice_end = node->tail_off + node->tail_len;
          return n;
        }
    }
  return FT_NODE_NONE;
}

/* Handles a candidate hit at chunk index i; returns where to continue. */
static gsize
check_hit (ValueScan *vs,
           gsize      i,
           gsize      nlen)
{
  guint64 off = vs->chunk_base + i;
  guint64 slice_end = 0;
  guint32 node = node_at (vs->trace, off, &vs->cursor, &slice_end);

  if (node == FT_NODE_NONE)
    return i + 1;
  if (vs->marks[node])
    return MAX (i + 1, (gsize) (slice_end - vs->chunk_base));

  cache_node (vs, node);
  for (guint r = 0; r < vs->n_ranges; r++)
    if (off >= vs->ranges[r].start && off + nlen <= vs->ranges[r].end)
      {
        vs->marks[node] = 1;
        return MAX (i + 1, (gsize) (slice_end - vs->chunk_base));
      }
  return i + 1;
}

/* Scans buf[0..len) for needle (ASCII case-insensitive; needle lowered).
 * Only candidate starts below `limit` are reported. */
static void
scan_chunk (ValueScan    *vs,
            const guint8 *buf,
            gsize         len,
            gsize         limit,
            const guint8 *needle,
            gsize         nlen)
{
  guint8 first = needle[0], last = needle[nlen - 1];
  guint8 fmask = g_ascii_isalpha (first) ? 0x20 : 0;
  guint8 lmask = g_ascii_isalpha (last) ? 0x20 : 0;
  gsize i = 0;

  if (len < nlen)
    return;

#ifdef __SSE2__
  {
    const __m128i vf = _mm_set1_epi8 (first), vl = _mm_set1_epi8 (last);
    const __m128i mf = _mm_set1_epi8 (fmask), ml = _mm_set1_epi8 (lmask);

    while (i + 16 + nlen - 1 <= len && i < limit)
      {
        __m128i a = _mm_or_si128 (_mm_loadu_si128 ((const __m128i *) (buf + i)), mf);
        __m128i b = _mm_or_si128 (_mm_loadu_si128 ((const __m128i *) (buf + i + nlen - 1)), ml);
        int mask = _mm_movemask_epi8 (_mm_and_si128 (_mm_cmpeq_epi8 (a, vf), _mm_cmpeq_epi8 (b, vl)));
        gsize next = i + 16;

        while (mask != 0)
          {
            gsize at = i + __builtin_ctz (mask);
            mask &= mask - 1;
            if (at >= limit)
              break;
            if (g_ascii_strncasecmp ((const char *) buf + at, (const char *) needle, nlen) == 0)
              {
                gsize resume = check_hit (vs, at, nlen);
                if (resume > at + 1)
                  {
                    /* skipped the rest of a matched node's slice */
                    next = MAX (next, resume);
                    mask &= resume - i >= 16 ? 0 : ~((1 << (resume - i)) - 1);
                  }
              }
          }
        i = next;
      }
  }
#endif

  while (i + nlen <= len && i < limit)
    {
      if ((buf[i] | fmask) == first &&
          g_ascii_strncasecmp ((const char *) buf + i, (const char *) needle, nlen) == 0)
        i = check_hit (vs, i, nlen);
      else
        i++;
    }
}

typedef struct
{
  FtTrace      *trace;
  GFile        *file;
  GPtrArray    *needles;      /* lowered */
  gsize         max_len;
  guint64       start;        /* hits starting in [start, end), FtNode offsets */
  guint64       end;
  guint8       *marks;
  GCancellable *cancellable;
} ScanJob;

/* Scans one part of the file for every needle, a chunk at a time. */
static gpointer
scan_job (gpointer data)
{
  ScanJob *job = data;
  g_autoptr(GInputStream) stream = NULL;
  g_autofree guint8 *buf = NULL;
  gsize overlap = job->max_len - 1;
  ValueScan vs = { 0 };

  stream = G_INPUT_STREAM (g_file_read (job->file, job->cancellable, NULL));
  if (stream == NULL ||
      !g_seekable_seek (G_SEEKABLE (stream), FT_OFFSET_POS (job->start), G_SEEK_SET, job->cancellable, NULL))
    return NULL;

  buf = g_malloc (scan_chunk_size + overlap);
  vs.trace = job->trace;
  vs.marks = job->marks;
  vs.chunk = buf;
  vs.cached = FT_NODE_NONE;
  vs.chunk_base = job->start;

  while (vs.chunk_base < job->end)
    {
      gsize want = MIN (scan_chunk_size, job->end - vs.chunk_base) + overlap;
      gsize have = vs.chunk_len > 0 ? overlap : 0;
      gsize got = 0, limit;

      if (!g_input_stream_read_all (stream, buf + have, want - have, &got, job->cancellable, NULL))
        return NULL;
      vs.chunk_len = have + got;
      if (vs.chunk_len == 0)
        break;

      /* hits starting in the overlap belong to the next chunk */
      limit = MIN (vs.chunk_len, MIN (scan_chunk_size, job->end - vs.chunk_base));
      for (guint k = 0; k < job->needles->len; k++)
        {
          const char *needle = job->needles->pdata[k];
          vs.cursor = 0;
          scan_chunk (&vs, buf, vs.chunk_len, limit, (const guint8 *) needle, strlen (needle));
        }
      if (vs.chunk_len < want || g_cancellable_is_cancelled (job->cancellable))
        break;

      memmove (buf, buf + vs.chunk_len - overlap, overlap);
      vs.chunk_base += vs.chunk_len - overlap;
      vs.cached = FT_NODE_NONE;
    }
  return NULL;
}

/* Two halves on two threads: reading from the page cache and matching
 * are both CPU-bound. */
static void
search_file (FtTrace      *self,
             GFile        *file,
             guint64       base,
             guint64       size,
             GPtrArray    *needles,
             guint8       *marks,
             GCancellable *cancellable)
{
  guint n_jobs = MIN (2, MAX (1, g_get_num_processors ()));
  ScanJob jobs[2];
  GThread *threads[2] = { NULL, NULL };
  gsize max_len = 0;

  for (guint k = 0; k < needles->len; k++)
    max_len = MAX (max_len, strlen (needles->pdata[k]));
  if (size < 4 * scan_chunk_size)
    n_jobs = 1;

  for (guint j = 0; j < n_jobs; j++)
    {
      jobs[j] = (ScanJob) { self, file, needles, max_len,
                            base + size * j / n_jobs, base + size * (j + 1) / n_jobs,
                            j == 0 ? marks : g_malloc0 (self->n_nodes), cancellable };
      if (j > 0)
        threads[j] = g_thread_try_new ("ft-search", scan_job, &jobs[j], NULL);
      if (j > 0 && threads[j] == NULL)
        scan_job (&jobs[j]);
    }
  scan_job (&jobs[0]);

  for (guint j = 1; j < n_jobs; j++)
    {
      if (threads[j] != NULL)
        g_thread_join (threads[j]);
      for (guint i = 0; i < self->n_nodes; i++)
        marks[i] |= jobs[j].marks[i];
      g_free (jobs[j].marks);
    }
}

/* The trace, then the side files merged by salvage. */
static void
search_values (FtTrace      *self,
               GPtrArray    *needles,
               guint8       *marks,
               GCancellable *cancellable)
{
  search_file (self, self->file, 0, self->file_size, needles, marks, cancellable);
  for (guint k = 1; self->n_merged_parts > 0 && k <= self->part_files->len; k++)
    search_file (self, self->part_files->pdata[k - 1], FT_OFFSET_BASE (k),
                 g_array_index (self->part_sizes, guint64, k - 1), needles, marks, cancellable);
}

/* needle as it appears inside a JSON string */
static char *
json_escape (const char *needle)
{
  GString *out = g_string_new (NULL);

  for (const char *p = needle; *p; p++)
    switch (*p)
      {
      case '"': g_string_append (out, "\\\""); break;
      case '\\': g_string_append (out, "\\\\"); break;
      case '\b': g_string_append (out, "\\b"); break;
      case '\f': g_string_append (out, "\\f"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      case '\t': g_string_append (out, "\\t"); break;
      default: g_string_append_c (out, *p); break;
      }
  return g_string_free (out, FALSE);
}

/* needle as json.dumps (ensure_ascii=True) writes it: \u00e9, surrogate pairs */
static char *
ascii_escape (const char *needle)
{
  GString *out = g_string_new (NULL);

  for (const char *p = needle; *p; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char_validated (p, -1);

      if (ch < 0x80)
        g_string_append_c (out, (char) ch);
      else if (ch < 0x10000)
        g_string_append_printf (out, "\\u%04x", ch);
      else if (ch < 0x110000)
        g_string_append_printf (out, "\\u%04x\\u%04x",
                                0xD800 + ((ch - 0x10000) >> 10), 0xDC00 + ((ch - 0x10000) & 0x3FF));
      else
        break;   /* invalid UTF-8 in the needle */
    }
  return g_string_free (out, FALSE);
}

GArray *
ft_trace_search (FtTrace       *self,
                 const char    *needle,
                 FtSearchFlags  flags,
                 GCancellable  *cancellable)
{
  g_autofree guint8 *marks = NULL;
  GArray *result;

  g_return_val_if_fail (FT_IS_TRACE (self), NULL);
  g_return_val_if_fail (needle != NULL, NULL);

  result = g_array_new (FALSE, FALSE, sizeof (FtNodeId));
  if (*needle == 0 || self->n_nodes == 0)
    return result;

  marks = g_malloc0 (self->n_nodes);
  if (flags & (FT_SEARCH_NAMES | FT_SEARCH_MODULES | FT_SEARCH_ERRORS))
    search_strings (self, needle, flags, marks);
  if (flags & FT_SEARCH_VALUES)
    {
      g_autoptr(GPtrArray) needles = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_add (needles, g_ascii_strdown (needle, -1));
      /* inside JSON strings quotes, backslashes and controls are escaped */
      if (strpbrk (needle, "\"\\\b\f\n\r\t") != NULL)
        {
          g_autofree char *escaped = json_escape (needle);
          g_ptr_array_add (needles, g_ascii_strdown (escaped, -1));
        }
      /* files written with ensure_ascii (the original tool) hold \uXXXX */
      if (!is_ascii (needle) && self->has_unicode_escapes)
        {
          g_autofree char *escaped = ascii_escape (needle);
          g_ptr_array_add (needles, g_ascii_strdown (escaped, -1));
        }
      search_values (self, needles, marks, cancellable);
    }

  if (g_cancellable_is_cancelled (cancellable))
    return result;

  for (guint i = 0; i < self->n_nodes; i++)
    if (marks[i])
      g_array_append_val (result, i);
  return result;
}
