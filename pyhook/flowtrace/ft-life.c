/* SPDX-License-Identifier: MIT
 *
 * ft-life.c: generators, coroutines and async generators as one node per
 * life (docs/trace-format.md, "Generators and coroutines").
 *
 * A life opens at the first resume of its frame and ends when the frame
 * returns, raises, or is closed.  While it runs, its calls are its
 * children; between runs it is suspended.  The file is written in one pass,
 * so a life's text is built aside, in its own buffer (spilled to
 * <output>.life-<id>.part beyond FT_LIFE_MEM), and placed in its parent's
 * stream when it ends.  Its parent is the recorded node that was running
 * when it first started, or, for an asyncio task, when the task was
 * created (BaseEventLoop.create_task); a parent that ends first hands its
 * dependants to its own parent.
 *
 * Records are found again by the frame's localsplus pointer, which is
 * fixed inside the generator object for its whole life.  Ordinary calls
 * pay one branch on FtCode.life and, while any record exists, one call
 * here after each return (ft_life_after_pop).
 */
#include "ft-private.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#if PY_VERSION_HEX >= 0x030B0000
#define Py_BUILD_CORE 1
#include "internal/pycore_frame.h"
#undef Py_BUILD_CORE
#endif

/* In memory up to this many bytes, then appended to a part file. */
#define FT_LIFE_MEM (64 * 1024)
#define FT_LIFE_INIT 1024

enum {
    LIFE_NEW,                /* just made, about to start */
    LIFE_CREATED,            /* a task's coroutine, not started yet */
    LIFE_RUNNING,
    LIFE_SUSPENDED,
    LIFE_ENDED               /* text complete, waiting to be placed */
};

struct FtLife {
    FtLife *next, *prev;     /* t->lives: every record of the thread */
    FtLife *hnext;           /* t->ltable chain */
    FtLife *pnext;           /* in a pending list */
    FtThread *t;
    void *key;               /* the frame's localsplus */
    int state;
    /* parent: a life, else the call at stack index pindex, else (-1)
     * the thread node */
    FtLife *plife;
    int pindex;
    int ndeps;               /* records whose parent is this life */
    FtLife *pending;         /* ended children waiting for this one */
    FtOut out;
    FtLife *prev_sink;       /* sink to go back to when it stops running */
    int entry;               /* stack index while running */
    char *spill;             /* part file path once spilled */
    PyObject *code;
    FtCode *info;
    const char *called;
    size_t called_len;
    uint64_t node_id;
    uint64_t start_ns;
    uint64_t resumed_ns;
    uint64_t run_ns;
    uint64_t resumes;
    uint64_t yields;
    int nchildren;
    uint64_t skipped;        /* skipped_calls so far (--max-depth, ...) */
    uint64_t saved_skip;     /* the thread's skip_depth while it runs */
    int pos;                 /* < 3.12: frame position when it suspended */
    int closed_guess;        /* < 3.12: ended where it was suspended */
    int dead;                /* 3.13: generator freed, end pending */
    PyObject *wref;          /* 3.13: weak reference to the generator */
    PyObject *coro;          /* a task's coroutine until it starts (the
                              * task holds it as long anyway) */
};

/* ---- records ------------------------------------------------------------ */

static size_t
hash_key(void *key, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)key;

    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 32) & (cap - 1);
}

static FtLife *
table_find(FtThread *t, void *key)
{
    FtLife *l;

    if (t->ltable == NULL) {
        return NULL;
    }
    for (l = t->ltable[hash_key(key, t->ltable_cap)]; l; l = l->hnext) {
        if (l->key == key) {
            return l;
        }
    }
    return NULL;
}

static void
table_remove(FtThread *t, FtLife *l)
{
    FtLife **pp;

    if (t->ltable == NULL || l->key == NULL) {
        return;
    }
    for (pp = &t->ltable[hash_key(l->key, t->ltable_cap)]; *pp;
         pp = &(*pp)->hnext) {
        if (*pp == l) {
            *pp = l->hnext;
            break;
        }
    }
    l->key = NULL;
    l->hnext = NULL;
}

