/* SPDX-License-Identifier: MIT
 *
 * ft-children.c: child processes in the trace.
 *
 * When the traced program starts a child (fork, or exec of a Python
 * interpreter), flowtrace/children.py asks for a placeholder node: a
 * process node written at once in the starting thread's stream, under
 * the call that started the child, carrying a token:
 *
 *   {"flowtrace_child":"TOKEN","id":N,"kind":"process","pid":P,...,
 *    "calls":[]}
 *
 * The child records itself, as a trace of its own whose root is its
 * process node, into "<output>.proc-TOKEN.part" (and its own children
 * into "<that part>.proc-TOKEN2.part", and so on).  When the parent stops
 * (or `flowtrace --repair` mends a parent that was killed), one pass over
 * the output replaces each placeholder by its child's node: copied as it
 * is when the child finished, salvaged with the repair code when it did
 * not (killed, crashed, still running).  The pass only runs when part
 * files exist; it is linear in the size of the files.  Rules:
 * docs/trace-format.md, "Child processes".
 */
#include "ft-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MARK "{\"flowtrace_child\":\""
#define MARK_LEN (sizeof(MARK) - 1)
#define END ",\"calls\":[]}"
#define END_LEN (sizeof(END) - 1)
#define MAX_TOKEN 64
/* grandchildren of grandchildren...: more than enough, and a bound */
#define MAX_NESTING 32

/* ---- placeholders ----------------------------------------------------- */

static int
token_ok(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || n > MAX_TOKEN) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-')) {
            return 0;
        }
    }
    return 1;
}

/* child_placeholder(token, pid, fields) -> bool: write the placeholder of
 * a child just started, under the current thread's innermost recorded
 * call.  `fields` is JSON object members ending with a comma. */
PyObject *
ft_child_placeholder(FtTracer *tr, PyObject *args)
{
    const char *token, *fields;
    Py_ssize_t token_len, fields_len;
    PyObject *pid;
    FtThread *t;
    FtEntry *parent;
    uint64_t now;

    if (!PyArg_ParseTuple(args, "s#Os#:child_placeholder", &token,
                          &token_len, &pid, &fields, &fields_len)) {
        return NULL;
    }
    if (!token_ok(token, (size_t)token_len)) {
        PyErr_SetString(PyExc_ValueError,
                        "flowtrace: a child token is 1-64 characters "
                        "among 0-9, a-z and '-'");
        return NULL;
    }
    if (pid != Py_None && !PyLong_Check(pid)) {
        PyErr_SetString(PyExc_TypeError,
                        "flowtrace: child_placeholder() pid must be an "
                        "int or None");
        return NULL;
    }
    if (!tr->active) {
        Py_RETURN_FALSE;
    }
    t = ft_thread_get(tr);
    if (t == NULL || t->capturing || t->detached || t->finished) {
        Py_RETURN_FALSE;
    }
    if (!t->opened && ft_thread_open(t) < 0) {
        t->detached = 1;
        Py_RETURN_FALSE;
    }
    parent = t->depth > 0 ? &t->stack[t->depth - 1] : NULL;
    now = ft_trace_ns(tr);
    if (parent != NULL ? parent->nchildren++ : t->top_children++) {
        FT_PUTS(t, ",");
    }
    FT_PUTS(t, MARK);
    ft_put(t, token, (size_t)token_len);
    FT_PUTS(t, "\",\"id\":");
    ft_put_u64(t, tr->next_id++);
    FT_PUTS(t, ",\"kind\":\"process\",\"pid\":");
    if (pid == Py_None) {
        FT_PUTS(t, "null");
    }
    else {
        ft_put_i64(t, PyLong_AsLongLong(pid));
        PyErr_Clear();
    }
    FT_PUTS(t, ",");
    ft_put(t, fields, (size_t)fields_len);
    FT_PUTS(t, "\"caller\":\"");
    if (parent != NULL) {
        ft_put(t, parent->called, parent->called_len);
        FT_PUTS(t, "::");
        ft_put(t, parent->info->name, parent->info->name_len);
    }
    else {
        FT_PUTS(t, "Thread::");
        ft_put(t, t->name, t->name_len);
    }
    FT_PUTS(t, "\",\"start_ns\":");
    ft_put_u64(t, now);
    FT_PUTS(t, END);
    tr->children++;
    /* Written at once: a parent killed later still has it for --repair. */
    ft_flush_thread(t);
    Py_RETURN_TRUE;
}

/* ---- the splice pass -------------------------------------------------- */

typedef struct {
    int out;
    int consume;             /* delete the parts spliced */
    int failed;              /* errno of a write failure */
    uint64_t spliced;
    uint64_t salvaged;
} Splice;

