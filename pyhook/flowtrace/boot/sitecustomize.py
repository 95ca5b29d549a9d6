# SPDX-License-Identifier: MIT
"""Started first by a Python interpreter that a traced process started.

FlowTrace put this folder first on PYTHONPATH and its settings in
FLOWTRACE_CHILD (flowtrace/children.py).  Both are put back as they were,
so the program sees the environment, sys.path and sitecustomize it would
have had; then the tracer starts and the user's own sitecustomize, if any,
is loaded.
"""


def _flowtrace_boot():
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    raw = os.environ.pop("FLOWTRACE_CHILD", None)
    sys.path[:] = [p for p in sys.path
                   if not p or os.path.abspath(p) != here]
    if raw is None:
        return
    try:
        import json
        config = json.loads(raw)
        pythonpath = config.get("pythonpath")
        if pythonpath is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = pythonpath
        added = config["pkg"] not in sys.path
        if added:
            sys.path.append(config["pkg"])
        try:
            from flowtrace import children
        finally:
            if added:
                sys.path.remove(config["pkg"])
        children.boot(config)
    except Exception as exc:
        try:
            sys.stderr.write("[FlowTrace] process %d is not traced: %s: %s\n"
                             % (os.getpid(), type(exc).__name__, exc))
        except Exception:
            pass


def _flowtrace_chain():
    """Load the sitecustomize this interpreter would have loaded."""
    import sys

    ours = sys.modules.pop("sitecustomize", None)
    try:
        import sitecustomize  # noqa: F401  (the user's, now first found)
    except ImportError as exc:
        if exc.name != "sitecustomize":
            raise
        if ours is not None:
            sys.modules["sitecustomize"] = ours


_flowtrace_boot()
_flowtrace_chain()
