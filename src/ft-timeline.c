/* ft-timeline.c
 *
 * SPDX-License-Identifier: MIT
 *
 * A flame chart drawn with GtkSnapshot: no widget per call.  The layout
 * is computed once per trace into flat arrays: a start and a width per
 * node (milliseconds from the trace's start), a lane per thread, process
 * or root, and per lane one row per depth holding its calls sorted by
 * start.  A frame finds the first visible call of each visible row by
 * binary search, and a run of calls narrower than a pixel is drawn as
 * one rectangle found by another binary search, so a frame costs about
 * rows × pixels, not the number of calls.
 *
 * Traces without start_ns (the original tool's) get synthesised
 * positions: children one after the other inside their parent, squeezed
 * when their durations add up to more than the parent's.
 */

#define G_LOG_DOMAIN "ft-timeline"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ft-format.h"
#include "ft-json-item.h"
#include "ft-timeline.h"

#define ROW_HEIGHT   18.0
#define RULER_HEIGHT 22.0
#define LANE_HEADER  22.0
#define LANE_GAP     6.0
#define LABEL_MIN_PX 28.0
#define ZOOM_STEP    1.25

typedef struct
{
  guint32 *calls;     /* node ids, sorted by start */
  guint    n_calls;
  /* Calls that end after the next one starts: siblings overlapping in
   * time, as the lives of coroutines running concurrently do.  Sorted by
   * start.  The binary searches assume the others end in start order. */
  guint32 *overlapping;
  guint    n_overlapping;
} Row;

typedef struct
{
  FtNodeId node;      /* the root, thread or process the lane is for */
  guint    first_row;
  guint    n_rows;
  double   y;         /* top, in content coordinates */
} Lane;

struct _FtTimeline
{
  GtkWidget  parent_instance;

  FtTrace   *trace;
  double    *start;     /* per node, ms */
  double    *width;     /* per node, ms */
  guint32   *lane_of;   /* per node */
  guint16   *depth_of;  /* per node, within its lane */
  GArray    *lanes;     /* of Lane */
  GArray    *rows;      /* of Row */
  double     duration;  /* ms: the end of the last call */
  double     content_height;

  double     view_start;
  double     view_span;
  double     scroll_y;

  FtNodeId   selected;
  GArray    *highlight;
  guint      n_drawn;

  /* gestures */
  double     drag_view_start;
  double     drag_scroll_y;
  double     zoom_span;
  double     pointer_x;
};

enum {
  CALL_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FtTimeline, ft_timeline, GTK_TYPE_WIDGET)

/* Layout --------------------------------------------------------------- */

static void
clear_layout (FtTimeline *self)
{
  if (self->rows != NULL)
    for (guint i = 0; i < self->rows->len; i++)
      {
        g_free (g_array_index (self->rows, Row, i).calls);
        g_free (g_array_index (self->rows, Row, i).overlapping);
      }
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->lanes, g_array_unref);
  g_clear_pointer (&self->start, g_free);
  g_clear_pointer (&self->width, g_free);
  g_clear_pointer (&self->lane_of, g_free);
  g_clear_pointer (&self->depth_of, g_free);
  self->duration = 0.0;
  self->content_height = 0.0;
}

static gboolean
is_lane_node (FtTrace  *trace,
              FtNodeId  node)
{
  FtNodeKind kind = ft_trace_get_kind (trace, node);

  return ft_trace_get_parent (trace, node) == FT_NODE_NONE
      || kind == FT_NODE_KIND_THREAD || kind == FT_NODE_KIND_PROCESS;
}

/* Durations to draw: the recorded one, else the children's sum, else a
 * sliver.  Children come after their parent in the table, so one pass
 * backwards sees every child before its parent. */
static double *
effective_durations (FtTrace *trace,
                     guint    n,
                     double **child_sums)
{
  double *dur = g_new (double, n);
  double *sums = g_new0 (double, n);

  for (guint i = n; i-- > 0;)
    {
      double ms = ft_trace_get_duration_ms (trace, i);
      FtNodeId parent = ft_trace_get_parent (trace, i);

      if (isnan (ms) || ms < 0)
        ms = sums[i] > 0 ? sums[i] : 0.001;
      dur[i] = ms;
      if (parent != FT_NODE_NONE)
        sums[parent] += ms;
    }

  *child_sums = sums;
  return dur;
}

static gint64
first_start_ns (FtTrace *trace,
                guint    n)
{
  gint64 first = G_MAXINT64;

  for (guint i = 0; i < n; i++)
    {
      gint64 ns = ft_trace_get_start_ns (trace, i);

      if (ns >= 0 && ns < first)
        first = ns;
    }

  return first == G_MAXINT64 ? 0 : first;
}

/* Starts and widths: recorded ones where the trace has start_ns, else
 * the next free place inside the parent (@cursor). */
