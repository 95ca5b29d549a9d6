/* SPDX-License-Identifier: MIT
 *
 * ft-hook.c: the hot path.  Call and return events from PyEval_SetProfile
 * (Python < 3.12) or sys.monitoring (3.12+), per-thread state in
 * thread-local storage, and the per-code-object cache in co_extra.
 *
 * A recorded call costs: one co_extra read, two clock reads, a push on a
 * reused stack and memcpy of pre-escaped fragments into the thread's
 * buffer, plus the captured values.  Unrecorded code costs one co_extra
 * read below 3.12 and nothing after its first call from 3.12
 * (sys.monitoring.DISABLE).
 */
#include "ft-private.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#if PY_VERSION_HEX >= 0x030B0000
#define Py_BUILD_CORE 1
#include "internal/pycore_frame.h"
#undef Py_BUILD_CORE
#endif

#ifndef CO_FAST_CELL
#define CO_FAST_CELL 0x40   /* internal/pycore_code.h */
#endif

#if PY_VERSION_HEX >= 0x030C0000
#define ft_code_get_extra PyUnstable_Code_GetExtra
#define ft_code_set_extra PyUnstable_Code_SetExtra
#define ft_request_extra_index PyUnstable_Eval_RequestCodeExtraIndex
#else
#define ft_code_get_extra _PyCode_GetExtra
#define ft_code_set_extra _PyCode_SetExtra
#define ft_request_extra_index _PyEval_RequestCodeExtraIndex
#endif

static Py_ssize_t ft_extra_index = -1;

/* The hot path reads our slot of co_extra itself, as _PyCode_GetExtra
 * does (Objects/codeobject.c: the same layout from 3.6 to 3.13), without
 * a call into the interpreter per event. */
typedef struct {
    Py_ssize_t ce_size;
    void *ce_extras[1];
} FtCodeExtra;

static inline void *
code_extra(PyObject *code)
{
    FtCodeExtra *x = ((PyCodeObject *)code)->co_extra;

    return x != NULL && ft_extra_index < x->ce_size
           ? x->ce_extras[ft_extra_index] : NULL;
}
/* initial-exec: a plain %fs-relative load instead of __tls_get_addr() on
 * every event (glibc keeps static TLS room for dlopen'ed modules). */
#define FT_TLS _Thread_local __attribute__((tls_model("initial-exec")))
static FT_TLS FtThread *ft_tls;
static FT_TLS uint64_t ft_tls_gen;
/* The event being handled resumes a frame (1), starts it (0) or either
 * (2); read by ft_life_enter. */
static FT_TLS int ft_tls_resume;

/* ---- per-code cache ------------------------------------------------- */

static void
code_info_free(void *p)
{
    FtCode *c = p;
    int i;

    if (c == NULL) {
        return;
    }
    PyMem_RawFree(c->ident);
    PyMem_RawFree(c->ident_fn);
    PyMem_RawFree(c->where);
    PyMem_RawFree(c->name);
    for (i = 0; i < c->nargs; i++) {
        PyMem_RawFree(c->argkeys[i]);
    }
    PyMem_RawFree(c->argkeys);
    PyMem_RawFree(c->argkey_lens);
    PyMem_RawFree(c->argslots);
    PyMem_RawFree(c->argcell);
    PyMem_RawFree(c->argredact);
    PyMem_RawFree(c);
}

/* Concatenation of n pieces into a new buffer with FT_PAD slack. */
static char *
frag_cat(size_t *len, int n, ...)
{
    va_list ap;
    size_t total = 0;
    char *out, *o;
    int i;

    va_start(ap, n);
    for (i = 0; i < n; i++) {
        (void)va_arg(ap, const char *);
        total += va_arg(ap, size_t);
    }
    va_end(ap);
    out = PyMem_RawCalloc(1, total + FT_PAD);
    if (out == NULL) {
        return NULL;
    }
    o = out;
    va_start(ap, n);
    for (i = 0; i < n; i++) {
        const char *p = va_arg(ap, const char *);
        size_t k = va_arg(ap, size_t);
        memcpy(o, p, k);
        o += k;
    }
    va_end(ap);
    *len = total;
    return out;
}

#define FRAG_LIT(lit) (lit), (sizeof(lit) - 1)

static int
build_args(FtCode *c, PyCodeObject *co)
{
    PyObject *names;
    int i, n;

    n = co->co_argcount + co->co_kwonlyargcount;
    c->varargs = (co->co_flags & CO_VARARGS) ? n++ : -1;
    c->varkw = (co->co_flags & CO_VARKEYWORDS) ? n++ : -1;
#if PY_VERSION_HEX >= 0x030B0000
    names = co->co_localsplusnames;
#else
    names = co->co_varnames;
#endif
    if (n > PyTuple_GET_SIZE(names)) {
        n = (int)PyTuple_GET_SIZE(names);
    }
    c->argkeys = PyMem_RawCalloc((size_t)n + 1, sizeof(char *));
    c->argkey_lens = PyMem_RawCalloc((size_t)n + 1, sizeof(size_t));
    c->argslots = PyMem_RawCalloc((size_t)n + 1, sizeof(int));
    c->argcell = PyMem_RawCalloc((size_t)n + 1, sizeof(int));
    c->argredact = PyMem_RawCalloc((size_t)n + 1, 1);
    if (!c->argkeys || !c->argkey_lens || !c->argslots || !c->argcell
        || !c->argredact) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        PyObject *name = PyTuple_GET_ITEM(names, i);
        size_t vlen = 0;
        char *v = ft_escape_pystr(name, &vlen);
        if (v == NULL) {
            return -1;
        }
        c->argkeys[i] = PyMem_RawMalloc(vlen + 3);
        if (c->argkeys[i] == NULL) {
            PyMem_RawFree(v);
            return -1;
        }
        c->argkeys[i][0] = '"';
        memcpy(c->argkeys[i] + 1, v, vlen);
        c->argkeys[i][vlen + 1] = '"';
        c->argkeys[i][vlen + 2] = ':';
        c->argkey_lens[i] = vlen + 3;
        PyMem_RawFree(v);
        c->argslots[i] = i;
#if PY_VERSION_HEX >= 0x030B0000
        c->argcell[i] = (PyBytes_AS_STRING(co->co_localspluskinds)[i]
                         & CO_FAST_CELL) != 0;
#else
        /* 3.10 moves a cell argument into its cell slot. */
        if (co->co_cell2arg != NULL) {
            Py_ssize_t k, ncells = PyTuple_GET_SIZE(co->co_cellvars);
            for (k = 0; k < ncells; k++) {
                if (co->co_cell2arg[k] == i) {
                    c->argslots[i] = co->co_nlocals + (int)k;
                    c->argcell[i] = 1;
                }
            }
        }
#endif
        c->nargs = i + 1;
        if (i == 0 && co->co_argcount > 0) {
            if (PyUnicode_CompareWithASCIIString(name, "self") == 0) {
                c->self_kind = 1;
            }
            else if (PyUnicode_CompareWithASCIIString(name, "cls") == 0) {
                c->self_kind = 2;
            }
        }
    }
    return 0;
}

/* asyncio's BaseEventLoop.create_task, through which create_task(),
 * gather(), ensure_future() and TaskGroup make their tasks. */
static int
is_create_task(PyCodeObject *co)
{
    static const char tail[] = "asyncio/base_events.py";
    const char *file;
    size_t n;

    if (PyUnicode_CompareWithASCIIString(co->co_name, "create_task") != 0) {
        return 0;
    }
    file = PyUnicode_AsUTF8(co->co_filename);
    if (file == NULL) {
        PyErr_Clear();
        return 0;
    }
    n = strlen(file);
    return n >= sizeof(tail) - 1
           && strcmp(file + n - (sizeof(tail) - 1), tail) == 0;
}

static FtCode *
code_info_new(PyCodeObject *co, PyObject *globals)
{
    FtCode *c = PyMem_RawCalloc(1, sizeof(FtCode));
    PyObject *modname = NULL;
    char line[64];
    const char *kind = "";
    char *mod = NULL, *file = NULL;
    size_t mod_len = 0, file_len = 0;
    int line_len;

    if (c == NULL) {
        return NULL;
    }
    if (globals != NULL && PyDict_Check(globals)) {
        modname = PyDict_GetItemString(globals, "__name__");
    }
    c->life = (co->co_flags
               & (CO_COROUTINE | CO_ASYNC_GENERATOR | CO_GENERATOR)) != 0;
    c->task_hook = is_create_task(co);
    if (co->co_flags & CO_COROUTINE) {
        kind = ",\"kind\":\"coroutine\"";
    }
    else if (co->co_flags & CO_ASYNC_GENERATOR) {
        kind = ",\"kind\":\"async_generator\"";
    }
    else if (co->co_flags & CO_GENERATOR) {
        kind = ",\"kind\":\"generator\"";
    }
    line_len = PyOS_snprintf(line, sizeof(line), "\",\"line\":%d%s,",
                             co->co_firstlineno, kind);
    c->name = ft_escape_pystr(co->co_name, &c->name_len);
    mod = ft_escape_pystr((modname && PyUnicode_Check(modname))
                          ? modname : NULL, &mod_len);
    file = ft_escape_pystr(co->co_filename, &file_len);
    if (c->name != NULL && mod != NULL && file != NULL && line_len > 0) {
        c->ident = frag_cat(&c->ident_len, 5,
                            FRAG_LIT("\"callable\":\""), c->name, c->name_len,
                            FRAG_LIT("\",\"module\":\""), mod, mod_len,
                            FRAG_LIT("\",\"called\":\""));
        c->ident_fn = frag_cat(&c->ident_fn_len, 7,
                               FRAG_LIT("\"callable\":\""), c->name, c->name_len,
                               FRAG_LIT("\",\"module\":\""), mod, mod_len,
                               FRAG_LIT("\",\"called\":\""), c->name, c->name_len,
                               FRAG_LIT("\",\"caller\":\""));
        c->where = frag_cat(&c->where_len, 5,
                            FRAG_LIT("\",\"instance_id\":null,\"file\":\""),
                            file, file_len, line, (size_t)line_len,
                            FRAG_LIT("\"start_ns\":"), "", (size_t)0);
    }
    PyMem_RawFree(mod);
    PyMem_RawFree(file);
    if (c->name == NULL || c->ident == NULL || c->ident_fn == NULL
        || c->where == NULL || build_args(c, co) < 0) {
        code_info_free(c);
        return NULL;
    }
    return c;
}

