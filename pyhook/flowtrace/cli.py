# SPDX-License-Identifier: MIT
"""The ``flowtrace`` command: run a script under the C tracer, or repair a trace.

The script runs as ``__main__`` exactly as ``python3 script.py args`` would
run it (``sys.argv``, ``sys.path[0]``, ``__file__``, standard streams and the
exit status are the same); the only output FlowTrace adds is one line on
stderr when the run ends.
"""

import argparse
import atexit
import io
import json
import math
import fnmatch
import os
import re
import signal
import site
import sys
import sysconfig
import threading
import time
import types

from flowtrace import __version__

PROG = "flowtrace"

DESCRIPTION = """\
Record every call of a Python script (inputs, inputs after, output, caller,
module, class, instance, duration, errors) into a hierarchical JSON trace.
Arguments flowtrace does not know are passed to the script; everything after
`--` is passed to the script as it is."""

EPILOG = """\
examples:
  flowtrace -s app.py -o trace.json --customer "ana maria" --tier gold
  flowtrace -s app.py --with-memory --flush-interval 2.0
  flowtrace -s app.py --flush-interval 0 --skip-inputs --skip-outputs
  flowtrace -s app.py --include 'shop.*' --exclude shop.log --min-duration 0.05
  flowtrace -s app.py --max-depth 4 --redact session_id
  flowtrace --repair trace.json -o fixed.json
  flowtrace -s app.py --export-otlp-endpoint http://localhost:4318/v1/traces
browse a trace with: flowtrace-gtk trace.json"""


_REDACT_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")


class UsageError(Exception):
    """A problem with the command line or its files, reported in one line."""


# Arguments, dict keys and attributes whose name contains one of these
# (case-insensitive, `_` and `-` ignored) are written as "***".
DEFAULT_REDACT = ("password", "passwd", "secret", "token", "api_key", "apikey",
                  "authorization", "cookie", "private_key")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            "%r is not a whole number of levels >= 1" % text)
    return value


