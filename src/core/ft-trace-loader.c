/* ft-trace-loader.c: streaming reader of trace files into the node table
 *
 * SPDX-License-Identifier: MIT
 *
 * A small pull tokenizer over large reads of the file, with the JSON
 * grammar checked by an explicit stack (no C recursion per nesting level),
 * feeding node structs directly.  Values the table does not need (inputs,
 * outputs, memory) are only validated and skipped; their bytes stay in the
 * file and are read again on demand.
 */

#define G_LOG_DOMAIN "ft-trace"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#ifdef __SSE2__
# include <emmintrin.h>
#endif

#include "ft-trace-loader.h"

#define READ_CHUNK       (4u << 20)
#define MAX_DEPTH        20000
#define PROGRESS_STEP    (8u << 20)
#define MAX_TOKEN        ((gsize) 1 << 30)  /* one string or number; tracer values are far smaller */
/* Names (callable, module, class, caller, file, thread, error type) are
 * shown in every row and label: a label lays all of its text out, so a
 * name of megabytes would hold the window for minutes.  Python's own
 * names and paths are far shorter.  "error" is exempt: a repr() may be
 * long, and the views cut it for display. */
#define MAX_NAME         ((gsize) 64 << 10)

typedef enum
{
  T_ERROR,
  T_EOF,
  T_LBRACE,
  T_RBRACE,
  T_LBRACK,
  T_RBRACK,
  T_COLON,
  T_COMMA,
  T_STRING,
  T_NUMBER,
  T_TRUE,
  T_FALSE,
  T_NULL,
} Tok;

typedef enum
{
  F_OTHER,
  F_ID,
  F_CALLABLE,
  F_MODULE,
  F_CALLED,
  F_CALLER,
  F_FILE,
  F_THREAD,
  F_ERROR,
  F_ERROR_TYPE,
  F_KIND,
  F_LINE,
  F_INSTANCE_ID,
  F_START_NS,
  F_DURATION,
  F_INCOMPLETE,
  F_INPUTS,
  F_INPUTS_AFTER,
  F_OUTPUT,
  F_MEMORY_BEFORE,
  F_MEMORY_AFTER,
  F_CALLS,
  F_FLOWTRACE,
} Field;

typedef enum
{
  ROLE_TOP,     /* the top-level array of roots */
  ROLE_NODE,    /* a call object */
  ROLE_CALLS,   /* a call's "calls" array */
  ROLE_SKIP,    /* inside a value the table does not keep (skip_container) */
} Role;

typedef enum
{
  S_KEY_OR_END,     /* object: just after '{' */
  S_KEY,            /* object: after ',' */
  S_COLON,
  S_VALUE,          /* object: after ':'; array: after ',' */
  S_VALUE_OR_END,   /* array: just after '[' */
  S_COMMA_OR_END,
} State;

typedef struct
{
  guint8 is_object;
  guint8 role;
  guint8 field;       /* object member being read, or field this container is the value of */
  guint8 state;
} Frame;

/* Scratch kept for each node while it is open. */
typedef struct
{
  guint32 index;
  guint64 calls_key_off;
  guint64 last_member_end;
  guint8  inputs_nonempty;
  guint8  output_nonnull;
  guint8  has_kind;
  guint8  has_identity;   /* "id" or "callable" seen */
  guint64 value_start;    /* where the current member's value began */
} OpenNode;

typedef struct
{
  FtTrace             *trace;
  GInputStream        *stream;
  GCancellable        *cancellable;
  FtTraceProgressFunc  progress;
  gpointer             progress_data;
  guint64              last_progress;

  /* reader */
  guint8  *buf;
  gsize    size;
  gsize    len;
  gsize    pos;
  guint64  base;        /* file offset of buf[0] */
  gboolean eof;

  /* current token */
  guint64  tok_off;
  gsize    tok_pos;     /* index of the token in buf */
  gsize    tok_len;
  gboolean tok_escaped;
  gboolean tok_high;
  gsize    scan;        /* progress inside a token across refills */
  const char *lex_error;

  GString *scratch;
  guint8  *skip_stack;          /* MAX_DEPTH: 1 object, 0 array */
  gboolean eof_in_value;        /* the file ended inside a skipped value */
  guint32  last_str[FT_N_STR];   /* per field: the previous node's string id */

  Frame   *frames;
  guint    n_frames;
  OpenNode *open;
  guint    n_open;

  gsize    nodes_alloc;
  gboolean done;

  GError  *io_error;
} Parser;

/* ---------------------------------------------------------------- reader */

static gboolean
refill (Parser *p,
        gsize   keep)
{
  gssize n;

  g_assert (keep <= p->len);

  if (g_cancellable_set_error_if_cancelled (p->cancellable, &p->io_error))
    return FALSE;

  if (keep > 0)
    {
      memmove (p->buf, p->buf + keep, p->len - keep);
      p->len -= keep;
      p->pos -= keep;
      p->tok_pos = p->tok_pos >= keep ? p->tok_pos - keep : 0;
      p->base += keep;
    }

  if (p->len + READ_CHUNK / 2 > p->size)
    {
      if (p->size >= MAX_TOKEN)
        {
          g_set_error (&p->io_error, FT_TRACE_ERROR, FT_TRACE_ERROR_TOO_LARGE,
                       _("%s: byte %llu: a single value is larger than 1 GB; "
                         "FlowTrace cannot show it"),
                       p->trace->display_name, (unsigned long long) (p->base + p->tok_pos));
          return FALSE;
        }
      /* A token longer than the buffer: grow it. */
      p->size = MAX (p->size * 2, p->len + READ_CHUNK);
      p->buf = g_realloc (p->buf, p->size);
    }

  n = g_input_stream_read (p->stream, p->buf + p->len, p->size - p->len,
                           p->cancellable, &p->io_error);
  if (n < 0)
    return FALSE;
  if (n == 0)
    p->eof = TRUE;
  p->len += n;

  if (p->progress != NULL && p->base < FT_OFFSET_BASE (1) &&
      p->base + p->len - p->last_progress >= PROGRESS_STEP)
    {
      p->last_progress = p->base + p->len;
      /* a trace still being written grows past the size seen at open */
      p->trace->file_size = MAX (p->trace->file_size, p->last_progress);
      p->progress (p->last_progress, p->trace->file_size, p->progress_data);
    }

  return TRUE;
}

/* ---------------------------------------------------------------- lexer */