static int
table_add(FtThread *t, FtLife *l)
{
    if (t->ltable == NULL || (size_t)t->nlives > t->ltable_cap) {
        size_t cap = t->ltable_cap ? t->ltable_cap * 2 : 64, i;
        FtLife **nt = PyMem_RawCalloc(cap, sizeof(FtLife *));
        if (nt == NULL) {
            return -1;
        }
        for (i = 0; i < t->ltable_cap; i++) {
            FtLife *x = t->ltable[i], *nx;
            for (; x != NULL; x = nx) {
                size_t h = hash_key(x->key, cap);
                nx = x->hnext;
                x->hnext = nt[h];
                nt[h] = x;
            }
        }
        PyMem_RawFree(t->ltable);
        t->ltable = nt;
        t->ltable_cap = cap;
    }
    {
        size_t h = hash_key(l->key, t->ltable_cap);
        l->hnext = t->ltable[h];
        t->ltable[h] = l;
    }
    return 0;
}

static FtLife *
life_new(FtThread *t, void *key)
{
    FtLife *l = PyMem_RawCalloc(1, sizeof(FtLife));

    if (l == NULL) {
        return NULL;
    }
    l->t = t;
    l->key = key;
    l->pindex = -1;
    l->pos = -1;
    l->next = t->lives;
    if (t->lives != NULL) {
        t->lives->prev = l;
    }
    t->lives = l;
    t->nlives++;
    if (table_add(t, l) < 0) {
        l->key = NULL;
    }
    return l;
}

static void
life_free(FtThread *t, FtLife *l)
{
    table_remove(t, l);
    if (l->prev != NULL) {
        l->prev->next = l->next;
    }
    else {
        t->lives = l->next;
    }
    if (l->next != NULL) {
        l->next->prev = l->prev;
    }
    t->nlives--;
    Py_CLEAR(l->code);
    Py_CLEAR(l->wref);
    Py_CLEAR(l->coro);
    if (l->spill != NULL) {
        if (!t->tr->forked) {
            (void)unlink(l->spill);
        }
        PyMem_RawFree(l->spill);
    }
    PyMem_RawFree(l->out.buf);
    PyMem_RawFree(l);
}

/* ---- parents -------------------------------------------------------------- */

static void
dep_add(FtThread *t, FtLife *l)
{
    if (l->plife != NULL) {
        l->plife->ndeps++;
    }
    else if (l->pindex >= 0 && l->pindex < t->depth) {
        t->stack[l->pindex].ndeps++;
    }
}

static void
dep_drop(FtThread *t, FtLife *l)
{
    if (l->plife != NULL) {
        l->plife->ndeps--;
    }
    else if (l->pindex >= 0 && l->pindex < t->depth) {
        t->stack[l->pindex].ndeps--;
    }
}

/* The node running now becomes l's parent. */
static void
parent_is_top(FtThread *t, FtLife *l)
{
    l->plife = NULL;
    l->pindex = -1;
    if (t->depth > 0) {
        FtEntry *top = &t->stack[t->depth - 1];
        if (top->life != NULL) {
            l->plife = top->life;
        }
        else {
            l->pindex = t->depth - 1;
        }
    }
    dep_add(t, l);
}

/* The node at stack index i ends: its dependants go to its parent. */
static void
reparent_entry(FtThread *t, int i)
{
    FtLife *l;

    for (l = t->lives; l != NULL; l = l->next) {
        if (l->state == LIFE_ENDED || l->plife != NULL || l->pindex != i) {
            continue;
        }
        l->pindex = -1;
        if (i > 0 && t->stack[i - 1].life != NULL) {
            l->plife = t->stack[i - 1].life;
        }
        else if (i > 0) {
            l->pindex = i - 1;
        }
        dep_add(t, l);
    }
}

static void
reparent_life(FtThread *t, FtLife *p)
{
    FtLife *l;

    if (p->ndeps == 0) {
        return;
    }
    for (l = t->lives; l != NULL; l = l->next) {
        if (l->state != LIFE_ENDED && l->plife == p) {
            l->plife = p->plife;
            l->pindex = p->pindex;
            dep_add(t, l);
        }
    }
    p->ndeps = 0;
}

/* ---- sinks and text -------------------------------------------------------- */

/* Make `to`'s buffer (NULL: the thread's own) the one ft_put writes to. */
void
ft_sink_switch(FtThread *t, FtLife *to)
{
    FtOut *o;

    if (t->sink == to) {
        return;
    }
    o = t->sink ? &t->sink->out : &t->base;
    o->buf = t->buf;
    o->len = t->len;
    o->bufcap = t->bufcap;
    o->flushed = t->flushed;
    o = to ? &to->out : &t->base;
    t->buf = o->buf;
    t->len = o->len;
    t->bufcap = o->bufcap;
    t->flushed = o->flushed;
    t->sink = to;
}