static void
place_nodes (FtTimeline *self,
             guint       n)
{
  g_autofree double *sums = NULL;
  g_autofree double *dur = effective_durations (self->trace, n, &sums);
  g_autofree double *cursor = g_new0 (double, n);
  gint64 t0 = first_start_ns (self->trace, n);
  double roots_end = 0.0;

  for (guint i = 0; i < n; i++)
    {
      FtNodeId parent = ft_trace_get_parent (self->trace, i);
      gint64 ns = ft_trace_get_start_ns (self->trace, i);
      double scale = 1.0;

      if (parent != FT_NODE_NONE && sums[parent] > self->width[parent] && sums[parent] > 0)
        scale = self->width[parent] / sums[parent];

      self->width[i] = dur[i] * (ns >= 0 ? 1.0 : scale);
      if (ns >= 0)
        self->start[i] = (ns - t0) / 1e6;
      else if (parent == FT_NODE_NONE)
        self->start[i] = roots_end;
      else
        self->start[i] = self->start[parent] + cursor[parent];

      if (parent != FT_NODE_NONE)
        cursor[parent] += self->width[i];
      if (parent == FT_NODE_NONE)
        roots_end = MAX (roots_end, self->start[i] + self->width[i]);
      self->duration = MAX (self->duration, self->start[i] + self->width[i]);
    }
}

static void
assign_lanes (FtTimeline *self,
              guint       n)
{
  g_autoptr(GArray) depths = g_array_new (FALSE, TRUE, sizeof (guint));

  /* The lanes start below the time ruler. */
  self->content_height = RULER_HEIGHT;

  for (guint i = 0; i < n; i++)
    {
      FtNodeId parent = ft_trace_get_parent (self->trace, i);
      guint *max_depth;

      if (is_lane_node (self->trace, i))
        {
          Lane lane = { i, 0, 0, 0.0 };

          g_array_append_val (self->lanes, lane);
          g_array_set_size (depths, self->lanes->len);
          self->lane_of[i] = self->lanes->len - 1;
          self->depth_of[i] = 0;
        }
      else
        {
          self->lane_of[i] = self->lane_of[parent];
          self->depth_of[i] = MIN (self->depth_of[parent] + 1, G_MAXUINT16);
        }

      max_depth = &g_array_index (depths, guint, self->lane_of[i]);
      *max_depth = MAX (*max_depth, self->depth_of[i]);
    }

  for (guint l = 0; l < self->lanes->len; l++)
    {
      Lane *lane = &g_array_index (self->lanes, Lane, l);

      lane->first_row = self->rows->len;
      lane->n_rows = g_array_index (depths, guint, l) + 1;
      lane->y = self->content_height;
      self->content_height += LANE_HEADER + lane->n_rows * ROW_HEIGHT + LANE_GAP;
      g_array_set_size (self->rows, self->rows->len + lane->n_rows);
    }
}

static int
compare_start (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const double *start = user_data;
  double sa = start[*(const guint32 *) a], sb = start[*(const guint32 *) b];

  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

static void
find_overlapping (FtTimeline *self,
                  Row        *row)
{
  guint n = 0;

  for (int pass = 0; pass < 2; pass++)
    {
      for (guint k = 0; k + 1 < row->n_calls; k++)
        {
          guint32 c = row->calls[k];

          if (self->start[c] + self->width[c] <= self->start[row->calls[k + 1]])
            continue;
          if (pass == 1)
            row->overlapping[row->n_overlapping++] = c;
          else
            n++;
        }
      if (pass == 0 && n == 0)
        return;
      if (pass == 0)
        row->overlapping = g_new (guint32, n);
    }
}

static void
fill_rows (FtTimeline *self,
           guint       n)
{
  Row *rows = (Row *) self->rows->data;

  for (guint i = 0; i < n; i++)
    rows[g_array_index (self->lanes, Lane, self->lane_of[i]).first_row + self->depth_of[i]].n_calls++;

  for (guint r = 0; r < self->rows->len; r++)
    {
      rows[r].calls = g_new (guint32, MAX (rows[r].n_calls, 1));
      rows[r].n_calls = 0;
    }

  for (guint i = 0; i < n; i++)
    {
      Row *row = &rows[g_array_index (self->lanes, Lane, self->lane_of[i]).first_row + self->depth_of[i]];

      row->calls[row->n_calls++] = i;
    }

  /* File order is time order within a row, except where threads or
   * synthesised roots interleave, or where a generator's or coroutine's
   * life was written when it ended: sort only rows that need it. */
  for (guint r = 0; r < self->rows->len; r++)
    {
      for (guint k = 1; k < rows[r].n_calls; k++)
        if (self->start[rows[r].calls[k]] < self->start[rows[r].calls[k - 1]])
          {
            g_qsort_with_data (rows[r].calls, rows[r].n_calls, sizeof (guint32), compare_start, self->start);
            break;
          }
      find_overlapping (self, &rows[r]);
    }
}

static void
build_layout (FtTimeline *self)
{
  guint n = ft_trace_get_n_nodes (self->trace);

  self->start = g_new0 (double, MAX (n, 1));
  self->width = g_new0 (double, MAX (n, 1));
  self->lane_of = g_new0 (guint32, MAX (n, 1));
  self->depth_of = g_new0 (guint16, MAX (n, 1));
  self->lanes = g_array_new (FALSE, FALSE, sizeof (Lane));
  self->rows = g_array_new (FALSE, TRUE, sizeof (Row));

  place_nodes (self, n);
  assign_lanes (self, n);
  fill_rows (self, n);
  g_debug ("%u nodes: %u lanes, %u rows, %.3f ms", n, self->lanes->len, self->rows->len, self->duration);
  if (self->duration <= 0)
    self->duration = 1.0;
}

static void bring_into_view (FtTimeline *self,
                             FtNodeId    node);

/* The layout is made when first needed (drawn, asked), not when the
 * trace is set: a trace only browsed as a tree costs no pass here. */
static void
ensure_layout (FtTimeline *self)
{
  if (self->trace == NULL || self->start != NULL)
    return;

  build_layout (self);
  self->view_start = 0;
  self->view_span = self->duration;
  if (self->selected != FT_NODE_NONE)
    bring_into_view (self, self->selected);
}

/* Geometry ------------------------------------------------------------- */

static double
time_to_x (FtTimeline *self,
           double      t)
{
  return (t - self->view_start) / self->view_span * gtk_widget_get_width (GTK_WIDGET (self));
}

static double
x_to_time (FtTimeline *self,
           double      x)
{
  int width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);

  return self->view_start + x / width * self->view_span;
}