typedef enum { LEX_OK, LEX_MORE, LEX_BAD } LexResult;

static inline gboolean
is_hex (guint8 c)
{
  return g_ascii_isxdigit (c);
}

static LexResult
lex_string_body (Parser *p)
{
  const guint8 *b = p->buf;
  gsize i = p->tok_pos + p->scan;
  gsize end = p->len;

  for (;;)
    {
#ifdef __SSE2__
      const __m128i quote = _mm_set1_epi8 ('"');
      const __m128i bslash = _mm_set1_epi8 ('\\');
      const __m128i space = _mm_set1_epi8 (0x20);

      while (i + 16 <= end)
        {
          __m128i v = _mm_loadu_si128 ((const __m128i *) (b + i));
          /* signed compare: catches control characters and bytes >= 0x80 */
          __m128i m = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (v, quote),
                                                  _mm_cmpeq_epi8 (v, bslash)),
                                    _mm_cmplt_epi8 (v, space));
          int mask = _mm_movemask_epi8 (m);
          if (mask != 0)
            {
              i += __builtin_ctz (mask);
              break;
            }
          i += 16;
        }
#endif
      if (i >= end)
        {
          p->scan = i - p->tok_pos;
          return LEX_MORE;
        }

      if (b[i] == '"')
        {
          p->tok_len = i + 1 - p->tok_pos;
          p->pos = i + 1;
          return LEX_OK;
        }
      else if (b[i] == '\\')
        {
          if (i + 1 >= end)
            {
              p->scan = i - p->tok_pos;
              return LEX_MORE;
            }
          switch (b[i + 1])
            {
            case '"': case '\\': case '/': case 'b': case 'f':
            case 'n': case 'r': case 't':
              i += 2;
              break;
            case 'u':
              if (i + 6 > end)
                {
                  p->scan = i - p->tok_pos;
                  return LEX_MORE;
                }
              if (!is_hex (b[i + 2]) || !is_hex (b[i + 3]) ||
                  !is_hex (b[i + 4]) || !is_hex (b[i + 5]))
                {
                  p->tok_off = p->base + i;
                  p->lex_error = N_("four hexadecimal digits after \\u");
                  return LEX_BAD;
                }
              /* non-ASCII written as \uXXXX (ensure_ascii): search looks for that form too */
              if (!(b[i + 2] == '0' && b[i + 3] == '0' && b[i + 4] < '8'))
                p->trace->has_unicode_escapes = TRUE;
              i += 6;
              break;
            default:
              p->tok_off = p->base + i;
              p->lex_error = N_("a valid escape sequence after '\\'");
              return LEX_BAD;
            }
          p->tok_escaped = TRUE;
        }
      else if (b[i] < 0x20)
        {
          p->tok_off = p->base + i;
          p->lex_error = N_("a control character to be escaped inside a string");
          return LEX_BAD;
        }
      else
        {
          /* >= 0x80: validated as UTF-8 once the string is complete */
          p->tok_high = TRUE;
          i++;
        }
    }
}

static LexResult
lex_string (Parser *p)
{
  LexResult r = lex_string_body (p);
  const char *str, *bad;

  if (r != LEX_OK || !p->tok_high)
    return r;

  str = (const char *) p->buf + p->tok_pos + 1;
  if (!g_utf8_validate_len (str, p->tok_len - 2, &bad))
    {
      p->tok_off = p->base + p->tok_pos + 1 + (bad - str);
      p->lex_error = N_("valid UTF-8 text");
      return LEX_BAD;
    }
  return LEX_OK;
}

static LexResult
lex_number (Parser *p)
{
  const guint8 *b = p->buf;
  gsize i = p->tok_pos;
  gsize end = p->len;

#define NEED(cond) G_STMT_START { if (i >= end) return LEX_MORE; if (!(cond)) goto bad; } G_STMT_END

  if (b[i] == '-')
    i++;
  NEED (g_ascii_isdigit (b[i]));
  if (b[i] == '0')
    i++;
  else
    while (i < end && g_ascii_isdigit (b[i]))
      i++;
  if (i >= end)
    return LEX_MORE;
  if (b[i] == '.')
    {
      i++;
      NEED (g_ascii_isdigit (b[i]));
      while (i < end && g_ascii_isdigit (b[i]))
        i++;
      if (i >= end)
        return LEX_MORE;
    }
  if (b[i] == 'e' || b[i] == 'E')
    {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-'))
        i++;
      NEED (g_ascii_isdigit (b[i]));
      while (i < end && g_ascii_isdigit (b[i]))
        i++;
      if (i >= end)
        return LEX_MORE;
    }
#undef NEED

  p->tok_len = i - p->tok_pos;
  p->pos = i;
  return LEX_OK;

bad:
  p->tok_off = p->base + i;
  p->lex_error = N_("a digit");
  return LEX_BAD;
}

static LexResult
lex_literal (Parser   *p,
             const char *word,
             gsize     wlen)
{
  if (p->len - p->tok_pos < wlen)
    return LEX_MORE;
  if (memcmp (p->buf + p->tok_pos, word, wlen) != 0)
    {
      p->lex_error = N_("a JSON value");
      return LEX_BAD;
    }
  p->tok_len = wlen;
  p->pos = p->tok_pos + wlen;
  return LEX_OK;
}

static Tok
next_token (Parser *p)
{
  for (;;)
    {
      LexResult r;
      Tok t;
      guint8 c;

      while (p->pos < p->len)
        {
          c = p->buf[p->pos];
          if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            break;
          p->pos++;
        }

      if (p->pos >= p->len)
        {
          if (p->eof)
            {
              p->tok_off = p->base + p->pos;
              return T_EOF;
            }
          p->tok_pos = p->pos;
          if (!refill (p, p->pos))
            return T_ERROR;
          continue;
        }

      p->tok_pos = p->pos;
      p->tok_off = p->base + p->pos;
      p->tok_escaped = FALSE;
      p->tok_high = FALSE;
      p->scan = 1;
      c = p->buf[p->pos];

      switch (c)
        {
        case '{': p->pos++; return T_LBRACE;
        case '}': p->pos++; return T_RBRACE;
        case '[': p->pos++; return T_LBRACK;
        case ']': p->pos++; return T_RBRACK;
        case ':': p->pos++; return T_COLON;
        case ',': p->pos++; return T_COMMA;
        default: break;
        }

      for (;;)
        {
          if (c == '"')
            r = lex_string (p), t = T_STRING;
          else if (c == '-' || g_ascii_isdigit (c))
            r = lex_number (p), t = T_NUMBER;
          else if (c == 't')
            r = lex_literal (p, "true", 4), t = T_TRUE;
          else if (c == 'f')
            r = lex_literal (p, "false", 5), t = T_FALSE;
          else if (c == 'n')
            r = lex_literal (p, "null", 4), t = T_NULL;
          else
            {
              p->lex_error = NULL;   /* the grammar says what was expected */
              return T_ERROR;
            }

          if (r == LEX_OK)
            return t;
          if (r == LEX_BAD)
            return T_ERROR;
          /* LEX_MORE: the token continues past the buffer */
          if (p->eof)
            {
              p->tok_off = p->base + p->len;
              return T_EOF;
            }
          if (!refill (p, p->tok_pos))
            return T_ERROR;
          c = p->buf[p->tok_pos];
        }
    }
}

