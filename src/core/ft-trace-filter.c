/* ft-trace-filter.c: which calls of a trace a filter keeps
 *
 * SPDX-License-Identifier: MIT
 */

#define G_LOG_DOMAIN "ft-trace-filter"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ft-trace-filter.h"

struct _FtTraceFilter
{
  char         *module;
  GPatternSpec *module_spec;
  char         *class_name;
  double        min_ms;
  double        max_ms;
  double        from_ms;
  double        to_ms;
  gboolean      errors_only;
};

FtTraceFilter *
ft_trace_filter_new (void)
{
  FtTraceFilter *self = g_new0 (FtTraceFilter, 1);

  self->min_ms = NAN;
  self->max_ms = NAN;
  self->from_ms = -1;
  self->to_ms = -1;
  return self;
}

FtTraceFilter *
ft_trace_filter_copy (const FtTraceFilter *self)
{
  FtTraceFilter *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = ft_trace_filter_new ();
  ft_trace_filter_set_module (copy, self->module);
  ft_trace_filter_set_class (copy, self->class_name);
  ft_trace_filter_set_duration (copy, self->min_ms, self->max_ms);
  ft_trace_filter_set_time_window (copy, self->from_ms, self->to_ms);
  copy->errors_only = self->errors_only;
  return copy;
}

void
ft_trace_filter_free (FtTraceFilter *self)
{
  if (self == NULL)
    return;
  g_free (self->module);
  g_clear_pointer (&self->module_spec, g_pattern_spec_free);
  g_free (self->class_name);
  g_free (self);
}

void
ft_trace_filter_set_module (FtTraceFilter *self,
                            const char    *glob)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->module, g_free);
  g_clear_pointer (&self->module_spec, g_pattern_spec_free);
  if (glob == NULL || glob[0] == '\0')
    return;
  self->module = g_strdup (glob);
  self->module_spec = g_pattern_spec_new (glob);
}

void
ft_trace_filter_set_class (FtTraceFilter *self,
                           const char    *name)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->class_name, g_free);
  if (name != NULL && name[0] != '\0')
    self->class_name = g_strdup (name);
}

void
ft_trace_filter_set_duration (FtTraceFilter *self,
                              double         min_ms,
                              double         max_ms)
{
  g_return_if_fail (self != NULL);

  self->min_ms = min_ms;
  self->max_ms = max_ms;
}

void
ft_trace_filter_set_time_window (FtTraceFilter *self,
                                 double         from_ms,
                                 double         to_ms)
{
  g_return_if_fail (self != NULL);

  self->from_ms = from_ms;
  self->to_ms = to_ms;
}

void
ft_trace_filter_set_errors_only (FtTraceFilter *self,
                                 gboolean       errors_only)
{
  g_return_if_fail (self != NULL);

  self->errors_only = !!errors_only;
}

static gboolean
parse_ms (const char  *term,
          const char  *value,
          double      *out,
          GError     **error)
{
  char *end = NULL;
  double v = g_ascii_strtod (value, &end);

  if (value[0] == '\0' || end == NULL || *end != '\0' || !isfinite (v) || v < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("filter “%s”: “%s” is not a number of milliseconds (use e.g. 2.5)"),
                   term, value);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
ft_trace_filter_parse_term (FtTraceFilter *self,
                            const char    *term,
                            GError       **error)
{
  g_autofree char *key = NULL;
  const char *eq;
  const char *value;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (term != NULL, FALSE);

  if (g_str_equal (term, "errors"))
    {
      self->errors_only = TRUE;
      return TRUE;
    }
  eq = strchr (term, '=');
  if (eq == NULL || eq[1] == '\0')
    goto bad;
  key = g_strndup (term, eq - term);
  value = eq + 1;

  if (g_str_equal (key, "module"))
    ft_trace_filter_set_module (self, value);
  else if (g_str_equal (key, "class"))
    ft_trace_filter_set_class (self, value);
  else if (g_str_equal (key, "min-ms"))
    return parse_ms (term, value, &self->min_ms, error);
  else if (g_str_equal (key, "max-ms"))
    return parse_ms (term, value, &self->max_ms, error);
  else if (g_str_equal (key, "from-ms"))
    return parse_ms (term, value, &self->from_ms, error);
  else if (g_str_equal (key, "to-ms"))
    return parse_ms (term, value, &self->to_ms, error);
  else
    goto bad;
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("unknown filter “%s”: use module=GLOB, class=NAME, min-ms=N, max-ms=N, "
                 "from-ms=N, to-ms=N or errors"), term);
  return FALSE;
}