typedef struct {
    char *data;
    size_t len;
    char *tmp;               /* salvage file to delete, or NULL */
} Mapped;

static int
map_file(const char *path, Mapped *m)
{
    struct stat sb;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    m->data = NULL;
    m->len = 0;
    if (fd < 0) {
        return -1;
    }
    if (fstat(fd, &sb) < 0) {
        close(fd);
        return -1;
    }
    m->len = (size_t)sb.st_size;
    if (m->len > 0) {
        m->data = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m->data == MAP_FAILED) {
            m->data = NULL;
            close(fd);
            return -1;
        }
    }
    close(fd);
    return 0;
}

static void
unmap_file(Mapped *m)
{
    if (m->data != NULL) {
        munmap(m->data, m->len);
    }
    if (m->tmp != NULL) {
        unlink(m->tmp);
        free(m->tmp);
    }
    memset(m, 0, sizeof(*m));
}

static void
put(Splice *s, const char *p, size_t n)
{
    if (!s->failed && n > 0 && ft_write_all(s->out, p, n) < 0) {
        s->failed = errno ? errno : EIO;
    }
}

/* The part is "[{...}]", one node in an array. */
static int
node_ok(const Mapped *m)
{
    return m->len >= 4 && m->data[0] == '[' && m->data[1] == '{'
           && m->data[m->len - 2] == '}' && m->data[m->len - 1] == ']';
}

/* A child's part finished normally: its node's "complete" (the first
 * member of that name, in the header) says true. */
static int
part_complete(const Mapped *m)
{
    static const char calls[] = "\"calls\":[";
    static const char mark[] = "\"complete\":true";
    const char *end;

    if (!node_ok(m)) {
        return 0;
    }
    end = memmem(m->data, m->len, calls, sizeof(calls) - 1);
    return end != NULL
           && memmem(m->data, (size_t)(end - m->data), mark,
                     sizeof(mark) - 1) != NULL;
}

/* Remove "<path>.thread-*.part" (a salvaged child's threads). */
static void
remove_thread_parts(const char *path)
{
    static const char *const kinds[] = {".thread-", NULL};

    ft_remove_parts(path, kinds);
}

/* The child's node: the part as it is when complete, else salvaged by
 * the repair code into a temporary file.  0, or -1 when nothing usable. */
static int
load_part(Splice *s, const char *part, Mapped *m, int *salvaged)
{
    PyObject *res;
    size_t n = strlen(part);
    int fd;

    *salvaged = 0;
    if (map_file(part, m) < 0) {
        return -1;
    }
    if (part_complete(m)) {
        return 0;
    }
    unmap_file(m);
    m->tmp = malloc(n + 20);
    if (m->tmp == NULL) {
        return -1;
    }
    memcpy(m->tmp, part, n);
    strcpy(m->tmp + n, ".salvage-XXXXXX");
    fd = mkstemp(m->tmp);
    if (fd < 0) {
        free(m->tmp);
        m->tmp = NULL;
        return -1;
    }
    close(fd);
    res = ft_repair_ex(part, m->tmp, 0);
    if (res == NULL) {
        /* not even a header: the child died at once */
        PyErr_Clear();
        unmap_file(m);
        return -1;
    }
    Py_DECREF(res);
    *salvaged = 1;
    if (map_file(m->tmp, m) < 0 || !node_ok(m)) {
        unmap_file(m);
        return -1;
    }
    return 0;
}

/* The placeholder's "caller" member (its value is escaped: no raw quote
 * inside), and a comma. */
static void
put_caller(Splice *s, const char *from, const char *to)
{
    static const char key[] = "\"caller\":\"";
    static const char after[] = "\",\"start_ns\":";
    const char *k = memmem(from, (size_t)(to - from), key, sizeof(key) - 1);
    const char *e = k ? memmem(k, (size_t)(to - k), after, sizeof(after) - 1)
                      : NULL;

    if (e == NULL) {
        put(s, "\"caller\":null,", 14);
        return;
    }
    put(s, k, (size_t)(e - k) + 2);
}

/* Copy data[0:len] to the output, each placeholder replaced by its
 * child's node when the child's part exists. */