def _milliseconds(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (0.0 <= value <= 1e9):
        raise argparse.ArgumentTypeError(
            "%r is not a number of milliseconds >= 0 (e.g. 0.05)" % text)
    return value


def _build_parser():
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("-s", "--script", metavar="SCRIPT",
                        help="Python script to run and trace")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="trace file to write (default: flowtrace.json; "
                             "with --repair: TRACE.repaired.json)")
    parser.add_argument("--flush-interval", type=float, default=1.0, metavar="SECONDS",
                        help="seconds between background writes of the trace to "
                             "disk; <=0 writes only when a buffer fills and at exit "
                             "(default: 1.0)")
    parser.add_argument("--flush-every-call", action="store_true",
                        help="write to disk on every call and return (slow; legacy)")
    parser.add_argument("--log-flushes", action="store_true",
                        help="log each write to disk on stderr")
    parser.add_argument("--with-memory", action="store_true",
                        help="record memory before and after each call: RSS and "
                             "VMS from /proc, and tracemalloc current/peak (slower)")
    parser.add_argument("--no-memory", action="store_true",
                        help="do not record memory (overrides --with-memory)")
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help="with --with-memory, record RSS/VMS only, not tracemalloc")
    parser.add_argument("--skip-inputs", action="store_true",
                        help="do not capture call arguments (inputs, inputs_after)")
    parser.add_argument("--skip-outputs", action="store_true",
                        help="do not capture return values")
    parser.add_argument("--trace-any", action="store_true",
                        help="trace any non-stdlib code (site-packages included), "
                             "not only code under the script's folder")
    parser.add_argument("--include", metavar="GLOB", action="append", default=[],
                        help="record only functions of modules whose __name__ "
                             "matches GLOB (fnmatch, e.g. 'demo.*'); repeatable")
    parser.add_argument("--exclude", metavar="GLOB", action="append", default=[],
                        help="do not record functions of modules whose __name__ "
                             "matches GLOB; wins over --include; repeatable")
    parser.add_argument("--max-depth", metavar="N", type=_positive_int,
                        help="record calls down to N levels per thread (a thread's "
                             "top-level call is level 1); deeper calls are only "
                             "counted (skipped_calls)")
    parser.add_argument("--min-duration", metavar="MS", type=_milliseconds,
                        help="leave out calls shorter than MS milliseconds (counted "
                             "as skipped_calls on their caller); calls that raise "
                             "are kept")
    parser.add_argument("--redact", metavar="NAME", action="append", default=[],
                        help="also write arguments and dict keys named like NAME "
                             "as \"***\" (added to: %s); repeatable"
                             % ", ".join(DEFAULT_REDACT))
    parser.add_argument("--no-redact", action="store_true",
                        help="record secrets as they are (no redaction)")
    parser.add_argument("--no-follow-children", action="store_true",
                        help="do not trace child processes (forks, multiprocessing, "
                             "Python programs started with subprocess); by default "
                             "they are traced into this trace as process nodes")
    parser.add_argument("--verbose", action="store_true",
                        help="log flushes and a heartbeat line (calls, inflight, "
                             "pending_flush, flushes, last_snapshot_bytes, "
                             "since_last_flush) on stderr")
    parser.add_argument("--export-otlp-endpoint", metavar="URL",
                        help="after the run, send the trace to this OTLP/HTTP "
                             "receiver (e.g. http://localhost:4318/v1/traces) with "
                             "flowtrace-gtk --export-otlp")
    parser.add_argument("--export-otlp-service", metavar="NAME",
                        help="service.name of the exported spans (default: the "
                             "trace file's name)")
    parser.add_argument("--export-otlp-header", metavar="KEY=VALUE", action="append",
                        default=[], help="HTTP header for the export, repeatable "
                                         "(e.g. Authorization=Bearer_TOKEN)")
    parser.add_argument("--export-otlp-encoding", choices=("protobuf", "json"),
                        help="OTLP encoding of the export (default: protobuf)")
    parser.add_argument("--repair", metavar="TRACE",
                        help="turn a trace cut short (kill -9, crash, power loss) "
                             "into a valid trace, then exit")
    parser.add_argument("--version", action="version",
                        version="%(prog)s " + __version__)
    return parser


def _split_argv(argv):
    """Split at the first `--`: what follows goes to the script untouched."""
    if "--" in argv:
        i = argv.index("--")
        return argv[:i], argv[i + 1:]
    return argv, []


def parse_args(argv):
    parser = _build_parser()
    ours, verbatim = _split_argv(argv)
    opts, extra = parser.parse_known_args(ours)
    opts.script_args = extra + verbatim
    if opts.repair is None and opts.script is None:
        parser.error("the following arguments are required: -s/--script "
                     "(or --repair TRACE)")
    if opts.repair is not None and opts.script is not None:
        parser.error("--repair and -s/--script cannot be used together")
    if opts.export_otlp_endpoint is None and (
            opts.export_otlp_service or opts.export_otlp_header or opts.export_otlp_encoding):
        parser.error("--export-otlp-service/-header/-encoding need --export-otlp-endpoint URL")
    for i, header in enumerate(opts.export_otlp_header, 1):
        # The value is a secret: never repeated in a message.
        if "=" not in header or not header.split("=", 1)[0].strip():
            parser.error("--export-otlp-header #%d must be KEY=VALUE" % i)
    if not math.isfinite(opts.flush_interval):
        parser.error("--flush-interval must be a number of seconds, not %r"
                     % opts.flush_interval)
    for flag, patterns in (("--include", opts.include), ("--exclude", opts.exclude)):
        for pattern in patterns:
            if not pattern.strip():
                parser.error("%s needs a module name pattern such as 'demo.*', "
                             "not an empty string" % flag)
            if "/" in pattern or "\\" in pattern or pattern.endswith(".py"):
                parser.error("%s takes a module name pattern such as 'demo.*' "
                             "(the module's __name__), not a file path: %r"
                             % (flag, pattern))
    for name in opts.redact:
        if not _REDACT_NAME_RE.fullmatch(name) or not name.strip("_-"):
            parser.error("--redact takes a name made of ASCII letters, digits, '_' "
                         "and '-' (e.g. session_id), not %r" % name)
    if opts.no_redact and opts.redact:
        parser.error("--redact and --no-redact cannot be used together")
    if opts.min_duration and opts.flush_every_call:
        parser.error("--min-duration cannot leave out calls with --flush-every-call "
                     "(every call is on disk before it ends); drop one of them")
    return opts