static double
row_y (FtTimeline *self,
       const Lane *lane,
       guint       depth)
{
  return lane->y + LANE_HEADER + depth * ROW_HEIGHT - self->scroll_y;
}

static void
clamp_view (FtTimeline *self)
{
  double max_scroll = MAX (0.0, self->content_height - gtk_widget_get_height (GTK_WIDGET (self)));
  double min_span = MIN (1e-6, self->duration);

  self->view_span = CLAMP (self->view_span, min_span, self->duration);
  self->view_start = CLAMP (self->view_start, 0.0, self->duration - self->view_span);
  self->scroll_y = CLAMP (self->scroll_y, 0.0, max_scroll);
}

/* First call of @row that may reach @t: calls in a row do not overlap,
 * so the one before the first starting at or after @t is the only
 * earlier one that can. */
static guint
row_lower_bound (FtTimeline *self,
                 const Row  *row,
                 guint       from,
                 double      t)
{
  guint lo = from, hi = row->n_calls;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (self->start[row->calls[mid]] < t)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

static guint
row_first_visible (FtTimeline *self,
                   const Row  *row,
                   double      t)
{
  guint i = row_lower_bound (self, row, 0, t);

  if (i > 0 && self->start[row->calls[i - 1]] + self->width[row->calls[i - 1]] > t)
    i--;
  return i;
}

static const Lane *
lane_at (FtTimeline *self,
         double      y,
         guint      *depth)
{
  double content_y = y + self->scroll_y;

  for (guint l = 0; self->lanes != NULL && l < self->lanes->len; l++)
    {
      const Lane *lane = &g_array_index (self->lanes, Lane, l);
      double top = lane->y + LANE_HEADER;

      if (content_y >= top && content_y < top + lane->n_rows * ROW_HEIGHT)
        {
          *depth = (guint) ((content_y - top) / ROW_HEIGHT);
          return lane;
        }
    }

  return NULL;
}

FtNodeId
ft_timeline_node_at (FtTimeline *self,
                     double      x,
                     double      y)
{
  const Lane *lane;
  const Row *row;
  guint depth, i;
  double t, slack;

  g_return_val_if_fail (FT_IS_TIMELINE (self), FT_NODE_NONE);

  ensure_layout (self);
  if (self->trace == NULL || y < RULER_HEIGHT || (lane = lane_at (self, y, &depth)) == NULL)
    return FT_NODE_NONE;

  row = &g_array_index (self->rows, Row, lane->first_row + depth);
  t = x_to_time (self, x);
  /* A call narrower than a pixel is still hit within its pixel. */
  slack = self->view_span / MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);
  i = row_first_visible (self, row, t - slack);
  for (; i < row->n_calls && self->start[row->calls[i]] <= t + slack; i++)
    {
      FtNodeId node = row->calls[i];

      if (t >= self->start[node] - slack && t <= self->start[node] + self->width[node] + slack)
        return node;
    }
  for (i = 0; i < row->n_overlapping && self->start[row->overlapping[i]] <= t + slack; i++)
    {
      FtNodeId node = row->overlapping[i];

      if (t <= self->start[node] + self->width[node] + slack)
        return node;
    }

  return FT_NODE_NONE;
}

