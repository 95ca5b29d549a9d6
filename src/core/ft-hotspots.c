/* ft-hotspots.c
 *
 * SPDX-License-Identifier: MIT
 *
 * One pass over the node table in file (depth-first) order.  Strings are
 * interned by the trace, so a function's key is three pointers.  The
 * recursion check keeps a stack of the open ancestors and, per function,
 * how many of them are open: a call adds to the total time only when no
 * call of the same function encloses it.
 */

#define G_LOG_DOMAIN "ft-hotspots"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ft-hotspots.h"

struct _FtHotspots
{
  GObject  parent_instance;

  FtTrace *trace;
  GArray  *functions;   /* of FtHotspot */
  guint32 *of_node;     /* node -> function index or G_MAXUINT32 */
  guint    n_nodes;
};

G_DEFINE_FINAL_TYPE (FtHotspots, ft_hotspots, G_TYPE_OBJECT)

typedef struct
{
  const char *module;
  const char *class_name;
  const char *callable;
} Key;

static guint
key_hash (gconstpointer data)
{
  const Key *key = data;

  return g_direct_hash (key->module) * 31u * 31u
       + g_direct_hash (key->class_name) * 31u
       + g_direct_hash (key->callable);
}

static gboolean
key_equal (gconstpointer a,
           gconstpointer b)
{
  const Key *ka = a, *kb = b;

  return ka->module == kb->module && ka->class_name == kb->class_name && ka->callable == kb->callable;
}

static gboolean
is_call (FtTrace  *trace,
         FtNodeId  node)
{
  switch (ft_trace_get_kind (trace, node))
    {
    case FT_NODE_KIND_THREAD:
    case FT_NODE_KIND_PROCESS:
    case FT_NODE_KIND_INSTANCE:
      return FALSE;
    default:
      return TRUE;
    }
}

static double
duration_or_zero (FtTrace  *trace,
                  FtNodeId  node)
{
  double ms = ft_trace_get_duration_ms (trace, node);

  return isnan (ms) || ms < 0 ? 0.0 : ms;
}

static double
self_time (FtTrace  *trace,
           FtNodeId  node)
{
  double ms = duration_or_zero (trace, node);
  guint n = ft_trace_get_n_children (trace, node);

  for (guint i = 0; i < n; i++)
    ms -= duration_or_zero (trace, ft_trace_get_child (trace, node, i));

  /* Children measured a little longer than their parent (clock steps). */
  return MAX (ms, 0.0);
}

static guint
function_of (FtHotspots *self,
             GHashTable *index,
             FtNodeId    node)
{
  FtTrace *trace = self->trace;
  const char *callable = ft_trace_get_callable (trace, node);
  const char *called = ft_trace_get_called (trace, node);
  Key key = { ft_trace_get_module (trace, node), NULL, callable };
  gpointer found;

  /* As ft_trace_dup_display_name(): "called" names the class when it
   * differs from the callable. */
  if (called != NULL && called != callable && g_strcmp0 (called, callable) != 0)
    key.class_name = called;

  if (g_hash_table_lookup_extended (index, &key, NULL, &found))
    return GPOINTER_TO_UINT (found);

  {
    FtHotspot spot = { key.module, key.class_name, key.callable, 0, 0, 0.0, 0.0, node };
    Key *stored = g_memdup2 (&key, sizeof key);

    g_array_append_val (self->functions, spot);
    g_hash_table_insert (index, stored, GUINT_TO_POINTER (self->functions->len - 1));
    return self->functions->len - 1;
  }
}

/* The open ancestors of the node being visited. */
typedef struct
{
  GArray *nodes;      /* FtNodeId */
  guint  *open;       /* per function: calls of it on the stack */
  guint   n_open;
} Stack;

static void
stack_unwind_to (FtHotspots *self,
                 Stack      *stack,
                 FtNodeId    parent)
{
  while (stack->nodes->len > 0)
    {
      FtNodeId top = g_array_index (stack->nodes, FtNodeId, stack->nodes->len - 1);
      guint32 function;

      if (top == parent)
        return;
      function = self->of_node[top];
      if (function != G_MAXUINT32)
        stack->open[function]--;
      g_array_set_size (stack->nodes, stack->nodes->len - 1);
    }
}

static void
stack_push (FtHotspots *self,
            Stack      *stack,
            FtNodeId    node,
            guint32     function)
{
  if (function != G_MAXUINT32)
    {
      if (function >= stack->n_open)
        {
          guint n = MAX (stack->n_open * 2, function + 64);

          stack->open = g_renew (guint, stack->open, n);
          memset (stack->open + stack->n_open, 0, (n - stack->n_open) * sizeof (guint));
          stack->n_open = n;
        }
      stack->open[function]++;
    }
  g_array_append_val (stack->nodes, node);
}

