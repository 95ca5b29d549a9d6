/* SPDX-License-Identifier: MIT
 *
 * ft-repair.c: make a valid trace from one cut short (kill -9, segfault,
 * power loss), and merge the "<src>.thread-K.part" side files (and the
 * child processes' "<src>.proc-T.part", through ft-children.c).
 *
 * One streaming pass: a JSON tokenizer copies the input to the output and
 * remembers the output offset of the last "safe point" (after a complete
 * value, or right after an opening bracket).  At the cut, the output is
 * truncated to that point and every open container is closed; nodes get
 * "incomplete":true.  A node cut before its "id" is dropped.  Memory is
 * bounded by the nesting depth.  Rules: docs/trace-format.md, "Repair".
 */
#include "ft-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define RD_SIZE 65536
#define WR_SIZE 65536

typedef struct {
    char type;           /* '{' or '[' */
    char state;          /* see ST_* */
    char is_node;        /* object that is a call/thread/root node */
    char is_calls;       /* array whose elements are nodes */
    char has_id;
    char is_thread;
    char key;            /* K_* of the member being parsed */
    char nmembers;       /* some member/element is complete */
    uint64_t pre_off;    /* output offset to drop this node entirely */
    uint64_t after_off;  /* array: output offset after its last element */
} Level;

enum { ST_FIRST, ST_KEY, ST_COLON, ST_VALUE, ST_NEXT };
enum { K_OTHER, K_ID, K_CALLS, K_KIND };

typedef struct {
    const char *name;        /* file being read, for messages */
    int in;
    unsigned char rbuf[RD_SIZE];
    size_t rpos, rlen;
    uint64_t roff;           /* offset of rbuf[0] in the file */
    int eof;

    int out;
    const char *out_name;
    char wbuf[WR_SIZE];
    size_t wlen;
    uint64_t wflushed;       /* bytes of output already written */

    Level *stack;
    int depth;
    int cap;
    int base;                /* levels below this belong to the caller */

    uint64_t safe;           /* output offset of the last safe point */
    uint64_t calls;
    uint64_t incomplete;
    uint64_t threads;
    int64_t *thread_ids;     /* ids of thread nodes under the root */
    int nthread_ids;
    int in_part;
    int skip_part;           /* the part's thread is already in the output */
    int root_calls_closed;
    char errmsg[200];
    int failed;              /* 1: syntax (ValueError), 2: I/O (OSError) */
} Repair;

/* ---- output ---------------------------------------------------------- */

static uint64_t
out_off(Repair *r)
{
    return r->wflushed + r->wlen;
}

static int
out_flush(Repair *r)
{
    if (r->wlen > 0 && ft_write_all(r->out, r->wbuf, r->wlen) < 0) {
        r->failed = 2;
        return -1;
    }
    r->wflushed += r->wlen;
    r->wlen = 0;
    return 0;
}

static void
out_put(Repair *r, const char *s, size_t n)
{
    while (n > 0) {
        size_t room = WR_SIZE - r->wlen;
        size_t k = n < room ? n : room;
        memcpy(r->wbuf + r->wlen, s, k);
        r->wlen += k;
        s += k;
        n -= k;
        if (r->wlen == WR_SIZE && out_flush(r) < 0) {
            return;
        }
    }
}

#define OUT_PUTS(r, lit) out_put((r), (lit), sizeof(lit) - 1)

static void
out_putc(Repair *r, char c)
{
    out_put(r, &c, 1);
}

static void
out_truncate(Repair *r, uint64_t off)
{
    if (off >= r->wflushed) {
        r->wlen = (size_t)(off - r->wflushed);
        return;
    }
    if (ftruncate(r->out, (off_t)off) < 0
        || lseek(r->out, (off_t)off, SEEK_SET) < 0) {
        r->failed = 2;
        return;
    }
    r->wflushed = off;
    r->wlen = 0;
}

/* ---- input ----------------------------------------------------------- */