static int
spill(FtThread *t, FtLife *l)
{
    FtTracer *tr = t->tr;
    int fd;

    if (l->spill == NULL) {
        char tmp[48];
        int n = PyOS_snprintf(tmp, sizeof(tmp), ".life-%llu.part",
                              (unsigned long long)l->node_id);
        l->spill = PyMem_RawMalloc(strlen(tr->path) + (size_t)n + 1);
        if (l->spill == NULL) {
            return -1;
        }
        strcpy(l->spill, tr->path);
        strcat(l->spill, tmp);
    }
    fd = open(l->spill, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0 || ft_write_all(fd, t->buf, t->len) < 0) {
        int err = errno;
        if (fd >= 0) {
            close(fd);
        }
        if (!tr->write_failed) {
            ft_report("[FlowTrace] cannot write %s: %s; recording stopped",
                      l->spill, strerror(err));
        }
        tr->write_failed = 1;
        return -1;
    }
    close(fd);
    t->flushed += t->len;
    t->len = 0;
    return 0;
}

/* ft_grow while a life's buffer is in: grow it up to FT_LIFE_MEM, then
 * spill it to its part file. */
int
ft_life_grow(FtThread *t, size_t need)
{
    size_t cap;
    char *nb;

    if (t->len + need > FT_LIFE_MEM && t->len > 0) {
        if (t->tr->write_failed || t->tr->forked) {
            t->flushed += t->len;
            t->len = 0;
        }
        else if (spill(t, t->sink) < 0) {
            t->flushed += t->len;
            t->len = 0;
        }
    }
    if (t->len + need <= t->bufcap) {
        return 0;
    }
    cap = t->bufcap ? t->bufcap : FT_LIFE_INIT;
    while (cap < t->len + need) {
        cap *= 2;
    }
    nb = PyMem_RawRealloc(t->buf, cap);
    if (nb == NULL) {
        return -1;
    }
    t->buf = nb;
    t->bufcap = cap;
    return 0;
}

/* Copy l's whole text to the current sink. */
static void
put_text(FtThread *t, FtLife *l)
{
    if (l->spill != NULL && !t->tr->write_failed) {
        char chunk[16384];
        int fd = open(l->spill, O_RDONLY | O_CLOEXEC);
        ssize_t n;
        if (fd < 0) {
            ft_report("[FlowTrace] cannot read %s: %s; recording stopped",
                      l->spill, strerror(errno));
            t->tr->write_failed = 1;
        }
        while (fd >= 0 && (n = read(fd, chunk, sizeof(chunk))) != 0) {
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                t->tr->write_failed = 1;
                break;
            }
            ft_put(t, chunk, (size_t)n);
        }
        if (fd >= 0) {
            close(fd);
        }
    }
    ft_put(t, l->out.buf, l->out.len);
}

/* Write l (ended) into `sink` as the next child of a node counting its
 * children in *nchildren, then free it. */
static void
append_into(FtThread *t, FtLife *sink, int *nchildren, FtLife *l)
{
    FtLife *saved = t->sink;

    ft_sink_switch(t, sink);
    if ((*nchildren)++) {
        FT_PUTS(t, ",");
    }
    put_text(t, l);
    ft_sink_switch(t, saved);
    life_free(t, l);
}

static void
pend(FtLife **list, FtLife *l)
{
    while (*list != NULL) {
        list = &(*list)->pnext;
    }
    l->pnext = NULL;
    *list = l;
}

/* The buffer the call at stack index i writes its children to. */
static FtLife *
sink_of(FtThread *t, int i)
{
    for (; i >= 0; i--) {
        if (t->stack[i].life != NULL) {
            return t->stack[i].life;
        }
    }
    return NULL;
}

/* True when the node at stack index i can take a child now: nothing of it
 * is open above it in its own buffer. */
static int
at_top(FtThread *t, int i)
{
    return i == t->depth - 1 || t->stack[i + 1].life != NULL;
}

/* l has ended: put it under its parent now, or queue it there until the
 * parent's text is at its "calls" level again. */
