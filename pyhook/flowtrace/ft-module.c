/* SPDX-License-Identifier: MIT
 *
 * ft-module.c: the flowtrace._flowtrace module: start(), stop(),
 * is_active(), repair(), the background flusher and fork handling.
 * The API is the contract with pyhook/flowtrace/cli.py.
 */
#include "ft-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct PyModuleDef ft_module;

static FtModuleState *
module_state(PyObject *module)
{
    return (FtModuleState *)PyModule_GetState(module);
}

/* ---- flushing --------------------------------------------------------- */

static uint64_t
pending_bytes(FtTracer *tr)
{
    uint64_t n = 0;
    FtThread *t;

    for (t = tr->threads; t != NULL; t = t->next) {
        n += t->len;
    }
    return n;
}

/* Write every thread's buffer (those not busy in a capture), log. */
static void
flush_all(FtTracer *tr, int heartbeat)
{
    uint64_t start = ft_now_ns();
    uint64_t pending = pending_bytes(tr);
    uint64_t since = start - (tr->last_flush_ns ? tr->last_flush_ns : tr->t0);
    FtThread *t;

    tr->last_flush_bytes = 0;
    ft_threads_reap(tr);
    for (t = tr->threads; t != NULL; t = t->next) {
        if (t->in_hook == 0) {
            ft_flush_thread(t);
        }
    }
    tr->flushes++;
    tr->last_flush_ns = ft_now_ns();
    if (tr->log_flushes || tr->verbose) {
        ft_report("[FlowTrace] flush #%llu: %llu bytes in %.3f ms",
                  (unsigned long long)tr->flushes,
                  (unsigned long long)tr->last_flush_bytes,
                  (double)(tr->last_flush_ns - start) / 1e6);
    }
    if (heartbeat) {
        ft_report("[FlowTrace] heartbeat calls=%llu inflight=%llu "
                  "pending_flush=%llu flushes=%llu last_snapshot_bytes=%llu "
                  "since_last_flush=%.3fs",
                  (unsigned long long)tr->calls,
                  (unsigned long long)tr->inflight,
                  (unsigned long long)pending,
                  (unsigned long long)tr->flushes,
                  (unsigned long long)tr->last_flush_bytes,
                  (double)since / 1e9);
    }
}

static void
heartbeat_only(FtTracer *tr)
{
    uint64_t now = ft_now_ns();
    uint64_t since = tr->last_flush_ns ? now - tr->last_flush_ns
                                       : now - tr->t0;

    ft_report("[FlowTrace] heartbeat calls=%llu inflight=%llu "
              "pending_flush=%llu flushes=%llu last_snapshot_bytes=%llu "
              "since_last_flush=%.3fs",
              (unsigned long long)tr->calls,
              (unsigned long long)tr->inflight,
              (unsigned long long)pending_bytes(tr),
              (unsigned long long)tr->flushes,
              (unsigned long long)tr->last_flush_bytes,
              (double)since / 1e9);
}

static void *
flusher_main(void *arg)
{
    FtTracer *tr = arg;
    double interval = tr->flush_interval > 0 ? tr->flush_interval : 1.0;
    struct timespec ts;

    if (tr->child_mode) {
        /* a child may be killed at any time: what it recorded reaches the
         * file within 5 ms (see ft_child_flush) */
        interval = FT_CHILD_FLUSH_S;
    }

    pthread_mutex_lock(&tr->lock);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    while (!tr->flusher_stop) {
        ts.tv_sec += (time_t)interval;
        ts.tv_nsec += (long)((interval - (double)(time_t)interval) * 1e9);
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        while (!tr->flusher_stop
               && pthread_cond_timedwait(&tr->cond, &tr->lock, &ts) == 0) {
        }
        if (tr->flusher_stop) {
            break;
        }
        pthread_mutex_unlock(&tr->lock);
        {
            PyGILState_STATE g = PyGILState_Ensure();
            if (tr->active) {
                if (tr->child_mode) {
                    flush_all(tr, 0);
                }
                else if (tr->flush_interval > 0) {
                    flush_all(tr, tr->verbose);
                }
                else {
                    heartbeat_only(tr);
                }
            }
            PyGILState_Release(g);
        }
        pthread_mutex_lock(&tr->lock);
        clock_gettime(CLOCK_MONOTONIC, &ts);
    }
    pthread_mutex_unlock(&tr->lock);
    return NULL;
}