static int
fill(Repair *r)
{
    ssize_t n;

    if (r->rpos < r->rlen) {
        return 1;
    }
    if (r->eof) {
        return 0;
    }
    r->roff += r->rlen;
    r->rpos = r->rlen = 0;
    do {
        n = read(r->in, r->rbuf, RD_SIZE);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        r->failed = 2;
        r->eof = 1;
        return 0;
    }
    if (n == 0) {
        r->eof = 1;
        return 0;
    }
    r->rlen = (size_t)n;
    return 1;
}

static int
peek(Repair *r)
{
    return fill(r) ? r->rbuf[r->rpos] : -1;
}

static uint64_t
in_off(Repair *r)
{
    return r->roff + r->rpos;
}

/* A run of NUL bytes to the end is what a power loss leaves: a cut. */
static int
rest_is_nul(Repair *r)
{
    int c;

    while ((c = peek(r)) == 0) {
        r->rpos++;
    }
    return c == -1;
}

static int
syntax(Repair *r, const char *what)
{
    if (!r->failed) {
        PyOS_snprintf(r->errmsg, sizeof(r->errmsg),
                      "%s: byte %llu: expected %s", r->name,
                      (unsigned long long)in_off(r), what);
        r->failed = 1;
    }
    return -1;
}

/* ---- stack ----------------------------------------------------------- */

static Level *
push(Repair *r, char type)
{
    Level *l;

    if (r->depth == r->cap) {
        int ncap = r->cap ? r->cap * 2 : 64;
        Level *ns = realloc(r->stack, sizeof(Level) * (size_t)ncap);
        if (ns == NULL) {
            r->failed = 2;
            errno = ENOMEM;
            return NULL;
        }
        r->stack = ns;
        r->cap = ncap;
    }
    l = &r->stack[r->depth++];
    memset(l, 0, sizeof(*l));
    l->type = type;
    l->state = ST_FIRST;
    return l;
}

static Level *
top(Repair *r)
{
    return r->depth > 0 ? &r->stack[r->depth - 1] : NULL;
}

static int
thread_seen(Repair *r, int64_t id)
{
    int i;

    for (i = 0; i < r->nthread_ids; i++) {
        if (r->thread_ids[i] == id) {
            return 1;
        }
    }
    return 0;
}

static void
remember_thread(Repair *r, int64_t id)
{
    int64_t *n = realloc(r->thread_ids,
                         sizeof(int64_t) * (size_t)(r->nthread_ids + 1));

    if (n != NULL) {
        r->thread_ids = n;
        r->thread_ids[r->nthread_ids++] = id;
    }
}

/* A node closes: count it. */
static void
count_node(Repair *r, Level *l, int level_index)
{
    if (l->is_thread) {
        r->threads++;
    }
    else if (level_index > 1) {
        r->calls++;
    }
}

/* A value just completed in the innermost container: a safe point. */
static void
value_done(Repair *r)
{
    Level *l = top(r);

    if (l != NULL) {
        l->state = ST_NEXT;
        l->nmembers = 1;
        if (l->type == '[') {
            l->after_off = out_off(r);
        }
    }
    r->safe = out_off(r);
}

/* ---- tokens ---------------------------------------------------------- */

/* 1: complete, 0: cut by the end of input, -1: error.  `small` receives
 * up to 15 bytes of the raw content (for keys and "kind"). */