static void
place(FtThread *t, FtLife *l)
{
    FtLife *p = l->plife;

    if (p != NULL) {
        if (p->state == LIFE_RUNNING && p->entry < t->depth) {
            if (at_top(t, p->entry)) {
                append_into(t, p, &t->stack[p->entry].nchildren, l);
            }
            else {
                pend(&p->pending, l);
            }
        }
        else {
            append_into(t, p, &p->nchildren, l);
        }
    }
    else if (l->pindex >= 0 && l->pindex < t->depth) {
        if (at_top(t, l->pindex)) {
            append_into(t, sink_of(t, l->pindex),
                        &t->stack[l->pindex].nchildren, l);
        }
        else {
            pend(&t->stack[l->pindex].pending, l);
        }
    }
    else if (t->depth == 0 || t->stack[0].life != NULL) {
        append_into(t, NULL, &t->top_children, l);
    }
    else {
        pend(&t->pending, l);
    }
}

static void
flush_list(FtThread *t, FtLife **list, FtLife *sink, int *nchildren)
{
    while (*list != NULL) {
        FtLife *l = *list;
        *list = l->pnext;
        append_into(t, sink, nchildren, l);
    }
}

/* "duration_ms":..,"running_ms":..,"suspended_ms":..,"resumes":N,"yields":N
 * in whole microseconds, so that running + suspended == duration exactly. */
static void
put_times(FtThread *t, FtLife *l, uint64_t now)
{
    uint64_t dur = now > l->start_ns ? (now - l->start_ns + 500) / 1000 : 0;
    uint64_t run = (l->run_ns + 500) / 1000;

    if (run > dur) {
        run = dur;
    }
    FT_PUTS(t, "\"duration_ms\":");
    ft_put_ms(t, dur * 1000);
    FT_PUTS(t, ",\"running_ms\":");
    ft_put_ms(t, run * 1000);
    FT_PUTS(t, ",\"suspended_ms\":");
    ft_put_ms(t, (dur - run) * 1000);
    FT_PUTS(t, ",\"resumes\":");
    ft_put_u64(t, l->resumes);
    FT_PUTS(t, ",\"yields\":");
    ft_put_u64(t, l->yields);
    FT_PUTS(t, ",");
}

static int
is_generator_exit(PyObject *exc)
{
    return exc != NULL && PyObject_TypeCheck(exc,
                                             (PyTypeObject *)PyExc_GeneratorExit);
}

/* "error":..,"error_type":..[,"closed":true]} */
static void
put_end(FtThread *t, PyObject *exc, int closed)
{
    if (closed || is_generator_exit(exc)) {
        FT_PUTS(t, "\"error\":null,\"error_type\":null,\"closed\":true}");
    }
    else {
        ft_capture_error(t, exc);
        FT_PUTS(t, "}");
    }
}

/* --min-duration: a life that returned sooner, with no child node and
 * its text all in memory, leaves no node (as a short call does). */
static int
too_short(FtThread *t, FtLife *l, uint64_t now)
{
    return t->tr->min_duration_ns > 0
           && now - l->start_ns < t->tr->min_duration_ns
           && l->nchildren == 0 && l->pending == NULL && l->spill == NULL;
}

/* Count a dropped life, with what it had skipped, on its parent. */
static void
drop(FtThread *t, FtLife *l)
{
    FtLife *p = l->plife;
    uint64_t k = 1 + l->skipped;

    if (p != NULL && p->state == LIFE_RUNNING && p->entry < t->depth) {
        t->stack[p->entry].skipped += k;
    }
    else if (p != NULL) {
        p->skipped += k;
    }
    else if (l->pindex >= 0 && l->pindex < t->depth) {
        t->stack[l->pindex].skipped += k;
    }
    else {
        t->top_skipped += k;
    }
    table_remove(t, l);
    reparent_life(t, l);
    dep_drop(t, l);
    t->tr->inflight--;
    life_free(t, l);
}

/* l's text is complete: it stops being anyone's parent and is placed. */
static void
finish(FtThread *t, FtLife *l)
{
    table_remove(t, l);
    Py_CLEAR(l->wref);
    reparent_life(t, l);
    dep_drop(t, l);
    l->state = LIFE_ENDED;
    t->tr->inflight--;
    place(t, l);
}

/* End a life that is not running (suspended; its generator is gone, or
 * recording stops): closed, or incomplete. */
