/* SPDX-License-Identifier: MIT
 *
 * ft-writer.c: per-thread output buffers, write(2), and JSON text.
 *
 * Every recording thread appends to its own buffer while holding the GIL;
 * a full buffer is written out by the thread itself, the flusher writes the
 * others on its interval.  Nothing here allocates per call.
 */
#include "ft-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

uint64_t
ft_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the trace clock (see FtClock) ------------------------------------ */

#if defined(__x86_64__)
static int tsc_ok = -1;              /* -1: not checked yet */
static uint64_t early_tsc, early_ns; /* a pair taken at import */

/* 1 if `line` holds `word` as a whole blank-separated token */
static int
has_token(const char *line, const char *word)
{
    size_t n = strlen(word);
    const char *p = line;

    while ((p = strstr(p, word)) != NULL) {
        if ((p == line || p[-1] == ' ' || p[-1] == '\t')
            && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0')) {
            return 1;
        }
        p += n;
    }
    return 0;
}

/* The TSC is used only when it ticks at a constant rate in every power
 * state (constant_tsc, nonstop_tsc) and the kernel trusts it as its own
 * clock source (so it is also synchronised between CPUs). */
static int
tsc_usable(void)
{
    const char *env = getenv("FLOWTRACE_CLOCK");
    char line[8192];
    FILE *f;
    int flags = 0, source = 0;

    if (env != NULL && strcmp(env, "monotonic") == 0) {
        return 0;
    }
    f = fopen("/proc/cpuinfo", "re");
    if (f != NULL) {
        while (fgets(line, sizeof(line), f) != NULL) {
            if (strncmp(line, "flags", 5) == 0) {
                flags = has_token(line, "constant_tsc")
                        && has_token(line, "nonstop_tsc");
                break;
            }
        }
        fclose(f);
    }
    f = fopen("/sys/devices/system/clocksource/clocksource0/"
              "current_clocksource", "re");
    if (f != NULL) {
        source = fgets(line, sizeof(line), f) != NULL
                 && strcmp(line, "tsc\n") == 0;
        fclose(f);
    }
    return flags && source;
}

/* A (TSC, CLOCK_MONOTONIC) pair: the tightest of a few tries, the TSC
 * taken halfway through the clock read. */
static void
read_pair(uint64_t *tsc, uint64_t *ns)
{
    uint64_t best = UINT64_MAX;
    int i;

    for (i = 0; i < 5; i++) {
        uint64_t a = __rdtsc();
        uint64_t n = ft_now_ns();
        uint64_t b = __rdtsc();
        if (b - a < best) {
            best = b - a;
            *tsc = a + (b - a) / 2;
            *ns = n;
        }
    }
}
#endif

/* At import: the first calibration pair, so that start() finds a baseline
 * of a few milliseconds (the runner's own start-up) without waiting. */
void
ft_clock_early(void)
{
#if defined(__x86_64__)
    if (tsc_ok < 0) {
        tsc_ok = tsc_usable();
    }
    if (tsc_ok) {
        read_pair(&early_tsc, &early_ns);
    }
#endif
}

void
ft_clock_start(FtTracer *tr)
{
    FtClock *c = &tr->clock;

    memset(c, 0, sizeof(*c));
    tr->t0 = ft_now_ns();
#if defined(__x86_64__)
    {
        uint64_t tsc = 0, ns = 0, mult;
        if (tsc_ok < 0 || early_ns == 0) {
            ft_clock_early();
        }
        if (!tsc_ok) {
            return;
        }
        /* at least 1 ms of baseline: the factor is then good to ~1e-5
         * until the first re-anchoring, far better afterwards */
        do {
            read_pair(&tsc, &ns);
        } while (ns - early_ns < 1000000);
        if (tsc <= early_tsc) {
            return;
        }
        mult = (uint64_t)(((unsigned __int128)(ns - early_ns) << 32)
                          / (tsc - early_tsc));
        /* sanity: between 1/64 and 64 ns per tick */
        if (mult < (1ULL << 26) || mult > (64ULL << 32)) {
            return;
        }
        c->cal_tsc = early_tsc;
        c->cal_ns = early_ns;
        c->mult = mult;
        c->base_tsc = tsc;
        c->base_ns = ns - tr->t0;
        /* re-anchor about every 20 ms */
        c->span = (uint64_t)((20000000ULL << 32) / mult);
        c->use_tsc = 1;
    }
#endif
}