static int
scan_string(Repair *r, char *small, size_t *small_len)
{
    int c, need = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n = 0;

    out_putc(r, '"');
    r->rpos++;
    for (;;) {
        c = peek(r);
        if (c < 0) {
            return 0;
        }
        r->rpos++;
        if (need > 0) {
            if (c < lo || c > hi) {
                r->rpos--;
                return syntax(r, "valid UTF-8 inside a string");
            }
            lo = 0x80;
            hi = 0xBF;
            need--;
        }
        else if (c == '"') {
            out_putc(r, '"');
            break;
        }
        else if (c == '\\') {
            int e;
            out_putc(r, '\\');
            e = peek(r);
            if (e < 0) {
                return 0;
            }
            if (strchr("\"\\/bfnrt", e) != NULL && e != 0) {
                r->rpos++;
                out_putc(r, (char)e);
            }
            else if (e == 'u') {
                int i;
                r->rpos++;
                out_putc(r, 'u');
                for (i = 0; i < 4; i++) {
                    int h = peek(r);
                    if (h < 0) {
                        return 0;
                    }
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f')
                          || (h >= 'A' && h <= 'F'))) {
                        return syntax(r, "4 hex digits after \\u");
                    }
                    r->rpos++;
                    out_putc(r, (char)h);
                }
            }
            else {
                return syntax(r, "an escape character after a backslash");
            }
            continue;
        }
        else if (c == 0 && rest_is_nul(r)) {
            return 0;
        }
        else if (c < 0x20) {
            r->rpos--;
            return syntax(r, "no control character inside a string");
        }
        else if (c >= 0x80) {
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            }
            else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                lo = c == 0xE0 ? 0xA0 : 0x80;
                hi = c == 0xED ? 0x9F : 0xBF;
            }
            else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                lo = c == 0xF0 ? 0x90 : 0x80;
                hi = c == 0xF4 ? 0x8F : 0xBF;
            }
            else {
                r->rpos--;
                return syntax(r, "valid UTF-8 inside a string");
            }
        }
        if (small != NULL && n < 15) {
            small[n] = (char)c;
        }
        n++;
        out_putc(r, (char)c);
    }
    if (small_len != NULL) {
        *small_len = n;
    }
    return 1;
}

static int
scan_number(Repair *r, int64_t *value)
{
    int c, digits = 0, neg = 0;
    int64_t v = 0;

    c = peek(r);
    if (c == '-') {
        neg = 1;
        out_putc(r, '-');
        r->rpos++;
    }
    while ((c = peek(r)) >= '0' && c <= '9') {
        v = v * 10 + (c - '0');
        digits++;
        out_putc(r, (char)c);
        r->rpos++;
    }
    if (c < 0) {
        return 0;
    }
    if (digits == 0) {
        return syntax(r, "a digit");
    }
    if (c == '.') {
        out_putc(r, '.');
        r->rpos++;
        digits = 0;
        while ((c = peek(r)) >= '0' && c <= '9') {
            digits++;
            out_putc(r, (char)c);
            r->rpos++;
        }
        if (c < 0) {
            return 0;
        }
        if (digits == 0) {
            return syntax(r, "a digit after the decimal point");
        }
    }
    if (c == 'e' || c == 'E') {
        out_putc(r, (char)c);
        r->rpos++;
        c = peek(r);
        if (c == '+' || c == '-') {
            out_putc(r, (char)c);
            r->rpos++;
        }
        digits = 0;
        while ((c = peek(r)) >= '0' && c <= '9') {
            digits++;
            out_putc(r, (char)c);
            r->rpos++;
        }
        if (c < 0) {
            return 0;
        }
        if (digits == 0) {
            return syntax(r, "a digit in the exponent");
        }
    }
    *value = neg ? -v : v;
    return 1;
}

static int
scan_literal(Repair *r)
{
    const char *word;
    int c = peek(r);

    word = c == 't' ? "true" : c == 'f' ? "false" : "null";
    for (; *word; word++) {
        c = peek(r);
        if (c < 0) {
            return 0;
        }
        if (c != *word) {
            return syntax(r, "true, false or null");
        }
        out_putc(r, (char)c);
        r->rpos++;
    }
    return 1;
}

static void
skip_ws(Repair *r)
{
    int c;

    while ((c = peek(r)) == ' ' || c == '\n' || c == '\t' || c == '\r') {
        r->rpos++;
    }
}