static void
end_aside(FtThread *t, FtLife *l, uint64_t now, int closed)
{
    FtLife *saved = t->sink;

    ft_sink_switch(t, l);
    FT_PUTS(t, "],");
    ft_put_skipped(t, l->skipped);
    if (closed) {
        FT_PUTS(t, "\"inputs_after\":{},\"output\":null,");
        put_times(t, l, now);
        put_end(t, NULL, 1);
    }
    else {
        FT_PUTS(t, "\"output\":null,\"error\":null,\"error_type\":null,"
                   "\"incomplete\":true,");
        put_times(t, l, now);
        t->len--;       /* the trailing comma */
        FT_PUTS(t, "}");
    }
    ft_sink_switch(t, saved);
    finish(t, l);
}

/* 3.13 closes a suspended generator that has no handler to run without
 * running its frame (no event): its end is seen when it is freed. */
static void
process_dead(FtThread *t)
{
    FtLife *l, *next;
    uint64_t now = ft_trace_ns(t->tr);

    t->ndead = 0;
    for (l = t->lives; l != NULL; l = next) {
        next = l->next;
        if (l->dead && l->state == LIFE_SUSPENDED) {
            /* placing frees l only */
            l->dead = 0;
            end_aside(t, l, now, 1);
        }
    }
}

/* 3.13: end the lives whose generator was freed without running its frame
 * (called when a recorded call returns: before its parent's node closes). */
void
ft_life_reap_dead(FtThread *t)
{
    if (t->ndead && !t->capturing) {
        process_dead(t);
    }
}

/* The weak reference is cleared before the generator's finalizer runs:
 * only mark it, since the finalizer may still run its frame (a finally to
 * run: a resume that ends it, seen by ft_life_enter).  Ended at the next
 * event otherwise. */
void
ft_life_gone(FtLife *l)
{
    FtThread *t = l->t;

    if (l->state != LIFE_SUSPENDED || t->detached || l->dead) {
        return;
    }
    l->dead = 1;
    t->ndead++;
}

/* ---- events ---------------------------------------------------------------- */

static FtEntry *
push(FtThread *t, PyObject *code, FtCode *c, FtLife *l)
{
    FtEntry *e;

    if (t->depth == t->cap) {
        FtEntry *ns = PyMem_RawRealloc(t->stack,
                                       sizeof(FtEntry) * (size_t)t->cap * 2);
        if (ns == NULL) {
            return NULL;
        }
        t->stack = ns;
        t->cap *= 2;
    }
    e = &t->stack[t->depth++];
    Py_INCREF(code);
    e->code = code;
    e->info = c;
    e->nchildren = l->nchildren;
    e->life = l;
    e->pending = NULL;
    e->ndeps = 0;
    e->skipped = l->skipped;
    e->id = l->node_id;
    e->open_pos = 0;
    e->start_ns = l->start_ns;
    e->called = l->called;
    e->called_len = l->called_len;
    l->entry = t->depth - 1;
    return e;
}

#if PY_VERSION_HEX >= 0x030D0000
PyObject *ft_gone_callback_new(FtTracer *tr, FtLife *l);

/* The generator object holding the frame whose localsplus is `locals`. */
static PyObject *
gen_of(PyObject **locals)
{
    _PyInterpreterFrame *f = (_PyInterpreterFrame *)
        ((char *)locals - offsetof(_PyInterpreterFrame, localsplus));

    if (f->owner != FRAME_OWNED_BY_GENERATOR) {
        return NULL;
    }
    return (PyObject *)((char *)f - offsetof(PyGenObject, gi_iframe));
}

static void
watch_gone(FtThread *t, FtLife *l, PyObject **locals)
{
    PyObject *gen = gen_of(locals), *cb;

    if (gen == NULL) {
        return;
    }
    cb = ft_gone_callback_new(t->tr, l);
    if (cb != NULL) {
        l->wref = PyWeakref_NewRef(gen, cb);
        Py_DECREF(cb);
    }
    PyErr_Clear();
}
#endif

