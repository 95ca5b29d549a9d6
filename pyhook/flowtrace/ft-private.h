/* SPDX-License-Identifier: MIT
 *
 * ft-private.h: shared declarations of the flowtrace._flowtrace extension.
 *
 * The extension is split by concern: ft-module.c (module, start/stop,
 * flusher, fork), ft-hook.c (profile / sys.monitoring callbacks, per-thread
 * state, per-code cache), ft-capture.c (bounded value capture), ft-writer.c
 * (buffered output and JSON escaping), ft-repair.c (repair of cut
 * traces), ft-children.c (child processes' placeholders and splice) and
 * ft-signals.c (signal handlers held back while a hook runs Python code).
 * The trace format is described in docs/trace-format.md.
 */
#ifndef FT_PRIVATE_H
#define FT_PRIVATE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>
#include <pthread.h>
#include <stdint.h>
#include <stddef.h>

#if PY_VERSION_HEX >= 0x030C0000
#define FT_MONITORING 1
#else
#define FT_MONITORING 0
#endif

/* Bounds of captured values (docs/trace-format.md, "Captured values"). */
#define FT_MAX_DEPTH 3
#define FT_MAX_ITEMS 100
#define FT_MAX_CHARS 1000
#define FT_MAX_BYTES 1000
#define FT_CALL_BUDGET (64 * 1024)
/* Ints with more bits than this are not converted to decimal. */
#define FT_MAX_INT_BITS 13000

#define FT_BUF_SIZE (1024 * 1024)
/* A followed child writes what it recorded at least this often (s), and
 * its finished top-level calls at once unless it did less than
 * FT_CHILD_FLUSH_GAP_NS ago. */
#define FT_CHILD_FLUSH_S 0.005
#define FT_CHILD_FLUSH_GAP_NS 1000000
/* Readable slack after cached fragments: the hot path copies them in
 * 16-byte blocks, up to 32 bytes past their end. */
#define FT_PAD 32

typedef struct FtTracer FtTracer;
typedef struct FtThread FtThread;
typedef struct FtChunk FtChunk;
typedef struct FtLife FtLife;

/* A buffer handed to the writer thread (or waiting, empty, to be swapped
 * in by a recording thread). */
struct FtChunk {
    FtChunk *next;
    FtThread *owner;         /* NULL while free */
    char *buf;
    size_t len;
    size_t cap;
};

/* The trace clock: nanoseconds since start() on CLOCK_MONOTONIC's scale.
 * Where the TSC is invariant and the kernel itself keeps time with it, it
 * is read directly (rdtsc, ~10 ns here against ~28 ns for clock_gettime)
 * and converted with a factor calibrated against CLOCK_MONOTONIC over the
 * whole run so far, re-anchored every `span` ticks (docs/trace-format.md).
 * Read only with the GIL held. */
typedef struct {
    int use_tsc;
    uint64_t base_tsc;       /* anchor: TSC ... */
    uint64_t base_ns;        /* ... and trace ns at the last calibration */
    uint64_t mult;           /* ns per tick, 32.32 fixed point */
    uint64_t span;           /* ticks after base_tsc before re-anchoring */
    uint64_t cal_tsc;        /* first pair of the calibration baseline */
    uint64_t cal_ns;         /* (absolute CLOCK_MONOTONIC ns) */
} FtClock;

/* Per-code-object cache stored in co_extra.  Fragments are pre-escaped
 * JSON so that opening a node is a handful of memcpy calls. */
typedef struct {
    uint64_t gen;            /* tracer generation of `record` */
    int record;              /* 1: calls of this code are recorded */
    /* beside `record`: read on the same cache line by every call */
    unsigned char life;      /* generator, coroutine or async generator code:
                              * one node per life (ft-life.c) */
    unsigned char task_hook; /* asyncio BaseEventLoop.create_task */
    int self_kind;           /* 0: none, 1: first arg "self", 2: "cls" */
    int nargs;               /* argument slots, self/cls included */
    int varargs;             /* index of *args slot or -1 */
    int varkw;               /* index of **kwargs slot or -1 */
    /* Fragments are allocated with FT_PAD readable bytes past their end
     * (copied 16 bytes at a time). */
    char *ident;             /* "callable":"N","module":"M","called":" */
    size_t ident_len;
    char *ident_fn;          /* ident + N","caller":" (called = name) */
    size_t ident_fn_len;
    char *where;             /* ","instance_id":null,"file":..,"line":N,
                              * ["kind":..,]"start_ns": */
    size_t where_len;
    char *name;              /* escaped co_name (no quotes) */
    size_t name_len;
    char **argkeys;          /* "name": per argument slot */
    size_t *argkey_lens;
    int *argslots;           /* index in localsplus */
    int *argcell;            /* slot may hold a cell */
    unsigned char *argredact; /* argument named like a secret (this gen) */
    uint64_t type_gen;       /* tracer generation of last_type */
    PyTypeObject *last_type; /* type of the last self seen (ref in tr->types) */
    const char *type_name;   /* escaped name of last_type (owned by tr) */
    size_t type_name_len;
} FtCode;