/* ---------------------------------------------------------------- values */

static void
append_unichar (GString  *s,
                gunichar  ch)
{
  char out[6];
  g_string_append_len (s, out, g_unichar_to_utf8 (ch, out));
}

/* Unescapes the current string token into p->scratch. */
static const char *
token_text (Parser *p)
{
  const char *s = (const char *) p->buf + p->tok_pos + 1;
  gsize n = p->tok_len - 2;
  gsize i;

  g_string_truncate (p->scratch, 0);
  if (!p->tok_escaped)
    {
      g_string_append_len (p->scratch, s, n);
      return p->scratch->str;
    }

  for (i = 0; i < n; i++)
    {
      gunichar ch, lo;

      if (s[i] != '\\')
        {
          g_string_append_c (p->scratch, s[i]);
          continue;
        }
      i++;
      switch (s[i])
        {
        case 'b': g_string_append_c (p->scratch, '\b'); break;
        case 'f': g_string_append_c (p->scratch, '\f'); break;
        case 'n': g_string_append_c (p->scratch, '\n'); break;
        case 'r': g_string_append_c (p->scratch, '\r'); break;
        case 't': g_string_append_c (p->scratch, '\t'); break;
        case 'u':
          ch = g_ascii_xdigit_value (s[i + 1]) << 12 | g_ascii_xdigit_value (s[i + 2]) << 8 |
               g_ascii_xdigit_value (s[i + 3]) << 4 | g_ascii_xdigit_value (s[i + 4]);
          i += 4;
          if (ch >= 0xD800 && ch < 0xDC00 && i + 6 < n && s[i + 1] == '\\' && s[i + 2] == 'u')
            {
              lo = g_ascii_xdigit_value (s[i + 3]) << 12 | g_ascii_xdigit_value (s[i + 4]) << 8 |
                   g_ascii_xdigit_value (s[i + 5]) << 4 | g_ascii_xdigit_value (s[i + 6]);
              if (lo >= 0xDC00 && lo < 0xE000)
                {
                  ch = 0x10000 + ((ch - 0xD800) << 10) + (lo - 0xDC00);
                  i += 6;
                }
            }
          if ((ch >= 0xD800 && ch < 0xE000) || ch == 0)
            ch = 0xFFFD;  /* lone surrogate, or NUL that would cut the C string */
          append_unichar (p->scratch, ch);
          break;
        default:
          g_string_append_c (p->scratch, s[i]);
          break;
        }
    }
  return p->scratch->str;
}

static guint32
intern (FtTrace    *trace,
        const char *str)
{
  gpointer id;
  const char *copy;

  if (g_hash_table_lookup_extended (trace->string_ids, str, NULL, &id))
    return GPOINTER_TO_UINT (id);

  copy = g_string_chunk_insert (trace->chunk, str);
  g_ptr_array_add (trace->strings, (gpointer) copy);
  g_hash_table_insert (trace->string_ids, (gpointer) copy,
                       GUINT_TO_POINTER (trace->strings->len - 1));
  return trace->strings->len - 1;
}

/* Consecutive calls often share module, class, file and caller: compare
 * with the previous value of the same field before hashing. */
static guint32
intern_field (Parser *p,
              int     slot)
{
  guint32 last = p->last_str[slot];

  if (last != 0 && !p->tok_escaped)
    {
      const char *prev = p->trace->strings->pdata[last];
      const char *raw = (const char *) p->buf + p->tok_pos + 1;
      gsize n = p->tok_len - 2;

      /* raw has no NUL (control characters are refused), so strncmp
       * stops inside prev when it is shorter */
      if (strncmp (prev, raw, n) == 0 && prev[n] == 0)
        return last;
    }
  return p->last_str[slot] = intern (p->trace, token_text (p));
}

static gboolean
token_is_integer (Parser *p)
{
  for (gsize i = 0; i < p->tok_len; i++)
    {
      guint8 c = p->buf[p->tok_pos + i];
      if (c == '.' || c == 'e' || c == 'E')
        return FALSE;
    }
  return TRUE;
}

static double
token_double (Parser *p)
{
  char small[64];
  g_autofree char *big = NULL;
  char *s = small;

  if (p->tok_len < sizeof small)
    {
      memcpy (small, p->buf + p->tok_pos, p->tok_len);
      small[p->tok_len] = 0;
    }
  else
    s = big = g_strndup ((const char *) p->buf + p->tok_pos, p->tok_len);

  /* 1e999 gives inf, which callers clamp; never a crash. */
  return g_ascii_strtod (s, NULL);
}

static gint64
token_int64 (Parser *p)
{
  double d;

  if (p->tok_len < 19 && token_is_integer (p))
    {
      /* up to 18 digits: no overflow possible */
      const guint8 *b = p->buf + p->tok_pos;
      gboolean neg = b[0] == '-';
      gint64 v = 0;

      for (gsize i = neg; i < p->tok_len; i++)
        v = v * 10 + (b[i] - '0');
      return neg ? -v : v;
    }

  d = token_double (p);
  if (isnan (d))
    return 0;
  if (d >= 9.2e18)
    return G_MAXINT64;
  if (d <= -9.2e18)
    return G_MININT64;
  return (gint64) d;
}

/* ---------------------------------------------------------------- errors */

static gboolean
fail (Parser     *p,
      GError    **error,
      guint64     offset,
      const char *expected)
{
  g_set_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE,
               /* Translators: "trace.json: byte 120: expected ',' or ']'" */
               _("%s: byte %llu: expected %s"),
               p->trace->display_name, (unsigned long long) offset, _(expected));
  return FALSE;
}