/* True for code that never gets a node: <module>, <listcomp>, <lambda>,
 * class bodies. */
static int
is_synthetic(PyCodeObject *co)
{
    if (!(co->co_flags & CO_OPTIMIZED)) {
        return 1;
    }
    return PyUnicode_GET_LENGTH(co->co_name) > 0
           && PyUnicode_READ_CHAR(co->co_name, 0) == '<';
}

/* Asks filter(key) once per key (cached in cache): 1 yes, 0 no, -1 not
 * now (stop() ran meanwhile, or no room to run the filter). */
static int
ask_filter(FtThread *t, PyObject *filter, PyObject **cache, PyObject *key)
{
    FtTracer *tr = t->tr;
    PyObject *res;
    int ok;

    res = PyDict_GetItemWithError(*cache, key);
    if (res != NULL) {
        return res == Py_True;
    }
    if (PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    Py_INCREF(filter);
    ft_py_enter(t);
    res = PyObject_CallOneArg(filter, key);
    ft_py_leave(t);
    Py_DECREF(filter);
    if (t->detached || *cache == NULL || !tr->active) {
        /* stop() ran while the filter had released the GIL */
        Py_XDECREF(res);
        PyErr_Clear();
        return -1;
    }
    if (res == NULL) {
        /* Near the recursion limit (or out of memory) the filter cannot
         * run: decide again on the next call, cache nothing. */
        if (PyErr_ExceptionMatches(PyExc_RecursionError)
            || PyErr_ExceptionMatches(PyExc_MemoryError)) {
            PyErr_Clear();
            return -1;
        }
        PyErr_Clear();
        ok = 0;
    }
    else {
        ok = PyObject_IsTrue(res) > 0;
        Py_DECREF(res);
        PyErr_Clear();
    }
    if (PyDict_SetItem(*cache, key, ok ? Py_True : Py_False) < 0) {
        PyErr_Clear();
    }
    return ok;
}

static int
decide(FtThread *t, PyCodeObject *co, PyObject *globals)
{
    FtTracer *tr = t->tr;
    PyObject *modname = NULL;
    int ok;

    if (is_synthetic(co)) {
        return 0;
    }
    ok = ask_filter(t, tr->filter, &tr->filter_cache, co->co_filename);
    if (ok <= 0 || tr->module_filter == NULL) {
        return ok;
    }
    /* --include/--exclude: by the module's __name__ ("" when it has
     * none) */
    if (globals != NULL && PyDict_Check(globals)) {
        modname = PyDict_GetItemString(globals, "__name__");
    }
    if (modname != NULL && PyUnicode_Check(modname)) {
        Py_INCREF(modname);
    }
    else if ((modname = PyUnicode_FromStringAndSize("", 0)) == NULL) {
        PyErr_Clear();
        return 0;
    }
    ok = ask_filter(t, tr->module_filter, &tr->module_cache, modname);
    Py_DECREF(modname);
    return ok;
}

/* Which arguments of c are written as "***" in this recording. */
static void
redact_args(FtTracer *tr, FtCode *c, PyCodeObject *co)
{
    PyObject *names;
    int i;

#if PY_VERSION_HEX >= 0x030B0000
    names = co->co_localsplusnames;
#else
    names = co->co_varnames;
#endif
    for (i = 0; i < c->nargs; i++) {
        c->argredact[i] = tr->nredact > 0
            && ft_redact_match(tr, PyTuple_GET_ITEM(names, i));
    }
}

static void thread_free(FtThread *t);

/* Hooks may run Python code (repr) that releases the GIL; stop() can run
 * meanwhile and rolls the thread back to where the hook began. */
static inline void
hook_enter(FtThread *t)
{
    t->in_hook++;
    t->hook_pos = t->flushed + t->len;
    t->hook_depth = t->depth;
    t->hook_exc = t->exc_pending;
}

/* Returns 1 if t is gone (see hook_enter). */
static inline int
hook_leave(FtThread *t)
{
    if (--t->in_hook == 0 && t->orphan) {
        thread_free(t);
        return 1;
    }
    return 0;
}

void
ft_hook_enter(FtThread *t)
{
    hook_enter(t);
}

int
ft_hook_leave(FtThread *t)
{
    return hook_leave(t);
}

/* NULL when the code is not to be looked at now, or when t is gone: the
 * filter is Python code and may release the GIL, so stop() may run. */
static FtCode *
code_info(FtThread *t, PyObject *code, PyObject *globals)
{
    FtCode *c = code_extra(code);

    if (c != NULL && c->gen == t->tr->gen) {
        return c;
    }
    if (c == NULL) {
        c = code_info_new((PyCodeObject *)code, globals);
        if (c == NULL) {
            PyErr_Clear();
            return NULL;
        }
        if (ft_code_set_extra(code, ft_extra_index, c) < 0) {
            PyErr_Clear();
            code_info_free(c);
            return NULL;
        }
    }
    hook_enter(t);
    c->record = decide(t, (PyCodeObject *)code, globals);
    if (hook_leave(t)) {
        return NULL;
    }
    if (c->record < 0) {
        c->record = 0;
        c->gen = 0;
        return NULL;
    }
    if (c->record) {
        redact_args(t->tr, c, (PyCodeObject *)code);
    }
    c->gen = t->tr->gen;
    return c;
}

/* ---- per-thread state ----------------------------------------------- */

static inline FtThread *get_thread(FtTracer *tr);

static FtThread *
thread_new(FtTracer *tr)
{
    FtThread *t = PyMem_RawCalloc(1, sizeof(FtThread));

    if (t == NULL) {
        return NULL;
    }
    t->tr = tr;
    t->ident = PyThread_get_thread_ident();
    t->ts = PyThreadState_Get();
    t->next = tr->threads;
    tr->threads = t;
    return t;
}

FtThread *
ft_thread_get(FtTracer *tr)
{
    return get_thread(tr);
}

static inline FtThread *
get_thread(FtTracer *tr)
{
    if (ft_tls != NULL && ft_tls_gen == tr->gen && !ft_tls->finished) {
        return ft_tls;
    }
    /* first event of this thread, or its earlier state was reaped (its
     * PyThreadState went away): a new thread node */
    ft_tls = thread_new(tr);
    ft_tls_gen = tr->gen;
    return ft_tls;
}

static void
thread_name(FtThread *t)
{
    PyObject *th, *name = NULL;
    char tmp[48];

    ft_py_enter(t);
    th = PyObject_CallNoArgs(t->tr->current_thread);
    if (th != NULL) {
        name = PyObject_GetAttrString(th, "name");
        Py_DECREF(th);
    }
    ft_py_leave(t);
    if (name != NULL && PyUnicode_Check(name)) {
        t->name = ft_escape_pystr(name, &t->name_len);
    }
    Py_XDECREF(name);
    PyErr_Clear();
    if (t->name == NULL) {
        int n = PyOS_snprintf(tmp, sizeof(tmp), "Thread-%lu", t->ident);
        t->name = PyMem_RawCalloc(1, (size_t)n + 1 + FT_PAD);
        if (t->name != NULL) {
            memcpy(t->name, tmp, (size_t)n + 1);
            t->name_len = (size_t)n;
        }
    }
}

/* Writes the thread node opening; returns -1 if the thread cannot record. */
int
ft_thread_open(FtThread *t)
{
    FtTracer *tr = t->tr;
    uint64_t now = ft_trace_ns(tr);

    t->bufcap = FT_BUF_SIZE;
    t->buf = PyMem_RawMalloc(t->bufcap);
    t->cap = 64;
    t->stack = PyMem_RawMalloc(sizeof(FtEntry) * (size_t)t->cap);
    if (t->buf == NULL || t->stack == NULL) {
        return -1;
    }
    thread_name(t);
    if (t->name == NULL || t->detached) {
        /* detached: stop() ran while current_thread() had the GIL
         * released */
        return -1;
    }
    if (tr->main != NULL) {
        char tmp[64];
        int n;
        t->index = ++tr->nthreads;
        if (t->index % 32 == 0) {
            ft_threads_reap(tr);
        }
        n = PyOS_snprintf(tmp, sizeof(tmp), ".thread-%d.part", t->index);
        t->part_path = PyMem_RawMalloc(strlen(tr->path) + (size_t)n + 1);
        if (t->part_path == NULL) {
            return -1;
        }
        strcpy(t->part_path, tr->path);
        strcat(t->part_path, tmp);
        FT_PUTS(t, ",");
    }
    else {
        tr->main = t;
    }
    t->opened = 1;
    t->node_id = tr->next_id++;
    t->start_ns = now;
    t->last_ns = t->start_ns;
    FT_PUTS(t, "{\"id\":");
    ft_put_u64(t, t->node_id);
    FT_PUTS(t, ",\"kind\":\"thread\",\"callable\":\"");
    ft_put(t, t->name, t->name_len);
    FT_PUTS(t, "\",\"module\":\"threading\",\"called\":\"Thread\","
               "\"caller\":null,\"thread\":\"");
    ft_put(t, t->name, t->name_len);
    FT_PUTS(t, "\",\"thread_id\":");
    ft_put_u64(t, t->ident);
    FT_PUTS(t, ",\"start_ns\":");
    ft_put_u64(t, t->start_ns);
    FT_PUTS(t, ",\"calls\":[");
    return 0;
}

/* ---- events ----------------------------------------------------------- */

static void resolve_pending(FtThread *t, PyObject *exc);

static void
after_write_slow(FtThread *t)
{
    if (t->tr->child_mode && t->depth == 0 && !t->tr->flush_every_call) {
        /* A child process may end by a signal at any time (Pool workers
         * are terminated when idle): each finished top-level call goes
         * to the file at once. */
        ft_child_flush(t);
    }
    else if (t->tr->flush_every_call) {
        uint64_t before = t->tr->bytes;
        uint64_t t0 = ft_now_ns();
        ft_flush_thread(t);
        t->tr->flushes++;
        if (t->tr->log_flushes) {
            ft_report("[FlowTrace] flush #%llu: %llu bytes in %.3f ms",
                      (unsigned long long)t->tr->flushes,
                      (unsigned long long)(t->tr->bytes - before),
                      (double)(ft_now_ns() - t0) / 1e6);
        }
    }
}

/* After a node opened or closed: an immediate write for a child process
 * or --flush-every-call; nothing (two loads) otherwise. */
static inline void
after_write(FtThread *t)
{
    if (__builtin_expect(t->tr->write_now, 0)) {
        after_write_slow(t);
    }
}

static const char *
type_name_slow(FtTracer *tr, FtCode *c, PyTypeObject *tp, size_t *len)
{
    PyObject *b, *key;

    /* Keyed by the type when its metaclass hashes and compares as `type`
     * does (by identity: no allocation, no Python code), else by its
     * address: a metaclass's own __hash__ or __eq__ is Python code, and
     * none may run here (on_call). */
    if (Py_TYPE(tp)->tp_hash == PyType_Type.tp_hash
        && Py_TYPE(tp)->tp_richcompare == PyType_Type.tp_richcompare) {
        key = Py_NewRef((PyObject *)tp);
    }
    else if ((key = PyLong_FromVoidPtr(tp)) == NULL) {
        PyErr_Clear();
        return NULL;
    }
    b = PyDict_GetItemWithError(tr->types, key);
    if (b == NULL) {
        PyObject *name;
        char *esc;
        size_t n = 0;
        if (PyErr_Occurred()) {
            Py_DECREF(key);
            PyErr_Clear();
            return NULL;
        }
        if (PyType_HasFeature(tp, Py_TPFLAGS_HEAPTYPE)) {
            name = ((PyHeapTypeObject *)tp)->ht_name;
            Py_INCREF(name);
        }
        else {
            const char *s = strrchr(tp->tp_name, '.');
            name = PyUnicode_FromString(s ? s + 1 : tp->tp_name);
            if (name == NULL) {
                Py_DECREF(key);
                PyErr_Clear();
                return NULL;
            }
        }
        esc = ft_escape_pystr(name, &n);
        Py_DECREF(name);
        if (esc == NULL) {
            Py_DECREF(key);
            return NULL;
        }
        /* with FT_PAD bytes of slack (see FtCode); a type known by its
         * address is kept alive in type_refs */
        b = PyBytes_FromStringAndSize(esc, (Py_ssize_t)(n + FT_PAD));
        PyMem_RawFree(esc);
        if (b == NULL
            || (key != (PyObject *)tp
                && PyList_Append(tr->type_refs, (PyObject *)tp) < 0)
            || PyDict_SetItem(tr->types, key, b) < 0) {
            Py_XDECREF(b);
            Py_DECREF(key);
            PyErr_Clear();
            return NULL;
        }
        Py_DECREF(b);   /* the dict keeps it */
    }
    Py_DECREF(key);
    c->type_gen = tr->gen;
    c->last_type = tp;
    c->type_name = PyBytes_AS_STRING(b);
    c->type_name_len = (size_t)PyBytes_GET_SIZE(b) - FT_PAD;
    *len = c->type_name_len;
    return c->type_name;
}

/* The escaped name of tp (the class of a method's self), cached per code */
static inline const char *
type_name(FtTracer *tr, FtCode *c, PyTypeObject *tp, size_t *len)
{
    if (c->last_type == tp && c->type_gen == tr->gen) {
        *len = c->type_name_len;
        return c->type_name;
    }
    return type_name_slow(tr, c, tp, len);
}

/* Local-cursor writers for the fixed part of a node: one reservation,
 * then plain stores (the buffer pointer is not reloaded per piece).  They
 * may store up to 32 bytes past what they add: reservations leave room.
 * A literal is copied in 16-byte blocks from a padded copy of it (vector
 * moves; as immediates a 60-byte literal took some 40 instructions). */
#define W_LIT(p, lit) do {                                              \
        static const char w_lit_[(sizeof(lit) + 15) & ~(size_t)15] = lit;   \
        size_t w_i_;                                                        \
        for (w_i_ = 0; w_i_ < sizeof(lit) - 1; w_i_ += 16) {               \
            memcpy((p) + w_i_, w_lit_ + w_i_, 16);                          \
        }                                                                   \
        (p) += sizeof(lit) - 1;                                             \
    } while (0)