typedef struct {
    PyObject *code;          /* strong reference */
    FtLife *life;            /* this entry runs a generator/coroutine life */
    FtCode *info;
    const char *called;      /* escaped "called" of this node */
    size_t called_len;
    uint64_t start_ns;
    int nchildren;
    uint64_t id;
    uint64_t open_pos;       /* output position of the node's first byte */
    uint64_t skipped;        /* calls below that left no node */
    FtLife *pending;         /* ended lives waiting to be placed under it */
    int ndeps;               /* lives (alive) whose parent is this call */
} FtEntry;

/* A stream's buffer: the thread's own, or a life's (see ft_sink_switch). */
typedef struct {
    char *buf;
    size_t len;
    size_t bufcap;
    uint64_t flushed;
} FtOut;

struct FtThread {
    FtTracer *tr;
    FtThread *next;
    int index;               /* 0: main file, k >= 1: part file k */
    int capturing;           /* > 0 while running Python code for a capture */
    int in_hook;             /* > 0 while inside a hook (flusher skips it) */
    int opened;              /* thread node written */
    unsigned long ident;
    PyThreadState *ts;       /* this thread's state (lives as long as it) */
    uint64_t node_id;
    uint64_t start_ns;
    uint64_t last_ns;
    uint64_t child_flush_ns; /* last synchronous flush (child processes) */
    char *name;              /* escaped thread name */
    size_t name_len;
    int top_children;
    FtEntry *stack;
    int depth;
    int nlives;              /* FtLife records of this thread (ft-life.c) */
    int cap;
    char *buf;
    size_t len;
    size_t bufcap;
    char *part_path;         /* NULL for the main thread */
    uint64_t flushed;        /* bytes of this buffer written out so far */
    uint64_t budget;         /* output position where values stop */
    int detached;            /* never write again (stop() ran, or no memory) */
    int orphan;              /* out of the tracer's list: frees itself */
    int finished;            /* thread exited: node closed, buffers freed */
    uint64_t hook_pos;       /* output position when the current hook began */
    int hook_depth;          /* stack depth when the current hook began */
    int hook_exc;            /* exc_pending when the current hook began */
    off_t base_off;          /* file offset of this buffer's first byte */
    int exc_pending;         /* < 3.12: a node waits for its "error" */
    uint64_t skip_depth;     /* open calls below --max-depth */
    uint64_t top_skipped;    /* skipped_calls of the thread node */
    int queued;              /* chunks of this thread at the writer (atomic) */
    /* generator and coroutine lives (ft-life.c) */
    FtLife *sink;            /* life whose buffer is in buf/len/..., or NULL */
    FtOut base;              /* the thread's own buffer while a life's is in */
    FtLife *lives;           /* records not yet ended, newest first */
    FtLife **ltable;         /* key -> record, chained */
    size_t ltable_cap;
    FtLife *pending;         /* ended lives waiting for the thread level */
    FtLife *exc_life;        /* < 3.12: life whose "error" is pending */
    int life_pos;            /* < 3.12: frame position at the last exit */
    int ndead;               /* 3.13: lives whose generator was freed */
    /* instance_id text of the last self seen (a method's calls on one
     * object often come in a row) */
    uintptr_t self_key;
    size_t self_len;
    char self_text[32];
    /* start_ns / 10000 of the last node opened, and its text */
    uint64_t ns_hi;
    size_t ns_len;
    char ns_text[32];
};