static void
start(FtThread *t, FtLife *l, PyObject *code, FtCode *c, PyObject **locals,
      uint64_t now)
{
    FtEntry *e, pe;
    int saved_top = 0;

    if (l->state == LIFE_CREATED) {
        Py_CLEAR(l->coro);
    }
    else {
        parent_is_top(t, l);
    }
    l->state = LIFE_RUNNING;
    Py_INCREF(code);
    l->code = code;
    l->info = c;
    l->called = c->name;
    l->called_len = c->name_len;
    l->start_ns = l->resumed_ns = now;
    l->node_id = t->tr->next_id;
    l->prev_sink = t->sink;
    ft_sink_switch(t, l);
    ft_hook_enter(t);
    e = push(t, code, c, l);
    if (e == NULL) {
        (void)ft_hook_leave(t);
        return;
    }
    /* the parent, for "caller" (its child count is not touched here: the
     * comma comes when the text is placed) */
    memset(&pe, 0, sizeof(pe));
    if (l->plife != NULL) {
        pe.called = l->plife->called;
        pe.called_len = l->plife->called_len;
        pe.info = l->plife->info;
    }
    else if (l->pindex >= 0) {
        pe = t->stack[l->pindex];
        pe.nchildren = 0;
    }
    else {
        saved_top = t->top_children;
        t->top_children = 0;
    }
    ft_write_open(t, e, (l->plife || l->pindex >= 0) ? &pe : NULL, locals);
    if (l->plife == NULL && l->pindex < 0) {
        t->top_children = saved_top;
    }
    l->called = e->called;
    l->called_len = e->called_len;
    t->tr->calls++;
    t->tr->inflight++;
    t->last_ns = now;
#if PY_VERSION_HEX >= 0x030D0000
    if (!t->orphan) {
        watch_gone(t, l, locals);
    }
#endif
    (void)ft_hook_leave(t);
}

/* A suspended life runs this frame (a resume, not a new life). */
int
ft_life_known(FtThread *t, PyObject **locals)
{
    FtLife *l;

    if (locals == NULL || t->nlives == 0) {
        return 0;
    }
    l = table_find(t, locals);
    return l != NULL && l->state == LIFE_SUSPENDED;
}

/* First start or resume of a recorded generator/coroutine frame. */
int
ft_life_enter(FtThread *t, FtCode *c, PyObject *code, PyObject **locals,
              int resume)
{
    uint64_t now;
    FtLife *l;

    if (locals == NULL) {
        return 0;
    }
    now = ft_trace_ns(t->tr);
    l = table_find(t, locals);
    if (l != NULL && l->dead) {
        /* 3.13: its generator is being freed; the finalizer resumes the
         * frame (close() with a handler to run), or the address is
         * already another generator's */
        l->dead = 0;
        t->ndead--;
        if (resume == 0 || l->code != code || l->state != LIFE_SUSPENDED) {
            end_aside(t, l, now, 1);
            l = NULL;
        }
    }
    if (t->ndead) {
        process_dead(t);
    }
    if (l != NULL && l->state == LIFE_SUSPENDED
             && (l->code != code || resume == 0)) {
        /* its generator went away unseen (its end ran where no event is
         * given, e.g. a finalizer run by a collection inside a hook) and
         * a new one took its address */
        end_aside(t, l, now, 0);
        l = NULL;
    }
    else if (l != NULL && l->state == LIFE_RUNNING) {
        return 0;
    }
    if (l == NULL || l->state == LIFE_CREATED) {
        if (l == NULL && (l = life_new(t, locals)) == NULL) {
            return 0;
        }
        start(t, l, code, c, locals, now);
        return 0;
    }
    if (push(t, code, c, l) == NULL) {
        return 0;
    }
    l->state = LIFE_RUNNING;
    l->resumes++;
    l->resumed_ns = now;
    /* resumed below --max-depth: it was recorded higher up, so it goes on
     * (its own callees are still cut) */
    l->saved_skip = t->skip_depth;
    t->skip_depth = 0;
    l->prev_sink = t->sink;
    ft_sink_switch(t, l);
    t->last_ns = now;
    return 0;
}

/* The life on top of the stack suspends; 0 if code is not that life. */
int
ft_life_yield(FtThread *t, PyObject *code, int pos)
{
    FtEntry *e;
    FtLife *l;
    uint64_t now;

    if (t->depth == 0) {
        return 0;
    }
    e = &t->stack[t->depth - 1];
    if (e->code != code || e->life == NULL) {
        return 0;
    }
    l = e->life;
    now = ft_trace_ns(t->tr);
    l->run_ns += now - l->resumed_ns;
    l->yields++;
    l->nchildren = e->nchildren;
    l->skipped = e->skipped;
    l->pos = pos;
    l->state = LIFE_SUSPENDED;
    t->skip_depth = l->saved_skip;
    l->saved_skip = 0;
    t->depth--;
    Py_DECREF(e->code);
    ft_sink_switch(t, l->prev_sink);
    t->last_ns = now;
    ft_life_after_pop(t, e);
    return 1;
}