static gboolean
fail_type (Parser     *p,
           GError    **error,
           const char *key,
           const char *what)
{
  g_autofree char *msg = NULL;

  /* Translators: the first %s is a JSON type like "a string or null", the second a key */
  msg = g_strdup_printf (_("%s for \"%s\""), _(what), key);
  g_set_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE,
               _("%s: byte %llu: expected %s"),
               p->trace->display_name, (unsigned long long) p->tok_off, msg);
  return FALSE;
}

/* ---------------------------------------------------------------- nodes */

static Field
lookup_field (const char *k,
              gsize       n)
{
#define IS(lit) (n == sizeof lit - 1 && memcmp (k, lit, n) == 0)
  switch (k[0])
    {
    case 'c':
      if (IS ("callable")) return F_CALLABLE;
      if (IS ("called")) return F_CALLED;
      if (IS ("caller")) return F_CALLER;
      if (IS ("calls")) return F_CALLS;
      break;
    case 'd':
      if (IS ("duration_ms")) return F_DURATION;
      break;
    case 'e':
      if (IS ("error")) return F_ERROR;
      if (IS ("error_type")) return F_ERROR_TYPE;
      break;
    case 'f':
      if (IS ("file")) return F_FILE;
      if (IS ("flowtrace")) return F_FLOWTRACE;
      break;
    case 'i':
      if (IS ("id")) return F_ID;
      if (IS ("inputs")) return F_INPUTS;
      if (IS ("inputs_after")) return F_INPUTS_AFTER;
      if (IS ("instance_id")) return F_INSTANCE_ID;
      if (IS ("incomplete")) return F_INCOMPLETE;
      break;
    case 'k':
      if (IS ("kind")) return F_KIND;
      break;
    case 'l':
      if (IS ("line")) return F_LINE;
      break;
    case 'm':
      if (IS ("module")) return F_MODULE;
      if (IS ("memory_before")) return F_MEMORY_BEFORE;
      if (IS ("memory_after")) return F_MEMORY_AFTER;
      break;
    case 'o':
      if (IS ("output")) return F_OUTPUT;
      break;
    case 's':
      if (IS ("start_ns")) return F_START_NS;
      break;
    case 't':
      if (IS ("thread")) return F_THREAD;
      break;
    default:
      break;
    }
#undef IS
  return F_OTHER;
}

static const char *
field_name (Field f)
{
  static const char *names[] = {
    "", "id", "callable", "module", "called", "caller", "file", "thread",
    "error", "error_type", "kind", "line", "instance_id", "start_ns",
    "duration_ms", "incomplete", "inputs", "inputs_after", "output",
    "memory_before", "memory_after", "calls", "flowtrace",
  };
  return names[f];
}

static gboolean
open_node (Parser  *p,
           GError **error)
{
  FtTrace *t = p->trace;
  FtNode *node;
  OpenNode *o;
  guint32 parent = p->n_open > 0 ? p->open[p->n_open - 1].index : FT_NODE_NONE;

  if (t->n_nodes >= G_MAXUINT32 - 1)
    {
      g_set_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_TOO_LARGE,
                   _("%s: more than %u calls; FlowTrace cannot show a trace this large"),
                   t->display_name, G_MAXUINT32 - 1);
      return FALSE;
    }

  if (t->n_nodes == p->nodes_alloc)
    {
      p->nodes_alloc = MAX (1024, p->nodes_alloc * 2);
      t->nodes = g_renew (FtNode, t->nodes, p->nodes_alloc);
    }

  node = &t->nodes[t->n_nodes];
  memset (node, 0, sizeof *node);
  node->head_off = p->tok_off;
  node->parent = parent;
  node->start_ns = -1;
  node->duration_ms = NAN;
  node->kind = FT_NODE_KIND_CALL;

  if (parent == FT_NODE_NONE)
    {
      guint32 idx = t->n_nodes;
      g_array_append_val (t->roots, idx);
    }
  else
    t->nodes[parent].n_children++;

  o = &p->open[p->n_open++];
  o->index = t->n_nodes++;
  o->calls_key_off = 0;
  o->last_member_end = p->tok_off + 1;
  o->inputs_nonempty = FALSE;
  o->output_nonnull = FALSE;
  o->has_kind = FALSE;
  o->has_identity = FALSE;
  return TRUE;
}

static gboolean
is_internal_name (const char *s)
{
  gsize n;

  if (s == NULL)
    return FALSE;
  if (s[0] == '<')
    return TRUE;
  n = strlen (s);
  return n > 4 && s[0] == '_' && s[1] == '_' && s[n - 1] == '_' && s[n - 2] == '_';
}

static gboolean
set_len32 (Parser   *p,
           guint32  *out,
           guint64   len,
           GError  **error)
{
  if (len > G_MAXUINT32)
    {
      g_set_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_TOO_LARGE,
                   _("%s: byte %llu: a call takes more than 4 GB; FlowTrace cannot show it"),
                   p->trace->display_name, (unsigned long long) p->tok_off);
      return FALSE;
    }
  *out = (guint32) len;
  return TRUE;
}

/* end: offset just after the node's text (after '}', or where salvage stopped) */
static gboolean
close_node (Parser   *p,
            guint64   end,
            gboolean  salvage,
            GError  **error)
{
  FtTrace *t = p->trace;
  OpenNode *o = &p->open[--p->n_open];
  FtNode *node = &t->nodes[o->index];
  const char *callable = t->strings->pdata[node->str[FT_STR_CALLABLE]];

  /* A call cut before its "id" has none; the trace writer keeps such a
   * call of a salvaged trace with "incomplete": true. */
  if (!salvage && !o->has_identity && !(node->flags & FT_NODE_FLAG_INCOMPLETE))
    {
      g_set_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE,
                   _("%s: byte %llu: expected %s"),
                   t->display_name, (unsigned long long) node->head_off,
                   _("a call object with \"id\" or \"callable\""));
      return FALSE;
    }

  if (salvage)
    {
      node->flags |= FT_NODE_FLAG_INCOMPLETE;
      node->priv |= FT_PRIV_SYNTH_CLOSE;
      end = o->last_member_end;
      t->n_incomplete++;
    }

  if (o->calls_key_off != 0)
    {
      node->priv |= FT_PRIV_HAS_CALLS;
      if (!set_len32 (p, &node->head_len, o->calls_key_off - node->head_off, error))
        return FALSE;
      if (node->tail_off == 0 || end < node->tail_off)
        node->tail_off = end;   /* cut inside the calls: no tail text */
      if (!set_len32 (p, &node->tail_len, end - node->tail_off, error))
        return FALSE;
    }
  else if (!set_len32 (p, &node->head_len, end - node->head_off, error))
    return FALSE;

  node->n_descendants = t->n_nodes - o->index - 1;

  if (!o->has_kind && g_strcmp0 (callable, "__instance__") == 0)
    node->kind = FT_NODE_KIND_INSTANCE;
  if (node->kind != FT_NODE_KIND_INSTANCE && is_internal_name (callable))
    node->flags |= FT_NODE_FLAG_INTERNAL;
  if (!o->inputs_nonempty && !o->output_nonnull)
    node->flags |= FT_NODE_FLAG_EMPTY_IO;
  if (node->str[FT_STR_ERROR] != 0)
    node->flags |= FT_NODE_FLAG_ERROR;

  return TRUE;
}