struct FtTracer {
    int active;
    int forked;              /* we are a fork child: never touch the files */
    uint64_t gen;
    int fd;
    char *path;
    off_t complete_offset;   /* offset of `false` to patch, -1 if none */
    uint64_t t0;             /* CLOCK_MONOTONIC ns at start() */
    FtClock clock;
    uint64_t next_id;
    /* id_text holds the decimal of id_text_for - 1 (0: nothing): the next
     * node id is written by copying it and counting up in text */
    uint64_t id_text_for;
    size_t id_len;
    char id_text[32];
    uint64_t calls;
    uint64_t inflight;
    uint64_t flushes;
    uint64_t bytes;          /* bytes written to all files */
    uint64_t last_flush_bytes;
    uint64_t last_flush_ns;
    int nthreads;
    int write_failed;
    uint64_t children;       /* child placeholders written */
    int fork_paused;         /* writer and flusher ended for a fork */
    int fork_flusher;        /* the flusher is to start again after it */
    FtThread *threads;       /* main thread first, then in creation order */
    FtThread *main;
    /* options */
    int skip_inputs;
    int skip_outputs;
    int memory;
    int tracemalloc;
    double flush_interval;
    int flush_every_call;
    int log_flushes;
    int verbose;
    int child_mode;          /* we are a child process being followed */
    int write_now;           /* child_mode or flush_every_call: a node is
                              * written out when it opens or closes */
    PyObject *filter;
    PyObject *filter_cache;  /* filename -> bool */
    /* capture-time filters (--include/--exclude, --max-depth,
     * --min-duration) and redaction; see docs/trace-format.md */
    PyObject *module_filter; /* module name -> bool, or NULL */
    PyObject *module_cache;  /* module name -> bool */
    int max_depth;           /* 0: no limit */
    uint64_t min_duration_ns; /* 0: keep every call */
    char **redact;           /* normalised names (lower case, no _ or -) */
    size_t *redact_lens;
    int nredact;
    size_t redact_min;       /* length of the shortest name */
    unsigned char redact_first[128]; /* 1: a name starts with this byte */
    struct FtRedactSlot *redact_cache; /* recent dict keys and their verdict */
    PyObject *tracemalloc_get; /* tracemalloc.get_traced_memory */
    PyObject *current_thread;  /* threading.current_thread */
    PyObject *types;         /* type (or its address) -> bytes: escaped
                              * names, kept until stop */
    PyObject *type_refs;     /* the types keyed by address (kept alive) */
    /* background writer: full buffers are written off the recording
     * thread; see ft-writer.c */
    pthread_t writer;
    int writer_running;
    int writer_stop;
    pthread_mutex_t wlock;
    pthread_cond_t wwork;    /* writer: a chunk was queued */
    pthread_cond_t wdone;    /* producers: a chunk was written */
    FtChunk *wq_head, *wq_tail;
    FtChunk *wfree;
    int wchunks;             /* chunks allocated (bounded) */
    /* flusher */
    pthread_t flusher;
    int flusher_running;
    int flusher_stop;
    pthread_mutex_t lock;
    pthread_cond_t cond;
#if FT_MONITORING
    int tool_id;
    PyObject *monitoring;    /* sys.monitoring */
    PyObject *disable;       /* sys.monitoring.DISABLE */
#endif
};

typedef struct {
    FtTracer tr;
    PyObject *callback_type;
    PyObject *bootstrap;     /* < 3.12: threading.setprofile() function */
    int fork_registered;
} FtModuleState;

/* ft-writer.c */
uint64_t ft_now_ns(void);
void ft_clock_early(void);
void ft_clock_start(FtTracer *tr);
uint64_t ft_clock_resync(FtTracer *tr, uint64_t tsc);

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

/* Trace time: ns since start(). */
static inline uint64_t
ft_trace_ns(FtTracer *tr)
{
#if defined(__x86_64__)
    if (tr->clock.use_tsc) {
        uint64_t tsc = __rdtsc();
        uint64_t d = tsc - tr->clock.base_tsc;
        if (__builtin_expect(d < tr->clock.span, 1)) {
            return tr->clock.base_ns
                   + (uint64_t)(((unsigned __int128)d * tr->clock.mult) >> 32);
        }
        return ft_clock_resync(tr, tsc);
    }
#endif
    return ft_now_ns() - tr->t0;
}
void ft_report(const char *fmt, ...);
int ft_write_all(int fd, const char *data, size_t len);
void ft_flush_thread(FtThread *t);
void ft_child_flush(FtThread *t);
int ft_grow(FtThread *t, size_t need);
void ft_writer_start(FtTracer *tr);
void ft_writer_stop(FtTracer *tr);
void ft_writer_drain(FtThread *t);
void ft_writer_forget(FtTracer *tr);