static int
flusher_start(FtTracer *tr)
{
    pthread_condattr_t ca;

    pthread_mutex_init(&tr->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&tr->cond, &ca);
    pthread_condattr_destroy(&ca);
    tr->flusher_stop = 0;
    if (pthread_create(&tr->flusher, NULL, flusher_main, tr) != 0) {
        return -1;
    }
    tr->flusher_running = 1;
    return 0;
}

/* Called with the GIL held: the flusher may be waiting for it. */
static void
flusher_stop(FtTracer *tr)
{
    if (!tr->flusher_running) {
        return;
    }
    pthread_mutex_lock(&tr->lock);
    tr->flusher_stop = 1;
    pthread_cond_signal(&tr->cond);
    pthread_mutex_unlock(&tr->lock);
    Py_BEGIN_ALLOW_THREADS
    pthread_join(tr->flusher, NULL);
    Py_END_ALLOW_THREADS
    tr->flusher_running = 0;
}

/* ---- files ------------------------------------------------------------ */

/* Remove "<path><kind>*.part" for each of @kinds (NULL-terminated
 * infixes such as ".thread-"): the side files a trace leaves beside it. */
void
ft_remove_parts(const char *path, const char *const *kinds)
{
    char *dcopy = strdup(path), *bcopy = strdup(path);
    const char *dir, *base;
    size_t blen;
    DIR *d;
    struct dirent *de;

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
        size_t nlen = strlen(n);
        const char *const *k;

        if (nlen <= blen + 5 || strncmp(n, base, blen) != 0
            || strcmp(n + nlen - 5, ".part") != 0) {
            continue;
        }
        for (k = kinds; *k != NULL; k++) {
            size_t klen = strlen(*k);
            if (nlen > blen + klen + 5 && strncmp(n + blen, *k, klen) == 0) {
                char full[4096];
                PyOS_snprintf(full, sizeof(full), "%s/%s", dir, n);
                (void)unlink(full);
                break;
            }
        }
    }
    closedir(d);
out:
    free(dcopy);
    free(bcopy);
}

/* What an earlier run left: threads' parts, child processes' (with
 * their threads and children) and spilled lives' (ft-life.c). */
static void
remove_stale_parts(const char *path)
{
    static const char *const kinds[] = {".thread-", ".proc-", ".life-", NULL};

    ft_remove_parts(path, kinds);
}

static int
append_file(int out, const char *path)
{
    char buf[65536];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0) {
        return errno == ENOENT ? 0 : -1;
    }
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            close(fd);
            return -1;
        }
        if (ft_write_all(out, buf, (size_t)n) < 0) {
            close(fd);
            return -1;
        }
    }
    close(fd);
    return 0;
}

/* Append the part files in thread order, deleting each once copied. */
static int
merge_parts(FtTracer *tr)
{
    int k;

    for (k = 1; k <= tr->nthreads; k++) {
        FtThread *t;
        for (t = tr->threads; t != NULL; t = t->next) {
            if (t->index == k && t->part_path != NULL) {
                if (append_file(tr->fd, t->part_path) < 0) {
                    return -1;
                }
                (void)unlink(t->part_path);
                break;
            }
        }
    }
    return 0;
}

static void
tracer_clear(FtTracer *tr)
{
    Py_CLEAR(tr->filter);
    Py_CLEAR(tr->filter_cache);
    Py_CLEAR(tr->module_filter);
    Py_CLEAR(tr->module_cache);
    ft_redact_clear(tr);
    Py_CLEAR(tr->types);
    Py_CLEAR(tr->type_refs);
    Py_CLEAR(tr->tracemalloc_get);
    Py_CLEAR(tr->current_thread);
    PyMem_RawFree(tr->path);
    tr->path = NULL;
    if (tr->fd >= 0) {
        close(tr->fd);
        tr->fd = -1;
    }
}

/* ---- start ------------------------------------------------------------ */

static int
load_helpers(FtTracer *tr)
{
    PyObject *m = PyImport_ImportModule("threading");

    if (m == NULL) {
        return -1;
    }
    tr->current_thread = PyObject_GetAttrString(m, "current_thread");
    Py_DECREF(m);
    if (tr->current_thread == NULL) {
        return -1;
    }
    if (tr->tracemalloc) {
        m = PyImport_ImportModule("tracemalloc");
        if (m == NULL) {
            return -1;
        }
        tr->tracemalloc_get = PyObject_GetAttrString(m, "get_traced_memory");
        Py_DECREF(m);
        if (tr->tracemalloc_get == NULL) {
            return -1;
        }
    }
    tr->filter_cache = PyDict_New();
    tr->module_cache = PyDict_New();
    tr->types = PyDict_New();
    tr->type_refs = PyList_New(0);
    return (tr->filter_cache && tr->module_cache && tr->types
            && tr->type_refs) ? 0 : -1;
}