gboolean
ft_timeline_get_node_area (FtTimeline      *self,
                           FtNodeId         node,
                           graphene_rect_t *area)
{
  const Lane *lane;
  double x0, x1, y;

  g_return_val_if_fail (FT_IS_TIMELINE (self), FALSE);
  g_return_val_if_fail (area != NULL, FALSE);

  if (self->trace == NULL || node >= ft_trace_get_n_nodes (self->trace))
    return FALSE;

  ensure_layout (self);
  lane = &g_array_index (self->lanes, Lane, self->lane_of[node]);
  y = row_y (self, lane, self->depth_of[node]);
  x0 = MAX (time_to_x (self, self->start[node]), 0.0);
  x1 = MIN (time_to_x (self, self->start[node] + self->width[node]), gtk_widget_get_width (GTK_WIDGET (self)));
  graphene_rect_init (area, x0, y, MAX (x1 - x0, 1.0), ROW_HEIGHT - 1);

  return x1 >= 0 && x0 <= gtk_widget_get_width (GTK_WIDGET (self))
      && y + ROW_HEIGHT > 0 && y < gtk_widget_get_height (GTK_WIDGET (self));
}

/* Drawing -------------------------------------------------------------- */

/* Soft colours that dark text reads on, in both styles. */
static const GdkRGBA palette[] = {
  { 0.55, 0.75, 0.96, 1 }, { 0.56, 0.87, 0.67, 1 }, { 0.98, 0.80, 0.49, 1 },
  { 0.80, 0.69, 0.95, 1 }, { 0.96, 0.66, 0.78, 1 }, { 0.60, 0.88, 0.90, 1 },
  { 0.85, 0.87, 0.55, 1 }, { 0.97, 0.72, 0.58, 1 },
};
static const GdkRGBA error_color = { 0.93, 0.36, 0.36, 1 };
static const GdkRGBA lane_color = { 0.62, 0.64, 0.68, 1 };
static const GdkRGBA text_color = { 0.10, 0.10, 0.12, 1 };

static const GdkRGBA *
color_of (FtTimeline *self,
          FtNodeId    node)
{
  const char *module;

  if (ft_trace_get_flags (self->trace, node) & FT_NODE_FLAG_ERROR)
    return &error_color;
  if (is_lane_node (self->trace, node) && ft_trace_get_kind (self->trace, node) != FT_NODE_KIND_CALL)
    return &lane_color;

  /* One colour per module: the same in every run. */
  module = ft_trace_get_module (self->trace, node);
  return &palette[(module ? g_str_hash (module) : 0) % G_N_ELEMENTS (palette)];
}

static gboolean
is_highlighted (FtTimeline *self,
                FtNodeId    node)
{
  guint lo = 0, hi;

  if (self->highlight == NULL)
    return FALSE;

  hi = self->highlight->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      FtNodeId at = g_array_index (self->highlight, FtNodeId, mid);

      if (at == node)
        return TRUE;
      if (at < node)
        lo = mid + 1;
      else
        hi = mid;
    }

  return FALSE;
}

static void
draw_label (FtTimeline      *self,
            GtkSnapshot     *snapshot,
            PangoLayout     *layout,
            FtNodeId         node,
            graphene_rect_t *rect)
{
  g_autofree char *name = ft_trace_dup_display_name (self->trace, node);
  int text_height;

  pango_layout_set_text (layout, name ? name : "?", -1);
  pango_layout_set_width (layout, (int) ((rect->size.width - 6) * PANGO_SCALE));
  pango_layout_get_pixel_size (layout, NULL, &text_height);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (rect->origin.x + 3,
                                                          rect->origin.y + (rect->size.height - text_height) / 2));
  gtk_snapshot_append_layout (snapshot, layout, &text_color);
  gtk_snapshot_restore (snapshot);
}

static void
draw_outline (GtkSnapshot           *snapshot,
              const graphene_rect_t *rect,
              const GdkRGBA         *color,
              float                  width)
{
  GskRoundedRect outline;
  float widths[4] = { width, width, width, width };
  GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&outline, rect, 0);
  gtk_snapshot_append_border (snapshot, &outline, widths, colors);
}

static void
draw_call (FtTimeline  *self,
           GtkSnapshot *snapshot,
           PangoLayout *layout,
           FtNodeId     node,
           double       x0,
           double       x1,
           double       label_end,
           double       y)
{
  static const GdkRGBA highlight = { 0.20, 0.52, 0.89, 1 };
  static const GdkRGBA selected = { 1, 1, 1, 1 };
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  graphene_rect_t rect, label;

  x0 = MAX (x0, -1.0);
  x1 = MIN (x1, width + 1.0);
  /* A one-pixel gap keeps neighbours apart when there is room. */
  graphene_rect_init (&rect, x0, y, MAX (x1 - x0 - (x1 - x0 > 3 ? 1 : 0), 1.0), ROW_HEIGHT - 1);
  gtk_snapshot_append_color (snapshot, color_of (self, node), &rect);
  self->n_drawn++;

  /* The label stops where the next call starts (overlapping calls). */
  graphene_rect_init (&label, rect.origin.x, y, MIN (rect.size.width, label_end - x0), ROW_HEIGHT - 1);
  if (label.size.width >= LABEL_MIN_PX)
    {
      gtk_snapshot_push_clip (snapshot, &label);
      draw_label (self, snapshot, layout, node, &label);
      gtk_snapshot_pop (snapshot);
    }
  if (node == self->selected)
    draw_outline (snapshot, &rect, &selected, 2);
  else if (is_highlighted (self, node))
    draw_outline (snapshot, &rect, &highlight, 2);
}

