# SPDX-License-Identifier: MIT
"""Follow child processes: forks, and Python interpreters the program starts.

The traced process (the parent) wraps the two ways Python starts programs
(``_posixsubprocess.fork_exec``, used by ``subprocess`` and by
``multiprocessing`` spawn and forkserver, and ``os.posix_spawn``) and
registers fork hooks.  Each child gets a token; the parent writes a
placeholder process node under the current call (``_flowtrace.
child_placeholder``), and the child records itself into
``<output>.proc-<token>.part``, which the parent's ``stop()`` splices in
place of the placeholder (docs/trace-format.md, "Child processes").

- A started Python interpreter gets ``FLOWTRACE_CHILD`` (JSON: the part's
  name, the flags, the clock origin) and the ``boot`` folder first on
  ``PYTHONPATH``; its ``sitecustomize`` calls :func:`boot`, which puts both
  back as they were, starts the tracer and chain-loads the user's own
  ``sitecustomize``.  Other programs are started untouched.
- A fork child drops what it inherited (the C after-fork hook) and starts
  recording again into its own part (:func:`_after_fork_child`).
- A child ends its part at interpreter exit (atexit), at ``os._exit``, or
  when the forked script itself ends; killed, it is salvaged by the parent.
"""

import atexit
import json
import os
import re
import sys
import time

ENV = "FLOWTRACE_CHILD"
BOOT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "boot")
PKG_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PYTHON_NAME = re.compile(r"^python(\d+(\.\d+)*)?[a-z]?$")


class _State:
    tracer = None
    output = None            # this process's trace or part file
    options = None           # the start() keywords, filter included
    script_dir = None
    trace_any = False
    modules = None           # [include, exclude] of a child's parent, if any
    origin_ns = 0            # CLOCK_MONOTONIC of the first process's start
    seq = 0
    nonce = 0
    pending = None           # token of the fork under way
    in_spawn = 0             # inside fork_exec / posix_spawn
    child = False            # this process is a followed child
    child_started = 0.0
    finished = False
    error = None
    error_type = None
    real_exit = None
    installed = False


_state = _State()


def _new_token():
    _state.seq += 1
    return "%x-%x-%x" % (os.getpid(), _state.seq, _state.nonce)


def _part_path(token):
    return "%s.proc-%s.part" % (_state.output, token)