static int
register_process_hooks(PyObject *module, FtModuleState *st)
{
    PyObject *os, *atexit, *child, *exitf, *r;

    if (st->fork_registered) {
        return 0;
    }
    child = PyObject_GetAttrString(module, "_after_fork_child");
    exitf = PyObject_GetAttrString(module, "_at_exit");
    os = PyImport_ImportModule("os");
    atexit = PyImport_ImportModule("atexit");
    if (child == NULL || exitf == NULL || os == NULL || atexit == NULL) {
        goto fail;
    }
    {
        PyObject *fn = PyObject_GetAttrString(os, "register_at_fork");
        PyObject *before = PyObject_GetAttrString(module, "_before_fork");
        PyObject *parent = PyObject_GetAttrString(module,
                                                  "_after_fork_parent");
        PyObject *kw = (before && parent)
            ? Py_BuildValue("{s:O,s:O,s:O}", "before", before,
                            "after_in_parent", parent, "after_in_child", child)
            : NULL;
        Py_XDECREF(before);
        Py_XDECREF(parent);
        PyObject *args = PyTuple_New(0);
        r = (fn && kw && args) ? PyObject_Call(fn, args, kw) : NULL;
        Py_XDECREF(fn);
        Py_XDECREF(kw);
        Py_XDECREF(args);
        if (r == NULL) {
            goto fail;
        }
        Py_DECREF(r);
    }
    r = PyObject_CallMethod(atexit, "register", "O", exitf);
    if (r == NULL) {
        goto fail;
    }
    Py_DECREF(r);
    st->fork_registered = 1;
    Py_DECREF(child);
    Py_DECREF(exitf);
    Py_DECREF(os);
    Py_DECREF(atexit);
    return 0;
fail:
    Py_XDECREF(child);
    Py_XDECREF(exitf);
    Py_XDECREF(os);
    Py_XDECREF(atexit);
    return -1;
}