/* Runs of calls narrower than a pixel, drawn as one neutral rectangle. */
typedef struct
{
  double x0;
  double x1;
  double y;
} Run;

static void
flush_run (FtTimeline  *self,
           GtkSnapshot *snapshot,
           Run         *run)
{
  static const GdkRGBA merged = { 0.55, 0.57, 0.62, 1 };

  if (run->x1 <= run->x0)
    return;

  gtk_snapshot_append_color (snapshot, &merged,
                             &GRAPHENE_RECT_INIT (run->x0, run->y, run->x1 - run->x0, ROW_HEIGHT - 1));
  self->n_drawn++;
  run->x0 = run->x1 = 0;
}

static void
add_to_run (FtTimeline  *self,
            GtkSnapshot *snapshot,
            Run         *run,
            double       x0,
            double       x1)
{
  if (run->x1 > run->x0 && x0 <= run->x1 + 1)
    {
      run->x1 = MAX (run->x1, x1);
      return;
    }

  flush_run (self, snapshot, run);
  run->x0 = x0;
  run->x1 = x1;
}

/* Each step takes the calls starting within one pixel: one call wide
 * enough is drawn alone; narrower ones join a run.  So a row costs at
 * most a few rectangles per pixel, however many calls it holds. */
static void
draw_row (FtTimeline  *self,
          GtkSnapshot *snapshot,
          PangoLayout *layout,
          const Row   *row,
          double       y)
{
  double view_end = self->view_start + self->view_span;
  double px = self->view_span / MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);
  guint i = row_first_visible (self, row, self->view_start);
  Run run = { 0, 0, y };
  double painted = -G_MAXDOUBLE;

  /* Overlapping calls that start before the view and reach into it: the
   * search above only looks one call back. */
  for (guint k = 0; k < row->n_overlapping; k++)
    {
      FtNodeId node = row->overlapping[k];
      double x1;

      if (self->start[node] >= self->view_start)
        break;
      if (self->start[node] + self->width[node] <= self->view_start)
        continue;
      x1 = time_to_x (self, self->start[node] + self->width[node]);
      draw_call (self, snapshot, layout, node, time_to_x (self, self->start[node]), x1, x1, y);
    }

  while (i < row->n_calls && self->start[row->calls[i]] < view_end)
    {
      FtNodeId node = row->calls[i];
      double x0 = time_to_x (self, self->start[node]);
      guint j = row_lower_bound (self, row, i + 1, self->view_start + (floor (x0) + 1) * px);
      FtNodeId last = row->calls[j - 1];
      double last_x0 = time_to_x (self, self->start[last]);
      double last_x1 = time_to_x (self, self->start[last] + self->width[last]);
      double next_x = j < row->n_calls ? time_to_x (self, self->start[row->calls[j]]) : G_MAXDOUBLE;

      /* The narrower calls before a wide one in the same pixel are
       * under its first pixel.  Calls that overlap (clock steps, broken
       * files) show only what earlier ones left uncovered: each pixel of
       * a row is painted about once. */
      if (last_x1 - last_x0 >= 1)
        {
          double from = MAX (x0, painted);

          flush_run (self, snapshot, &run);
          if (last_x1 - from >= 1)
            draw_call (self, snapshot, layout, last, from, last_x1, next_x, y);
          painted = MAX (painted, last_x1);
        }
      else if (MAX (x0 + 1, last_x1) > painted)
        {
          add_to_run (self, snapshot, &run, MAX (x0, painted), MAX (x0 + 1, last_x1));
          painted = MAX (painted, MAX (x0 + 1, last_x1));
        }
      i = j;
    }

  flush_run (self, snapshot, &run);
}

static void
draw_lane_title (FtTimeline  *self,
                 GtkSnapshot *snapshot,
                 PangoLayout *layout,
                 const Lane  *lane,
                 const GdkRGBA *color)
{
  FtTrace *trace = self->trace;
  FtNodeKind kind = ft_trace_get_kind (trace, lane->node);
  g_autofree char *name = ft_trace_dup_display_name (trace, lane->node);
  g_autofree char *title = NULL;
  const char *thread = ft_trace_get_thread_name (trace, lane->node);

  if (kind == FT_NODE_KIND_THREAD)
    /* Translators: a lane of the timeline, e.g. "Thread MainThread" */
    title = g_strdup_printf (_("Thread %s"), thread ? thread : name);
  else if (kind == FT_NODE_KIND_PROCESS)
    /* Translators: a lane of the timeline, e.g. "Process worker.py" */
    title = g_strdup_printf (_("Process %s"), name);
  else
    title = g_steal_pointer (&name);

  pango_layout_set_width (layout, -1);
  pango_layout_set_text (layout, title ? title : "", -1);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (6, lane->y - self->scroll_y + 3));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* A step of 1, 2 or 5 × 10^k ms giving ticks about @min_px apart. */
