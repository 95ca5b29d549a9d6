/* SPDX-License-Identifier: MIT
 *
 * ft-capture.c: bounded, safe capture of Python values as JSON.
 *
 * JSON-native where faithful; everything else bounded and marked with a
 * {"$truncated": REASON, ...} object (docs/trace-format.md).  Python code
 * run here (repr, iteration) runs with recording off for the thread and
 * its exceptions are swallowed into a marker.
 */
#include "ft-private.h"

#include <fcntl.h>
#include <math.h>
#include <unistd.h>

#define FT_MAX_ANC (FT_MAX_DEPTH + 2)

static inline uint64_t
out_pos(FtThread *t)
{
    return t->flushed + t->len;
}

static void
put_type_name(FtThread *t, PyObject *v)
{
    const char *name = Py_TYPE(v)->tp_name;

    ft_put_cstr(t, name, strlen(name));
}

/* Swallow the pending exception.  It is the repr's own: signal handlers
 * (Ctrl-C's KeyboardInterrupt included) never run inside a capture, they
 * wait for the program's next check (ft-signals.c), so nothing is re-raised:
 * a __repr__ raising KeyboardInterrupt must not stop a program that untraced
 * never calls it. */
static void
swallow_error(void)
{
    PyErr_Clear();
}

static void
put_marker_error(FtThread *t, PyObject *v)
{
    PyObject *type, *value, *tb;
    const char *ename = "?";

    PyErr_Fetch(&type, &value, &tb);
    if (type != NULL && PyType_Check(type)) {
        ename = ((PyTypeObject *)type)->tp_name;
    }
    FT_PUTS(t, "{\"$truncated\":\"repr-error\",\"type\":");
    put_type_name(t, v);
    FT_PUTS(t, ",\"error_type\":");
    ft_put_cstr(t, ename, strlen(ename));
    FT_PUTS(t, "}");
    PyErr_Restore(type, value, tb);
    swallow_error();
}

static void
put_str_value(FtThread *t, PyObject *s)
{
    Py_ssize_t n;

#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(s) < 0) {
        PyErr_Clear();
        FT_PUTS(t, "\"\"");
        return;
    }
#endif
    n = PyUnicode_GET_LENGTH(s);
    if (n <= FT_MAX_CHARS) {
        ft_put_str(t, s, n);
        return;
    }
    FT_PUTS(t, "{\"$truncated\":\"str\",\"len\":");
    ft_put_u64(t, (uint64_t)n);
    FT_PUTS(t, ",\"value\":");
    ft_put_str(t, s, FT_MAX_CHARS);
    FT_PUTS(t, "}");
}

static void
put_repr(FtThread *t, PyObject *v)
{
    PyObject *r;

    ft_py_enter(t);
    r = PyObject_Repr(v);
    ft_py_leave(t);
    if (r == NULL) {
        put_marker_error(t, v);
        return;
    }
    put_str_value(t, r);
    Py_DECREF(r);
}

static void
put_int(FtThread *t, PyObject *v)
{
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    const long long lim = 9007199254740992LL;   /* 2**53 */
    size_t bits;
    PyObject *s;

    if (!overflow && !(x == -1 && PyErr_Occurred()) && x >= -lim && x <= lim) {
        ft_put_i64(t, x);
        return;
    }
    PyErr_Clear();
    bits = _PyLong_NumBits(v);
    if (bits == (size_t)-1 || bits > FT_MAX_INT_BITS) {
        PyErr_Clear();
        FT_PUTS(t, "{\"$truncated\":\"int\",\"bits\":");
        ft_put_u64(t, bits == (size_t)-1 ? 0 : (uint64_t)bits);
        FT_PUTS(t, "}");
        return;
    }
    /* Exact, as a decimal string: JSON readers lose precision past 2**53. */
    s = PyLong_Type.tp_str(v);
    if (s == NULL) {
        put_marker_error(t, v);
        return;
    }
    ft_put_str(t, s, PyUnicode_GET_LENGTH(s));
    Py_DECREF(s);
}