static PyObject *
ft_start(PyObject *module, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"path", "header", "filter", "skip_inputs",
                             "skip_outputs", "memory", "tracemalloc",
                             "flush_interval", "flush_every_call",
                             "log_flushes", "verbose", "module_filter",
                             "max_depth", "min_duration_ms", "redact",
                             "first_id", "t0_ns", "child", NULL};
    FtModuleState *st = module_state(module);
    FtTracer *tr = &st->tr;
    PyObject *path_obj = NULL, *filter = NULL, *module_filter = Py_None;
    PyObject *redact = NULL;
    int max_depth = 0;
    double min_ms = 0.0;
    const char *header;
    Py_ssize_t header_len;
    int skip_inputs = 0, skip_outputs = 0, memory = 0, tmalloc = 0;
    int every = 0, logf = 0, verbose = 0, child = 0;
    unsigned long long first_id = 1, t0_ns = 0;
    double interval = 1.0;
    const char *mark = "\"complete\":false", *p, *last = NULL;
    FtThread *t;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O&s#|$OppppdpppOidOKKp",
                                     kwlist,
                                     PyUnicode_FSConverter, &path_obj,
                                     &header, &header_len, &filter,
                                     &skip_inputs, &skip_outputs, &memory,
                                     &tmalloc, &interval, &every, &logf,
                                     &verbose, &module_filter, &max_depth,
                                     &min_ms, &redact, &first_id, &t0_ns,
                                     &child)) {
        return NULL;
    }
    if (module_filter != Py_None && !PyCallable_Check(module_filter)) {
        Py_DECREF(path_obj);
        PyErr_SetString(PyExc_TypeError,
                        "flowtrace: module_filter= must be None or a callable "
                        "taking a module name and returning a bool");
        return NULL;
    }
    if (max_depth < 0 || !(min_ms >= 0.0) || min_ms > 1e12) {
        Py_DECREF(path_obj);
        PyErr_SetString(PyExc_ValueError,
                        "flowtrace: max_depth= must be >= 0 (0: no limit) and "
                        "min_duration_ms= a number of milliseconds >= 0");
        return NULL;
    }
    if (tr->active) {
        Py_DECREF(path_obj);
        PyErr_SetString(PyExc_RuntimeError,
                        "flowtrace: recording already started; "
                        "call stop() first");
        return NULL;
    }
    if (filter == NULL || !PyCallable_Check(filter)) {
        Py_DECREF(path_obj);
        PyErr_SetString(PyExc_TypeError,
                        "flowtrace: start() needs filter=, a callable "
                        "taking a file name and returning a bool");
        return NULL;
    }
    if (register_process_hooks(module, st) < 0) {
        Py_DECREF(path_obj);
        return NULL;
    }
    memset((char *)tr + offsetof(FtTracer, fd), 0,
           offsetof(FtTracer, flusher) - offsetof(FtTracer, fd));
    tr->forked = 0;
    tr->fd = -1;
    tr->gen++;
    tr->path = PyMem_RawMalloc((size_t)PyBytes_GET_SIZE(path_obj) + 1);
    if (tr->path == NULL) {
        Py_DECREF(path_obj);
        return PyErr_NoMemory();
    }
    strcpy(tr->path, PyBytes_AS_STRING(path_obj));
    remove_stale_parts(tr->path);
    tr->fd = open(tr->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (tr->fd < 0) {
        PyObject *name = PyUnicode_DecodeFSDefault(tr->path);
        if (name != NULL) {
            PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, name);
            Py_DECREF(name);
        }
        Py_DECREF(path_obj);
        tracer_clear(tr);
        return NULL;
    }
    Py_DECREF(path_obj);
    Py_INCREF(filter);
    tr->filter = filter;
    tr->skip_inputs = skip_inputs;
    tr->skip_outputs = skip_outputs;
    tr->memory = memory;
    tr->tracemalloc = memory && tmalloc;
    tr->flush_interval = interval;
    tr->flush_every_call = every;
    tr->log_flushes = logf;
    tr->verbose = verbose;
    if (module_filter != Py_None) {
        Py_INCREF(module_filter);
        tr->module_filter = module_filter;
    }
    tr->max_depth = max_depth;
    tr->min_duration_ns = (uint64_t)(min_ms * 1e6 + 0.5);
    if (redact != NULL && redact != Py_None && ft_redact_set(tr, redact) < 0) {
        tracer_clear(tr);
        return NULL;
    }
    tr->child_mode = child;
    tr->write_now = child || every;
    tr->complete_offset = -1;
    if (load_helpers(tr) < 0) {
        tracer_clear(tr);
        return NULL;
    }
    for (p = header; (p = strstr(p, mark)) != NULL; p++) {
        last = p;
    }
    if (last != NULL) {
        tr->complete_offset = (off_t)(last - header) + 11;
    }
    ft_clock_start(tr);
    if (t0_ns != 0 && t0_ns <= tr->t0) {
        /* a child process: times count from the first process's start */
        tr->clock.base_ns += tr->t0 - (uint64_t)t0_ns;
        tr->t0 = (uint64_t)t0_ns;
    }
    tr->next_id = first_id;
    if (ft_write_all(tr->fd, header, (size_t)header_len) < 0
        || ft_write_all(tr->fd, "\"calls\":[", 9) < 0) {
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, tr->path);
        tracer_clear(tr);
        return NULL;
    }
    tr->bytes = (uint64_t)header_len + 9;
    t = ft_thread_get(tr);
    if (t != NULL) {
        t->base_off = (off_t)tr->bytes;
    }
    if (t == NULL || ft_thread_open(t) < 0) {
        ft_threads_free(tr);
        tracer_clear(tr);
        return PyErr_NoMemory();
    }
    ft_flush_thread(t);
    ft_writer_start(tr);
    tr->active = 1;
    if (ft_hook_start(st) < 0) {
        tr->active = 0;
        ft_writer_stop(tr);
        ft_threads_free(tr);
        tracer_clear(tr);
        return NULL;
    }
    if ((interval > 0 || verbose || child) && flusher_start(tr) < 0) {
        ft_report("[FlowTrace] cannot start the flusher thread; "
                  "buffers are written when full and at stop()");
    }
    Py_RETURN_NONE;
}

/* ---- stop ------------------------------------------------------------- */