/* The life on top of the stack returns or raises (pending: < 3.12, the
 * exception is known at the next event, see ft_life_resolve). */
void
ft_life_end(FtThread *t, PyObject **locals, PyObject *retval, PyObject *exc,
            int pending)
{
    FtTracer *tr = t->tr;
    FtEntry *e = &t->stack[t->depth - 1];
    FtLife *l = e->life;
    uint64_t now;

    ft_hook_enter(t);
    FT_PUTS(t, "],");
    ft_put_skipped(t, e->skipped);
    FT_PUTS(t, "\"inputs_after\":");
    t->budget = t->flushed + t->len + FT_CALL_BUDGET / 2;
    if (tr->skip_inputs || locals == NULL) {
        FT_PUTS(t, "{}");
    }
    else {
        ft_capture_args(t, l->info, locals);
    }
    FT_PUTS(t, ",\"output\":");
    if (tr->skip_outputs || retval == NULL) {
        FT_PUTS(t, "null");
    }
    else {
        ft_capture(t, retval, 0);
    }
    if (tr->memory) {
        ft_capture_memory(t, ",\"memory_after\":",
                          sizeof(",\"memory_after\":") - 1);
    }
    FT_PUTS(t, ",");
    now = ft_trace_ns(tr);
    l->run_ns += now - l->resumed_ns;
    put_times(t, l, now);
    if (t->orphan) {
        (void)ft_hook_leave(t);
        return;
    }
    if (pending) {
        t->exc_pending = 1;
        t->exc_life = l;
        l->closed_guess = l->pos >= 0 && t->life_pos == l->pos;
    }
    else {
        put_end(t, exc, 0);
    }
    l->nchildren = e->nchildren;
    l->skipped = e->skipped;
    t->skip_depth = l->saved_skip;
    l->saved_skip = 0;
    t->depth--;
    Py_DECREF(e->code);
    ft_sink_switch(t, l->prev_sink);
    t->last_ns = now;
    if (pending) {
        /* keep its parent until the error is known */
        table_remove(t, l);
        l->state = LIFE_SUSPENDED;
    }
    ft_life_after_pop(t, e);
    if (!pending && exc == NULL && too_short(t, l, now)) {
        drop(t, l);
    }
    else if (!pending) {
        finish(t, l);
    }
    (void)ft_hook_leave(t);
}

/* < 3.12: the exception that ended t->exc_life is known (or not: NULL). */
void
ft_life_resolve(FtThread *t, PyObject *exc)
{
    FtLife *l = t->exc_life, *saved = t->sink;

    t->exc_life = NULL;
    t->exc_pending = 0;
    ft_sink_switch(t, l);
    if (exc == NULL && !l->closed_guess) {
        FT_PUTS(t, "\"error\":\"<exception>\",\"error_type\":null}");
    }
    else {
        put_end(t, exc, exc == NULL);
    }
    ft_sink_switch(t, saved);
    finish(t, l);
}

/* After any pop from the stack (popped: the slot just left): hand the
 * popped call's dependants to its parent, place what waited for the new
 * top. */
void
ft_life_after_pop(FtThread *t, FtEntry *popped)
{
    if (popped->life == NULL && popped->ndeps > 0) {
        reparent_entry(t, t->depth);
        popped->ndeps = 0;
    }
    if (popped->pending != NULL) {
        /* cannot happen (flushed when it was on top); keep the text */
        FtLife *l = popped->pending;
        popped->pending = NULL;
        while (l != NULL) {
            FtLife *n = l->pnext;
            l->plife = NULL;
            l->pindex = t->depth - 1;
            if (t->depth > 0 && t->stack[t->depth - 1].life) {
                l->plife = t->stack[t->depth - 1].life;
            }
            place(t, l);
            l = n;
        }
    }
    if (t->depth > 0) {
        FtEntry *top = &t->stack[t->depth - 1];
        if (top->life != NULL && top->life->pending != NULL) {
            flush_list(t, &top->life->pending, top->life, &top->nchildren);
        }
        else if (top->life == NULL && top->pending != NULL) {
            flush_list(t, &top->pending, t->sink, &top->nchildren);
        }
    }
    else if (t->pending != NULL) {
        flush_list(t, &t->pending, NULL, &t->top_children);
    }
    if (t->ndead && !t->capturing) {
        process_dead(t);
    }
}