/* Slow path of ft_trace_ns(): a TSC reading past the span (or behind the
 * anchor, taken on another CPU): re-calibrate over the whole baseline and
 * re-anchor.  Never returns less than a value given out before. */
uint64_t
ft_clock_resync(FtTracer *tr, uint64_t tsc_now)
{
#if defined(__x86_64__)
    FtClock *c = &tr->clock;
    uint64_t tsc = 0, ns = 0, old, rel;

    if ((int64_t)(tsc_now - c->base_tsc) < 0) {
        return c->base_ns;
    }
    read_pair(&tsc, &ns);
    if ((int64_t)(tsc - c->base_tsc) < 0) {
        return c->base_ns;
    }
    old = c->base_ns + (uint64_t)(((unsigned __int128)(tsc - c->base_tsc)
                                   * c->mult) >> 32);
    if (tsc > c->cal_tsc && ns > c->cal_ns) {
        uint64_t m = (uint64_t)(((unsigned __int128)(ns - c->cal_ns) << 32)
                                / (tsc - c->cal_tsc));
        if (m != 0) {
            c->mult = m;
        }
    }
    rel = ns - tr->t0;
    c->base_tsc = tsc;
    c->base_ns = rel > old ? rel : old;
    return c->base_ns;
#else
    return ft_now_ns() - tr->t0;
#endif
}

/* The one place that writes to stderr: one line, prefixed. */
void
ft_report(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t)n > sizeof(line) - 2) {
        n = sizeof(line) - 2;
    }
    line[n++] = '\n';
    (void)ft_write_all(2, line, (size_t)n);
}

int
ft_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Write `len` bytes of t's stream: to the main file or t's part file.
 * Called by the recording thread (synchronous flushes) or the writer. */
static int
write_stream(FtTracer *tr, FtThread *t, const char *buf, size_t len)
{
    int fd, rc = 0, err = 0;

    if (t->part_path == NULL) {
        fd = tr->fd;
    }
    else {
        fd = open(t->part_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                  0644);
    }
    if (fd < 0 || ft_write_all(fd, buf, len) < 0) {
        err = errno;
        rc = -1;
    }
    if (fd >= 0 && t->part_path != NULL) {
        close(fd);
    }
    errno = err;
    return rc;
}

static void
report_failure(FtTracer *tr, FtThread *t, int err)
{
    ft_report("[FlowTrace] cannot write %s: %s; recording stopped",
              t->part_path ? t->part_path : tr->path, strerror(err));
}

/* ---- background writer -------------------------------------------------
 *
 * A recording thread whose buffer is full hands it to the writer thread
 * (a plain pthread: no GIL, no Python API) and goes on with an empty one
 * from a small pool, so write(2) into the page cache no longer runs on
 * the recording thread.  Chunks are written in the order they were handed
 * over, so each stream keeps its order; a synchronous flush of a thread
 * (timed flush, --flush-every-call, stop, thread exit) first waits until
 * the writer has written that thread's chunks.  The pool holds at most
 * FT_WRITER_CHUNKS buffers, allocated on first need and reused; a thread
 * that finds none free waits for the writer. */

#define FT_WRITER_CHUNKS 6