/* n bytes of a fragment with FT_PAD readable slack, in 16-byte blocks:
 * short ones (names) without a loop, long ones (paths) two blocks a turn */
static inline char *
w_frag(char *p, const char *s, size_t n)
{
    memcpy(p, s, 16);
    if (n > 16) {
        size_t i = 16;
        do {
            memcpy(p + i, s + i, 16);
            memcpy(p + i + 16, s + i + 16, 16);
            i += 32;
        } while (i < n);
    }
    return p + n;
}

static const char w_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

static const uint64_t w_pow10[20] = {
    1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u,
    100000000u, 1000000000u, 10000000000u, 100000000000u,
    1000000000000u, 10000000000000u, 100000000000000u,
    1000000000000000u, 10000000000000000u, 100000000000000000u,
    1000000000000000000u, 10000000000000000000u,
};

/* decimal digits of v: log2 scaled by log10(2) ~ 1233/4096, then one
 * comparison */
static inline unsigned
w_ndigits(uint64_t v)
{
    unsigned t = ((64 - (unsigned)__builtin_clzll(v | 1)) * 1233) >> 12;

    return t + ((v | 1) >= w_pow10[t]);
}

/* exactly 8 digits of v < 10**8: v / 10**6 as a fixed-point number with
 * 57 fraction bits, two digits per multiplication by 100 (exact for
 * every v < 10**8: the error stays below 10**-4 of the last digit) */
static inline void
w_8digits(char *p, uint32_t v)
{
    const uint64_t mask = ((uint64_t)1 << 57) - 1;
    uint64_t y = (uint64_t)v * 144115188076u;

    memcpy(p, w_pairs + 2 * (y >> 57), 2);
    y = (y & mask) * 100;
    memcpy(p + 2, w_pairs + 2 * (y >> 57), 2);
    y = (y & mask) * 100;
    memcpy(p + 4, w_pairs + 2 * (y >> 57), 2);
    y = (y & mask) * 100;
    memcpy(p + 6, w_pairs + 2 * (y >> 57), 2);
}

/* The digits of v < 2**32 written in place, last pair first.  (Building
 * them in a scratch block and copying that as one wide load stalled on
 * store forwarding.) */
static inline char *
w_u32(char *p, uint32_t v)
{
    char *end = p + w_ndigits(v), *s = end;

    while (v >= 100) {
        uint32_t r = v % 100;
        v /= 100;
        s -= 2;
        memcpy(s, w_pairs + 2 * r, 2);
    }
    if (v >= 10) {
        memcpy(s - 2, w_pairs + 2 * v, 2);
    }
    else {
        s[-1] = (char)('0' + v);
    }
    return end;
}

/* Times in ns and instance ids have 9 to 15 digits: the low 8 at once. */
static inline char *
w_u64(char *p, uint64_t v)
{
    if (v < 100000000u) {
        return w_u32(p, (uint32_t)v);
    }
    if (v < 10000000000000000u) {
        p = w_u32(p, (uint32_t)(v / 100000000u));
    }
    else {
        uint64_t hi = v / 100000000u;
        p = w_u32(p, (uint32_t)(hi / 100000000u));
        w_8digits(p, (uint32_t)(hi % 100000000u));
        p += 8;
    }
    w_8digits(p, (uint32_t)(v % 100000000u));
    return p + 8;
}

/* The next node id: ids go up by one, so its text is kept and counted up
 * in place (a digit or two) instead of converted each time. */
static inline char *
w_next_id(FtTracer *tr, char *p)
{
    uint64_t id = tr->next_id++;
    size_t i;

    if (tr->id_text_for != id + 1) {
        tr->id_len = (size_t)(w_u64(tr->id_text, id) - tr->id_text);
    }
    memcpy(p, tr->id_text, 32);
    p += tr->id_len;
    for (i = tr->id_len; i > 0 && tr->id_text[i - 1] == '9'; i--) {
        tr->id_text[i - 1] = '0';
    }
    if (i > 0) {
        tr->id_text[i - 1]++;
        tr->id_text_for = id + 2;
    }
    else {
        tr->id_text_for = 0;   /* one more digit: converted next time */
    }
    return p;
}