static double
tick_step (FtTimeline *self,
           double      min_px)
{
  double raw = self->view_span * min_px / MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);
  double magnitude = pow (10, floor (log10 (raw)));

  if (raw <= magnitude)
    return magnitude;
  if (raw <= 2 * magnitude)
    return 2 * magnitude;
  if (raw <= 5 * magnitude)
    return 5 * magnitude;
  return 10 * magnitude;
}

/* Enough digits that neighbouring ticks differ. */
static char *
format_tick (double t,
             double step)
{
  static const struct { double ms; const char *unit; } units[] = {
    { 1000.0, "s" }, { 1.0, "ms" }, { 0.001, "µs" }, { 0.000001, "ns" },
  };
  guint u = 0;
  int digits;

  while (u + 1 < G_N_ELEMENTS (units) && step < units[u].ms)
    u++;
  digits = (int) CLAMP (-floor (log10 (step / units[u].ms) + 1e-9), 0, 9);

  return g_strdup_printf ("%.*f %s", digits, t / units[u].ms, units[u].unit);
}

static void
draw_ruler (FtTimeline    *self,
            GtkSnapshot   *snapshot,
            PangoLayout   *layout,
            const GdkRGBA *fg)
{
  double step = tick_step (self, 110);
  double view_end = self->view_start + self->view_span;
  GdkRGBA line = *fg;

  line.alpha = 0.35;
  gtk_snapshot_append_color (snapshot, &line,
                             &GRAPHENE_RECT_INIT (0, RULER_HEIGHT - 1, gtk_widget_get_width (GTK_WIDGET (self)), 1));
  for (double t = ceil (self->view_start / step) * step; t <= view_end; t += step)
    {
      double x = time_to_x (self, t);
      g_autofree char *text = format_tick (t, step);

      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (x, RULER_HEIGHT - 7, 1, 6));
      pango_layout_set_text (layout, text, -1);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 3, 2));
      gtk_snapshot_append_layout (snapshot, layout, fg);
      gtk_snapshot_restore (snapshot);
    }
}

static void
ft_timeline_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  FtTimeline *self = FT_TIMELINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoLayout) title_layout = NULL;
  GdkRGBA fg;

  self->n_drawn = 0;
  if (self->trace == NULL || width <= 0)
    return;

  ensure_layout (self);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  clamp_view (self);
  layout = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  title_layout = gtk_widget_create_pango_layout (widget, NULL);

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_ruler (self, snapshot, title_layout, &fg);
  gtk_snapshot_pop (snapshot);

  /* Rows scrolled up go under the ruler, not over it. */
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, RULER_HEIGHT, width, MAX (height - RULER_HEIGHT, 0)));
  for (guint l = 0; l < self->lanes->len; l++)
    {
      const Lane *lane = &g_array_index (self->lanes, Lane, l);
      double top = lane->y - self->scroll_y;

      if (top > height || top + LANE_HEADER + lane->n_rows * ROW_HEIGHT < 0)
        continue;

      draw_lane_title (self, snapshot, title_layout, lane, &fg);
      for (guint d = 0; d < lane->n_rows; d++)
        {
          double y = row_y (self, lane, d);

          if (y + ROW_HEIGHT >= 0 && y <= height)
            draw_row (self, snapshot, layout, &g_array_index (self->rows, Row, lane->first_row + d), y);
        }
    }
  gtk_snapshot_pop (snapshot);
}

static void
ft_timeline_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  *minimum = 100;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 400;
}

/* Tooltip -------------------------------------------------------------- */

static gboolean
ft_timeline_query_tooltip (GtkWidget  *widget,
                           int         x,
                           int         y,
                           gboolean    keyboard,
                           GtkTooltip *tooltip)
{
  FtTimeline *self = FT_TIMELINE (widget);
  FtNodeId node = ft_timeline_node_at (self, x, y);
  g_autofree char *name = NULL;
  g_autofree char *duration = NULL;
  g_autoptr(GString) text = NULL;
  const char *module, *error;
  double ms;

  if (node == FT_NODE_NONE)
    return FALSE;

  name = ft_trace_dup_display_name (self->trace, node);
  module = ft_trace_get_module (self->trace, node);
  error = ft_trace_get_error (self->trace, node);
  ms = ft_trace_get_duration_ms (self->trace, node);
  duration = isnan (ms) ? g_strdup (_("no duration")) : ft_format_duration (ms);

  text = g_string_new (name ? name : "?");
  g_string_append_printf (text, "\n%s · %s", module ? module : "", duration);
  if (error != NULL)
    {
      g_autofree char *shown = NULL;

      /* a repr() may be megabytes: a tooltip lays all of it out */
      if (strlen (error) > 4 * 2000)
        error = shown = ft_dup_shown_text (error);
      g_string_append_printf (text, "\n%s", error);
    }
  gtk_tooltip_set_text (tooltip, text->str);

  return TRUE;
}