static FtNodeKind
parse_kind (const char *s)
{
  if (strcmp (s, "thread") == 0)
    return FT_NODE_KIND_THREAD;
  if (strcmp (s, "process") == 0)
    return FT_NODE_KIND_PROCESS;
  if (strcmp (s, "coroutine") == 0)
    return FT_NODE_KIND_COROUTINE;
  if (strcmp (s, "generator") == 0)
    return FT_NODE_KIND_GENERATOR;
  if (strcmp (s, "async_generator") == 0)
    return FT_NODE_KIND_ASYNC_GENERATOR;
  if (strcmp (s, "instance") == 0)
    return FT_NODE_KIND_INSTANCE;
  return FT_NODE_KIND_CALL;
}

static int
string_slot (Field f)
{
  switch (f)
    {
    case F_CALLABLE: return FT_STR_CALLABLE;
    case F_MODULE: return FT_STR_MODULE;
    case F_CALLED: return FT_STR_CALLED;
    case F_CALLER: return FT_STR_CALLER;
    case F_FILE: return FT_STR_FILE;
    case F_THREAD: return FT_STR_THREAD;
    case F_ERROR: return FT_STR_ERROR;
    case F_ERROR_TYPE: return FT_STR_ERROR_TYPE;
    default: return -1;
    }
}

/* A scalar value of a node member: check its type and keep it. */
static gboolean
node_scalar (Parser  *p,
             Field    f,
             Tok      tok,
             GError **error)
{
  OpenNode *o = &p->open[p->n_open - 1];
  FtNode *node = &p->trace->nodes[o->index];
  int slot = string_slot (f);

  if (slot >= 0)
    {
      if (tok == T_STRING)
        {
          if (slot != FT_STR_ERROR && p->tok_len - 2 > MAX_NAME)
            return fail_type (p, error, field_name (f), N_("a string shorter than 64 KB"));
          node->str[slot] = intern_field (p, slot);
          o->has_identity |= (f == F_CALLABLE);
        }
      else if (tok == T_NULL)
        node->str[slot] = 0;
      else
        return fail_type (p, error, field_name (f), N_("a string or null"));
      return TRUE;
    }

  switch (f)
    {
    case F_KIND:
      if (tok == T_STRING)
        {
          node->kind = parse_kind (token_text (p));
          o->has_kind = TRUE;
        }
      else if (tok != T_NULL)
        return fail_type (p, error, "kind", N_("a string or null"));
      break;

    case F_ID:
    case F_LINE:
    case F_INSTANCE_ID:
    case F_START_NS:
      if (tok == T_NUMBER)
        {
          gint64 v = token_int64 (p);
          if (f == F_ID)
            {
              node->id = v;
              o->has_identity = TRUE;
            }
          else if (f == F_LINE)
            node->line = (guint) CLAMP (v, 0, G_MAXUINT32);
          else if (f == F_INSTANCE_ID)
            {
              node->instance_id = v;
              node->flags |= FT_NODE_FLAG_HAS_INSTANCE;
            }
          else
            {
              node->start_ns = v;
                }
        }
      else if (tok == T_STRING && f == F_INSTANCE_ID)
        {
          /* ids beyond 2^53 are written as decimal strings */
          char *end = NULL;
          const char *s = token_text (p);
          gint64 v = g_ascii_strtoll (s, &end, 10);
          if (end != s && *end == 0)
            {
              node->instance_id = v;
              node->flags |= FT_NODE_FLAG_HAS_INSTANCE;
            }
        }
      else if (tok != T_NULL)
        return fail_type (p, error, field_name (f), N_("an integer or null"));
      break;

    case F_DURATION:
      if (tok == T_NUMBER)
        {
          /* 1e999 overflows to inf: no time a view, a sum or an export
           * could use, so the file is refused where it says so */
          node->duration_ms = token_double (p);
          if (!isfinite (node->duration_ms))
            return fail_type (p, error, "duration_ms", N_("a finite number or null"));
        }
      else if (tok != T_NULL)
        return fail_type (p, error, "duration_ms", N_("a number or null"));
      break;

    case F_INCOMPLETE:
      if (tok == T_TRUE)
        node->flags |= FT_NODE_FLAG_INCOMPLETE;
      else if (tok != T_FALSE && tok != T_NULL)
        return fail_type (p, error, "incomplete", N_("true or false"));
      break;

    case F_INPUTS:
    case F_INPUTS_AFTER:
    case F_MEMORY_BEFORE:
    case F_MEMORY_AFTER:
    case F_FLOWTRACE:
      if (tok != T_NULL)
        return fail_type (p, error, field_name (f), N_("an object or null"));
      break;

    case F_CALLS:
      if (tok != T_NULL)
        return fail_type (p, error, "calls", N_("an array of calls"));
      o->calls_key_off = 0;   /* "calls": null: no children, the object is one slice */
      break;

    case F_OUTPUT:
      if (tok != T_NULL)
        o->output_nonnull = TRUE;
      break;

    default:
      break;
    }
  return TRUE;
}

/* A member of the innermost open node ended at `end`.  Keeps where the
 * values are so search can tell a value from a key without reparsing. */
