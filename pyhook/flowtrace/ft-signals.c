/* SPDX-License-Identifier: MIT
 *
 * ft-signals.c: Python code run by the tracer (a __repr__, the filter,
 * current_thread(), tracemalloc) must not run the program's signal
 * handlers.
 *
 * A Python signal handler runs at the next check of the eval loop in the
 * main thread.  Inside a __repr__ that a hook runs, it would run
 * unrecorded, and whatever it raised (a timeout, SystemExit) would be
 * swallowed with the repr's own errors: the program would go on as if the
 * signal never came.  While a hook runs Python code on the main thread,
 * the interpreter is told that no thread is the main one, so the handlers
 * wait for the program's own next check after the hook.
 *
 * The only file built with Py_BUILD_CORE_MODULE: it reads and writes
 * _PyRuntime.main_thread (the field _Py_ThreadCanHandleSignals() tests),
 * which no public API reaches.
 */
#define Py_BUILD_CORE_MODULE 1
#include "ft-private.h"

#include "internal/pycore_runtime.h"
#if PY_VERSION_HEX >= 0x030D0000
#include "internal/pycore_ceval.h"
#endif

static unsigned long ft_hidden_main;

#if PY_VERSION_HEX < 0x030D0000
static int
nothing(void *arg)
{
    return 0;
}
#endif

/* Entering Python code from a hook; re-entrant: only the outermost level
 * (capturing 0 -> 1) hides the main thread. */
void
ft_py_enter(FtThread *t)
{
    if (t->capturing++ == 0 && ft_hidden_main == 0
        && PyThread_get_thread_ident() == _PyRuntime.main_thread) {
        ft_hidden_main = _PyRuntime.main_thread;
        _PyRuntime.main_thread = 0;
    }
}

void
ft_py_leave(FtThread *t)
{
    if (--t->capturing == 0 && ft_hidden_main != 0
        && PyThread_get_thread_ident() == ft_hidden_main) {
        _PyRuntime.main_thread = ft_hidden_main;
        ft_hidden_main = 0;
#if PY_VERSION_HEX >= 0x030D0000
        /* 3.13 clears the "signals pending" bit before it asks whether the
         * thread may handle them: ask again if one came meanwhile. */
        if (__atomic_load_n(&_PyRuntime.signals.is_tripped, __ATOMIC_SEQ_CST)) {
            _Py_set_eval_breaker_bit(PyThreadState_Get(),
                                     _PY_SIGNALS_PENDING_BIT);
        }
#else
        /* 3.10 to 3.12 recompute the eval loop's "something to do" flag
         * when a signal arrives, and the hidden main thread made it 0:
         * queueing a call (that does nothing) recomputes it. */
        if (_Py_atomic_load_relaxed(&_PyRuntime.ceval.signals_pending)) {
            (void)Py_AddPendingCall(nothing, NULL);
        }
#endif
    }
}