static void
splice_text(Splice *s, const char *data, size_t len, const char *prefix,
            int nesting)
{
    const char *p = data, *end = data + len;

    while (p < end && !s->failed) {
        const char *m = memmem(p, (size_t)(end - p), MARK, MARK_LEN);
        const char *tok, *q, *stop;
        char part[4096];
        Mapped child = {NULL, 0, NULL};
        int salvaged = 0;

        if (m == NULL) {
            break;
        }
        tok = m + MARK_LEN;
        q = memchr(tok, '"', (size_t)(end - tok));
        stop = q ? memmem(q, (size_t)(end - q), END, END_LEN) : NULL;
        if (q == NULL || stop == NULL || !token_ok(tok, (size_t)(q - tok))
            || nesting >= MAX_NESTING) {
            put(s, p, (size_t)(tok - p));
            p = tok;
            continue;
        }
        stop += END_LEN;
        PyOS_snprintf(part, sizeof(part), "%s.proc-%.*s.part", prefix,
                      (int)(q - tok), tok);
        if (load_part(s, part, &child, &salvaged) < 0) {
            if (access(part, F_OK) < 0) {
                /* no part (the child never started recording): keep it */
                put(s, p, (size_t)(stop - p));
                p = stop;
                continue;
            }
            /* a part with nothing usable in it (the child was killed
             * between creating it and writing its node): the placeholder,
             * marked incomplete, and the part gone like the others */
            put(s, p, (size_t)(stop - END_LEN - p));
            put(s, ",\"incomplete\":true" END, 18 + END_LEN);
            s->spliced++;
            s->salvaged++;
            if (s->consume) {
                (void)unlink(part);
                remove_thread_parts(part);
            }
            p = stop;
            continue;
        }
        put(s, p, (size_t)(m - p));
        /* the child's node, without the part's enclosing [ ], with the
         * placeholder's caller (the child cannot know it); its own
         * children's parts are named after its part */
        put(s, "{", 1);
        put_caller(s, m, stop);
        splice_text(s, child.data + 2, child.len - 3, part, nesting + 1);
        unmap_file(&child);
        s->spliced++;
        s->salvaged += salvaged;
        if (s->consume) {
            (void)unlink(part);
            if (salvaged) {
                remove_thread_parts(part);
            }
        }
        p = stop;
    }
    if (p < end) {
        put(s, p, (size_t)(end - p));
    }
}

/* True if some "<prefix>.proc-*.part" exists. */
static int
any_parts(const char *prefix)
{
    char *dcopy = strdup(prefix), *bcopy = strdup(prefix);
    const char *dir, *base;
    size_t blen;
    DIR *d;
    struct dirent *de;
    int found = 0;

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
    while (!found && (de = readdir(d)) != NULL) {
        const char *n = de->d_name;
        size_t nlen = strlen(n);
        found = nlen > blen + 11 && strncmp(n, base, blen) == 0
                && strncmp(n + blen, ".proc-", 6) == 0
                && strcmp(n + nlen - 5, ".part") == 0;
    }
    closedir(d);
out:
    free(dcopy);
    free(bcopy);
    return found;
}

/* Replace the placeholders of `path` by the children's nodes found as
 * "<prefix>.proc-TOKEN.part", through a temporary file renamed over
 * `path`.  Returns the number of children spliced (and how many of them
 * were salvaged), or -1 with errno set.  Nothing is done, and 0 returned,
 * when no part file exists. */
int
ft_children_splice(const char *path, const char *prefix, int consume,
                   uint64_t *salvaged)
{
    Splice s = {-1, consume, 0, 0, 0};
    Mapped in = {NULL, 0, NULL};
    char *tmp;
    size_t n = strlen(path);
    int err;

    if (salvaged != NULL) {
        *salvaged = 0;
    }
    if (!any_parts(prefix)) {
        return 0;
    }
    if (map_file(path, &in) < 0) {
        return -1;
    }
    tmp = malloc(n + 20);
    if (tmp == NULL) {
        unmap_file(&in);
        errno = ENOMEM;
        return -1;
    }
    memcpy(tmp, path, n);
    strcpy(tmp + n, ".splice-XXXXXX");
    s.out = mkstemp(tmp);
    if (s.out < 0) {
        err = errno;
        free(tmp);
        unmap_file(&in);
        errno = err;
        return -1;
    }
    {
        /* keep the mode the output had */
        struct stat sb;
        if (stat(path, &sb) == 0) {
            (void)fchmod(s.out, sb.st_mode & 07777);
        }
    }
    splice_text(&s, in.data, in.len, prefix, 0);
    unmap_file(&in);
    if (close(s.out) < 0 && !s.failed) {
        s.failed = errno;
    }
    if (!s.failed && s.spliced > 0 && rename(tmp, path) < 0) {
        s.failed = errno;
    }
    if (s.failed || s.spliced == 0) {
        unlink(tmp);
    }
    free(tmp);
    if (s.failed) {
        errno = s.failed;
        return -1;
    }
    if (salvaged != NULL) {
        *salvaged = s.salvaged;
    }
    return (int)s.spliced;
}