static void
put_float(FtThread *t, double d)
{
    char *s;

    if (isnan(d)) {
        FT_PUTS(t, "\"NaN\"");
        return;
    }
    if (isinf(d)) {
        if (d > 0) {
            FT_PUTS(t, "\"Infinity\"");
        }
        else {
            FT_PUTS(t, "\"-Infinity\"");
        }
        return;
    }
    s = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (s == NULL) {
        PyErr_Clear();
        FT_PUTS(t, "null");
        return;
    }
    ft_put(t, s, strlen(s));
    PyMem_Free(s);
}

/* Python-style repr of the first bytes: b'..'. */
static void
put_bytes(FtThread *t, const unsigned char *p, Py_ssize_t n)
{
    static const char hex[] = "0123456789abcdef";
    Py_ssize_t cut = n > FT_MAX_BYTES ? FT_MAX_BYTES : n;
    char tmp[FT_MAX_BYTES * 4 + 4];
    char *o = tmp;
    Py_ssize_t i;

    if (cut < n) {
        FT_PUTS(t, "{\"$truncated\":\"bytes\",\"len\":");
        ft_put_u64(t, (uint64_t)n);
        FT_PUTS(t, ",\"value\":");
    }
    *o++ = 'b';
    *o++ = '\'';
    for (i = 0; i < cut; i++) {
        unsigned char c = p[i];
        if (c == '\'' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        }
        else if (c == '\n') {
            *o++ = '\\';
            *o++ = 'n';
        }
        else if (c == '\r') {
            *o++ = '\\';
            *o++ = 'r';
        }
        else if (c == '\t') {
            *o++ = '\\';
            *o++ = 't';
        }
        else if (c < 0x20 || c >= 0x7f) {
            *o++ = '\\';
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
        else {
            *o++ = (char)c;
        }
    }
    *o++ = '\'';
    ft_put_cstr(t, tmp, (size_t)(o - tmp));
    if (cut < n) {
        FT_PUTS(t, "}");
    }
}

static void
put_items_marker(FtThread *t, Py_ssize_t n)
{
    FT_PUTS(t, "{\"$truncated\":\"items\",\"len\":");
    ft_put_u64(t, (uint64_t)n);
    FT_PUTS(t, "}");
}

static void capture(FtThread *t, PyObject *v, int depth, PyObject **anc);

static void
put_sequence(FtThread *t, PyObject *v, int depth, PyObject **anc)
{
    Py_ssize_t i, n = PySequence_Fast_GET_SIZE(v);

    FT_PUTS(t, "[");
    for (i = 0; i < n && i < FT_MAX_ITEMS; i++) {
        PyObject *item;
        /* A repr further down may have shrunk the list. */
        if (i >= PySequence_Fast_GET_SIZE(v)) {
            break;
        }
        item = PySequence_Fast_GET_ITEM(v, i);
        if (i > 0) {
            FT_PUTS(t, ",");
        }
        if (out_pos(t) > t->budget) {
            FT_PUTS(t, "{\"$truncated\":\"budget\"}]");
            return;
        }
        Py_INCREF(item);
        capture(t, item, depth + 1, anc);
        Py_DECREF(item);
    }
    if (n > FT_MAX_ITEMS) {
        FT_PUTS(t, ",");
        put_items_marker(t, n);
    }
    FT_PUTS(t, "]");
}

static void
put_set(FtThread *t, PyObject *v, int depth, PyObject **anc)
{
    Py_ssize_t i = 0, n = PySet_GET_SIZE(v);
    PyObject *it, *item;

    FT_PUTS(t, "[");
    it = PyObject_GetIter(v);
    if (it == NULL) {
        swallow_error();
        FT_PUTS(t, "]");
        return;
    }
    while (i < FT_MAX_ITEMS && (item = PyIter_Next(it)) != NULL) {
        if (i++ > 0) {
            FT_PUTS(t, ",");
        }
        if (out_pos(t) > t->budget) {
            Py_DECREF(item);
            FT_PUTS(t, "{\"$truncated\":\"budget\"}");
            n = 0;
            break;
        }
        capture(t, item, depth + 1, anc);
        Py_DECREF(item);
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) {
        swallow_error();
    }
    if (n > FT_MAX_ITEMS) {
        FT_PUTS(t, ",");
        put_items_marker(t, n);
    }
    FT_PUTS(t, "]");
}

/* ---- redaction ------------------------------------------------------ */

/* Names are compared in a normal form: ASCII letters in lower case, `_`
 * and `-` left out, so "user_password", "X-Api-Key" and "apiKey" contain
 * "password" and "apikey".  Any other character stays as it is (and, not
 * being in a name, only breaks a match). */
static inline int
redact_norm(Py_UCS4 ch)
{
    if (ch == '_' || ch == '-') {
        return -1;
    }
    if (ch >= 'A' && ch <= 'Z') {
        return (int)(ch + ('a' - 'A'));
    }
    return ch < 128 ? (int)ch : 0x80;
}

/* Dict keys repeat (the same interned "id", "name" in every record), so
 * their verdict is kept in a small table indexed by the key's address.
 * Each slot holds a reference: the address cannot be reused by another
 * string while its verdict is kept. */
#define FT_REDACT_SLOTS 512
#define FT_REDACT_SLOT_MAX_LEN 64

struct FtRedactSlot {
    PyObject *key;
    int match;
};

void
ft_redact_clear(FtTracer *tr)
{
    int i;

    if (tr->redact_cache != NULL) {
        for (i = 0; i < FT_REDACT_SLOTS; i++) {
            Py_XDECREF(tr->redact_cache[i].key);
        }
        PyMem_RawFree(tr->redact_cache);
        tr->redact_cache = NULL;
    }

    for (i = 0; i < tr->nredact; i++) {
        PyMem_RawFree(tr->redact[i]);
    }
    PyMem_RawFree(tr->redact);
    PyMem_RawFree(tr->redact_lens);
    tr->redact = NULL;
    tr->redact_lens = NULL;
    tr->nredact = 0;
    tr->redact_min = 0;
    memset(tr->redact_first, 0, sizeof(tr->redact_first));
}

/* names: a sequence of str (ASCII); empty turns redaction off. */
int
ft_redact_set(FtTracer *tr, PyObject *names)
{
    PyObject *seq = PySequence_Fast(names, "flowtrace: redact= must be a "
                                           "sequence of names");
    Py_ssize_t i, n;

    ft_redact_clear(tr);
    if (seq == NULL) {
        return -1;
    }
    n = PySequence_Fast_GET_SIZE(seq);
    tr->redact = PyMem_RawCalloc((size_t)n + 1, sizeof(char *));
    tr->redact_lens = PyMem_RawCalloc((size_t)n + 1, sizeof(size_t));
    tr->redact_cache = PyMem_RawCalloc(FT_REDACT_SLOTS,
                                       sizeof(struct FtRedactSlot));
    if (tr->redact == NULL || tr->redact_lens == NULL
        || tr->redact_cache == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (i = 0; i < n; i++) {
        PyObject *name = PySequence_Fast_GET_ITEM(seq, i);
        Py_ssize_t k, len;
        char *out;
        size_t m = 0;

        if (!PyUnicode_Check(name) || !PyUnicode_IS_ASCII(name)) {
            PyErr_SetString(PyExc_ValueError, "flowtrace: redact= names must "
                            "be ASCII strings");
            Py_DECREF(seq);
            return -1;
        }
        len = PyUnicode_GET_LENGTH(name);
        out = PyMem_RawMalloc((size_t)len + 1);
        if (out == NULL) {
            Py_DECREF(seq);
            PyErr_NoMemory();
            return -1;
        }
        for (k = 0; k < len; k++) {
            int ch = redact_norm(PyUnicode_READ_CHAR(name, k));
            if (ch >= 0) {
                out[m++] = (char)ch;
            }
        }
        if (m == 0) {
            PyMem_RawFree(out);
            PyErr_Format(PyExc_ValueError, "flowtrace: redact= name %R has "
                         "no letter or digit", name);
            Py_DECREF(seq);
            return -1;
        }
        tr->redact[tr->nredact] = out;
        tr->redact_lens[tr->nredact++] = m;
        tr->redact_first[(unsigned char)out[0]] = 1;
        if (tr->redact_min == 0 || m < tr->redact_min) {
            tr->redact_min = m;
        }
    }
    Py_DECREF(seq);
    return 0;
}

/* 1 if the str `name` contains one of the redaction names (normal form). */
int
ft_redact_match(FtTracer *tr, PyObject *name)
{
    char stack[256], *norm = stack;
    Py_ssize_t i, n;
    size_t m = 0, pos;
    int kind, j, found = 0;
    const void *data;

#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(name) < 0) {
        PyErr_Clear();
        return 0;
    }
#endif
    n = PyUnicode_GET_LENGTH(name);
    if (tr->nredact == 0 || (size_t)n < tr->redact_min) {
        return 0;
    }
    if ((size_t)n > sizeof(stack)) {
        norm = PyMem_RawMalloc((size_t)n);
        if (norm == NULL) {
            return 1;   /* cannot tell: hide it */
        }
    }
    kind = PyUnicode_KIND(name);
    data = PyUnicode_DATA(name);
    for (i = 0; i < n; i++) {
        int ch = redact_norm(PyUnicode_READ(kind, data, i));
        if (ch >= 0) {
            norm[m++] = (char)ch;
        }
    }
    for (pos = 0; pos + tr->redact_min <= m && !found; pos++) {
        unsigned char c = (unsigned char)norm[pos];
        if (c >= 128 || !tr->redact_first[c]) {
            continue;
        }
        for (j = 0; j < tr->nredact; j++) {
            size_t k = tr->redact_lens[j];
            if (k <= m - pos && memcmp(norm + pos, tr->redact[j], k) == 0) {
                found = 1;
                break;
            }
        }
    }
    if (norm != stack) {
        PyMem_RawFree(norm);
    }
    return found;
}

/* ft_redact_match() for a dict key, remembered for short keys. */
int
ft_redact_key(FtTracer *tr, PyObject *key)
{
    uintptr_t a = (uintptr_t)key;
    struct FtRedactSlot *slot;
    int match;

    if (tr->redact_cache == NULL) {
        return ft_redact_match(tr, key);
    }
    slot = &tr->redact_cache[((a >> 4) ^ (a >> 13)) & (FT_REDACT_SLOTS - 1)];
    if (slot->key == key) {
        return slot->match;
    }
    match = ft_redact_match(tr, key);
#if PY_VERSION_HEX < 0x030C0000
    if (!PyUnicode_IS_READY(key)) {
        return match;
    }
#endif
    if (PyUnicode_GET_LENGTH(key) <= FT_REDACT_SLOT_MAX_LEN) {
        Py_INCREF(key);
        Py_XSETREF(slot->key, key);
        slot->match = match;
    }
    return match;
}

#define FT_REDACTED "\"***\""

/* A dict key as a JSON string. */
static void
put_key(FtThread *t, PyObject *k)
{
    PyObject *r;

    if (PyUnicode_Check(k)) {
        ft_put_str(t, k, FT_MAX_CHARS);
        return;
    }
    if (k == Py_None || PyBool_Check(k) || PyLong_Check(k) || PyFloat_Check(k)) {
        /* the scalar's Python text, quoted */
        char *p;
        FT_PUTS(t, "\"");
        if (k == Py_None) {
            FT_PUTS(t, "None");
        }
        else if (PyBool_Check(k)) {
            if (k == Py_True) {
                FT_PUTS(t, "True");
            }
            else {
                FT_PUTS(t, "False");
            }
        }
        else if (PyLong_Check(k)) {
            int overflow = 0;
            long long x = PyLong_AsLongLongAndOverflow(k, &overflow);
            if (overflow || (x == -1 && PyErr_Occurred())) {
                PyErr_Clear();
                FT_PUTS(t, "<int>");
            }
            else {
                ft_put_i64(t, x);
            }
        }
        else {
            double d = PyFloat_AS_DOUBLE(k);
            p = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
            if (p == NULL) {
                PyErr_Clear();
            }
            else {
                ft_put(t, p, strlen(p));
                PyMem_Free(p);
            }
        }
        FT_PUTS(t, "\"");
        return;
    }
    ft_py_enter(t);
    r = PyObject_Repr(k);
    ft_py_leave(t);
    if (r == NULL) {
        swallow_error();
        FT_PUTS(t, "\"<key>\"");
        return;
    }
    ft_put_str(t, r, FT_MAX_CHARS);
    Py_DECREF(r);
}

static void
put_dict(FtThread *t, PyObject *v, int depth, PyObject **anc)
{
    Py_ssize_t pos = 0, i = 0, n = PyDict_GET_SIZE(v);
    PyObject *k, *val;

    FT_PUTS(t, "{");
    while (i < FT_MAX_ITEMS && PyDict_Next(v, &pos, &k, &val)) {
        if (i++ > 0) {
            FT_PUTS(t, ",");
        }
        if (out_pos(t) > t->budget) {
            FT_PUTS(t, "\"$truncated\":{\"$truncated\":\"budget\"}}");
            return;
        }
        Py_INCREF(k);
        Py_INCREF(val);
        put_key(t, k);
        FT_PUTS(t, ":");
        if (t->tr->nredact && PyUnicode_Check(k) && ft_redact_key(t->tr, k)) {
            FT_PUTS(t, FT_REDACTED);
        }
        else {
            capture(t, val, depth + 1, anc);
        }
        Py_DECREF(k);
        Py_DECREF(val);
    }
    if (n > FT_MAX_ITEMS) {
        FT_PUTS(t, ",\"$truncated\":");
        put_items_marker(t, n);
    }
    FT_PUTS(t, "}");
}

static int
is_container(PyObject *v)
{
    return PyList_Check(v) || PyTuple_Check(v) || PyDict_Check(v)
           || PyAnySet_Check(v);
}

/* The instance dict of a user object, without running __getattr__,
 * properties or descriptors; NULL if it has none. */
static PyObject *
instance_dict(PyObject *v)
{
    PyTypeObject *tp = Py_TYPE(v);
    PyObject *d;

    if (!PyType_HasFeature(tp, Py_TPFLAGS_HEAPTYPE)
        || PyType_Check(v) || PyExceptionInstance_Check(v)) {
        return NULL;
    }
#ifdef Py_TPFLAGS_MANAGED_DICT
    if (tp->tp_dictoffset == 0
        && !PyType_HasFeature(tp, Py_TPFLAGS_MANAGED_DICT)) {
        return NULL;
    }
#else
    if (tp->tp_dictoffset == 0) {
        return NULL;
    }
#endif
    d = PyObject_GenericGetDict(v, NULL);
    if (d == NULL) {
        swallow_error();
        return NULL;
    }
    /* An empty attribute dict says less than the object's repr. */
    if (!PyDict_Check(d) || PyDict_GET_SIZE(d) == 0) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

static void
put_container(FtThread *t, PyObject *v, int depth, PyObject **anc)
{
    int i;

    for (i = 0; i < depth && i < FT_MAX_ANC; i++) {
        if (anc[i] == v) {
            FT_PUTS(t, "{\"$truncated\":\"cycle\",\"type\":");
            put_type_name(t, v);
            FT_PUTS(t, "}");
            return;
        }
    }
    if (depth >= FT_MAX_DEPTH) {
        FT_PUTS(t, "{\"$truncated\":\"depth\",\"type\":");
        put_type_name(t, v);
        if (PyDict_Check(v)) {
            FT_PUTS(t, ",\"len\":");
            ft_put_u64(t, (uint64_t)PyDict_GET_SIZE(v));
        }
        else if (PyAnySet_Check(v)) {
            FT_PUTS(t, ",\"len\":");
            ft_put_u64(t, (uint64_t)PySet_GET_SIZE(v));
        }
        else if (PyList_Check(v) || PyTuple_Check(v)) {
            FT_PUTS(t, ",\"len\":");
            ft_put_u64(t, (uint64_t)Py_SIZE(v));
        }
        FT_PUTS(t, "}");
        return;
    }
    anc[depth] = v;
    if (PyDict_Check(v)) {
        put_dict(t, v, depth, anc);
    }
    else if (PyAnySet_Check(v)) {
        put_set(t, v, depth, anc);
    }
    else {
        put_sequence(t, v, depth, anc);
    }
}

static void
capture(FtThread *t, PyObject *v, int depth, PyObject **anc)
{
    PyObject *d;

    if (out_pos(t) > t->budget) {
        FT_PUTS(t, "{\"$truncated\":\"budget\"}");
        return;
    }
    if (v == Py_None) {
        FT_PUTS(t, "null");
    }
    else if (v == Py_True) {
        FT_PUTS(t, "true");
    }
    else if (v == Py_False) {
        FT_PUTS(t, "false");
    }
    else if (PyLong_Check(v)) {
        put_int(t, v);
    }
    else if (PyUnicode_Check(v)) {
        put_str_value(t, v);
    }
    else if (PyBytes_Check(v)) {
        put_bytes(t, (const unsigned char *)PyBytes_AS_STRING(v),
                  PyBytes_GET_SIZE(v));
    }
    else if (PyList_Check(v) || PyTuple_Check(v) || PyDict_Check(v)) {
        /* type-flag checks first: the subtype walks below cost more */
        put_container(t, v, depth, anc);
    }
    else if (PyFloat_Check(v)) {
        put_float(t, PyFloat_AS_DOUBLE(v));
    }
    else if (PyByteArray_Check(v)) {
        put_bytes(t, (const unsigned char *)PyByteArray_AS_STRING(v),
                  PyByteArray_GET_SIZE(v));
    }
    else if (is_container(v)) {
        put_container(t, v, depth, anc);
    }
    else if ((d = instance_dict(v)) != NULL) {
        int i;
        for (i = 0; i < depth && i < FT_MAX_ANC; i++) {
            if (anc[i] == v) {
                break;
            }
        }
        if (i < depth) {
            FT_PUTS(t, "{\"$truncated\":\"cycle\",\"type\":");
            put_type_name(t, v);
            FT_PUTS(t, "}");
        }
        else if (depth >= FT_MAX_DEPTH) {
            FT_PUTS(t, "{\"$truncated\":\"depth\",\"type\":");
            put_type_name(t, v);
            FT_PUTS(t, "}");
        }
        else {
            anc[depth] = v;
            put_dict(t, d, depth, anc);
        }
        Py_DECREF(d);
    }
    else {
        put_repr(t, v);
    }
}

void
ft_capture(FtThread *t, PyObject *v, int depth)
{
    PyObject *anc[FT_MAX_ANC + 1];

    capture(t, v, depth, anc);
}

/* {"name":value,...} of the argument slots (self/cls left out). */
void
ft_capture_args(FtThread *t, FtCode *c, PyObject **locals)
{
    PyObject *anc[FT_MAX_ANC + 1];
    int i, first = 1;

    FT_PUTS(t, "{");
    for (i = c->self_kind ? 1 : 0; i < c->nargs; i++) {
        PyObject *v = locals[c->argslots[i]];
        if (v == NULL) {
            continue;
        }
        if (c->argcell[i] && PyCell_Check(v)) {
            v = PyCell_GET(v);
            if (v == NULL) {
                continue;
            }
        }
        if (!first) {
            FT_PUTS(t, ",");
        }
        first = 0;
        ft_put(t, c->argkeys[i], c->argkey_lens[i]);
        if (c->argredact[i]) {
            FT_PUTS(t, FT_REDACTED);
            continue;
        }
        Py_INCREF(v);
        capture(t, v, 0, anc);
        Py_DECREF(v);
    }
    FT_PUTS(t, "}");
}

static int
read_statm(uint64_t *vms, uint64_t *rss)
{
    char buf[128];
    unsigned long long size = 0, res = 0;
    long page = sysconf(_SC_PAGESIZE);
    ssize_t n;
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return -1;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) {
        return -1;
    }
    buf[n] = '\0';
    if (sscanf(buf, "%llu %llu", &size, &res) != 2) {
        return -1;
    }
    *vms = size * (uint64_t)page;
    *rss = res * (uint64_t)page;
    return 0;
}

/* ,"memory_before":{...} (key given with its quotes and colon). */
void
ft_capture_memory(FtThread *t, const char *key, size_t key_len)
{
    FtTracer *tr = t->tr;
    uint64_t vms = 0, rss = 0;

    ft_put(t, key, key_len);
    FT_PUTS(t, "{");
    if (read_statm(&vms, &rss) == 0) {
        FT_PUTS(t, "\"rss_bytes\":");
        ft_put_u64(t, rss);
        FT_PUTS(t, ",\"vms_bytes\":");
        ft_put_u64(t, vms);
    }
    if (tr->tracemalloc && tr->tracemalloc_get != NULL) {
        PyObject *r;
        ft_py_enter(t);
        r = PyObject_CallNoArgs(tr->tracemalloc_get);
        ft_py_leave(t);
        if (r != NULL && PyTuple_Check(r) && PyTuple_GET_SIZE(r) == 2) {
            if (rss != 0 || vms != 0) {
                FT_PUTS(t, ",");
            }
            FT_PUTS(t, "\"py_tracemalloc_current\":");
            put_int(t, PyTuple_GET_ITEM(r, 0));
            FT_PUTS(t, ",\"py_tracemalloc_peak\":");
            put_int(t, PyTuple_GET_ITEM(r, 1));
        }
        Py_XDECREF(r);
        if (PyErr_Occurred()) {
            swallow_error();
        }
    }
    FT_PUTS(t, "}");
}

/* "error":repr,"error_type":qualname */
void
ft_capture_error(FtThread *t, PyObject *exc)
{
    PyObject *r, *q;

    if (exc == NULL) {
        FT_PUTS(t, "\"error\":null,\"error_type\":null");
        return;
    }
    FT_PUTS(t, "\"error\":");
    ft_py_enter(t);
    r = PyObject_Repr(exc);
    ft_py_leave(t);
    if (r == NULL) {
        swallow_error();
        FT_PUTS(t, "\"<unprintable exception>\"");
    }
    else {
        ft_put_str(t, r, FT_MAX_CHARS);
        Py_DECREF(r);
    }
    FT_PUTS(t, ",\"error_type\":");
    q = PyObject_GetAttrString((PyObject *)Py_TYPE(exc), "__qualname__");
    if (q != NULL && PyUnicode_Check(q)) {
        ft_put_str(t, q, FT_MAX_CHARS);
    }
    else {
        swallow_error();
        put_type_name(t, exc);
    }
    Py_XDECREF(q);
}