static void
member_done (Parser  *p,
             Field    f,
             guint64  end)
{
  OpenNode *o = &p->open[p->n_open - 1];
  FtNode *node = &p->trace->nodes[o->index];
  guint64 base, rel, len;
  gboolean in_tail;
  int k;

  o->last_member_end = end;

  switch (f)
    {
    case F_INPUTS: k = FT_VALUE_INPUTS; break;
    case F_INPUTS_AFTER: k = FT_VALUE_INPUTS_AFTER; break;
    case F_OUTPUT: k = FT_VALUE_OUTPUT; break;
    default: return;
    }

  in_tail = o->calls_key_off != 0 && o->value_start > o->calls_key_off;
  base = in_tail ? node->tail_off : node->head_off;
  rel = o->value_start - base;
  len = end - o->value_start;
  if (rel > G_MAXUINT16 || len > G_MAXUINT16)
    {
      node->priv |= FT_PRIV_RANGES_UNKNOWN;
      return;
    }
  node->vr_start[k] = rel;
  node->vr_len[k] = len;
  node->vr_info |= 1 << k;
  if (in_tail)
    node->vr_info |= 1 << (3 + k);
  else
    node->vr_info &= ~(1 << (3 + k));
}

/* ---------------------------------------------------------------- grammar */

static const char *expected_for (Frame *top);

static gboolean
push (Parser   *p,
      gboolean  is_object,
      Role      role,
      Field     field,
      GError  **error)
{
  Frame *f;

  if (p->n_frames >= MAX_DEPTH)
    return fail (p, error, p->tok_off,
                 N_("JSON nested less than 20000 levels deep"));

  f = &p->frames[p->n_frames++];
  f->is_object = is_object;
  f->role = role;
  f->field = field;
  f->state = is_object ? S_KEY_OR_END : S_VALUE_OR_END;
  return TRUE;
}

/* Skips a container value the table does not keep, just after its '{'
 * or '['.  The same grammar as step(), in one loop with a byte stack
 * instead of frames: most of a trace's bytes are such values.  Returns
 * FALSE on error; sets p->eof_in_value when the file ends inside. */
static gboolean
skip_container (Parser   *p,
                gboolean  is_object,
                gboolean *had_member,
                GError  **error)
{
  guint limit = MAX_DEPTH - p->n_frames;
  guint depth = 0;
  State st = is_object ? S_KEY_OR_END : S_VALUE_OR_END;
  Frame here;

  *had_member = FALSE;
  if (depth >= limit)
    return fail (p, error, p->tok_off, N_("JSON nested less than 20000 levels deep"));
  p->skip_stack[depth++] = is_object;

  for (;;)
    {
      Tok tok = next_token (p);
      gboolean obj = p->skip_stack[depth - 1];

      if (tok == T_EOF)
        {
          p->eof_in_value = TRUE;
          return TRUE;
        }
      if (tok == T_ERROR)
        break;

      switch (st)
        {
        case S_KEY_OR_END:
          if (tok == T_RBRACE)
            goto close;
          G_GNUC_FALLTHROUGH;
        case S_KEY:
          if (tok != T_STRING)
            goto bad;
          if (depth == 1)
            *had_member = TRUE;
          st = S_COLON;
          continue;

        case S_COLON:
          if (tok != T_COLON)
            goto bad;
          st = S_VALUE;
          continue;

        case S_VALUE_OR_END:
          if (tok == T_RBRACK)
            goto close;
          G_GNUC_FALLTHROUGH;
        case S_VALUE:
          if (tok == T_LBRACE || tok == T_LBRACK)
            {
              if (depth >= limit)
                return fail (p, error, p->tok_off, N_("JSON nested less than 20000 levels deep"));
              p->skip_stack[depth++] = tok == T_LBRACE;
              st = tok == T_LBRACE ? S_KEY_OR_END : S_VALUE_OR_END;
              continue;
            }
          if (tok == T_RBRACE || tok == T_RBRACK || tok == T_COLON || tok == T_COMMA)
            goto bad;
          st = S_COMMA_OR_END;
          continue;

        case S_COMMA_OR_END:
        default:
          if (tok == T_COMMA)
            {
              st = obj ? S_KEY : S_VALUE;
              continue;
            }
          if ((tok == T_RBRACE && obj) || (tok == T_RBRACK && !obj))
            goto close;
          goto bad;
        }

    close:
      if (--depth == 0)
        return TRUE;
      st = S_COMMA_OR_END;
      continue;

    bad:
      here = (Frame) { obj, ROLE_SKIP, F_OTHER, st };
      return fail (p, error, p->tok_off, expected_for (&here));
    }

  /* T_ERROR: a lexical error, or I/O (p->io_error) */
  if (p->io_error == NULL)
    {
      here = (Frame) { p->skip_stack[depth - 1], ROLE_SKIP, F_OTHER, st };
      fail (p, error, p->tok_off, p->lex_error != NULL ? p->lex_error : expected_for (&here));
    }
  return FALSE;
}

/* A node member whose value is a container the table does not keep. */
static gboolean
skip_member (Parser   *p,
             Field     f,
             gboolean  is_object,
             GError  **error)
{
  gboolean had_member = FALSE;
  guint64 end;

  if (!skip_container (p, is_object, &had_member, error))
    return FALSE;
  if (p->eof_in_value)
    return TRUE;

  end = p->base + p->pos;
  if (f == F_INPUTS && had_member)
    p->open[p->n_open - 1].inputs_nonempty = TRUE;
  if (f == F_OUTPUT)
    p->open[p->n_open - 1].output_nonnull = TRUE;
  /* only once complete: a snapshot cut short is not kept by salvage */
  if (f == F_MEMORY_BEFORE || f == F_MEMORY_AFTER)
    p->trace->nodes[p->open[p->n_open - 1].index].flags |= FT_NODE_FLAG_MEMORY;
  if (f == F_FLOWTRACE && p->n_open == 1 && p->trace->meta_len == 0)
    p->trace->meta_len = end - p->trace->meta_off;
  member_done (p, f, end);
  return TRUE;
}