/* Input ---------------------------------------------------------------- */

static void
on_motion_cb (FtTimeline               *self,
              double                    x,
              double                    y,
              GtkEventControllerMotion *motion)
{
  self->pointer_x = x;
}

static gboolean
on_scroll_cb (FtTimeline               *self,
              double                    dx,
              double                    dy,
              GtkEventControllerScroll *scroll)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  gboolean discrete = gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_WHEEL;
  double step = discrete ? 40.0 : 1.0;

  if (state & GDK_CONTROL_MASK)
    ft_timeline_zoom (self, pow (ZOOM_STEP, -dy), self->pointer_x);
  else if (state & GDK_SHIFT_MASK)
    ft_timeline_pan (self, dy * step, 0);
  else
    ft_timeline_pan (self, dx * step, dy * step);

  return GDK_EVENT_STOP;
}

static void
on_drag_begin_cb (FtTimeline     *self,
                  double          x,
                  double          y,
                  GtkGestureDrag *drag)
{
  ensure_layout (self);
  self->drag_view_start = self->view_start;
  self->drag_scroll_y = self->scroll_y;
}

static void
on_drag_update_cb (FtTimeline     *self,
                   double          dx,
                   double          dy,
                   GtkGestureDrag *drag)
{
  int width = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);

  self->view_start = self->drag_view_start - dx / width * self->view_span;
  self->scroll_y = self->drag_scroll_y - dy;
  clamp_view (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_zoom_begin_cb (FtTimeline       *self,
                  GdkEventSequence *sequence,
                  GtkGesture       *gesture)
{
  self->zoom_span = self->view_span;
}

static void
on_zoom_scale_changed_cb (FtTimeline     *self,
                          double          scale,
                          GtkGestureZoom *gesture)
{
  double x = 0, y = 0;

  gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y);
  if (scale > 0)
    ft_timeline_zoom (self, self->view_span / (self->zoom_span / scale), x);
}

static void
on_click_released_cb (FtTimeline      *self,
                      int              n_press,
                      double           x,
                      double           y,
                      GtkGestureClick *click)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  ft_timeline_click (self, x, y);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  FtTimeline *self = FT_TIMELINE (widget);
  double center = gtk_widget_get_width (widget) / 2.0;

  ensure_layout (self);
  if (g_str_equal (action_name, "timeline.zoom-in"))
    ft_timeline_zoom (self, ZOOM_STEP * ZOOM_STEP, center);
  else if (g_str_equal (action_name, "timeline.zoom-out"))
    ft_timeline_zoom (self, 1.0 / (ZOOM_STEP * ZOOM_STEP), center);
  else
    ft_timeline_set_visible_range (self, 0, self->duration);
}

/* GObject -------------------------------------------------------------- */

static void
ft_timeline_dispose (GObject *object)
{
  FtTimeline *self = (FtTimeline *)object;

  clear_layout (self);
  g_clear_object (&self->trace);
  g_clear_pointer (&self->highlight, g_array_unref);

  G_OBJECT_CLASS (ft_timeline_parent_class)->dispose (object);
}