/* instance_id: the thread's last self, or its text made now */
static inline char *
w_self(FtThread *t, char *p, PyObject *self)
{
    if (t->self_key != (uintptr_t)self) {
        t->self_key = (uintptr_t)self;
        t->self_len = (size_t)(w_u64(t->self_text, (uintptr_t)self)
                               - t->self_text);
    }
    memcpy(p, t->self_text, 32);
    return p + t->self_len;
}

/* start_ns: a thread's calls come microseconds apart, so all but the last
 * four digits are usually those of its previous one, kept as text */
static inline char *
w_start(FtThread *t, char *p, uint64_t v)
{
    uint64_t hi = v / 10000;
    uint32_t lo = (uint32_t)(v - hi * 10000);

    if (hi == 0) {
        return w_u64(p, v);
    }
    if (hi != t->ns_hi) {
        t->ns_hi = hi;
        t->ns_len = (size_t)(w_u64(t->ns_text, hi) - t->ns_text);
    }
    memcpy(p, t->ns_text, 32);
    p += t->ns_len;
    memcpy(p, w_pairs + 2 * (lo / 100), 2);
    memcpy(p + 2, w_pairs + 2 * (lo % 100), 2);
    return p + 4;
}

/* milliseconds with 3 decimals */
static inline char *
w_ms(char *p, uint64_t ns)
{
    uint64_t us = (ns + 500) / 1000;
    uint32_t frac;

    if (us < 1000) {
        /* most calls: "0.ddd" */
        frac = (uint32_t)us;
        p[0] = '0';
        p[1] = '.';
        p[2] = (char)('0' + frac / 100);
        memcpy(p + 3, w_pairs + 2 * (frac % 100), 2);
        return p + 5;
    }
    frac = (uint32_t)(us % 1000);
    p = w_u64(p, us / 1000);
    p[0] = '.';
    p[1] = (char)('0' + frac / 100);
    memcpy(p + 2, w_pairs + 2 * (frac % 100), 2);
    return p + 4;
}

static const char thread_called[FT_PAD + 8] = "Thread";

/* Inlined into on_call (the hot path) even though ft-life.c calls it too
 * through ft_write_open. */
static inline __attribute__((always_inline)) void
write_open(FtThread *t, FtEntry *e, FtEntry *parent, PyObject **locals)
{
    FtTracer *tr = t->tr;
    FtCode *c = e->info;
    PyObject *self = NULL;
    const char *pc, *pn;
    size_t pc_len, pn_len, need;
    char *p;

    e->called = c->name;
    e->called_len = c->name_len;
    if (c->self_kind && locals != NULL) {
        self = locals[c->argslots[0]];
        if (self != NULL && c->argcell[0] && PyCell_Check(self)) {
            self = PyCell_GET(self);
        }
        if (self != NULL) {
            PyTypeObject *tp = (c->self_kind == 2 && PyType_Check(self))
                ? (PyTypeObject *)self : Py_TYPE(self);
            size_t n = 0;
            const char *s = type_name(tr, c, tp, &n);
            if (s != NULL) {
                e->called = s;
                e->called_len = n;
            }
        }
    }
    if (parent != NULL) {
        pc = parent->called;
        pc_len = parent->called_len;
        pn = parent->info->name;
        pn_len = parent->info->name_len;
    }
    else {
        pc = thread_called;
        pc_len = 6;
        pn = t->name;
        pn_len = t->name_len;
    }
    need = 256 + c->ident_fn_len + e->called_len + pc_len + pn_len
           + c->where_len;
    p = ft_reserve(t, need);
    if (p == NULL) {
        return;
    }
    e->open_pos = t->flushed + (uint64_t)(p - t->buf);
    e->id = tr->next_id;
    if (parent != NULL ? parent->nchildren++ : t->top_children++) {
        *p++ = ',';
    }
    W_LIT(p, "{\"id\":");
    p = w_next_id(tr, p);
    *p++ = ',';
    if (e->called == c->name) {
        p = w_frag(p, c->ident_fn, c->ident_fn_len);
    }
    else {
        p = w_frag(p, c->ident, c->ident_len);
        p = w_frag(p, e->called, e->called_len);
        W_LIT(p, "\",\"caller\":\"");
    }
    p = w_frag(p, pc, pc_len);
    W_LIT(p, "::");
    p = w_frag(p, pn, pn_len);
    if (self != NULL && c->self_kind == 1) {
        /* where without its leading ","instance_id":null */
        W_LIT(p, "\",\"instance_id\":");
        p = w_self(t, p, self);
        p = w_frag(p, c->where + 20, c->where_len - 20);
    }
    else {
        p = w_frag(p, c->where, c->where_len);
    }
    p = w_start(t, p, e->start_ns);
    if (tr->skip_inputs || locals == NULL) {
        if (!tr->memory) {
            W_LIT(p, ",\"inputs\":{},\"calls\":[");
            t->len = (size_t)(p - t->buf);
            return;
        }
        W_LIT(p, ",\"inputs\":{}");
        t->len = (size_t)(p - t->buf);
    }
    else {
        W_LIT(p, ",\"inputs\":");
        t->len = (size_t)(p - t->buf);
        t->budget = t->flushed + t->len + FT_CALL_BUDGET / 2;
        ft_capture_args(t, c, locals);
    }
    if (tr->memory) {
        ft_capture_memory(t, ",\"memory_before\":",
                          sizeof(",\"memory_before\":") - 1);
    }
    FT_PUTS(t, ",\"calls\":[");
}

void
ft_write_open(FtThread *t, FtEntry *e, FtEntry *parent, PyObject **locals)
{
    write_open(t, e, parent, locals);
}

/* ---- capture-time filters: --max-depth and --min-duration ------------ */

/* A call of recorded code below --max-depth: no node; counted on the
 * deepest open node (skip_depth pairs it with its return). */
static void
skip_call(FtThread *t)
{
    t->skip_depth++;
    if (t->depth > 0) {
        t->stack[t->depth - 1].skipped++;
    }
    else {
        t->top_skipped++;
    }
}

/* The return of a call skip_call() counted: 1 if this event was one.
 * While calls are skipped, every recorded code's return is theirs (frames
 * end in the reverse order they start). */
static int
skip_return(FtThread *t, PyObject *code)
{
    void *extra = NULL;

    if (t->skip_depth == 0) {
        return 0;
    }
    if (ft_code_get_extra(code, ft_extra_index, &extra) < 0) {
        PyErr_Clear();
        return 1;
    }
    if (extra != NULL && ((FtCode *)extra)->gen == t->tr->gen
        && ((FtCode *)extra)->record) {
        t->skip_depth--;
    }
    return 1;
}

/* --min-duration: a call that returned (no exception) sooner than the
 * limit, with no child node left, is cut from the buffer if its text is
 * all still there, and counted on its parent with what it had skipped.
 * Its id is given back when no node opened after it. */
static int
drop_short(FtThread *t, FtEntry *e, uint64_t now)
{
    FtTracer *tr = t->tr;
    FtEntry *parent = t->depth > 1 ? e - 1 : NULL;

    if (now - e->start_ns >= tr->min_duration_ns || e->nchildren > 0
        || e->open_pos < t->flushed) {
        return 0;
    }
    t->len = (size_t)(e->open_pos - t->flushed);
    if (tr->next_id == e->id + 1) {
        tr->next_id = e->id;
    }
    if (parent != NULL) {
        parent->nchildren--;
        parent->skipped += 1 + e->skipped;
    }
    else {
        t->top_children--;
        t->top_skipped += 1 + e->skipped;
    }
    return 1;
}

/* ,"skipped_calls":K (nothing when K is 0); p has room for 40 bytes */
static inline char *
w_skipped(char *p, uint64_t k)
{
    if (k > 0) {
        W_LIT(p, "\"skipped_calls\":");
        p = w_u64(p, k);
        *p++ = ',';
    }
    return p;
}

static void
put_skipped(FtThread *t, uint64_t k)
{
    char *p;

    if (k > 0 && (p = ft_reserve(t, 64)) != NULL) {
        t->len = (size_t)(w_skipped(p, k) - t->buf);
    }
}

void
ft_put_skipped(FtThread *t, uint64_t k)
{
    put_skipped(t, k);
}