def _dumps(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _bounded_argv(argv):
    out = []
    for a in list(argv)[:100]:
        a = os.fsdecode(a) if isinstance(a, bytes) else str(a)
        out.append(a if len(a) <= 1000 else a[:1000] + "...")
    return out


def describe(argv):
    """(callable, module) naming a Python process by its command line."""
    args = [os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in argv]
    if "--multiprocessing-fork" in args:
        return "spawn_main", "multiprocessing.spawn"
    for i, a in enumerate(args[1:], 1):
        if a == "-c":
            code = args[i + 1] if i + 1 < len(args) else ""
            for helper in ("forkserver", "resource_tracker"):
                if "multiprocessing.%s" % helper in code:
                    return helper, "multiprocessing." + helper
            return "-c", "__main__"
        if a == "-m":
            return (args[i + 1] if i + 1 < len(args) else "-m"), "__main__"
        if a.startswith("-"):
            continue
        return os.path.basename(a), "__main__"
    return os.path.basename(args[0]) if args else "python", "__main__"


def _process_fields(name, module, argv):
    text = _dumps({"callable": name, "module": module, "called": name,
                   "instance_id": None, "inputs": {"argv": _bounded_argv(argv)}})
    return text[1:-1] + ","


# --- the parent side ---------------------------------------------------------

def _is_python(executables):
    """True when the program about to start is a Python interpreter."""
    own = os.path.realpath(sys.executable) if sys.executable else None
    for exe in executables:
        path = os.fsdecode(exe)
        if own is not None and os.path.realpath(path) == own:
            return True
        if _PYTHON_NAME.match(os.path.basename(path)):
            return True
    return False


def _module_patterns():
    """--include/--exclude as [include, exclude], for a child to rebuild."""
    mf = _state.options.get("module_filter")
    return [mf.include, mf.exclude] if mf is not None else None


def _child_config(token):
    return {
        "output": _part_path(token),
        "origin_ns": _state.origin_ns,
        "script_dir": _state.script_dir,
        "trace_any": _state.trace_any,
        "options": {k: v for k, v in _state.options.items()
                    if k not in ("filter", "module_filter")},
        "modules": _module_patterns(),
        "pkg": PKG_PARENT,
    }


def _child_env(items, token):
    """The child's environment: `items` (bytes "K=V") plus ours."""
    env = {}
    for item in items:
        key, sep, value = item.partition(b"=")
        if sep:
            env[key] = value
    pythonpath = env.get(b"PYTHONPATH")
    config = _child_config(token)
    config["pythonpath"] = None if pythonpath is None else os.fsdecode(pythonpath)
    env[ENV.encode()] = _dumps(config).encode("utf-8")
    boot = os.fsencode(BOOT_DIR)
    env[b"PYTHONPATH"] = boot + (b":" + pythonpath if pythonpath else b"")
    return [k + b"=" + v for k, v in env.items()]


def _placeholder(token, pid, argv, name=None, module=None):
    if name is None:
        name, module = describe(argv)
    try:
        _state.tracer.child_placeholder(token, pid,
                                        _process_fields(name, module, argv))
    except Exception:
        pass


def _wrap_fork_exec(real):
    def fork_exec(*args, **kwargs):
        if (not _state.tracer.is_active() or len(args) < 6
                or not _is_python(args[1] or [args[0][0]])
                or describe(args[0])[0] == "resource_tracker"):
            # Not Python, or multiprocessing's resource tracker (it never
            # runs the program's code): started untouched.
            _state.in_spawn += 1
            try:
                return real(*args, **kwargs)
            finally:
                _state.in_spawn -= 1
        token = _new_token()
        args = list(args)
        env = args[5]
        if env is None:
            env = [k + b"=" + v for k, v in os.environb.items()]
        args[5] = _child_env(env, token)
        _state.in_spawn += 1
        try:
            pid = real(*args, **kwargs)
        finally:
            _state.in_spawn -= 1
        _placeholder(token, pid, args[0])
        return pid
    fork_exec.__wrapped__ = real
    return fork_exec


def _wrap_posix_spawn(real):
    def posix_spawn(path, argv, env, *args, **kwargs):
        if not _state.tracer.is_active() or not _is_python([path]):
            return real(path, argv, env, *args, **kwargs)
        token = _new_token()
        if env is None:
            env = os.environ
        items = [os.fsencode(k) + b"=" + os.fsencode(v) for k, v in env.items()]
        env = dict(item.split(b"=", 1) for item in _child_env(items, token))
        pid = real(path, argv, env, *args, **kwargs)
        _placeholder(token, pid, argv)
        return pid
    posix_spawn.__wrapped__ = real
    return posix_spawn


def _before_fork():
    if _state.in_spawn or not _state.tracer.is_active():
        _state.pending = None
        return
    _state.pending = _new_token()
    _placeholder(_state.pending, None, sys.argv, "fork", "os")


def _after_fork_parent():
    _state.pending = None


def _after_fork_child():
    """Runs after the C hook dropped what the child inherited."""
    token, _state.pending = _state.pending, None
    if token is None or _state.finished:
        return
    try:
        _start(_part_path(token), "fork", "os", sys.argv)
    except Exception as exc:
        _say("[FlowTrace] the forked process %d is not traced: %s"
             % (os.getpid(), exc))


def _flush_first(real):
    def method(self, *args, **kwargs):
        if _state.child and not _state.finished:
            _state.tracer.flush()
        return real(self, *args, **kwargs)
    method.__wrapped__ = real
    return method


def _flush_before_waiting(cls):
    """A pool worker is terminated (SIGTERM) when the pool closes, idle or
    not: before it sends a result (the parent may close the pool as soon as
    it has it) and before it waits for its next task, what it recorded is
    written (SimpleQueue.put and .get)."""
    if getattr(cls.get, "__wrapped__", None) is not None:
        return
    cls.get = _flush_first(cls.get)
    cls.put = _flush_first(cls.put)


def _watch_pool_workers():
    """Wrap SimpleQueue.get now, or when multiprocessing.queues is imported."""
    queues = sys.modules.get("multiprocessing.queues")
    if queues is not None:
        _flush_before_waiting(queues.SimpleQueue)
        return
    # Not importlib.abc/importlib.util: they import importlib.resources,
    # ~18 ms at every start.  sys.meta_path only needs find_spec().
    from importlib.machinery import PathFinder

    class Finder:
        def find_spec(self, name, path=None, target=None):
            if name != "multiprocessing.queues":
                return None
            sys.meta_path.remove(self)
            spec = PathFinder.find_spec(name, path, target)
            if spec is None or spec.loader is None:
                return spec
            real_exec = spec.loader.exec_module

            def exec_module(module):
                real_exec(module)
                _flush_before_waiting(module.SimpleQueue)
            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Finder())


def pause_threads_for_fork(tracer):
    """Wrap os.fork so the tracer's threads end before it (Python 3.13 warns
    about a multi-threaded fork before the fork hooks run)."""
    real = os.fork
    if getattr(real, "__wrapped__", None) is not None:
        return

    def fork():
        tracer._before_fork()
        pid = -1
        try:
            pid = real()
            return pid
        finally:
            if pid != 0:
                tracer._after_fork_parent()
    fork.__wrapped__ = real
    os.fork = fork