static void *
writer_main(void *arg)
{
    FtTracer *tr = arg;

    pthread_mutex_lock(&tr->wlock);
    for (;;) {
        FtChunk *c;
        FtThread *t;
        int rc = 0, err = 0, skip;

        while (tr->wq_head == NULL && !tr->writer_stop) {
            pthread_cond_wait(&tr->wwork, &tr->wlock);
        }
        c = tr->wq_head;
        if (c == NULL) {
            break;
        }
        tr->wq_head = c->next;
        if (tr->wq_head == NULL) {
            tr->wq_tail = NULL;
        }
        t = c->owner;
        skip = tr->write_failed;
        pthread_mutex_unlock(&tr->wlock);
        if (!skip) {
            rc = write_stream(tr, t, c->buf, c->len);
            err = errno;
        }
        pthread_mutex_lock(&tr->wlock);
        if (rc < 0) {
            if (!tr->write_failed) {
                report_failure(tr, t, err);
            }
            tr->write_failed = 1;
        }
        else if (!skip) {
            tr->bytes += c->len;
            tr->last_flush_bytes += c->len;
        }
        c->owner = NULL;
        c->len = 0;
        c->next = tr->wfree;
        tr->wfree = c;
        __atomic_sub_fetch(&t->queued, 1, __ATOMIC_RELEASE);
        pthread_cond_broadcast(&tr->wdone);
    }
    pthread_mutex_unlock(&tr->wlock);
    return NULL;
}

void
ft_writer_start(FtTracer *tr)
{
    pthread_mutex_init(&tr->wlock, NULL);
    pthread_cond_init(&tr->wwork, NULL);
    pthread_cond_init(&tr->wdone, NULL);
    tr->wq_head = tr->wq_tail = NULL;
    tr->wfree = NULL;
    tr->wchunks = 0;
    tr->writer_stop = 0;
    tr->writer_running = pthread_create(&tr->writer, NULL, writer_main,
                                        tr) == 0;
}

static void
free_chunks(FtChunk *c)
{
    while (c != NULL) {
        FtChunk *next = c->next;
        PyMem_RawFree(c->buf);
        PyMem_RawFree(c);
        c = next;
    }
}

/* Write everything queued, end the writer, free the pool. */
void
ft_writer_stop(FtTracer *tr)
{
    if (!tr->writer_running) {
        return;
    }
    pthread_mutex_lock(&tr->wlock);
    tr->writer_stop = 1;
    pthread_cond_signal(&tr->wwork);
    pthread_mutex_unlock(&tr->wlock);
    pthread_join(tr->writer, NULL);
    tr->writer_running = 0;
    free_chunks(tr->wfree);
    tr->wfree = NULL;
    pthread_cond_destroy(&tr->wwork);
    pthread_cond_destroy(&tr->wdone);
    pthread_mutex_destroy(&tr->wlock);
}

/* A fork child: the writer thread does not exist here; drop its state
 * without touching its lock (it may have been held at the fork). */
void
ft_writer_forget(FtTracer *tr)
{
    if (!tr->writer_running) {
        return;
    }
    tr->writer_running = 0;
    free_chunks(tr->wfree);
    free_chunks(tr->wq_head);
    tr->wfree = tr->wq_head = tr->wq_tail = NULL;
}

/* Wait until the writer has written every chunk of t. */
void
ft_writer_drain(FtThread *t)
{
    FtTracer *tr = t->tr;

    if (__atomic_load_n(&t->queued, __ATOMIC_ACQUIRE) == 0
        || !tr->writer_running) {
        return;
    }
    pthread_mutex_lock(&tr->wlock);
    while (__atomic_load_n(&t->queued, __ATOMIC_ACQUIRE) > 0) {
        pthread_cond_wait(&tr->wdone, &tr->wlock);
    }
    pthread_mutex_unlock(&tr->wlock);
}

/* Hand t's full buffer to the writer and take an empty one; 0 on success,
 * -1 when the writer cannot take it (caller writes synchronously). */