/* Start a value: returns 1 done/opened, 0 cut, -1 error. */
static int
scan_value(Repair *r)
{
    Level *parent = top(r);
    int c = peek(r), rc;
    int64_t num = 0;

    if (c < 0 || (c == 0 && rest_is_nul(r))) {
        return 0;
    }
    if (c == '{' || c == '[') {
        int pindex = r->depth - 1;
        uint64_t pre = parent && parent->type == '[' ? parent->after_off
                                                     : out_off(r);
        Level *l;
        if (parent == NULL && c != '[') {
            return syntax(r, "'[' (a FlowTrace trace is a JSON array)");
        }
        if (parent == NULL && r->in_part) {
            return syntax(r, "','");
        }
        l = push(r, (char)c);
        if (l == NULL) {
            return -1;
        }
        parent = pindex >= 0 ? &r->stack[pindex] : NULL;
        if (c == '{' && parent != NULL && parent->is_calls) {
            l->is_node = 1;
            l->pre_off = pre;
        }
        if (c == '[' && (parent == NULL
                         || (parent->type == '{' && parent->key == K_CALLS))) {
            l->is_calls = 1;
        }
        r->rpos++;
        out_putc(r, (char)c);
        l->after_off = out_off(r);
        r->safe = out_off(r);
        return 1;
    }
    if (parent == NULL) {
        return syntax(r, "'[' (a FlowTrace trace is a JSON array)");
    }
    if (parent->is_calls) {
        return syntax(r, "'{' (a call node)");
    }
    if (c == '"') {
        char small[16];
        size_t n = 0;
        rc = scan_string(r, small, &n);
        if (rc == 1 && parent->key == K_KIND && n == 6
            && memcmp(small, "thread", 6) == 0) {
            parent->is_thread = 1;
        }
    }
    else if (c == '-' || (c >= '0' && c <= '9')) {
        rc = scan_number(r, &num);
        if (rc == 1 && parent->is_node && parent->key == K_ID) {
            parent->has_id = 1;
            /* a thread node under the root: levels [, root {, calls [, it */
            if (r->depth == 4 || (r->in_part && r->depth == r->base + 1)) {
                if (r->in_part && thread_seen(r, num)) {
                    r->skip_part = 1;
                    return 0;
                }
                if (!r->in_part) {
                    remember_thread(r, num);
                }
            }
        }
    }
    else if (c == 't' || c == 'f' || c == 'n') {
        rc = scan_literal(r);
    }
    else {
        return syntax(r, "a JSON value");
    }
    if (rc == 1) {
        value_done(r);
    }
    return rc;
}

/* Parse until the input ends (0), the document completes (2), or an
 * error (-1). */