/* Returns 1 when the code is not recorded (caller may disable it). */
static int
on_call(FtTracer *tr, PyObject *code, PyObject **locals, PyObject *globals)
{
    FtThread *t = get_thread(tr);
    FtCode *c;
    FtEntry *e;
    int guard;

    if (t == NULL || t->capturing || t->detached) {
        return 0;
    }
    if (t->exc_pending) {
        resolve_pending(t, NULL);
    }
    c = code_info(t, code, globals);
    if (c == NULL) {
        return 0;
    }
    if (!c->record) {
        if (c->task_hook) {
            ft_life_task_created(t, locals);
            return 0;
        }
        return 1;
    }
    if (t->skip_depth > 0
        || (t->tr->max_depth > 0 && t->depth >= t->tr->max_depth)) {
        if (c->life && ft_life_known(t, locals)) {
            /* a life that started higher up goes on (ft-life.c) */
            return ft_life_enter(t, c, code, locals, ft_tls_resume);
        }
        skip_call(t);
        return 0;
    }
    if (!t->opened) {
        int rc;
        hook_enter(t);
        rc = ft_thread_open(t);
        if (hook_leave(t)) {
            return 0;
        }
        if (rc < 0) {
            t->detached = 1;
            return 0;
        }
    }
    if (c->life) {
        return ft_life_enter(t, c, code, locals, ft_tls_resume);
    }
    /* Only capturing values or memory runs Python code here (nothing in
     * write_open otherwise: no GC-tracked object is made, type_name hashes
     * no type): without them the GIL stays held, stop() cannot run
     * meanwhile, and there is nothing to roll back. */
    guard = !tr->skip_inputs || tr->memory;
    if (guard) {
        hook_enter(t);
    }
    if (t->depth == t->cap) {
        FtEntry *ns = PyMem_RawRealloc(t->stack,
                                       sizeof(FtEntry) * (size_t)t->cap * 2);
        if (ns == NULL) {
            if (guard) {
                (void)hook_leave(t);
            }
            return 0;
        }
        t->stack = ns;
        t->cap *= 2;
    }
    e = &t->stack[t->depth++];
    Py_INCREF(code);
    e->code = code;
    e->info = c;
    e->nchildren = 0;
    e->skipped = 0;
    e->life = NULL;
    e->pending = NULL;
    e->ndeps = 0;
    e->start_ns = ft_trace_ns(tr);
    tr->calls++;
    tr->inflight++;
    write_open(t, e, t->depth > 1 ? e - 1 : NULL, locals);
    if (guard && t->orphan) {
        (void)hook_leave(t);
        return 0;
    }
    t->last_ns = e->start_ns;
    after_write(t);
    if (guard) {
        (void)hook_leave(t);
    }
    return 0;
}

/* Below 3.12 the profile hook does not see the exception leaving a frame:
 * the node is closed up to its duration and its "error" is written by the
 * next exception event (the exception arriving in the caller's frame), or
 * as unknown by the next event of any other kind. */
static void
resolve_pending(FtThread *t, PyObject *exc)
{
    if (t->exc_life != NULL) {
        ft_life_resolve(t, exc);
        return;
    }
    t->exc_pending = 0;
    if (exc != NULL) {
        ft_capture_error(t, exc);
    }
    else {
        FT_PUTS(t, "\"error\":\"<exception>\",\"error_type\":null");
    }
    FT_PUTS(t, "}");
}

static void
on_return(FtTracer *tr, PyObject *code, PyObject **locals, PyObject *retval,
          PyObject *exc, int pending)
{
    FtThread *t;
    FtEntry *e;
    uint64_t now;
    int guard;

    if (ft_tls == NULL || ft_tls_gen != tr->gen) {
        return;
    }
    t = ft_tls;
    if (t->capturing || t->detached || t->finished) {
        return;
    }
    if (skip_return(t, code)) {
        return;
    }
    if (t->exc_pending) {
        resolve_pending(t, NULL);
    }
#if PY_VERSION_HEX >= 0x030D0000
    if (t->ndead) {
        /* generators freed unseen, before the node they hang under ends */
        ft_life_reap_dead(t);
    }
#endif
    if (t->depth == 0 || t->stack[t->depth - 1].code != code) {
        return;
    }
    if (t->stack[t->depth - 1].life != NULL) {
        ft_life_end(t, locals, retval, exc, pending);
        return;
    }
    e = &t->stack[t->depth - 1];
    /* skip mode, a plain return: no Python code runs (see on_call) */
    guard = !(tr->skip_inputs && tr->skip_outputs && !tr->memory
              && exc == NULL && !pending && t->nlives == 0);
    if (guard) {
        hook_enter(t);
    }
    if (tr->min_duration_ns > 0 && exc == NULL && !pending
        && drop_short(t, e, ft_trace_ns(tr))) {
        now = t->last_ns;
        goto popped;
    }
    if (!guard) {
        /* the whole closing in one reservation */
        char *p = ft_reserve(t, 200);
        now = ft_trace_ns(tr);
        if (p != NULL) {
            W_LIT(p, "],");
            p = w_skipped(p, e->skipped);
            W_LIT(p, "\"inputs_after\":{},\"output\":null,"
                     "\"duration_ms\":");
            p = w_ms(p, now - e->start_ns);
            W_LIT(p, ",\"error\":null,\"error_type\":null}");
            t->len = (size_t)(p - t->buf);
        }
        goto popped;
    }
    if (e->skipped > 0) {
        FT_PUTS(t, "],");
        put_skipped(t, e->skipped);
        FT_PUTS(t, "\"inputs_after\":");
    }
    else {
        FT_PUTS(t, "],\"inputs_after\":");
    }
    t->budget = t->flushed + t->len + FT_CALL_BUDGET / 2;
    if (tr->skip_inputs || locals == NULL) {
        FT_PUTS(t, "{}");
    }
    else {
        ft_capture_args(t, e->info, locals);
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
    now = ft_trace_ns(tr);
    FT_PUTS(t, ",\"duration_ms\":");
    ft_put_ms(t, now - e->start_ns);
    FT_PUTS(t, ",");
    if (pending) {
        t->exc_pending = 1;
    }
    else {
        ft_capture_error(t, exc);
        FT_PUTS(t, "}");
    }
popped:
    if (guard && t->orphan) {
        (void)hook_leave(t);
        return;
    }
    t->last_ns = now;
    t->depth--;
    tr->inflight--;
    Py_DECREF(e->code);
    if (t->nlives) {
        ft_life_after_pop(t, e);
    }
    after_write(t);
    if (guard) {
        (void)hook_leave(t);
    }
}

/* Close what is open in t as incomplete and close its thread node. */
/* Drop what the hook in progress wrote (its node opening or closing). */
static void
rollback_hook(FtThread *t)
{
    uint64_t pos = t->hook_pos;

    if (pos >= t->flushed) {
        t->len = (size_t)(pos - t->flushed);
    }
    else if (t->sink != NULL) {
        /* a life's spilled text: dropped with the life */
        t->len = 0;
    }
    else {
        int fd;
        ft_writer_drain(t);
        fd = t->part_path ? open(t->part_path, O_WRONLY | O_CLOEXEC)
                              : t->tr->fd;
        if (fd >= 0) {
            if (ftruncate(fd, t->base_off + (off_t)pos) < 0) {
                t->tr->write_failed = 1;
            }
            if (t->part_path) {
                close(fd);
            }
            else {
                (void)lseek(fd, 0, SEEK_END);
            }
        }
        t->flushed = pos;
        t->len = 0;
    }
    while (t->depth > t->hook_depth) {
        /* not inside Py_CLEAR: before 3.12 it evaluates its argument twice */
        t->depth--;
        Py_CLEAR(t->stack[t->depth].code);
        t->tr->inflight--;
    }
    t->exc_pending = t->hook_exc;
}

static void
thread_close(FtThread *t, uint64_t now)
{
    if (t->in_hook > 0) {
        rollback_hook(t);
    }
    if (t->exc_pending) {
        resolve_pending(t, NULL);
    }
    t->skip_depth = 0;
    if (t->nlives) {
        ft_life_close_all(t, now);
    }
    while (t->depth > 0) {
        FtEntry *e = &t->stack[--t->depth];
        FT_PUTS(t, "],");
        put_skipped(t, e->skipped);
        FT_PUTS(t, "\"output\":null,\"error\":null,\"error_type\":null,"
                   "\"incomplete\":true,\"duration_ms\":");
        ft_put_ms(t, now > e->start_ns ? now - e->start_ns : 0);
        FT_PUTS(t, "}");
        t->tr->inflight--;
        Py_CLEAR(e->code);
    }
    FT_PUTS(t, "],");
    put_skipped(t, t->top_skipped);
    FT_PUTS(t, "\"duration_ms\":");
    if (t == t->tr->main) {
        ft_put_ms(t, now - t->start_ns);
    }
    else {
        ft_put_ms(t, t->last_ns - t->start_ns);
    }
    FT_PUTS(t, "}");
    ft_flush_thread(t);
}

void
ft_thread_close_all(FtTracer *tr)
{
    uint64_t now = ft_trace_ns(tr);
    FtThread *t;

    for (t = tr->threads; t != NULL; t = t->next) {
        if (t->opened && !t->detached && !t->finished) {
            thread_close(t, now);
        }
    }
}

static int
ptr_cmp(const void *a, const void *b)
{
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

    return x < y ? -1 : x > y;
}

/* Close the nodes of threads that have exited and free their buffers, so
 * that a program starting thousands of threads keeps memory bounded. */
void
ft_threads_reap(FtTracer *tr)
{
    PyInterpreterState *is = PyInterpreterState_Get();
    PyThreadState *ts;
    uintptr_t *live;
    size_t n = 0, cap = 0, lo, hi;
    uint64_t now = ft_trace_ns(tr);
    FtThread *t;

    for (ts = PyInterpreterState_ThreadHead(is); ts; ts = PyThreadState_Next(ts)) {
        cap++;
    }
    live = PyMem_RawMalloc(sizeof(uintptr_t) * (cap + 1));
    if (live == NULL) {
        return;
    }
    for (ts = PyInterpreterState_ThreadHead(is); ts && n < cap;
         ts = PyThreadState_Next(ts)) {
        live[n++] = (uintptr_t)ts;
    }
    qsort(live, n, sizeof(uintptr_t), ptr_cmp);
    for (t = tr->threads; t != NULL; t = t->next) {
        int found = 0;
        if (!t->opened || t->finished || t->detached || t == tr->main
            || t->in_hook > 0) {
            continue;
        }
        lo = 0;
        hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (live[mid] == (uintptr_t)t->ts) {
                found = 1;
                break;
            }
            if (live[mid] < (uintptr_t)t->ts) {
                lo = mid + 1;
            }
            else {
                hi = mid;
            }
        }
        if (!found) {
            thread_close(t, now);
            PyMem_RawFree(t->buf);
            PyMem_RawFree(t->stack);
            t->buf = NULL;
            t->bufcap = 0;
            t->stack = NULL;
            t->cap = 0;
            t->finished = 1;
        }
    }
    PyMem_RawFree(live);
}