static inline char *
ft_reserve(FtThread *t, size_t n)
{
    if (t->len + n > t->bufcap && ft_grow(t, n) < 0) {
        return NULL;
    }
    return t->buf + t->len;
}

static inline void
ft_put(FtThread *t, const char *s, size_t n)
{
    char *p = ft_reserve(t, n);
    if (p != NULL) {
        memcpy(p, s, n);
        t->len += n;
    }
}

#define FT_PUTS(t, lit) ft_put((t), (lit), sizeof(lit) - 1)

void ft_put_u64(FtThread *t, uint64_t v);
void ft_put_i64(FtThread *t, int64_t v);
void ft_put_ms(FtThread *t, uint64_t ns);
size_t ft_escape_utf8(char *out, const char *s, size_t n);
char *ft_escape_pystr(PyObject *s, size_t *len_out);
void ft_put_str(FtThread *t, PyObject *s, Py_ssize_t max_chars);
void ft_put_cstr(FtThread *t, const char *s, size_t n);

/* ft-capture.c */
void ft_capture(FtThread *t, PyObject *v, int depth);
void ft_capture_args(FtThread *t, FtCode *c, PyObject **locals);
void ft_capture_memory(FtThread *t, const char *key, size_t key_len);
void ft_capture_error(FtThread *t, PyObject *exc);
int ft_redact_set(FtTracer *tr, PyObject *names);
void ft_redact_clear(FtTracer *tr);
int ft_redact_match(FtTracer *tr, PyObject *name);
int ft_redact_key(FtTracer *tr, PyObject *key);

/* ft-hook.c */
void ft_py_enter(FtThread *t);   /* around Python code a hook runs */
void ft_py_leave(FtThread *t);
FtThread *ft_thread_get(FtTracer *tr);
int ft_thread_open(FtThread *t);
int ft_hook_init(PyObject *module);
int ft_hook_start(FtModuleState *st);
void ft_hook_stop(FtModuleState *st);
void ft_thread_close_all(FtTracer *tr);
void ft_threads_reap(FtTracer *tr);
void ft_threads_free(FtTracer *tr);
void ft_fork_child(FtModuleState *st);
extern PyType_Spec ft_callback_spec;
extern PyMethodDef ft_bootstrap_def;

void ft_hook_enter(FtThread *t);
int ft_hook_leave(FtThread *t);
void ft_write_open(FtThread *t, FtEntry *e, FtEntry *parent, PyObject **locals);
void ft_put_skipped(FtThread *t, uint64_t k);

/* ft-life.c: generators and coroutines, one node per life */
/* resume: 0 the frame starts, 1 it resumes, 2 unknown (3.11) */
int ft_life_enter(FtThread *t, FtCode *c, PyObject *code, PyObject **locals,
                  int resume);
int ft_life_known(FtThread *t, PyObject **locals);
int ft_life_yield(FtThread *t, PyObject *code, int pos);
void ft_life_end(FtThread *t, PyObject **locals, PyObject *retval,
                 PyObject *exc, int pending);
void ft_life_after_pop(FtThread *t, FtEntry *popped);
void ft_life_task_created(FtThread *t, PyObject **locals);
void ft_life_resolve(FtThread *t, PyObject *exc);
void ft_life_close_all(FtThread *t, uint64_t now);
void ft_life_free_all(FtThread *t);
int ft_life_grow(FtThread *t, size_t need);
void ft_sink_switch(FtThread *t, FtLife *to);
void ft_life_gone(FtLife *life);
void ft_life_reap_dead(FtThread *t);

/* ft-repair.c */
PyObject *ft_repair(const char *src, const char *dst);
PyObject *ft_repair_ex(const char *src, const char *dst, int children);

/* ft-children.c */
PyObject *ft_child_placeholder(FtTracer *tr, PyObject *args);
int ft_children_splice(const char *path, const char *prefix, int consume,
                       uint64_t *salvaged);

/* ft-module.c */
void ft_remove_parts(const char *path, const char *const *kinds);

#endif /* FT_PRIVATE_H */