/* A value starts where the top frame expects one. */
static gboolean
begin_value (Parser  *p,
             Tok      tok,
             GError **error)
{
  Frame *top = p->n_frames > 0 ? &p->frames[p->n_frames - 1] : NULL;
  Field f;

  if (top == NULL)
    {
      /* the document itself */
      if (tok != T_LBRACK)
        return fail (p, error, p->tok_off, N_("'[' (a JSON array of calls)"));
      return push (p, FALSE, ROLE_TOP, F_OTHER, error);
    }

  top->state = S_COMMA_OR_END;

  if (top->role == ROLE_TOP || top->role == ROLE_CALLS)
    {
      if (tok != T_LBRACE)
        return fail (p, error, p->tok_off, N_("'{' (a call object)"));
      if (!open_node (p, error))
        return FALSE;
      return push (p, TRUE, ROLE_NODE, F_OTHER, error);
    }

  /* a member of a node */
  f = top->field;
  p->open[p->n_open - 1].value_start = p->tok_off;
  if (tok == T_LBRACE || tok == T_LBRACK)
    {
      switch (f)
        {
        case F_CALLS:
          if (tok != T_LBRACK)
            return fail_type (p, error, "calls", N_("an array of calls"));
          return push (p, FALSE, ROLE_CALLS, F_CALLS, error);
        case F_INPUTS:
        case F_INPUTS_AFTER:
        case F_MEMORY_BEFORE:
        case F_MEMORY_AFTER:
        case F_FLOWTRACE:
          if (tok != T_LBRACE)
            return fail_type (p, error, field_name (f), N_("an object or null"));
          if (f == F_FLOWTRACE && p->n_open == 1 && p->trace->meta_len == 0)
            p->trace->meta_off = p->tok_off;
          break;
        case F_OUTPUT:   /* non-null once complete (skip_member) */
        case F_OTHER:
          break;
        default:
          return fail_type (p, error, field_name (f),
                            f == F_DURATION ? N_("a number or null") :
                            f == F_INCOMPLETE ? N_("true or false") :
                            string_slot (f) >= 0 || f == F_KIND ? N_("a string or null") :
                            N_("an integer or null"));
        }
      return skip_member (p, f, tok == T_LBRACE, error);
    }

  if (!node_scalar (p, f, tok, error))
    return FALSE;
  member_done (p, f, p->base + p->pos);
  return TRUE;
}

static gboolean
end_container (Parser  *p,
               GError **error)
{
  Frame popped = p->frames[--p->n_frames];
  guint64 end = p->base + p->pos;
  Frame *top;

  if (popped.role == ROLE_NODE)
    {
      if (!close_node (p, end, FALSE, error))
        return FALSE;
    }
  else if (popped.role == ROLE_CALLS)
    p->trace->nodes[p->open[p->n_open - 1].index].tail_off = end;

  if (p->n_frames == 0)
    {
      p->done = TRUE;
      return TRUE;
    }

  top = &p->frames[p->n_frames - 1];
  if (top->role == ROLE_NODE)
    member_done (p, top->field, end);
  return TRUE;
}

static const char *
expected_for (Frame *top)
{
  if (top == NULL)
    return N_("'[' (a JSON array of calls)");

  switch (top->state)
    {
    case S_KEY_OR_END:
      return N_("a key in quotes or '}'");
    case S_KEY:
      return N_("a key in quotes");
    case S_COLON:
      return N_("':' after the key");
    case S_VALUE:
      return top->is_object || top->role == ROLE_SKIP ? N_("a JSON value") : N_("'{' (a call object)");
    case S_VALUE_OR_END:
      return top->role == ROLE_SKIP ? N_("a JSON value or ']'") : N_("'{' (a call object) or ']'");
    case S_COMMA_OR_END:
    default:
      return top->is_object ? N_("',' or '}'") : N_("',' or ']'");
    }
}

static gboolean
handle_key (Parser   *p,
            Frame    *top,
            GError  **error)
{
  top->state = S_COLON;
  if (top->role != ROLE_NODE)
    return TRUE;

  if (!p->tok_escaped)
    top->field = lookup_field ((const char *) p->buf + p->tok_pos + 1, p->tok_len - 2);
  else
    {
      const char *k = token_text (p);
      top->field = lookup_field (k, strlen (k));
    }

  if (top->field == F_CALLS)
    {
      /* Two lists of calls in one object would be read as one and
       * written back as something else: refuse it. */
      if (p->open[p->n_open - 1].calls_key_off != 0)
        return fail (p, error, p->tok_off, N_("a single \"calls\" member in a call, not a second one"));
      p->open[p->n_open - 1].calls_key_off = p->tok_off;
    }
  return TRUE;
}

static gboolean
step (Parser  *p,
      Tok      tok,
      GError **error)
{
  Frame *top = p->n_frames > 0 ? &p->frames[p->n_frames - 1] : NULL;

  if (top == NULL)
    return begin_value (p, tok, error);

  switch (top->state)
    {
    case S_KEY_OR_END:
      if (tok == T_RBRACE)
        return end_container (p, error);
      G_GNUC_FALLTHROUGH;
    case S_KEY:
      if (tok != T_STRING)
        break;
      return handle_key (p, top, error);

    case S_COLON:
      if (tok != T_COLON)
        break;
      top->state = S_VALUE;
      return TRUE;

    case S_VALUE_OR_END:
      if (tok == T_RBRACK)
        return end_container (p, error);
      G_GNUC_FALLTHROUGH;
    case S_VALUE:
      if (tok == T_RBRACE || tok == T_RBRACK || tok == T_COLON || tok == T_COMMA)
        break;
      return begin_value (p, tok, error);

    case S_COMMA_OR_END:
      if (tok == T_COMMA)
        {
          top->state = top->is_object ? S_KEY : S_VALUE;
          return TRUE;
        }
      if ((tok == T_RBRACE && top->is_object) || (tok == T_RBRACK && !top->is_object))
        return end_container (p, error);
      break;

    default:
      g_assert_not_reached ();
    }

  return fail (p, error, p->tok_off, expected_for (top));
}

/* ---------------------------------------------------------------- driver */

static guint
count_calls (FtTrace *t)
{
  guint n = 0;

  for (guint i = 0; i < t->n_nodes; i++)
    {
      const FtNode *node = &t->nodes[i];
      if (node->parent != FT_NODE_NONE &&
          node->kind != FT_NODE_KIND_THREAD &&
          node->kind != FT_NODE_KIND_PROCESS &&
          node->kind != FT_NODE_KIND_INSTANCE)
        n++;
    }
  return n;
}

/* Closes what is open above the root's "calls" array (frames: top array,
 * root, its calls), so more threads can be appended there. */
static gboolean
unwind_to_root_calls (Parser  *p,
                      GError **error)
{
  while (p->n_open > 1)
    if (!close_node (p, 0, TRUE, error))
      return FALSE;
  p->n_frames = 3;
  p->frames[2].state = S_COMMA_OR_END;
  return TRUE;
}