static void
thread_free(FtThread *t)
{
    ft_life_free_all(t);
    while (t->depth > 0) {
        /* not inside Py_CLEAR: before 3.12 it evaluates its argument twice */
        t->depth--;
        Py_CLEAR(t->stack[t->depth].code);
    }
    PyMem_RawFree(t->stack);
    PyMem_RawFree(t->buf);
    PyMem_RawFree(t->name);
    PyMem_RawFree(t->part_path);
    PyMem_RawFree(t);
}

/* Free every thread state; one still inside a hook (its capture released
 * the GIL) is detached instead and frees itself when it leaves. */
void
ft_threads_free(FtTracer *tr)
{
    FtThread *t = tr->threads, *next;

    for (; t != NULL; t = next) {
        next = t->next;
        if (t->in_hook > 0) {
            t->detached = 1;
            t->orphan = 1;
            t->next = NULL;
            continue;
        }
        thread_free(t);
    }
    tr->threads = NULL;
    tr->main = NULL;
}

/* ---- Python < 3.12: PyEval_SetProfile --------------------------------- */

#if !FT_MONITORING

/* A thread has one profile slot and one trace slot, shared with the
 * program's own sys.setprofile() (profilers: cProfile, profile) and
 * sys.settrace() (coverage, debuggers).  FlowTrace stands in front of them
 * instead of pushing them out:
 *
 * - ft_profile holds the profile slot with the program's profiler's object
 *   as its own (so sys.getprofile() shows what it shows untraced: None, or
 *   the program's profiler) and calls the program's profile function first
 *   with every event (ft_tls_prof_next), then records.
 * - whenever the program sets a profile function (the "sys.setprofile"
 *   audit event: sys.setprofile, cProfile's enable() and disable(),
 *   threading's bootstrap), the new one is taken behind ours at the
 *   thread's next event, before it is delivered: ft_trace is put in the
 *   trace slot for that one event, in front of the program's trace
 *   function if it has one (ft_tls_trace_next), which it calls first.
 * - ft_trace also waits there for the exception event that names the
 *   error of a frame left by an exception (resolve_pending()).
 *
 * So the program's tools get the events they get untraced, and recording
 * goes on while they run and after they stop. */

static FtTracer *ft_lt_tracer;          /* set by ft_hook_start() */
static PyObject *ft_lt_bootstrap;       /* our threading.setprofile() hook */
static FT_TLS Py_tracefunc ft_tls_prof_next;
static FT_TLS Py_tracefunc ft_tls_trace_next;
static FT_TLS int ft_tls_recheck;       /* the profile slot changed */
static FT_TLS int ft_tls_installing;    /* our own change: not audited */
static int ft_audit_added;
static int ft_lt_hooked;                /* between ft_hook_start and _stop */

static int ft_profile(PyObject *obj, PyFrameObject *frame, int what,
                      PyObject *arg);
static int ft_trace(PyObject *obj, PyFrameObject *frame, int what,
                    PyObject *arg);

static void
set_slot(PyThreadState *ts, int profile, Py_tracefunc f, PyObject *obj)
{
    PyObject *type, *value, *tb;

    /* the setter drops the slot's reference before taking the new one */
    Py_XINCREF(obj);
    PyErr_Fetch(&type, &value, &tb);
    ft_tls_installing++;
    if ((profile ? _PyEval_SetProfile(ts, f, obj)
                 : _PyEval_SetTrace(ts, f, obj)) < 0) {
        PyErr_Clear();
    }
    ft_tls_installing--;
    PyErr_Restore(type, value, tb);
    Py_XDECREF(obj);
}

/* Put ft_trace in front of the thread's trace slot for its next events. */
static void
arm_trace(PyThreadState *ts)
{
    if (ts->c_tracefunc != ft_trace) {
        ft_tls_trace_next = ts->c_tracefunc;
        set_slot(ts, 0, ft_trace, ts->c_traceobj);
    }
}

/* Give the trace slot back to what was there (the program's or none). */
static void
disarm_trace(PyThreadState *ts)
{
    if (ts->c_tracefunc == ft_trace) {
        Py_tracefunc next = ft_tls_trace_next;
        ft_tls_trace_next = NULL;
        set_slot(ts, 0, next, next ? ts->c_traceobj : NULL);
    }
}

/* The program changed the profile slot: take what it put there behind
 * ours. */
static void
recheck_profile(PyThreadState *ts)
{
    ft_tls_recheck = 0;
    if (!ft_lt_tracer->active || ts->c_profilefunc == ft_profile) {
        return;
    }
    ft_tls_prof_next = ts->c_profilefunc;
    if (ts->c_profileobj == ft_lt_bootstrap) {
        /* threading's bootstrap installing ours: nothing to call first */
        ft_tls_prof_next = NULL;
    }
    set_slot(ts, 1, ft_profile,
             ft_tls_prof_next ? ts->c_profileobj : NULL);
}

static int
ft_audit(const char *event, PyObject *args, void *data)
{
    PyThreadState *ts;

    /* (called for every audit event of the process, to its very end) */
    if (!ft_lt_hooked || ft_tls_installing || !ft_lt_tracer->active
        || strncmp(event, "sys.set", 7) != 0) {
        return 0;
    }
    ts = PyThreadState_Get();
    if (strcmp(event + 7, "profile") == 0) {
        /* the change happens after this returns: look at the next event */
        ft_tls_recheck = 1;
        arm_trace(ts);
    }
    else if (strcmp(event + 7, "trace") == 0 && ts->c_tracefunc == ft_trace) {
        /* the program replaces the trace slot, ft_trace included: the
         * profile slot is settled by now */
        if (ft_tls_recheck) {
            recheck_profile(ts);
        }
        ft_tls_trace_next = NULL;
    }
    return 0;
}

static inline PyObject **
frame_locals(PyFrameObject *f)
{
#if PY_VERSION_HEX >= 0x030B0000
    return f->f_frame->localsplus;
#else
    return f->f_localsplus;
#endif
}

/* borrowed: the frame keeps it alive */
static inline PyObject *
frame_code(PyFrameObject *f)
{
#if PY_VERSION_HEX >= 0x030B0000
    return (PyObject *)f->f_frame->f_code;
#else
    return (PyObject *)f->f_code;
#endif
}

static inline PyObject *
frame_globals(PyFrameObject *f)
{
#if PY_VERSION_HEX >= 0x030B0000
    return f->f_frame->f_globals;
#else
    return f->f_globals;
#endif
}

#define FT_LIFE_FLAGS (CO_COROUTINE | CO_ASYNC_GENERATOR | CO_GENERATOR)

/* A generator/coroutine frame leaving by a yield or an await (not by a
 * return or an exception). */
static inline int
frame_suspended(PyFrameObject *f)
{
#if PY_VERSION_HEX >= 0x030B0000
    _PyInterpreterFrame *iframe = f->f_frame;
    return iframe->owner == FRAME_OWNED_BY_GENERATOR
           && _PyFrame_GetGenerator(iframe)->gi_frame_state == FRAME_SUSPENDED;
#else
    return f->f_state == FRAME_SUSPENDED;
#endif
}

static inline int
frame_pos(PyFrameObject *f)
{
#if PY_VERSION_HEX >= 0x030B0000
    return _PyInterpreterFrame_LASTI(f->f_frame);
#else
    return f->f_lasti;
#endif
}

/* A recorded generator/coroutine frame leaves: a yield suspends its life
 * (1), anything else ends it (0, with its position for ft_life_end). */
static int
life_leave(FtTracer *tr, PyObject *code, PyFrameObject *frame)
{
    FtThread *t = ft_tls;

    if (t == NULL || ft_tls_gen != tr->gen || t->capturing || t->detached
        || t->depth == 0 || t->stack[t->depth - 1].life == NULL) {
        return 0;
    }
    if (frame_suspended(frame)) {
        if (t->exc_pending) {
            resolve_pending(t, NULL);
        }
        /* 0 when it is not the life on top (a generator run below
         * --max-depth: its yield pairs with its skipped start) */
        return ft_life_yield(t, code, frame_pos(frame));
    }
    t->life_pos = frame_pos(frame);
    return 0;
}

static int
ft_trace(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    FtTracer *tr = ft_lt_tracer;
    PyThreadState *ts = PyThreadState_Get();
    Py_tracefunc next = ft_tls_trace_next;
    FtThread *t;
    int rc = 0;

    /* (Frames keep their f_trace_lines: ft_trace stays only for an event or
     * two, and a debugger may want line events from them later.) */
    if (next != NULL) {
        rc = next(obj, frame, what, arg);
    }
    if (ft_tls_recheck) {
        recheck_profile(ts);
    }
    t = ft_tls;
    if (what == PyTrace_EXCEPTION && tr->active && t != NULL
        && ft_tls_gen == tr->gen && t->exc_pending && !t->capturing
        && PyTuple_Check(arg) && PyTuple_GET_SIZE(arg) >= 2) {
        hook_enter(t);
        resolve_pending(t, PyTuple_GET_ITEM(arg, 1));
        (void)hook_leave(t);
    }
    /* Only needed until the exception event after a frame left by an
     * exception (a call or return resolves it too). */
    if (!tr->active || (t = ft_tls) == NULL || ft_tls_gen != tr->gen
        || !t->exc_pending) {
        disarm_trace(ts);
    }
    return rc;
}