static int
parse(Repair *r)
{
    for (;;) {
        Level *l = top(r);
        int c, rc;

        skip_ws(r);
        c = peek(r);
        if (r->depth == r->base && r->base == 0 && r->safe > 0) {
            /* the document is complete */
            if (c < 0 || (c == 0 && rest_is_nul(r))) {
                return 2;
            }
            return syntax(r, "the end of the file after the trace");
        }
        if (c < 0 || (c == 0 && rest_is_nul(r))) {
            return 0;
        }
        if (l == NULL || r->depth == r->base) {
            if (r->in_part) {
                /* a part is ",{thread node}" */
                Level *b = top(r);
                if (c != ',') {
                    return syntax(r, "',' at the start of a thread part");
                }
                r->rpos++;
                if (b->nmembers) {
                    out_putc(r, ',');
                }
                b->state = ST_VALUE;
                rc = scan_value(r);
                if (rc <= 0) {
                    return rc;
                }
                continue;
            }
            rc = scan_value(r);
            if (rc <= 0) {
                return rc;
            }
            continue;
        }
        if (l->type == '{') {
            switch (l->state) {
            case ST_FIRST:
            case ST_KEY:
                if (c == '}' && l->state == ST_FIRST) {
                    goto close;
                }
                if (c != '"') {
                    return syntax(r, "'\"' (a member name)");
                }
                {
                    char small[16];
                    size_t n = 0;
                    rc = scan_string(r, small, &n);
                    if (rc <= 0) {
                        return rc;
                    }
                    l->key = K_OTHER;
                    if (n == 2 && memcmp(small, "id", 2) == 0) {
                        l->key = K_ID;
                    }
                    else if (n == 5 && memcmp(small, "calls", 5) == 0) {
                        l->key = K_CALLS;
                    }
                    else if (n == 4 && memcmp(small, "kind", 4) == 0) {
                        l->key = K_KIND;
                    }
                }
                l->state = ST_COLON;
                break;
            case ST_COLON:
                if (c != ':') {
                    return syntax(r, "':'");
                }
                r->rpos++;
                out_putc(r, ':');
                l->state = ST_VALUE;
                break;
            case ST_VALUE:
                rc = scan_value(r);
                if (rc <= 0) {
                    return rc;
                }
                break;
            default:
                if (c == ',') {
                    r->rpos++;
                    out_putc(r, ',');
                    l->state = ST_KEY;
                }
                else if (c == '}') {
                    goto close;
                }
                else {
                    return syntax(r, "',' or '}'");
                }
                break;
            }
            continue;
        }
        /* array */
        if (l->state == ST_NEXT) {
            if (c == ',') {
                r->rpos++;
                out_putc(r, ',');
                l->state = ST_VALUE;
            }
            else if (c == ']') {
                goto close;
            }
            else {
                return syntax(r, "',' or ']'");
            }
            continue;
        }
        if (c == ']' && l->state == ST_FIRST) {
            goto close;
        }
        rc = scan_value(r);
        if (rc <= 0) {
            return rc;
        }
        continue;
close:
        r->rpos++;
        out_putc(r, (char)c);
        if (l->is_node) {
            count_node(r, l, r->depth - 1);
        }
        if (l->is_calls && r->depth == 3) {
            r->root_calls_closed = 1;
        }
        r->depth--;
        value_done(r);
    }
}

/* Close every level above r->base, at the last safe point. */
static void
close_open(Repair *r, int merge_parts_at_root, const char *src);

static void
repair_parts(Repair *r, const char *src);

/* True if a "<src>.thread-K.part" file holds the thread node `id`. */
static int
part_has_thread(const char *src, int64_t id)
{
    char path[4096], head[64];
    int k, misses = 0;

    for (k = 1; misses < 64; k++) {
        long long got;
        ssize_t n;
        int fd;
        PyOS_snprintf(path, sizeof(path), "%s.thread-%d.part", src, k);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            misses++;
            continue;
        }
        n = read(fd, head, sizeof(head) - 1);
        close(fd);
        if (n > 0) {
            head[n] = '\0';
            if (sscanf(head, ",{\"id\":%lld", &got) == 1 && got == id) {
                return 1;
            }
        }
    }
    return 0;
}

static void
close_open(Repair *r, int merge, const char *src)
{
    out_truncate(r, r->safe);
    while (r->depth > r->base) {
        Level *l = top(r);
        if (l->type == '{' && merge && l->is_node && l->has_id
            && r->depth == 4 && r->nthread_ids > 1
            && part_has_thread(src, r->thread_ids[r->nthread_ids - 1])) {
            /* stop() was cut while appending this thread's part: the
             * part file has all of it, the copy here only a prefix */
            r->nthread_ids--;
            out_truncate(r, l->pre_off);
            r->depth--;
            continue;
        }
        if (l->type == '{') {
            if (l->is_node && !l->has_id && r->depth - 1 != 1) {
                /* cut before its id: drop it; the array closes next.
                 * The root is kept whatever: it is the trace. */
                out_truncate(r, l->pre_off);
                r->depth--;
                continue;
            }
            if (l->is_node) {
                if (l->nmembers) {
                    OUT_PUTS(r, ",");
                }
                OUT_PUTS(r, "\"incomplete\":true}");
                r->incomplete++;
                count_node(r, l, r->depth - 1);
            }
            else {
                OUT_PUTS(r, "}");
            }
        }
        else {
            if (merge && l->is_calls && r->depth == 3) {
                repair_parts(r, src);
            }
            OUT_PUTS(r, "]");
        }
        r->depth--;
        if (r->depth > 0) {
            top(r)->nmembers = 1;
        }
    }
}