def _load_extension():
    try:
        from flowtrace import _flowtrace
    except ImportError as exc:
        raise UsageError(
            "the FlowTrace C extension cannot be loaded by this Python "
            "(%s at %s): %s. Build FlowTrace for this interpreter "
            "(meson setup -Dpython=%s) or run flowtrace with the Python "
            "it was built for." % (sys.version.split()[0], sys.executable,
                                    exc, sys.executable)) from None
    return _flowtrace


# --- which code is recorded ------------------------------------------------

def _dir_prefix(path):
    path = os.path.realpath(path)
    return path if path.endswith(os.sep) else path + os.sep


def _site_dirs():
    dirs = set()
    for key in ("purelib", "platlib"):
        dirs.add(sysconfig.get_paths()[key])
    try:
        dirs.update(site.getsitepackages())
    except AttributeError:  # virtualenv's old site.py
        pass
    if site.ENABLE_USER_SITE and site.USER_SITE:
        dirs.add(site.USER_SITE)
    return [_dir_prefix(d) for d in dirs if d]


def _stdlib_dirs():
    dirs = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib")}
    dirs.add(os.path.dirname(os.__file__))
    return [_dir_prefix(d) for d in dirs if d]


def make_filter(script_dir, trace_any):
    """Return filename -> bool: is code in this file recorded?

    By default only code under the script's folder, never the standard
    library, site-packages or FlowTrace itself; --trace-any widens that to
    any file outside the standard library and FlowTrace.
    """
    own = _dir_prefix(os.path.dirname(os.path.abspath(__file__)))
    site_dirs = _site_dirs()
    stdlib_dirs = _stdlib_dirs()
    script_prefix = _dir_prefix(script_dir)
    cache = {}

    def decide(filename):
        if not filename or filename.startswith("<"):
            return False
        path = os.path.realpath(filename)
        if path.startswith(own):
            return False
        if any(path.startswith(d) for d in site_dirs):
            return trace_any
        if any(path.startswith(d) for d in stdlib_dirs):
            return False
        return trace_any or path.startswith(script_prefix)

    def accept(filename):
        try:
            return cache[filename]
        except KeyError:
            result = cache[filename] = decide(filename)
            return result

    return accept


class ModuleFilter:
    """--include/--exclude: module name -> bool, asked once per module.

    fnmatch on __name__, case-sensitive: 'demo.*' matches 'demo.tax' but not
    'demo'; 'demo*' matches both (and 'demography').  --exclude wins.
    """

    def __init__(self, include, exclude):
        self.include = list(include)
        self.exclude = list(exclude)
        self.used = set()

    def __call__(self, name):
        excluded = self._match(name, self.exclude)
        included = self._match(name, self.include) or not self.include
        return included and not excluded

    def _match(self, name, patterns):
        hits = [p for p in patterns if fnmatch.fnmatchcase(name, p)]
        self.used.update(hits)
        return bool(hits)

    def unused(self):
        """Patterns that matched no module whose code ran."""
        return [(flag, p) for flag, patterns in (("--include", self.include),
                                                 ("--exclude", self.exclude))
                for p in patterns if p not in self.used]


def redact_names(opts):
    """The names redacted in this run, in order, without repeats."""
    if opts.no_redact:
        return []
    names = []
    for name in list(DEFAULT_REDACT) + list(opts.redact):
        if name.lower() not in (n.lower() for n in names):
            names.append(name)
    return names