static int
ft_profile(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    FtTracer *tr = ft_lt_tracer;
    PyObject *code;

    if (obj != NULL && ft_tls_prof_next != NULL) {
        /* the program's profiler first, with every event, as untraced */
        Py_tracefunc next = ft_tls_prof_next;
        PyThreadState *ts = PyThreadState_Get();
        if (!tr->active) {
            /* recording stopped: hand the slot back */
            ft_tls_prof_next = NULL;
            set_slot(ts, 1, next, obj);
            return next(obj, frame, what, arg);
        }
        if (next(obj, frame, what, arg) < 0) {
            return -1;   /* the program's own error, as untraced */
        }
        if (ts->c_profilefunc != ft_profile || ts->c_profileobj != obj) {
            /* it changed the slot: the new owner (or recheck) takes over */
            return 0;
        }
    }
    if (!tr->active) {
        return 0;
    }
    if (what > PyTrace_RETURN) {
        /* C calls are not recorded, but one starting or returning means
         * the pending exception was handled somewhere unseen; a C function
         * raising passes it on to the calling frame's exception event. */
        if (what != PyTrace_C_EXCEPTION && ft_tls != NULL && ft_tls_gen == tr->gen && ft_tls->exc_pending
            && !ft_tls->capturing) {
            resolve_pending(ft_tls, NULL);
        }
        return 0;
    }
    code = frame_code(frame);
    if (what == PyTrace_CALL) {
        if (((PyCodeObject *)code)->co_flags & FT_LIFE_FLAGS) {
#if PY_VERSION_HEX >= 0x030B0000
            ft_tls_resume = 2;
#else
            ft_tls_resume = frame->f_lasti >= 0;
#endif
        }
        on_call(tr, code, frame_locals(frame), frame_globals(frame));
    }
    else if ((((PyCodeObject *)code)->co_flags & FT_LIFE_FLAGS)
             && life_leave(tr, code, frame)) {
        /* suspended */
    }
    else if (arg != NULL) {
        on_return(tr, code, frame_locals(frame), arg, NULL, 0);
    }
    else {
        on_return(tr, code, frame_locals(frame), NULL, NULL, 1);
        if (ft_tls != NULL && ft_tls_gen == tr->gen && ft_tls->exc_pending) {
            arm_trace(PyThreadState_Get());
        }
    }
    if (PyErr_Occurred()) {
        PyErr_Clear();
    }
    return 0;
}

static void
install_on(PyThreadState *ts)
{
    if (ts->c_profilefunc == ft_profile) {
        return;
    }
    if (ts == PyThreadState_Get()) {
        /* a profiler already running here stays, behind ours */
        ft_tls_prof_next = ts->c_profilefunc;
        set_slot(ts, 1, ft_profile, ft_tls_prof_next ? ts->c_profileobj : NULL);
    }
    else {
        set_slot(ts, 1, ft_profile, NULL);
    }
}

/* Give the slots back.  Another thread's slot that holds a profiler (or
 * trace function) of the program behind ours is handed back by that
 * thread itself at its next event: its ft_tls_* are out of reach here. */
static void
uninstall_on(PyThreadState *ts)
{
    int own = ts == PyThreadState_Get();

    if (ts->c_profilefunc == ft_profile) {
        if (ts->c_profileobj == NULL) {
            set_slot(ts, 1, NULL, NULL);
        }
        else if (own) {
            Py_tracefunc next = ft_tls_prof_next;
            ft_tls_prof_next = NULL;
            set_slot(ts, 1, next, next ? ts->c_profileobj : NULL);
        }
    }
    if (ts->c_tracefunc == ft_trace) {
        if (own) {
            disarm_trace(ts);
        }
        else if (ts->c_traceobj == NULL) {
            set_slot(ts, 0, NULL, NULL);
        }
    }
}

/* threading.setprofile() target: installs the C hook on a new thread and
 * records the call that triggered it. */
static PyObject *
ft_bootstrap(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    FtTracer *tr = &((FtModuleState *)PyModule_GetState(module))->tr;

    if (!tr->active || nargs < 2) {
        Py_RETURN_NONE;
    }
    install_on(PyThreadState_Get());
    if (PyFrame_Check(args[0]) && PyUnicode_Check(args[1])
        && PyUnicode_CompareWithASCIIString(args[1], "call") == 0) {
        ft_profile(NULL, (PyFrameObject *)args[0], PyTrace_CALL, NULL);
    }
    Py_RETURN_NONE;
}

PyMethodDef ft_bootstrap_def = {
    "_bootstrap", (PyCFunction)(void (*)(void))ft_bootstrap, METH_FASTCALL,
    NULL
};

static int
threading_setprofile(PyObject *func)
{
    PyObject *threading = PyImport_ImportModule("threading");
    PyObject *r;

    if (threading == NULL) {
        return -1;
    }
    r = PyObject_CallMethod(threading, "setprofile", "O", func);
    Py_DECREF(threading);
    Py_XDECREF(r);
    return r == NULL ? -1 : 0;
}

int
ft_hook_start(FtModuleState *st)
{
    PyObject *module;
    PyThreadState *ts;

    module = st->bootstrap ? PyCFunction_GET_SELF(st->bootstrap) : NULL;
    if (module == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "flowtrace: module not ready");
        return -1;
    }
    ft_lt_tracer = &st->tr;
    ft_lt_bootstrap = st->bootstrap;
    if (!ft_audit_added) {
        if (PySys_AddAuditHook(ft_audit, NULL) < 0) {
            return -1;
        }
        ft_audit_added = 1;
    }
    if (threading_setprofile(st->bootstrap) < 0) {
        return -1;
    }
    ts = PyInterpreterState_ThreadHead(PyInterpreterState_Get());
    for (; ts != NULL; ts = PyThreadState_Next(ts)) {
        install_on(ts);
    }
    ft_lt_hooked = 1;
    return 0;
}

void
ft_hook_stop(FtModuleState *st)
{
    PyThreadState *ts;

    ft_lt_hooked = 0;
    if (threading_setprofile(Py_None) < 0) {
        PyErr_Clear();
    }
    ts = PyInterpreterState_ThreadHead(PyInterpreterState_Get());
    for (; ts != NULL; ts = PyThreadState_Next(ts)) {
        uninstall_on(ts);
    }
}

void
ft_fork_child(FtModuleState *st)
{
    uninstall_on(PyThreadState_Get());
}

#else /* FT_MONITORING */

/* ---- Python 3.12+: sys.monitoring ------------------------------------ */

enum {
    FT_EV_START,
    FT_EV_RESUME,            /* PY_RESUME, PY_THROW: as START, for lives */
    FT_EV_RETURN,
    FT_EV_UNWIND,
    FT_EV_YIELD,
    FT_EV_COUNT,
    FT_EV_GONE = FT_EV_COUNT  /* weakref callback of a life (ft-life.c) */
};

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    FtTracer *tr;
    int kind;
    FtLife *life;            /* FT_EV_GONE */
} FtCallback;

/* Not cached per thread: an OS thread may get a new PyThreadState (C
 * callbacks through PyGILState_Ensure/Release). */
static inline _PyInterpreterFrame *
current_iframe(FtTracer *tr)
{
    PyThreadState *ts = PyThreadState_Get();
#if PY_VERSION_HEX >= 0x030D0000
    return ts->current_frame;
#else
    return ts->cframe->current_frame;
#endif
}

static inline PyObject **
iframe_locals(_PyInterpreterFrame *f, PyObject *code)
{
#if PY_VERSION_HEX >= 0x030D0000
    if (f == NULL || f->f_executable != code) {
        return NULL;
    }
#else
    if (f == NULL || (PyObject *)f->f_code != code) {
        return NULL;
    }
#endif
    return f->localsplus;
}

/* Called by the interpreter through vectorcall: no argument tuple, no
 * recursion check (so a deep recursion never fails inside the hook). */