/* Reads one side file: ",{thread node}" as written by the tracer, parsed
 * as more elements of the root's calls.  A damaged part keeps what parsed. */
static gboolean
merge_part (Parser  *p,
            guint    k,
            GError **error)
{
  FtTrace *t = p->trace;
  g_autoptr(GFileInputStream) stream = g_file_read (t->part_files->pdata[k - 1], p->cancellable, NULL);
  guint n_before = t->n_nodes;
  GInputStream *main_stream = p->stream;

  if (stream == NULL)
    return !g_cancellable_set_error_if_cancelled (p->cancellable, error);

  p->stream = G_INPUT_STREAM (stream);
  p->eof_in_value = FALSE;
  p->base = FT_OFFSET_BASE (k);
  p->len = p->pos = p->tok_pos = 0;
  p->eof = FALSE;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      Tok tok = next_token (p);

      if (tok == T_ERROR && p->io_error != NULL)
        {
          if (g_error_matches (p->io_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              p->stream = main_stream;
              return FALSE;   /* propagated by the caller */
            }
          g_clear_error (&p->io_error);
          break;
        }
      /* end of the part, damage, or a ']' that would close the root's calls */
      if (tok == T_ERROR || tok == T_EOF || (tok == T_RBRACK && p->n_frames == 3) ||
          !step (p, tok, &local_error) || p->eof_in_value)
        break;
    }

  p->stream = main_stream;
  if (t->n_nodes > n_before)
    t->n_merged_parts++;
  return unwind_to_root_calls (p, error);
}

static gboolean
salvage (Parser  *p,
         GError **error)
{
  FtTrace *t = p->trace;

  t->salvaged = TRUE;
  t->salvage_offset = p->base + p->len;

  if (t->part_files->len > 0 && p->n_frames >= 3 &&
      p->frames[1].role == ROLE_NODE && p->frames[2].role == ROLE_CALLS)
    {
      if (!unwind_to_root_calls (p, error))
        return FALSE;
      for (guint k = 1; k <= t->part_files->len; k++)
        if (!merge_part (p, k, error))
          return FALSE;
    }

  while (p->n_open > 0)
    if (!close_node (p, 0, TRUE, error))
      return FALSE;
  return TRUE;
}

static void
build_children (FtTrace *t)
{
  guint32 sum = 0;

  t->children = g_new (guint32, MAX (1, t->n_nodes));
  for (guint i = 0; i < t->n_nodes; i++)
    {
      t->nodes[i].first_child = sum;
      sum += t->nodes[i].n_children;
      t->nodes[i].n_children = 0;
    }
  /* pre-order: each parent's children arrive in order */
  for (guint i = 0; i < t->n_nodes; i++)
    {
      FtNode *parent;

      if (t->nodes[i].parent == FT_NODE_NONE)
        continue;
      parent = &t->nodes[t->nodes[i].parent];
      t->children[parent->first_child + parent->n_children++] = i;
    }
}

static void
skip_bom (Parser *p)
{
  if (p->len >= 3 && memcmp (p->buf, "\xEF\xBB\xBF", 3) == 0)
    p->pos = 3;
}

gboolean
ft_trace_parse_stream (FtTrace             *trace,
                       GInputStream        *stream,
                       GCancellable        *cancellable,
                       FtTraceProgressFunc  progress,
                       gpointer             progress_data,
                       GError             **error)
{
  Parser p = { 0 };
  gboolean ok = FALSE;
  Tok tok;

  p.trace = trace;
  p.stream = stream;
  p.cancellable = cancellable;
  p.progress = progress;
  p.progress_data = progress_data;
  p.size = READ_CHUNK;
  p.buf = g_malloc (p.size);
  p.scratch = g_string_sized_new (256);
  p.frames = g_new (Frame, MAX_DEPTH);
  p.open = g_new (OpenNode, MAX_DEPTH);
  p.skip_stack = g_malloc (MAX_DEPTH);

  if (!refill (&p, 0))
    goto out;
  skip_bom (&p);

  if (p.len == 0 && p.eof)
    {
      g_set_error (error, FT_TRACE_ERROR, FT_TRACE_ERROR_NOT_A_TRACE,
                   _("%s: byte 0: the file is empty; expected a JSON array of calls"),
                   trace->display_name);
      goto out;
    }

  while (!p.done)
    {
      tok = next_token (&p);
      if (tok == T_ERROR)
        {
          if (p.io_error == NULL)
            fail (&p, error, p.tok_off,
                  p.lex_error != NULL ? p.lex_error :
                  expected_for (p.n_frames > 0 ? &p.frames[p.n_frames - 1] : NULL));
          goto out;
        }
      if (tok == T_EOF)
        {
          if (trace->n_nodes == 0)
            {
              fail (&p, error, p.tok_off,
                    p.n_frames == 0 ? N_("'[' (a JSON array of calls)") : N_("'{' (a call object)"));
              goto out;
            }
          if (!salvage (&p, error))
            goto out;
          break;
        }
      if (!step (&p, tok, error))
        goto out;
      if (p.eof_in_value)
        {
          if (!salvage (&p, error))
            goto out;
          break;
        }
    }

  if (p.done)
    {
      tok = next_token (&p);
      if (tok == T_ERROR && p.io_error != NULL)
        goto out;
      if (tok != T_EOF)
        {
          fail (&p, error, p.tok_off, N_("the end of the file after the closing ']'"));
          goto out;
        }
      if (trace->n_nodes == 0)
        {
          fail (&p, error, p.tok_off - 1, N_("'{' (a call object); the array is empty"));
          goto out;
        }
    }

  trace->nodes = g_renew (FtNode, trace->nodes, MAX (1, trace->n_nodes));
  build_children (trace);
  trace->n_calls = count_calls (trace);
  if (!trace->salvaged || trace->n_merged_parts == 0)
    trace->file_size = MAX (trace->file_size, p.base + p.len);
  if (progress != NULL)
    progress (trace->file_size, trace->file_size, progress_data);
  ok = TRUE;

out:
  if (p.io_error != NULL)
    g_propagate_error (error, g_steal_pointer (&p.io_error));
  g_free (p.buf);
  g_string_free (p.scratch, TRUE);
  g_free (p.frames);
  g_free (p.open);
  g_free (p.skip_stack);
  return ok;
}