static PyObject *
stats_dict(FtTracer *tr, uint64_t threads, uint64_t bytes)
{
    return Py_BuildValue("{s:K,s:K,s:K,s:K}",
                         "calls", (unsigned long long)tr->calls,
                         "threads", (unsigned long long)threads,
                         "bytes", (unsigned long long)bytes,
                         "flushes", (unsigned long long)tr->flushes);
}

/* Put the children's nodes in place of their placeholders.  A failure
 * leaves the placeholders (the trace stays valid) and says so. */
static void
splice_children(FtTracer *tr)
{
    uint64_t salvaged = 0;
    int n;

    Py_BEGIN_ALLOW_THREADS
    (void)fsync(tr->fd);
    Py_END_ALLOW_THREADS
    n = ft_children_splice(tr->path, tr->path, 1, &salvaged);
    if (n < 0 && tr->child_mode && errno == ENOENT) {
        /* a child that outlived its parent's stop(): the parent took
         * (and salvaged) its part already */
    }
    else if (n < 0) {
        ft_report("[FlowTrace] cannot put the child processes in %s: %s; "
                  "their records stay in %s.proc-*.part",
                  tr->path, strerror(errno), tr->path);
    }
    else if (salvaged > 0 && (tr->log_flushes || tr->verbose)) {
        ft_report("[FlowTrace] %llu child processes had not finished "
                  "their trace; salvaged", (unsigned long long)salvaged);
    }
}

static PyObject *
ft_stop(PyObject *module, PyObject *args)
{
    FtModuleState *st = module_state(module);
    FtTracer *tr = &st->tr;
    const char *trailer;
    Py_ssize_t trailer_len;
    uint64_t threads = 0;
    struct stat sb;
    FtThread *t;
    int failed = 0;
    PyObject *res;

    if (!PyArg_ParseTuple(args, "s#:stop", &trailer, &trailer_len)) {
        return NULL;
    }
    if (tr->forked) {
        /* A fork child: the parent owns the files. */
        tr->forked = 0;
        return stats_dict(tr, 0, 0);
    }
    if (!tr->active) {
        PyErr_SetString(PyExc_RuntimeError,
                        "flowtrace: recording is not started");
        return NULL;
    }
    tr->active = 0;
    ft_hook_stop(st);
    flusher_stop(tr);
    {
        /* the last flush: what was buffered plus the closing of what was
         * open, logged like the others */
        uint64_t before = tr->bytes, t0 = ft_now_ns();
        ft_thread_close_all(tr);
        ft_writer_stop(tr);
        tr->flushes++;
        if (tr->log_flushes || tr->verbose) {
            ft_report("[FlowTrace] flush #%llu: %llu bytes in %.3f ms",
                      (unsigned long long)tr->flushes,
                      (unsigned long long)(tr->bytes - before),
                      (double)(ft_now_ns() - t0) / 1e6);
        }
    }
    for (t = tr->threads; t != NULL; t = t->next) {
        threads += t->opened;
    }
    if (!tr->write_failed) {
        if (merge_parts(tr) < 0
            || ft_write_all(tr->fd, "]", 1) < 0
            || ft_write_all(tr->fd, trailer, (size_t)trailer_len) < 0
            || (tr->complete_offset >= 0
                && pwrite(tr->fd, "true ", 5, tr->complete_offset) != 5)) {
            failed = errno ? errno : EIO;
        }
        else if (tr->children > 0) {
            splice_children(tr);
        }
    }
    sb.st_size = 0;
    if (stat(tr->path, &sb) < 0) {
        (void)fstat(tr->fd, &sb);
    }
    if (failed || tr->write_failed) {
        PyObject *p = PyUnicode_DecodeFSDefault(tr->path);
        errno = failed ? failed : EIO;
        if (p != NULL) {
            PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, p);
            Py_DECREF(p);
        }
        ft_threads_free(tr);
        tracer_clear(tr);
        tr->gen++;
        return NULL;
    }
    res = stats_dict(tr, threads, (uint64_t)sb.st_size);
    ft_threads_free(tr);
    tracer_clear(tr);
    tr->gen++;
    return res;
}

static PyObject *
ft_child_placeholder_py(PyObject *module, PyObject *args)
{
    return ft_child_placeholder(&module_state(module)->tr, args);
}

/* flush(): write what every thread recorded so far (a followed child about
 * to wait for work, flowtrace/children.py). */
static PyObject *
ft_flush(PyObject *module, PyObject *unused)
{
    FtTracer *tr = &module_state(module)->tr;

    if (tr->active) {
        flush_all(tr, 0);
    }
    Py_RETURN_NONE;
}