static int
hand_over(FtThread *t)
{
    FtTracer *tr = t->tr;
    FtChunk *c;

    pthread_mutex_lock(&tr->wlock);
    while ((c = tr->wfree) == NULL) {
        if (tr->wchunks < FT_WRITER_CHUNKS) {
            c = PyMem_RawCalloc(1, sizeof(FtChunk));
            if (c != NULL) {
                c->buf = PyMem_RawMalloc(FT_BUF_SIZE);
                c->cap = FT_BUF_SIZE;
                if (c->buf == NULL) {
                    PyMem_RawFree(c);
                    c = NULL;
                }
            }
            if (c == NULL) {
                pthread_mutex_unlock(&tr->wlock);
                return -1;
            }
            tr->wchunks++;
            c->next = NULL;
            tr->wfree = c;
            continue;
        }
        /* All in flight: wait for the writer (the GIL stays held; the
         * writer never needs it). */
        pthread_cond_wait(&tr->wdone, &tr->wlock);
    }
    tr->wfree = c->next;
    {
        char *empty = c->buf;
        size_t cap = c->cap;
        c->buf = t->buf;
        c->cap = t->bufcap;
        c->len = t->len;
        c->owner = t;
        c->next = NULL;
        t->buf = empty;
        t->bufcap = cap;
    }
    __atomic_add_fetch(&t->queued, 1, __ATOMIC_RELAXED);
    if (tr->wq_tail != NULL) {
        tr->wq_tail->next = c;
    }
    else {
        tr->wq_head = c;
    }
    tr->wq_tail = c;
    pthread_cond_signal(&tr->wwork);
    pthread_mutex_unlock(&tr->wlock);
    t->flushed += t->len;
    t->len = 0;
    return 0;
}

/* Write t's buffer now (after whatever of t the writer still holds). */
void
ft_flush_thread(FtThread *t)
{
    FtTracer *tr = t->tr;

    if (t->sink != NULL) {
        /* a life's buffer is in: flush the thread's own */
        FtLife *life = t->sink;
        ft_sink_switch(t, NULL);
        ft_flush_thread(t);
        ft_sink_switch(t, life);
        return;
    }
    if (t->len == 0) {
        return;
    }
    if (tr->forked || tr->write_failed || t->detached) {
        t->flushed += t->len;
        t->len = 0;
        return;
    }
    ft_writer_drain(t);
    if (tr->write_failed) {
        /* the writer failed meanwhile (and said so) */
    }
    else if (write_stream(tr, t, t->buf, t->len) < 0) {
        int err = errno;
        if (tr->writer_running) {
            pthread_mutex_lock(&tr->wlock);
        }
        if (!tr->write_failed) {
            report_failure(tr, t, err);
        }
        tr->write_failed = 1;
        if (tr->writer_running) {
            pthread_mutex_unlock(&tr->wlock);
        }
    }
    else {
        if (tr->writer_running) {
            pthread_mutex_lock(&tr->wlock);
        }
        tr->bytes += t->len;
        tr->last_flush_bytes += t->len;
        if (tr->writer_running) {
            pthread_mutex_unlock(&tr->wlock);
        }
    }
    t->flushed += t->len;
    t->len = 0;
}

/* A followed child finished a top-level call: write it now (a child may
 * be killed at any time), but not more than once a millisecond: a child
 * making many short top-level calls would pay a write(2) for each.  What
 * is left is written by the flusher within FT_CHILD_FLUSH_S, or before a
 * pool worker waits for its next task (flowtrace/children.py). */
void
ft_child_flush(FtThread *t)
{
    uint64_t now;

    if (t->len == 0) {
        return;
    }
    now = ft_now_ns();
    if (now - t->child_flush_ns >= FT_CHILD_FLUSH_GAP_NS) {
        ft_flush_thread(t);
        t->child_flush_ns = now;
    }
}

/* Make room for `need` bytes: hand the buffer to the writer (or write it
 * out), grow only for a single piece larger than the buffer (never for
 * values: they are cut). */
int
ft_grow(FtThread *t, size_t need)
{
    FtTracer *tr = t->tr;

    if (t->sink != NULL) {
        return ft_life_grow(t, need);
    }
    if (t->len > 0 && need <= FT_BUF_SIZE && tr->writer_running
        && !tr->forked && !tr->write_failed && !t->detached
        && hand_over(t) == 0) {
        if (need <= t->bufcap) {
            return 0;
        }
    }
    ft_flush_thread(t);
    if (need > t->bufcap) {
        char *nb = PyMem_RawRealloc(t->buf, need);
        if (nb == NULL) {
            return -1;
        }
        t->buf = nb;
        t->bufcap = need;
    }
    return 0;
}