/* BaseEventLoop.create_task(self, coro, ...) starts: the task hangs under
 * the node running now.  Remembered by the coroutine's frame until it
 * first runs. */
void
ft_life_task_created(FtThread *t, PyObject **locals)
{
    PyObject *coro;
    void *key = NULL;
    FtLife *l;

    if (locals == NULL || (coro = locals[1]) == NULL
        || !(PyCoro_CheckExact(coro) || PyGen_CheckExact(coro))) {
        return;
    }
#if PY_VERSION_HEX >= 0x030B0000
    {
        PyGenObject *g = (PyGenObject *)coro;
        if (g->gi_frame_state != FRAME_CREATED) {
            return;
        }
        key = ((_PyInterpreterFrame *)g->gi_iframe)->localsplus;
    }
#else
    {
        PyFrameObject *f = ((PyGenObject *)coro)->gi_frame;
        if (f == NULL || f->f_lasti >= 0) {
            return;
        }
        key = f->f_localsplus;
    }
#endif
    l = table_find(t, key);
    if (l != NULL) {
        if (l->state != LIFE_CREATED) {
            return;
        }
        dep_drop(t, l);
        life_free(t, l);
    }
    l = life_new(t, key);
    if (l == NULL) {
        return;
    }
    l->state = LIFE_CREATED;
    /* held until it starts, so that its frame address cannot be reused
     * meanwhile (no allocation, unlike a weak reference) */
    l->coro = Py_NewRef(coro);
    parent_is_top(t, l);
}

/* ---- stop --------------------------------------------------------------- */

/* Close everything of t: suspended lives (newest first: children before
 * their parents) as incomplete under their parents, then the stack. */
void
ft_life_close_all(FtThread *t, uint64_t now)
{
    FtLife *l, *next;

    if (t->sink != NULL && (t->sink->entry >= t->depth
                            || t->stack[t->sink->entry].life != t->sink)) {
        /* a start that stop() rolled back */
        l = t->sink;
        ft_sink_switch(t, l->prev_sink);
        dep_drop(t, l);
        life_free(t, l);
    }
    for (l = t->lives; l != NULL; l = next) {
        next = l->next;
        if (l->state == LIFE_CREATED) {
            dep_drop(t, l);
            life_free(t, l);
        }
    }
    for (l = t->lives; l != NULL; l = next) {
        next = l->next;
        if (l->state == LIFE_SUSPENDED && t->exc_life != l) {
            /* closed when its generator was freed unseen (3.13) */
            end_aside(t, l, now, l->dead);
        }
    }
    while (t->depth > 0) {
        FtEntry *e = &t->stack[t->depth - 1];
        l = e->life;
        FT_PUTS(t, "],");
        ft_put_skipped(t, e->skipped);
        FT_PUTS(t, "\"output\":null,\"error\":null,\"error_type\":null,"
                   "\"incomplete\":true,");
        if (l != NULL) {
            l->run_ns += now > l->resumed_ns ? now - l->resumed_ns : 0;
            put_times(t, l, now);
            t->len--;
        }
        else {
            FT_PUTS(t, "\"duration_ms\":");
            ft_put_ms(t, now > e->start_ns ? now - e->start_ns : 0);
        }
        FT_PUTS(t, "}");
        t->depth--;
        Py_CLEAR(e->code);
        if (l != NULL) {
            l->saved_skip = 0;
            ft_sink_switch(t, l->prev_sink);
            ft_life_after_pop(t, e);
            finish(t, l);
        }
        else {
            t->tr->inflight--;
            ft_life_after_pop(t, e);
        }
    }
    if (t->pending != NULL) {
        flush_list(t, &t->pending, NULL, &t->top_children);
    }
}

void
ft_life_free_all(FtThread *t)
{
    if (t->sink != NULL) {
        ft_sink_switch(t, NULL);
    }
    while (t->lives != NULL) {
        life_free(t, t->lives);
    }
    PyMem_RawFree(t->ltable);
    t->ltable = NULL;
    t->ltable_cap = 0;
    t->pending = NULL;
    t->exc_life = NULL;
}