static PyObject *
ft_is_active(PyObject *module, PyObject *unused)
{
    return PyBool_FromLong(module_state(module)->tr.active);
}

static PyObject *
ft_repair_py(PyObject *module, PyObject *args)
{
    PyObject *src = NULL, *dst = NULL, *res;

    if (!PyArg_ParseTuple(args, "O&O&:repair", PyUnicode_FSConverter, &src,
                          PyUnicode_FSConverter, &dst)) {
        Py_XDECREF(src);
        return NULL;
    }
    res = ft_repair(PyBytes_AS_STRING(src), PyBytes_AS_STRING(dst));
    Py_DECREF(src);
    Py_DECREF(dst);
    return res;
}

/* os.register_at_fork(after_in_child=...): the child never writes. */
static PyObject *
ft_after_fork_child(PyObject *module, PyObject *unused)
{
    FtModuleState *st = module_state(module);
    FtTracer *tr = &st->tr;

    if (!tr->active) {
        Py_RETURN_NONE;
    }
    tr->forked = 1;
    tr->active = 0;
    tr->flusher_running = 0;
    ft_writer_forget(tr);
    ft_fork_child(st);
    ft_threads_free(tr);
    tracer_clear(tr);
    tr->gen++;
    PyErr_Clear();
    Py_RETURN_NONE;
}

/* os.register_at_fork(before=...): the writer and flusher threads end
 * for the fork, so that the process forks with the threads it would have
 * untraced (Python 3.12+ warns about forking a multi-threaded process,
 * counting the OS threads) and the child inherits no lock held.  3.13
 * warns before these hooks run: flowtrace/children.py wraps os.fork to
 * call this first (a second call does nothing). */
static PyObject *
ft_before_fork(PyObject *module, PyObject *unused)
{
    FtTracer *tr = &module_state(module)->tr;

    if (tr->active && !tr->fork_paused) {
        tr->fork_paused = 1;
        tr->fork_flusher = tr->flusher_running;
        flusher_stop(tr);
        ft_writer_stop(tr);
    }
    Py_RETURN_NONE;
}

static PyObject *
ft_after_fork_parent(PyObject *module, PyObject *unused)
{
    FtTracer *tr = &module_state(module)->tr;

    if (tr->active && tr->fork_paused) {
        tr->fork_paused = 0;
        ft_writer_start(tr);
        if (tr->fork_flusher && flusher_start(tr) < 0) {
            ft_report("[FlowTrace] cannot start the flusher thread; "
                      "buffers are written when full and at stop()");
        }
        tr->fork_flusher = 0;
    }
    Py_RETURN_NONE;
}

/* atexit: stop() was not called (the runner always calls it); stop the
 * flusher before the interpreter goes away and write what is buffered so
 * that --repair finds it. */
static PyObject *
ft_at_exit(PyObject *module, PyObject *unused)
{
    FtTracer *tr = &module_state(module)->tr;

    if (tr->active) {
        flusher_stop(tr);
        flush_all(tr, 0);
    }
    Py_RETURN_NONE;
}

/* The runner's frames (runpy, cli.main, run, exec...) would count against
 * the script's recursion limit, so RecursionError would come that many
 * calls earlier than untraced.  _hide_frames(), called from the function
 * that execs the script, gives the thread back as much headroom as the
 * interpreter counts in use there (this call standing for the exec) and
 * returns it; _restore_frames(n) takes it back.  The limit, as
 * sys.getrecursionlimit() shows it, is not changed, and
 * sys.setrecursionlimit() keeps the difference (it works on the depth). */
static void
shift_headroom(int n)
{
    PyThreadState *ts = PyThreadState_Get();

#if PY_VERSION_HEX >= 0x030C0000
    ts->py_recursion_remaining += n;
#elif PY_VERSION_HEX >= 0x030B0000
    ts->recursion_remaining += n;
#else
    ts->recursion_depth -= n;
#endif
}

static PyObject *
ft_hide_frames(PyObject *module, PyObject *unused)
{
    PyThreadState *ts = PyThreadState_Get();
    int used;

#if PY_VERSION_HEX >= 0x030C0000
    used = ts->py_recursion_limit - ts->py_recursion_remaining;
#elif PY_VERSION_HEX >= 0x030B0000
    used = ts->recursion_limit - ts->recursion_remaining;
#else
    used = ts->recursion_depth;
#endif
    if (used < 0) {
        used = 0;
    }
    shift_headroom(used);
    return PyLong_FromLong(used);
}