static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* Decimal digits of v ending at `end`, two at a time. */
static char *
fmt_u64(char *end, uint64_t v)
{
    while (v >= 100) {
        unsigned int r = (unsigned int)(v % 100);
        v /= 100;
        end -= 2;
        memcpy(end, digit_pairs + 2 * r, 2);
    }
    if (v >= 10) {
        end -= 2;
        memcpy(end, digit_pairs + 2 * v, 2);
    }
    else {
        *--end = (char)('0' + v);
    }
    return end;
}

void
ft_put_u64(FtThread *t, uint64_t v)
{
    char tmp[24];
    char *s = fmt_u64(tmp + sizeof(tmp), v);

    ft_put(t, s, (size_t)(tmp + sizeof(tmp) - s));
}

void
ft_put_i64(FtThread *t, int64_t v)
{
    char tmp[24];
    char *s;

    if (v < 0) {
        s = fmt_u64(tmp + sizeof(tmp), (uint64_t)0 - (uint64_t)v);
        *--s = '-';
    }
    else {
        s = fmt_u64(tmp + sizeof(tmp), (uint64_t)v);
    }
    ft_put(t, s, (size_t)(tmp + sizeof(tmp) - s));
}

/* Milliseconds with 3 decimals, from nanoseconds (rounded). */
void
ft_put_ms(FtThread *t, uint64_t ns)
{
    char tmp[32];
    uint64_t us = (ns + 500) / 1000;
    char *end = tmp + sizeof(tmp);
    char *s;

    end[-1] = (char)('0' + us % 10);
    end[-2] = (char)('0' + us / 10 % 10);
    end[-3] = (char)('0' + us / 100 % 10);
    end[-4] = '.';
    s = fmt_u64(end - 4, us / 1000);
    ft_put(t, s, (size_t)(end - s));
}

static const char hexdigits[] = "0123456789abcdef";

/* 0: as is, 1: two-char escape, 2: \u00XX */
static const unsigned char esc_class[128] = {
    2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 1, 1, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static inline char *
put_ascii_escaped(char *o, unsigned int ch)
{
    switch (esc_class[ch]) {
    case 0:
        *o++ = (char)ch;
        break;
    case 1:
        *o++ = '\\';
        switch (ch) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        default: *o++ = 't'; break;
        }
        break;
    default:
        memcpy(o, "\\u00", 4);
        o[4] = hexdigits[ch >> 4];
        o[5] = hexdigits[ch & 15];
        o += 6;
        break;
    }
    return o;
}

static inline char *
put_code_point(char *o, Py_UCS4 ch)
{
    if (ch < 0x80) {
        return put_ascii_escaped(o, ch);
    }
    if (ch < 0x800) {
        *o++ = (char)(0xC0 | (ch >> 6));
        *o++ = (char)(0x80 | (ch & 0x3F));
    }
    else if (ch < 0x10000) {
        if (ch >= 0xD800 && ch <= 0xDFFF) {
            ch = 0xFFFD;   /* lone surrogate: keep the file strict UTF-8 */
        }
        *o++ = (char)(0xE0 | (ch >> 12));
        *o++ = (char)(0x80 | ((ch >> 6) & 0x3F));
        *o++ = (char)(0x80 | (ch & 0x3F));
    }
    else {
        *o++ = (char)(0xF0 | (ch >> 18));
        *o++ = (char)(0x80 | ((ch >> 12) & 0x3F));
        *o++ = (char)(0x80 | ((ch >> 6) & 0x3F));
        *o++ = (char)(0x80 | (ch & 0x3F));
    }
    return o;
}