gboolean
ft_trace_filter_is_empty (const FtTraceFilter *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->module == NULL && self->class_name == NULL &&
         isnan (self->min_ms) && isnan (self->max_ms) &&
         self->from_ms < 0 && self->to_ms < 0 && !self->errors_only;
}

static gboolean
is_call (FtTrace  *trace,
         FtNodeId  node)
{
  FtNodeKind kind = ft_trace_get_kind (trace, node);

  return ft_trace_get_parent (trace, node) != FT_NODE_NONE &&
         (kind == FT_NODE_KIND_CALL || kind == FT_NODE_KIND_COROUTINE ||
          kind == FT_NODE_KIND_GENERATOR || kind == FT_NODE_KIND_ASYNC_GENERATOR);
}

static gboolean
duration_matches (const FtTraceFilter *self,
                  double               ms)
{
  if (isnan (self->min_ms) && isnan (self->max_ms))
    return TRUE;
  /* A call that never returned has no duration to compare. */
  if (isnan (ms))
    return FALSE;
  return (isnan (self->min_ms) || ms >= self->min_ms) &&
         (isnan (self->max_ms) || ms <= self->max_ms);
}

static gboolean
time_matches (const FtTraceFilter *self,
              gint64               start_ns)
{
  double ms;

  if (self->from_ms < 0 && self->to_ms < 0)
    return TRUE;
  if (start_ns < 0)
    return FALSE;
  ms = start_ns / 1e6;
  return (self->from_ms < 0 || ms >= self->from_ms) &&
         (self->to_ms < 0 || ms <= self->to_ms);
}

/* Methods only: "called" is the class when it differs from the callable. */
static gboolean
class_matches (const FtTraceFilter *self,
               FtTrace             *trace,
               FtNodeId             node)
{
  const char *called = ft_trace_get_called (trace, node);

  return called != NULL && g_str_equal (called, self->class_name) &&
         g_strcmp0 (called, ft_trace_get_callable (trace, node)) != 0;
}

gboolean
ft_trace_filter_matches (const FtTraceFilter *self,
                         FtTrace             *trace,
                         FtNodeId             node)
{
  const char *module;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (FT_IS_TRACE (trace), FALSE);

  if (!is_call (trace, node))
    return FALSE;
  if (self->errors_only && !(ft_trace_get_flags (trace, node) & FT_NODE_FLAG_ERROR))
    return FALSE;
  if (!duration_matches (self, ft_trace_get_duration_ms (trace, node)) ||
      !time_matches (self, ft_trace_get_start_ns (trace, node)))
    return FALSE;
  if (self->class_name != NULL && !class_matches (self, trace, node))
    return FALSE;
  if (self->module_spec != NULL)
    {
      module = ft_trace_get_module (trace, node);
      if (module == NULL || !g_pattern_spec_match_string (self->module_spec, module))
        return FALSE;
    }
  return TRUE;
}

void
ft_visible_set_free (FtVisibleSet *set)
{
  if (set == NULL)
    return;
  g_free (set->bits);
  g_free (set);
}

static inline void
set_bit (FtVisibleSet *set,
         FtNodeId      node)
{
  set->bits[node >> 6] |= G_GUINT64_CONSTANT (1) << (node & 63);
}

FtVisibleSet *
ft_trace_filter_compute (const FtTraceFilter *self,
                         FtTrace             *trace,
                         GCancellable        *cancellable)
{
  g_autoptr(FtVisibleSet) set = NULL;
  gboolean all;
  guint n;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (FT_IS_TRACE (trace), NULL);

  n = ft_trace_get_n_nodes (trace);
  set = g_new0 (FtVisibleSet, 1);
  set->n_nodes = n;
  set->bits = g_new0 (guint64, (n + 63) / 64 + 1);
  all = ft_trace_filter_is_empty (self);

  /* Nodes are in depth-first order, so a parent comes before its
   * children: walking backwards, a node's bit is final when it is reached
   * and one pass marks every ancestor of every match. */
  for (guint i = n; i-- > 0;)
    {
      FtNodeId parent = ft_trace_get_parent (trace, i);
      gboolean match = all || ft_trace_filter_matches (self, trace, i);

      if ((i & 0xffff) == 0 && g_cancellable_is_cancelled (cancellable))
        return NULL;
      if (match && is_call (trace, i))
        set->n_matches++;
      if (!match && !ft_visible_set_contains (set, i) && parent != FT_NODE_NONE)
        continue;
      set_bit (set, i);
      set->n_visible++;
      if (parent != FT_NODE_NONE)
        set_bit (set, parent);
    }
  return g_steal_pointer (&set);
}