static PyObject *
ft_callback_call(PyObject *self, PyObject *const *args, size_t nargsf,
                 PyObject *kwnames)
{
    FtCallback *cb = (FtCallback *)self;
    FtTracer *tr = cb->tr;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    _PyInterpreterFrame *f;
    PyObject *code;
    PyObject **locals;

    if (!tr->active || nargs < 2) {
        if (cb->kind == FT_EV_GONE && tr->active && nargs == 1) {
            ft_life_gone(cb->life);
        }
        Py_RETURN_NONE;
    }
    code = args[0];
    f = current_iframe(tr);
    locals = iframe_locals(f, code);
    if (cb->kind <= FT_EV_RESUME) {
        int off;
        ft_tls_resume = cb->kind == FT_EV_RESUME;
        off = on_call(tr, code, locals, f ? f->f_globals : NULL);
        ft_tls_resume = 0;
        if (off) {
            /* PY_THROW may not return DISABLE */
            if (nargs == 2 || !PyExceptionInstance_Check(args[2])) {
                return Py_NewRef(tr->disable);
            }
        }
    }
    else if (cb->kind == FT_EV_RETURN || cb->kind == FT_EV_YIELD) {
        if (ft_tls != NULL && ft_tls_gen == tr->gen && ft_tls->skip_depth > 0
            && !ft_tls->capturing) {
            /* below --max-depth (see skip_return) */
            on_return(tr, code, locals, Py_None, NULL, 0);
        }
        else if (ft_tls == NULL || ft_tls_gen != tr->gen || ft_tls->depth == 0
            || ft_tls->stack[ft_tls->depth - 1].code != code) {
            /* Not an open recorded call: disable if filtered. */
            void *extra = NULL;
            if (ft_tls != NULL && ft_tls->capturing) {
                Py_RETURN_NONE;
            }
            if (ft_code_get_extra(code, ft_extra_index, &extra) == 0
                && extra != NULL && ((FtCode *)extra)->gen == tr->gen
                && !((FtCode *)extra)->record) {
                return Py_NewRef(tr->disable);
            }
            PyErr_Clear();
            Py_RETURN_NONE;
        }
        else if (cb->kind == FT_EV_YIELD) {
            if (!ft_tls->capturing && !ft_tls->detached) {
                ft_life_yield(ft_tls, code, -1);
            }
        }
        else {
            on_return(tr, code, locals, nargs > 2 ? args[2] : Py_None, NULL, 0);
        }
    }
    else {
        on_return(tr, code, locals, NULL, nargs > 2 ? args[2] : Py_None, 0);
    }
    if (PyErr_Occurred()) {
        PyErr_Clear();
    }
    Py_RETURN_NONE;
}

static void
ft_callback_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);

    PyObject_Free(self);
    Py_DECREF(tp);
}

static PyMemberDef ft_callback_members[] = {
    {"__vectorcalloffset__", Py_T_PYSSIZET, offsetof(FtCallback, vectorcall),
     Py_READONLY, NULL},
    {NULL}
};

static PyType_Slot ft_callback_slots[] = {
    {Py_tp_dealloc, ft_callback_dealloc},
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_members, ft_callback_members},
    {0, NULL}
};

PyType_Spec ft_callback_spec = {
    .name = "flowtrace._flowtrace.Callback",
    .basicsize = sizeof(FtCallback),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL
             | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = ft_callback_slots,
};

static PyTypeObject *ft_callback_type;

static PyObject *
callback_new(FtModuleState *st, int kind)
{
    FtCallback *cb = PyObject_New(FtCallback, (PyTypeObject *)st->callback_type);

    if (cb == NULL) {
        return NULL;
    }
    cb->vectorcall = ft_callback_call;
    cb->tr = &st->tr;
    cb->kind = kind;
    cb->life = NULL;
    ft_callback_type = (PyTypeObject *)st->callback_type;
    return (PyObject *)cb;
}

/* The weakref callback telling ft-life.c that a generator was freed. */
PyObject *
ft_gone_callback_new(FtTracer *tr, FtLife *life)
{
    FtCallback *cb;

    if (ft_callback_type == NULL) {
        return NULL;
    }
    cb = PyObject_New(FtCallback, ft_callback_type);
    if (cb == NULL) {
        return NULL;
    }
    cb->vectorcall = ft_callback_call;
    cb->tr = tr;
    cb->kind = FT_EV_GONE;
    cb->life = life;
    return (PyObject *)cb;
}

static int
events_of(PyObject *events, const char *name, long *out)
{
    PyObject *v = PyObject_GetAttrString(events, name);

    if (v == NULL) {
        return -1;
    }
    *out = PyLong_AsLong(v);
    Py_DECREF(v);
    return PyErr_Occurred() ? -1 : 0;
}

static int
register_cb(FtTracer *tr, long ev, PyObject *cb)
{
    PyObject *r = PyObject_CallMethod(tr->monitoring, "register_callback",
                                      "ilO", tr->tool_id, ev, cb);

    Py_XDECREF(r);
    return r == NULL ? -1 : 0;
}

static int
choose_tool(FtTracer *tr)
{
    /* The unnamed ids first: PROFILER_ID (2), COVERAGE_ID (1) and
       DEBUGGER_ID (0) stay free for cProfile, coverage and debuggers that
       the traced program itself may start. */
    static const int order[] = {3, 4, 2, 5, 1, 0};
    size_t i;

    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        PyObject *r = PyObject_CallMethod(tr->monitoring, "get_tool", "i",
                                          order[i]);
        if (r == NULL) {
            return -1;
        }
        if (r == Py_None) {
            Py_DECREF(r);
            r = PyObject_CallMethod(tr->monitoring, "use_tool_id", "is",
                                    order[i], "flowtrace");
            if (r == NULL) {
                return -1;
            }
            Py_DECREF(r);
            tr->tool_id = order[i];
            return 0;
        }
        Py_DECREF(r);
    }
    PyErr_SetString(PyExc_RuntimeError,
                    "flowtrace: every sys.monitoring tool id is in use; "
                    "stop the other profiler or debugger first");
    return -1;
}

int
ft_hook_start(FtModuleState *st)
{
    FtTracer *tr = &st->tr;
    PyObject *events = NULL, *r;
    long start, resume, ret, yield, unwind, thrw;
    PyObject *cbs[FT_EV_COUNT] = {NULL, NULL, NULL, NULL, NULL};
    int i, rc = -1;

    tr->tool_id = -1;
    if (tr->monitoring == NULL) {
        PyObject *sys = PyImport_ImportModule("sys");
        if (sys == NULL) {
            return -1;
        }
        tr->monitoring = PyObject_GetAttrString(sys, "monitoring");
        Py_DECREF(sys);
        if (tr->monitoring == NULL) {
            return -1;
        }
        tr->disable = PyObject_GetAttrString(tr->monitoring, "DISABLE");
        if (tr->disable == NULL) {
            return -1;
        }
    }
    events = PyObject_GetAttrString(tr->monitoring, "events");
    if (events == NULL
        || events_of(events, "PY_START", &start) < 0
        || events_of(events, "PY_RESUME", &resume) < 0
        || events_of(events, "PY_RETURN", &ret) < 0
        || events_of(events, "PY_YIELD", &yield) < 0
        || events_of(events, "PY_UNWIND", &unwind) < 0
        || events_of(events, "PY_THROW", &thrw) < 0) {
        goto out;
    }
    if (choose_tool(tr) < 0) {
        goto out;
    }
    for (i = 0; i < FT_EV_COUNT; i++) {
        if ((cbs[i] = callback_new(st, i)) == NULL) {
            goto out;
        }
    }
    if (register_cb(tr, start, cbs[FT_EV_START]) < 0
        || register_cb(tr, resume, cbs[FT_EV_RESUME]) < 0
        || register_cb(tr, thrw, cbs[FT_EV_RESUME]) < 0
        || register_cb(tr, ret, cbs[FT_EV_RETURN]) < 0
        || register_cb(tr, yield, cbs[FT_EV_YIELD]) < 0
        || register_cb(tr, unwind, cbs[FT_EV_UNWIND]) < 0) {
        goto out;
    }
    /* Code disabled by an earlier trace must be seen again. */
    r = PyObject_CallMethod(tr->monitoring, "restart_events", NULL);
    if (r == NULL) {
        goto out;
    }
    Py_DECREF(r);
    r = PyObject_CallMethod(tr->monitoring, "set_events", "il", tr->tool_id,
                            start | resume | thrw | ret | yield | unwind);
    if (r == NULL) {
        goto out;
    }
    Py_DECREF(r);
    rc = 0;
out:
    Py_XDECREF(events);
    for (i = 0; i < FT_EV_COUNT; i++) {
        Py_XDECREF(cbs[i]);
    }
    if (rc < 0 && tr->tool_id >= 0) {
        PyObject *exc = PyErr_GetRaisedException();
        ft_hook_stop(st);
        PyErr_SetRaisedException(exc);
    }
    return rc;
}

void
ft_hook_stop(FtModuleState *st)
{
    FtTracer *tr = &st->tr;
    PyObject *r;

    if (tr->tool_id < 0) {
        return;
    }
    r = PyObject_CallMethod(tr->monitoring, "set_events", "ii",
                            tr->tool_id, 0);
    Py_XDECREF(r);
    /* free_tool_id also unregisters the callbacks from 3.13 on; 3.12 needs
     * them cleared by hand. */
    {
        PyObject *events = PyObject_GetAttrString(tr->monitoring, "events");
        static const char *names[] = {"PY_START", "PY_RESUME", "PY_THROW",
                                      "PY_RETURN", "PY_YIELD", "PY_UNWIND"};
        size_t i;
        for (i = 0; events && i < sizeof(names) / sizeof(names[0]); i++) {
            long ev;
            if (events_of(events, names[i], &ev) == 0) {
                (void)register_cb(tr, ev, Py_None);
            }
        }
        Py_XDECREF(events);
    }
    r = PyObject_CallMethod(tr->monitoring, "free_tool_id", "i", tr->tool_id);
    Py_XDECREF(r);
    PyErr_Clear();
    tr->tool_id = -1;
}

void
ft_fork_child(FtModuleState *st)
{
    ft_hook_stop(st);
}

PyMethodDef ft_bootstrap_def = {NULL, NULL, 0, NULL};

#endif /* FT_MONITORING */

int
ft_hook_init(PyObject *module)
{
    if (ft_extra_index < 0) {
        ft_extra_index = ft_request_extra_index(code_info_free);
        if (ft_extra_index < 0) {
            PyErr_SetString(PyExc_RuntimeError,
                            "flowtrace: no free code extra slot");
            return -1;
        }
    }
    return 0;
}