static int
part_cmp(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;

    return x < y ? -1 : x > y;
}

/* Append "<src>.thread-K.part" files (K ascending), each repaired. */
static void
repair_parts(Repair *r, const char *src)
{
    char *dcopy = strdup(src), *bcopy = strdup(src);
    const char *dir, *base;
    size_t blen;
    DIR *d;
    struct dirent *de;
    long *ks = NULL;
    int nk = 0, i;

    if (dcopy == NULL || bcopy == NULL) {
        goto out;
    }
    dir = dirname(dcopy);
    base = basename(bcopy);
    blen = strlen(base);
    d = opendir(dir);
    if (d == NULL) {
        goto out;
    }
    while ((de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        char *end;
        long k;
        if (strncmp(n, base, blen) != 0 || strncmp(n + blen, ".thread-", 8)) {
            continue;
        }
        k = strtol(n + blen + 8, &end, 10);
        if (k > 0 && strcmp(end, ".part") == 0) {
            long *nks = realloc(ks, sizeof(long) * (size_t)(nk + 1));
            if (nks != NULL) {
                ks = nks;
                ks[nk++] = k;
            }
        }
    }
    closedir(d);
    if (nk > 0) {
        /* qsort(NULL, 0, ...) is undefined behaviour (UBSan says so) */
        qsort(ks, (size_t)nk, sizeof(long), part_cmp);
    }
    for (i = 0; i < nk && !r->failed; i++) {
        char path[4096];
        Repair saved;
        uint64_t start;
        int fd;

        PyOS_snprintf(path, sizeof(path), "%s.thread-%ld.part", src, ks[i]);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        /* parse the part on top of the root "calls" level */
        saved.in = r->in;
        saved.rpos = r->rpos;
        saved.rlen = r->rlen;
        saved.roff = r->roff;
        saved.eof = r->eof;
        saved.name = r->name;
        r->in = fd;
        r->rpos = r->rlen = 0;
        r->roff = 0;
        r->eof = 0;
        r->name = path;
        r->in_part = 1;
        r->skip_part = 0;
        r->base = r->depth;
        start = out_off(r);
        top(r)->after_off = start;
        r->safe = start;
        if (parse(r) < 0 && r->failed == 1) {
            /* a damaged part: keep what parsed, say so */
            ft_report("[FlowTrace] repair: %s", r->errmsg);
            r->failed = 0;
        }
        if (r->skip_part) {
            r->safe = start;
            out_truncate(r, start);
            r->depth = r->base;
        }
        else {
            close_open(r, 0, src);
        }
        close(fd);
        r->in_part = 0;
        r->base = 0;
        r->in = saved.in;
        r->rpos = saved.rpos;
        r->rlen = saved.rlen;
        r->roff = saved.roff;
        r->eof = saved.eof;
        r->name = saved.name;
        /* The part's bytes were read through rbuf: reload the main file's
         * block (only its end matters now: the main file is done). */
        r->rlen = r->rpos = 0;
        r->eof = 1;
    }
out:
    free(ks);
    free(dcopy);
    free(bcopy);
}

/* An already complete trace: the output is a byte-for-byte copy. */
static void
copy_plain(Repair *r)
{
    char buf[65536];
    ssize_t n;

    out_truncate(r, 0);
    if (lseek(r->in, 0, SEEK_SET) < 0) {
        r->failed = 2;
        return;
    }
    while ((n = read(r->in, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            r->failed = 2;
            return;
        }
        out_put(r, buf, (size_t)n);
    }
}

static PyObject *
set_error(Repair *r, const char *file)
{
    if (r->failed == 1) {
        PyErr_SetString(PyExc_ValueError, r->errmsg);
    }
    else {
        PyObject *p = PyUnicode_DecodeFSDefault(file);
        if (p != NULL) {
            PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, p);
            Py_DECREF(p);
        }
    }
    return NULL;
}

/* children: also splice the child processes' parts of src (the splice
 * itself salvages a child's part without: it splices them as it goes). */
PyObject *
ft_repair_ex(const char *src, const char *dst, int children)
{
    Repair *r = calloc(1, sizeof(Repair));
    char *tmp = NULL;
    int rc, complete = 0, nproc;
    PyObject *res = NULL;
    mode_t mask;

    if (r == NULL) {
        return PyErr_NoMemory();
    }
    r->name = src;
    r->in = open(src, O_RDONLY | O_CLOEXEC);
    r->out = -1;
    if (r->in < 0) {
        set_error(r, src);
        goto out;
    }
    tmp = malloc(strlen(dst) + 16);
    if (tmp == NULL) {
        PyErr_NoMemory();
        goto out;
    }
    strcpy(tmp, dst);
    strcat(tmp, ".repair-XXXXXX");
    r->out = mkstemp(tmp);
    if (r->out < 0) {
        set_error(r, dst);
        free(tmp);
        tmp = NULL;
        goto out;
    }
    mask = umask(0);
    umask(mask);
    (void)fchmod(r->out, 0666 & ~mask);

    Py_BEGIN_ALLOW_THREADS
    skip_ws(r);
    if (peek(r) < 0 && !r->failed) {
        PyOS_snprintf(r->errmsg, sizeof(r->errmsg),
                      "%s: byte 0: expected '[' (the file is empty)", src);
        r->failed = 1;
        rc = -1;
    }
    else {
        rc = parse(r);
    }
    if (rc == 2) {
        complete = 1;
        copy_plain(r);
    }
    else if (rc == 0 && !r->failed) {
        close_open(r, !r->root_calls_closed, src);
    }
    if (!r->failed) {
        out_flush(r);
    }
    Py_END_ALLOW_THREADS

    if (r->failed) {
        set_error(r, r->failed == 1 ? src : dst);
        unlink(tmp);
        goto out;
    }
    if (out_off(r) <= 2) {
        PyErr_Format(PyExc_ValueError,
                     "%s: byte 1: expected '{' (the root node is missing: "
                     "nothing to recover)", src);
        unlink(tmp);
        goto out;
    }
    if (fsync(r->out) < 0 || close(r->out) < 0) {
        r->out = -1;
        r->failed = 2;
        set_error(r, dst);
        unlink(tmp);
        goto out;
    }
    r->out = -1;
    if (rename(tmp, dst) < 0) {
        r->failed = 2;
        set_error(r, dst);
        unlink(tmp);
        goto out;
    }
    /* Child processes: their parts replace their placeholders. */
    nproc = children ? ft_children_splice(dst, src, 0, NULL) : 0;
    if (nproc < 0) {
        set_error(r, dst);
        goto out;
    }
    res = Py_BuildValue("{s:K,s:K,s:K,s:O,s:i}",
                        "calls", (unsigned long long)r->calls,
                        "incomplete", (unsigned long long)r->incomplete,
                        "threads", (unsigned long long)r->threads,
                        "was_complete", complete ? Py_True : Py_False,
                        "processes", nproc);
out:
    if (r->in >= 0) {
        close(r->in);
    }
    if (r->out >= 0) {
        close(r->out);
    }
    free(tmp);
    free(r->stack);
    free(r->thread_ids);
    free(r);
    return res;
}

PyObject *
ft_repair(const char *src, const char *dst)
{
    return ft_repair_ex(src, dst, 1);
}