static void
ft_timeline_class_init (FtTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ft_timeline_dispose;
  widget_class->snapshot = ft_timeline_snapshot;
  widget_class->measure = ft_timeline_measure;
  widget_class->query_tooltip = ft_timeline_query_tooltip;

  /**
   * FtTimeline::call-selected:
   * @node: the FtNodeId clicked
   */
  signals[CALL_SELECTED] =
    g_signal_new ("call-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_install_action (widget_class, "timeline.zoom-in", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "timeline.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "timeline.zoom-in", NULL);
  gtk_widget_class_install_action (widget_class, "timeline.zoom-out", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "timeline.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "timeline.zoom-out", NULL);
  gtk_widget_class_install_action (widget_class, "timeline.zoom-reset", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "timeline.zoom-reset", NULL);

  gtk_widget_class_set_css_name (widget_class, "timeline");
}

static void
ft_timeline_init (FtTimeline *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *zoom = gtk_gesture_zoom_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->selected = FT_NODE_NONE;
  self->view_span = 1.0;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  g_signal_connect_object (motion, "motion", G_CALLBACK (on_motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (scroll, "scroll", G_CALLBACK (on_scroll_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (zoom, "begin", G_CALLBACK (on_zoom_begin_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (zoom, "scale-changed", G_CALLBACK (on_zoom_scale_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (click, "released", G_CALLBACK (on_click_released_cb), self, G_CONNECT_SWAPPED);

  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

/* API ------------------------------------------------------------------ */

GtkWidget *
ft_timeline_new (void)
{
  return g_object_new (FT_TYPE_TIMELINE, NULL);
}

void
ft_timeline_set_trace (FtTimeline *self,
                       FtTrace    *trace)
{
  g_return_if_fail (FT_IS_TIMELINE (self));
  g_return_if_fail (!trace || FT_IS_TRACE (trace));

  if (trace == self->trace)
    return;

  clear_layout (self);
  g_set_object (&self->trace, trace);
  g_clear_pointer (&self->highlight, g_array_unref);
  self->selected = FT_NODE_NONE;
  self->scroll_y = 0;
  self->view_start = 0;
  self->view_span = 1.0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

FtTrace *
ft_timeline_get_trace (FtTimeline *self)
{
  g_return_val_if_fail (FT_IS_TIMELINE (self), NULL);

  return self->trace;
}

void
ft_timeline_get_visible_range (FtTimeline *self,
                               double     *start_ms,
                               double     *end_ms)
{
  g_return_if_fail (FT_IS_TIMELINE (self));

  ensure_layout (self);
  if (start_ms != NULL)
    *start_ms = self->view_start;
  if (end_ms != NULL)
    *end_ms = self->view_start + self->view_span;
}

void
ft_timeline_set_visible_range (FtTimeline *self,
                               double      start_ms,
                               double      end_ms)
{
  g_return_if_fail (FT_IS_TIMELINE (self));
  g_return_if_fail (end_ms > start_ms);

  ensure_layout (self);
  self->view_start = start_ms;
  self->view_span = end_ms - start_ms;
  clamp_view (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
ft_timeline_get_duration (FtTimeline *self)
{
  g_return_val_if_fail (FT_IS_TIMELINE (self), 0);

  ensure_layout (self);
  return self->trace ? self->duration : 0;
}

void
ft_timeline_zoom (FtTimeline *self,
                  double      factor,
                  double      anchor_x)
{
  double anchor_t;

  g_return_if_fail (FT_IS_TIMELINE (self));
  g_return_if_fail (factor > 0);

  ensure_layout (self);
  anchor_t = x_to_time (self, anchor_x);
  self->view_span /= factor;
  clamp_view (self);
  self->view_start = anchor_t - anchor_x / MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1) * self->view_span;
  clamp_view (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ft_timeline_pan (FtTimeline *self,
                 double      dx,
                 double      dy)
{
  g_return_if_fail (FT_IS_TIMELINE (self));

  ensure_layout (self);
  self->view_start += dx / MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1) * self->view_span;
  self->scroll_y += dy;
  clamp_view (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Selecting a call off screen brings it into view, as the tree does. */
static void
bring_into_view (FtTimeline *self,
                 FtNodeId    node)
{
  const Lane *lane = &g_array_index (self->lanes, Lane, self->lane_of[node]);
  double y = lane->y + LANE_HEADER + self->depth_of[node] * ROW_HEIGHT;
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->start[node] + self->width[node] < self->view_start
      || self->start[node] > self->view_start + self->view_span)
    self->view_start = self->start[node] + self->width[node] / 2 - self->view_span / 2;
  if (height > 0 && (y - RULER_HEIGHT < self->scroll_y || y + ROW_HEIGHT > self->scroll_y + height))
    self->scroll_y = y - RULER_HEIGHT - height / 3.0;
  clamp_view (self);
}

void
ft_timeline_set_selected (FtTimeline *self,
                          FtNodeId    node)
{
  g_return_if_fail (FT_IS_TIMELINE (self));

  if (self->trace == NULL || node >= ft_trace_get_n_nodes (self->trace))
    node = FT_NODE_NONE;
  if (node == self->selected)
    return;

  self->selected = node;
  /* Without a layout yet, ensure_layout() brings it into view. */
  if (node != FT_NODE_NONE && self->start != NULL)
    bring_into_view (self, node);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

FtNodeId
ft_timeline_get_selected (FtTimeline *self)
{
  g_return_val_if_fail (FT_IS_TIMELINE (self), FT_NODE_NONE);

  return self->selected;
}

void
ft_timeline_set_highlight (FtTimeline *self,
                           GArray     *nodes)
{
  g_return_if_fail (FT_IS_TIMELINE (self));

  g_clear_pointer (&self->highlight, g_array_unref);
  self->highlight = nodes ? g_array_ref (nodes) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* What a click at (@x, @y) does: selects the call there and emits
 * ::call-selected.  Returns the call, or FT_NODE_NONE. */
FtNodeId
ft_timeline_click (FtTimeline *self,
                   double      x,
                   double      y)
{
  FtNodeId node;

  g_return_val_if_fail (FT_IS_TIMELINE (self), FT_NODE_NONE);

  node = ft_timeline_node_at (self, x, y);
  if (node == FT_NODE_NONE)
    return node;

  ft_timeline_set_selected (self, node);
  g_signal_emit (self, signals[CALL_SELECTED], 0, (guint) node);
  return node;
}

guint
ft_timeline_get_n_drawn (FtTimeline *self)
{
  g_return_val_if_fail (FT_IS_TIMELINE (self), 0);

  return self->n_drawn;
}