def _redact_key(name):
    return name.lower().replace("_", "").replace("-", "")


def redact_argv(argv, names):
    """The script's arguments with the values of options named like a
    secret (--password X, --api-key=X) written as ***."""
    keys = [_redact_key(n) for n in names]
    out = []
    hide_next = False
    for arg in argv:
        if hide_next and not arg.startswith("-"):
            out.append("***")
            hide_next = False
            continue
        hide_next = False
        if arg.startswith("-") and len(arg) > 1:
            option, eq, _value = arg.lstrip("-").partition("=")
            if any(k in _redact_key(option) for k in keys):
                if eq:
                    arg = arg[:len(arg) - len(_value)] + "***"
                else:
                    hide_next = True
        out.append(arg)
    return out


# --- the root node ---------------------------------------------------------

def _dumps(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _root_header(script_path, argv, opts, memory, use_tracemalloc, started_ns,
                 redact):
    argv = [argv[0]] + redact_argv(argv[1:], redact)
    flags = {
        "flush_interval": opts.flush_interval,
        "flush_every_call": opts.flush_every_call,
        "log_flushes": opts.log_flushes,
        "with_memory": memory,
        "tracemalloc": use_tracemalloc,
        "skip_inputs": opts.skip_inputs,
        "skip_outputs": opts.skip_outputs,
        "trace_any": opts.trace_any,
        "include": opts.include,
        "exclude": opts.exclude,
        "max_depth": opts.max_depth,
        "min_duration_ms": opts.min_duration or None,
        "redact": redact,
        "verbose": opts.verbose,
        "follow_children": not opts.no_follow_children,
    }
    meta = {
        "version": 2,
        "tool": "flowtrace " + __version__,
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "executable": sys.executable,
        "argv": argv,
        "cwd": os.getcwd(),
        "pid": os.getpid(),
        "started_unix_ns": started_ns,
        "flags": flags,
        "complete": False,   # patched to true by the tracer at a clean end
    }
    name = os.path.basename(script_path)
    root = {
        "id": 0,
        "callable": name,
        "module": "__main__",
        "called": name,
        "caller": None,
        "instance_id": None,
        "inputs": {"argv": argv[1:]},
        "file": script_path,
        "line": 1,
        "start_ns": 0,
        "pid": os.getpid(),
        "flowtrace": meta,
    }
    text = _dumps([root])
    # Cut "}]" so the tracer can add "calls" and the trailer after it.
    assert text.endswith("}}]") and text.rstrip("}]").endswith('"complete":false')
    return text[:-2] + ","


def _root_trailer(error, error_type, duration_s, exit_status):
    return "," + _dumps({
        "inputs_after": {},
        "output": None,
        "error": error,
        "error_type": error_type,
        "duration_ms": round(duration_s * 1000.0, 3),
        "exit_status": exit_status,
    })[1:] + "]"


# --- running the script as __main__ ----------------------------------------

def _exit_status_of(exc):
    """The status `python3 script.py` exits with for this SystemExit."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write(str(code) + "\n")
    except Exception:
        pass
    return 1


def _strip_runner_frames(tb, code):
    """Drop FlowTrace's own frames so the traceback reads as Python's."""
    while tb is not None and tb.tb_frame.f_code is not code:
        tb = tb.tb_next
    return tb


def _shutdown_threads(tracer):
    """Wait for the script's threads as the interpreter does at exit: with
    threading._shutdown(), which also runs threading's own exit hooks
    (concurrent.futures' among them) before the atexit handlers.  An error
    there (Ctrl+C while waiting) is reported as the interpreter reports it,
    "Exception ignored in: <module 'threading' ...>", and ends the wait, not
    the run; the interpreter's own call later finds it done."""
    try:
        threading._shutdown()
    except BaseException as exc:
        # The traceback from _shutdown's frame on, as the interpreter's.
        if exc.__traceback__ is not None:
            exc.__traceback__ = exc.__traceback__.tb_next
        tracer._write_unraisable(exc, threading)


def _new_main_module(script_path):
    from importlib.machinery import SourceFileLoader
    module = types.ModuleType("__main__")
    module.__file__ = script_path
    module.__cached__ = None
    module.__package__ = None
    module.__spec__ = None
    module.__loader__ = SourceFileLoader("__main__", script_path)
    module.__builtins__ = __builtins__
    return module


class _Outcome:
    status = 0
    error = None
    error_type = None
    interrupted = False


def _record_exception(outcome, exc):
    try:
        outcome.error = repr(exc)
    except Exception:
        outcome.error = "<%s with a failing repr>" % type(exc).__name__
    outcome.error_type = type(exc).__qualname__


def _run_script(tracer, code, module, outcome):
    # The script starts with the recursion headroom it has untraced: the
    # runner's frames below the exec are not counted (see _hide_frames).
    hidden = tracer._hide_frames()
    try:
        try:
            exec(code, module.__dict__)
        except SystemExit as exc:
            outcome.status = _exit_status_of(exc)
            if outcome.status != 0:
                _record_exception(outcome, exc)
        except BaseException as exc:
            _record_exception(outcome, exc)
            outcome.status = 1
            outcome.interrupted = isinstance(exc, KeyboardInterrupt)
            # The hook prints exc.__traceback__ on some versions, not its argument.
            tb = _strip_runner_frames(exc.__traceback__, code)
            exc.__traceback__ = tb
            sys.excepthook(type(exc), exc, tb)
        try:
            _shutdown_threads(tracer)
            # Exit handlers run inside the trace, as they run inside the
            # program; cleared so the interpreter does not run them twice.
            atexit._run_exitfuncs()
            atexit._clear()
        except KeyboardInterrupt:
            outcome.interrupted = True
            outcome.status = 1
    finally:
        tracer._restore_frames(hidden)


def _check_output_path(output, script_path):
    if os.path.realpath(output) == os.path.realpath(script_path):
        raise UsageError("refusing to write the trace over the script itself "
                         "('%s'); choose another -o/--output" % output)
    folder = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(folder):
        raise UsageError("cannot write the trace '%s': the folder '%s' does not "
                         "exist" % (output, folder))


def _read_script(script):
    if os.path.isdir(script):
        raise UsageError("cannot run '%s': it is a folder, not a Python script"
                         % script)
    try:
        with io.open_code(script) as f:
            return f.read()
    except OSError as exc:
        raise UsageError("cannot run script '%s': %s" % (script, exc.strerror or exc)) from None


def run(opts):
    tracer = _load_extension()
    script = opts.script
    source = _read_script(script)
    script_path = os.path.abspath(script)
    output = opts.output or "flowtrace.json"
    _check_output_path(output, script_path)
    output_path = os.path.abspath(output)   # the script may chdir

    memory = opts.with_memory and not opts.no_memory
    use_tracemalloc = memory and not opts.no_tracemalloc
    argv = [script] + list(opts.script_args)
    started_ns = time.time_ns()
    redact = redact_names(opts)
    header = _root_header(script_path, argv, opts, memory, use_tracemalloc, started_ns,
                          redact)
    module_filter = None
    if opts.include or opts.exclude:
        module_filter = ModuleFilter(opts.include, opts.exclude)

    module = _new_main_module(script_path)
    outcome = _Outcome()
    try:
        code = compile(source, script_path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        code = None
        _record_exception(outcome, exc)
        outcome.status = 1
        sys.excepthook(type(exc), exc, None)

    if use_tracemalloc:
        import tracemalloc
        if not tracemalloc.is_tracing():
            tracemalloc.start()

    stderr = sys.stderr
    sys.argv[:] = argv
    sys.path[0] = os.path.dirname(os.path.realpath(script_path))
    sys.modules["__main__"] = module

    # The root spans the whole recording, so its clock starts before the
    # tracer's own (thread nodes start inside start()).
    from flowtrace import children
    children.end_for_nested_run()
    t0 = time.perf_counter()
    options = dict(
        filter=make_filter(sys.path[0], opts.trace_any),
        skip_inputs=opts.skip_inputs,
        skip_outputs=opts.skip_outputs,
        memory=memory,
        tracemalloc=use_tracemalloc,
        flush_interval=opts.flush_interval,
        flush_every_call=opts.flush_every_call,
        log_flushes=opts.log_flushes or opts.verbose,
        verbose=opts.verbose,
        max_depth=opts.max_depth or 0,
        min_duration_ms=opts.min_duration or 0.0,
        redact=[_redact_key(n) for n in redact],
    )
    if module_filter is not None:
        options["module_filter"] = module_filter
    try:
        tracer.start(output_path, header, **options)
    except OSError as exc:
        raise UsageError("cannot write the trace '%s': %s"
                         % (output, exc.strerror or exc)) from None
    children.pause_threads_for_fork(tracer)
    if not opts.no_follow_children:
        children.install(tracer, output_path, options, sys.path[0], opts.trace_any,
                         at_exit=False)

    restore_raw_threads = _follow_raw_threads()
    if code is not None:
        _run_script(tracer, code, module, outcome)
    elapsed = time.perf_counter() - t0
    restore_raw_threads()

    if not opts.no_follow_children and children.in_child():
        # A fork of the script that ran to the end: its own part ends here;
        # the parent reports the run.
        children.finish(outcome.error, outcome.error_type, outcome.status)
        _flush_std_streams()
        if outcome.interrupted:
            _die_of_sigint()
        return outcome.status

    tracer.stop(_root_trailer(outcome.error, outcome.error_type, elapsed,
                              outcome.status))
    _flush_std_streams()
    if module_filter is not None:
        for flag, pattern in module_filter.unused():
            _report(stderr, "[FlowTrace] %s %r matched no module of the recorded "
                            "code (patterns match __name__, e.g. 'demo.*')\n"
                    % (flag, pattern))
    # The stream the run started with: the script may have replaced sys.stderr.
    _report(stderr, "[FlowTrace] Profiling finished in %.3fs (script=%s)\n"
            % (elapsed, os.path.basename(script)))
    if opts.export_otlp_endpoint and not outcome.interrupted:
        _export_otlp(opts, output_path, stderr)
    if outcome.interrupted:
        _die_of_sigint()
    return outcome.status


_NO_KWARGS = object()


def _follow_raw_threads():
    """Below 3.12 the C hook reaches new threads through threading.setprofile(),
    which only threading's own threads honour: threads started with
    _thread.start_new_thread() directly get the same profile hook here, set
    just before their function runs.  Returns the function that undoes it."""
    if sys.version_info >= (3, 12):
        return lambda: None
    import _thread
    original = _thread.start_new_thread

    def start_new_thread(function, args, kwargs=_NO_KWARGS):
        hook = threading.getprofile()

        def run(*args, **kwargs):
            if hook is not None:
                sys.setprofile(hook)
            return function(*args, **kwargs)

        if kwargs is _NO_KWARGS:
            return original(run, args)
        return original(run, args, kwargs)

    start_new_thread.__doc__ = original.__doc__
    _thread.start_new_thread = _thread.start_new = start_new_thread

    def restore():
        _thread.start_new_thread = _thread.start_new = original
    return restore


# --- export to OTLP after the run -------------------------------------------

_launcher_path = None


def _find_flowtrace_gtk():
    """$FLOWTRACE_GTK, else beside the `flowtrace` launcher (PREFIX/bin, or
    src/ of a build folder), else PATH."""
    env = os.environ.get("FLOWTRACE_GTK")
    if env:
        return env
    if _launcher_path:
        folder = os.path.dirname(os.path.realpath(_launcher_path))
        for candidate in (os.path.join(folder, "flowtrace-gtk"),
                          os.path.join(folder, "src", "flowtrace-gtk")):
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
    import shutil
    return shutil.which("flowtrace-gtk")


def _export_otlp(opts, trace, stream):
    """Runs the headless exporter; its failure never changes the exit status."""
    gtk = _find_flowtrace_gtk()
    if gtk is None:
        _report(stream, "[FlowTrace] OTLP export skipped: flowtrace-gtk was not found "
                        "(install it, put it on PATH or set FLOWTRACE_GTK); the trace "
                        "is in %s\n" % trace)
        return False
    cmd = [gtk, "--export-otlp", trace, "--endpoint", opts.export_otlp_endpoint]
    if opts.export_otlp_service:
        cmd += ["--service", opts.export_otlp_service]
    if opts.export_otlp_encoding:
        cmd += ["--encoding", opts.export_otlp_encoding]
    import subprocess
    env = dict(os.environ)
    # Headers travel in the environment, not on a command line `ps` shows.
    env["FLOWTRACE_OTLP_HEADERS"] = "\n".join(opts.export_otlp_header)
    try:
        result = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        _report(stream, "[FlowTrace] OTLP export failed: cannot run %s: %s; the trace "
                        "is in %s\n" % (gtk, exc.strerror or exc, trace))
        return False
    text = (result.stdout + result.stderr).decode("utf-8", "replace").strip()
    if result.returncode == 0:
        _report(stream, text + "\n")
        return True
    _report(stream, "[FlowTrace] OTLP export failed; the trace is kept in %s\n%s\n"
            % (trace, text))
    return False


def _report(stream, line):
    try:
        stream.write(line)
        stream.flush()
    except (OSError, ValueError):   # closed by the script, or a broken pipe
        pass


def _flush_std_streams():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def _die_of_sigint():
    """End as Python does on an uncaught KeyboardInterrupt: by SIGINT."""
    _flush_std_streams()
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    except (OSError, ValueError):
        pass
    sys.exit(130)


# --- repair ----------------------------------------------------------------

def _default_repair_output(trace):
    stem, ext = os.path.splitext(trace)
    return stem + ".repaired" + (ext or ".json")


def repair(opts):
    tracer = _load_extension()
    trace = opts.repair
    if not os.path.isfile(trace):
        raise UsageError("cannot repair '%s': no such file" % trace)
    output = opts.output or _default_repair_output(trace)
    try:
        report = tracer.repair(trace, output)
    except ValueError as exc:
        raise UsageError("cannot repair: %s" % exc) from None
    except OSError as exc:
        name = exc.filename or trace
        raise UsageError("cannot repair '%s': %s" % (name, exc.strerror or exc)) from None
    nproc = report.get("processes", 0)
    children = ("; %d child process%s put in place" % (nproc, "es" if nproc > 1 else "")
                if nproc else "")
    if report.get("was_complete"):
        sys.stderr.write("[FlowTrace] %s is already a complete trace (%d calls); "
                         "copied%s to %s%s\n"
                         % (trace, report["calls"], " unchanged" if not nproc else "",
                            output, children))
    else:
        sys.stderr.write("[FlowTrace] Repaired %s -> %s: recovered %d calls "
                         "(%d closed as incomplete) in %d threads%s\n"
                         % (trace, output, report["calls"], report["incomplete"],
                            report["threads"], children))
    return 0


def main(argv=None):
    if sys.version_info < (3, 10):
        sys.stderr.write("%s: needs Python 3.10 or newer; %s is %s\n"
                         % (PROG, sys.executable, sys.version.split()[0]))
        return 2
    if argv is None:
        global _launcher_path
        _launcher_path = sys.argv[0]
        argv = sys.argv[1:]
    opts = parse_args(argv)
    try:
        if opts.repair is not None:
            return repair(opts)
        return run(opts)
    except UsageError as exc:
        sys.stderr.write("%s: %s\n" % (PROG, exc))
        return 2