static PyObject *
ft_restore_frames(PyObject *module, PyObject *arg)
{
    long n = PyLong_AsLong(arg);

    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (n < 0 || n > INT_MAX) {
        PyErr_SetString(PyExc_ValueError,
                        "flowtrace: _restore_frames() takes what "
                        "_hide_frames() returned");
        return NULL;
    }
    shift_headroom(-(int)n);
    Py_RETURN_NONE;
}

/* _write_unraisable(exc, obj): report exc as the interpreter reports an
 * error it cannot raise ("Exception ignored in: obj", through
 * sys.unraisablehook), with exc's own traceback. */
static PyObject *
ft_write_unraisable(PyObject *module, PyObject *args)
{
    PyObject *exc, *obj, *tb;

    if (!PyArg_ParseTuple(args, "OO", &exc, &obj)) {
        return NULL;
    }
    if (!PyExceptionInstance_Check(exc)) {
        PyErr_SetString(PyExc_TypeError,
                        "flowtrace: _write_unraisable() needs an exception");
        return NULL;
    }
    tb = PyException_GetTraceback(exc);   /* new reference or NULL */
    Py_INCREF(exc);
    Py_INCREF(Py_TYPE(exc));
    PyErr_Restore((PyObject *)Py_TYPE(exc), exc, tb);
    PyErr_WriteUnraisable(obj);
    Py_RETURN_NONE;
}

static PyMethodDef ft_methods[] = {
    {"start", (PyCFunction)(void (*)(void))ft_start,
     METH_VARARGS | METH_KEYWORDS,
     "start(path, header, *, filter, ...): start recording into path."},
    {"stop", ft_stop, METH_VARARGS,
     "stop(trailer) -> dict: stop recording and complete the file."},
    {"child_placeholder", ft_child_placeholder_py, METH_VARARGS,
     "child_placeholder(token, pid, fields) -> bool: write the process "
     "node of a child just started, under the current call."},
    {"flush", ft_flush, METH_NOARGS,
     "flush(): write what was recorded so far."},
    {"is_active", ft_is_active, METH_NOARGS,
     "is_active() -> bool: True while recording."},
    {"repair", ft_repair_py, METH_VARARGS,
     "repair(src, dst) -> dict: make a valid trace from a cut one."},
    {"_after_fork_child", ft_after_fork_child, METH_NOARGS, NULL},
    {"_before_fork", ft_before_fork, METH_NOARGS, NULL},
    {"_after_fork_parent", ft_after_fork_parent, METH_NOARGS, NULL},
    {"_at_exit", ft_at_exit, METH_NOARGS, NULL},
    {"_hide_frames", ft_hide_frames, METH_NOARGS, NULL},
    {"_restore_frames", ft_restore_frames, METH_O, NULL},
    {"_write_unraisable", ft_write_unraisable, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL}
};

static int
ft_traverse(PyObject *module, visitproc visit, void *arg)
{
    FtModuleState *st = module_state(module);

    if (st == NULL) {
        return 0;
    }
    Py_VISIT(st->callback_type);
    Py_VISIT(st->bootstrap);
    return 0;
}

static struct PyModuleDef ft_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "flowtrace._flowtrace",
    .m_doc = "FlowTrace C tracer: streams every call into a JSON trace.",
    .m_size = sizeof(FtModuleState),
    .m_methods = ft_methods,
    .m_traverse = ft_traverse,
};

PyMODINIT_FUNC
PyInit__flowtrace(void)
{
    PyObject *m = PyModule_Create(&ft_module);
    FtModuleState *st;

    if (m == NULL) {
        return NULL;
    }
    st = module_state(m);
    memset(st, 0, sizeof(*st));
    st->tr.fd = -1;
    ft_clock_early();
    if (ft_hook_init(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
#if FT_MONITORING
    st->tr.tool_id = -1;
    st->callback_type = PyType_FromModuleAndSpec(m, &ft_callback_spec, NULL);
    if (st->callback_type == NULL) {
        Py_DECREF(m);
        return NULL;
    }
#else
    st->bootstrap = PyCFunction_NewEx(&ft_bootstrap_def, m, NULL);
    if (st->bootstrap == NULL) {
        Py_DECREF(m);
        return NULL;
    }
#endif
    return m;
}