def install(tracer, output, options, script_dir, trace_any, at_exit=True):
    """Follow the children of this process (call after tracer.start()).

    at_exit: end a forked child's part at interpreter exit; the `flowtrace`
    command ends it itself, with the script's exit status."""
    _state.tracer = tracer
    _state.output = output
    _state.options = dict(options)
    _state.script_dir = script_dir
    _state.trace_any = trace_any
    _state.nonce = int.from_bytes(os.urandom(3), "little")
    if not _state.origin_ns:
        _state.origin_ns = time.monotonic_ns()
    if _state.installed:
        return
    _state.installed = True
    import _posixsubprocess
    real = _posixsubprocess.fork_exec
    wrapped = _wrap_fork_exec(real)
    _posixsubprocess.fork_exec = wrapped
    # subprocess takes fork_exec when it is imported: patch it only if it
    # already was (importing it here costs every run a few ms).
    subprocess = sys.modules.get("subprocess")
    if subprocess is not None and getattr(subprocess, "_fork_exec", None) is real:
        subprocess._fork_exec = wrapped
    if hasattr(os, "posix_spawn"):
        os.posix_spawn = _wrap_posix_spawn(os.posix_spawn)
    os.register_at_fork(before=_before_fork,
                        after_in_parent=_after_fork_parent,
                        after_in_child=_after_fork_child)
    _state.real_exit = os._exit
    os._exit = _exit
    pause_threads_for_fork(tracer)
    _watch_pool_workers()
    if at_exit:
        # Registered early, so it runs after the program's own exit handlers.
        atexit.register(_at_exit)
    sys.excepthook = _excepthook(sys.excepthook)


# --- the child side ----------------------------------------------------------

def _say(line):
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except Exception:
        pass


def _header(name, module, argv, started_ns):
    pid = os.getpid()
    node = {
        "id": pid << 31,
        "kind": "process",
        "pid": pid,
        "callable": name,
        "module": module,
        "called": name,
        # "caller" comes from the placeholder when the parent splices it
        "instance_id": None,
        "inputs": {"argv": _bounded_argv(argv)},
        "start_ns": started_ns,
        "complete": False,
    }
    text = _dumps([node])
    return text[:-2] + ","


def _start(part, name, module, argv):
    """Start recording this (child) process into `part`."""
    from flowtrace import cli
    pid = os.getpid()
    options = dict(_state.options)
    if "filter" not in options:
        options["filter"] = cli.make_filter(_state.script_dir, _state.trace_any)
        _state.options["filter"] = options["filter"]
    if "module_filter" not in options and _state.modules:
        options["module_filter"] = cli.ModuleFilter(*_state.modules)
        _state.options["module_filter"] = options["module_filter"]
    if options.get("tracemalloc"):
        import tracemalloc
        if not tracemalloc.is_tracing():
            tracemalloc.start()
    started = max(0, time.monotonic_ns() - _state.origin_ns)
    _state.tracer.start(part, _header(name, module, argv, started),
                        first_id=(pid << 31) + 1, t0_ns=_state.origin_ns,
                        child=True, **options)
    _state.output = part
    _state.nonce = int.from_bytes(os.urandom(3), "little")
    _state.seq = 0
    _state.child = True
    _state.finished = False
    _state.error = _state.error_type = None
    _state.child_started = time.perf_counter()


def in_child():
    """True in a followed child process (a fork of the traced script)."""
    return _state.child


def finish(error=None, error_type=None, status=None):
    """End this child's part: close its node (once)."""
    if not _state.child or _state.finished:
        return
    _state.finished = True
    if not _state.tracer.is_active():
        return
    error = error if error is not None else _state.error
    error_type = error_type if error_type is not None else _state.error_type
    trailer = {"inputs_after": {}, "output": None, "error": error,
               "error_type": error_type,
               "duration_ms": round((time.perf_counter() - _state.child_started)
                                    * 1000.0, 3)}
    if status is not None:
        trailer["exit_status"] = status
    try:
        _state.tracer.stop("," + _dumps(trailer)[1:] + "]")
    except Exception as exc:
        _say("[FlowTrace] the trace of process %d is incomplete: %s"
             % (os.getpid(), exc))


def end_for_nested_run():
    """`flowtrace` itself runs in a followed child: the child's own record
    ends (empty) so the nested run records into its own trace."""
    if _state.child:
        finish()
        _state.child = False


def _exit(status):
    """os._exit: a followed child ends its part first."""
    if _state.child and not _state.finished:
        try:
            code = status if isinstance(status, int) else None
            finish(status=code)
        except BaseException:
            pass
    _state.real_exit(status)


def _at_exit():
    finish()


def _excepthook(real):
    def excepthook(exc_type, exc, tb):
        if _state.child and not _state.finished:
            try:
                _state.error = repr(exc)
            except Exception:
                _state.error = "<%s with a failing repr>" % exc_type.__name__
            _state.error_type = exc_type.__qualname__
        return real(exc_type, exc, tb)
    return excepthook


def boot(config):
    """A Python interpreter started by a traced process: trace it (called
    by boot/sitecustomize.py with the decoded FLOWTRACE_CHILD)."""
    from flowtrace import _flowtrace
    _state.tracer = _flowtrace
    _state.output = config["output"]
    _state.options = dict(config["options"])
    _state.script_dir = config["script_dir"]
    _state.trace_any = config["trace_any"]
    _state.modules = config.get("modules")
    _state.origin_ns = config["origin_ns"]
    argv = getattr(sys, "orig_argv", None) or [sys.executable] + sys.argv
    name, module = describe(argv)
    _start(config["output"], name, module, argv)
    install(_flowtrace, config["output"], _state.options, _state.script_dir,
            _state.trace_any)