static void
add_call (FtHotspots *self,
          Stack      *stack,
          FtNodeId    node,
          guint32     function)
{
  FtHotspot *spot = &g_array_index (self->functions, FtHotspot, function);
  gboolean nested = function < stack->n_open && stack->open[function] > 0;

  spot->n_calls++;
  if (ft_trace_get_flags (self->trace, node) & FT_NODE_FLAG_ERROR)
    spot->n_errors++;
  if (!nested)
    spot->total_ms += duration_or_zero (self->trace, node);
  spot->self_ms += self_time (self->trace, node);
}

static gboolean
aggregate (FtHotspots   *self,
           GCancellable *cancellable)
{
  g_autoptr(GHashTable) index = g_hash_table_new_full (key_hash, key_equal, g_free, NULL);
  Stack stack = { g_array_new (FALSE, FALSE, sizeof (FtNodeId)), NULL, 0 };
  gboolean cancelled = FALSE;

  for (FtNodeId node = 0; node < self->n_nodes; node++)
    {
      guint32 function = G_MAXUINT32;

      if ((node & 0xFFFF) == 0 && g_cancellable_is_cancelled (cancellable))
        {
          cancelled = TRUE;
          break;
        }

      stack_unwind_to (self, &stack, ft_trace_get_parent (self->trace, node));
      if (is_call (self->trace, node))
        {
          function = function_of (self, index, node);
          add_call (self, &stack, node, function);
        }
      self->of_node[node] = function;
      stack_push (self, &stack, node, function);
    }

  g_array_unref (stack.nodes);
  g_free (stack.open);
  return !cancelled;
}

FtHotspots *
ft_hotspots_compute (FtTrace       *trace,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(FtHotspots) self = NULL;

  g_return_val_if_fail (FT_IS_TRACE (trace), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  self = g_object_new (FT_TYPE_HOTSPOTS, NULL);
  self->trace = g_object_ref (trace);
  self->n_nodes = ft_trace_get_n_nodes (trace);
  self->of_node = g_new (guint32, MAX (self->n_nodes, 1));

  if (!aggregate (self, cancellable))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Counting the calls per function was canceled"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

static void
compute_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  FtHotspots *hotspots = ft_hotspots_compute (task_data, cancellable, &error);

  if (hotspots == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, hotspots, g_object_unref);
}

void
ft_hotspots_compute_async (FtTrace             *trace,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FT_IS_TRACE (trace));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ft_hotspots_compute_async);
  g_task_set_task_data (task, g_object_ref (trace), g_object_unref);
  g_task_run_in_thread (task, compute_thread);
}

FtHotspots *
ft_hotspots_compute_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

FtTrace *
ft_hotspots_get_trace (FtHotspots *self)
{
  g_return_val_if_fail (FT_IS_HOTSPOTS (self), NULL);

  return self->trace;
}

guint
ft_hotspots_get_n_functions (FtHotspots *self)
{
  g_return_val_if_fail (FT_IS_HOTSPOTS (self), 0);

  return self->functions->len;
}

const FtHotspot *
ft_hotspots_get_function (FtHotspots *self,
                          guint       index)
{
  g_return_val_if_fail (FT_IS_HOTSPOTS (self), NULL);
  g_return_val_if_fail (index < self->functions->len, NULL);

  return &g_array_index (self->functions, FtHotspot, index);
}

guint
ft_hotspots_lookup_node (FtHotspots *self,
                         FtNodeId    node)
{
  g_return_val_if_fail (FT_IS_HOTSPOTS (self), G_MAXUINT);

  if (node >= self->n_nodes || self->of_node[node] == G_MAXUINT32)
    return G_MAXUINT;

  return self->of_node[node];
}

GArray *
ft_hotspots_dup_calls (FtHotspots *self,
                       guint       index)
{
  GArray *calls;

  g_return_val_if_fail (FT_IS_HOTSPOTS (self), NULL);
  g_return_val_if_fail (index < self->functions->len, NULL);

  calls = g_array_sized_new (FALSE, FALSE, sizeof (FtNodeId),
                             g_array_index (self->functions, FtHotspot, index).n_calls);
  for (FtNodeId node = g_array_index (self->functions, FtHotspot, index).first_call; node < self->n_nodes; node++)
    if (self->of_node[node] == index)
      g_array_append_val (calls, node);

  return calls;
}

char *
ft_hotspot_dup_name (const FtHotspot *hotspot)
{
  const char *callable;

  g_return_val_if_fail (hotspot != NULL, NULL);

  callable = hotspot->callable ? hotspot->callable : "?";
  if (hotspot->class_name != NULL)
    return g_strdup_printf ("%s.%s", hotspot->class_name, callable);

  return g_strdup (callable);
}

static void
ft_hotspots_finalize (GObject *object)
{
  FtHotspots *self = (FtHotspots *)object;

  g_clear_object (&self->trace);
  g_clear_pointer (&self->functions, g_array_unref);
  g_clear_pointer (&self->of_node, g_free);

  G_OBJECT_CLASS (ft_hotspots_parent_class)->finalize (object);
}

static void
ft_hotspots_class_init (FtHotspotsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ft_hotspots_finalize;
}

static void
ft_hotspots_init (FtHotspots *self)
{
  self->functions = g_array_new (FALSE, FALSE, sizeof (FtHotspot));
}