/* Escape the first n code points of s into out (room: 6 * n bytes). */
static size_t
escape_unicode(char *out, PyObject *s, Py_ssize_t n)
{
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    char *o = out;
    Py_ssize_t i;

    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *p = data;
        for (i = 0; i < n; i++) {
            o = put_code_point(o, p[i]);
        }
    }
    else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *p = data;
        for (i = 0; i < n; i++) {
            o = put_code_point(o, p[i]);
        }
    }
    else {
        const Py_UCS4 *p = data;
        for (i = 0; i < n; i++) {
            o = put_code_point(o, p[i]);
        }
    }
    return (size_t)(o - out);
}

/* Escape a C string that is valid UTF-8 (or replaced byte-wise). */
size_t
ft_escape_utf8(char *out, const char *s, size_t n)
{
    char *o = out;
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x80) {
            o = put_ascii_escaped(o, ch);
        }
        else {
            *o++ = (char)ch;
        }
    }
    return (size_t)(o - out);
}

/* A malloc'd escaped copy of a str (no quotes), for cached fragments
 * (FT_PAD bytes of slack after the text). */
char *
ft_escape_pystr(PyObject *s, size_t *len_out)
{
    Py_ssize_t n;
    char *out;

#if PY_VERSION_HEX < 0x030C0000
    if (s != NULL && PyUnicode_Check(s) && PyUnicode_READY(s) < 0) {
        PyErr_Clear();
        s = NULL;
    }
#endif
    if (s == NULL || !PyUnicode_Check(s)) {
        out = PyMem_RawCalloc(1, 1 + FT_PAD);
        if (out != NULL) {
            *len_out = 0;
        }
        return out;
    }
    n = PyUnicode_GET_LENGTH(s);
    out = PyMem_RawCalloc(1, (size_t)n * 6 + 1 + FT_PAD);
    if (out == NULL) {
        return NULL;
    }
    *len_out = escape_unicode(out, s, n);
    return out;
}

/* A quoted JSON string of at most max_chars code points of s. */
void
ft_put_str(FtThread *t, PyObject *s, Py_ssize_t max_chars)
{
    Py_ssize_t n;
    char *o;

#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(s) < 0) {   /* legacy wstr-only strings */
        PyErr_Clear();
        FT_PUTS(t, "\"\"");
        return;
    }
#endif
    n = PyUnicode_GET_LENGTH(s);
    if (n > max_chars) {
        n = max_chars;
    }
    o = ft_reserve(t, (size_t)n * 6 + 2);
    if (o == NULL) {
        return;
    }
    *o++ = '"';
    if (PyUnicode_IS_ASCII(s)) {
        const Py_UCS1 *p = PyUnicode_1BYTE_DATA(s);
        Py_ssize_t i = 0;
        /* 8 bytes at a time while none needs escaping: no byte < 0x20,
         * no '"' (0x22), no '\\' (0x5C); ASCII so no high bit. */
        while (i + 8 <= n) {
            uint64_t w, ctl, q, b;
            memcpy(&w, p + i, 8);
            ctl = (w - 0x2020202020202020ULL) & ~w;
            q = w ^ 0x2222222222222222ULL;
            q = (q - 0x0101010101010101ULL) & ~q;
            b = w ^ 0x5C5C5C5C5C5C5C5CULL;
            b = (b - 0x0101010101010101ULL) & ~b;
            if ((ctl | q | b) & 0x8080808080808080ULL) {
                break;
            }
            memcpy(o, &w, 8);
            o += 8;
            i += 8;
        }
        for (; i < n; i++) {
            if (esc_class[p[i]] == 0) {
                *o++ = (char)p[i];
            }
            else {
                o = put_ascii_escaped(o, p[i]);
            }
        }
    }
    else {
        o += escape_unicode(o, s, n);
    }
    *o++ = '"';
    t->len = (size_t)(o - t->buf);
}

/* A quoted JSON string from C text (UTF-8). */
void
ft_put_cstr(FtThread *t, const char *s, size_t n)
{
    char *o = ft_reserve(t, n * 6 + 2);

    if (o == NULL) {
        return;
    }
    *o++ = '"';
    o += ft_escape_utf8(o, s, n);
    *o++ = '"';
    t->len = (size_t)(o - t->buf);
}
