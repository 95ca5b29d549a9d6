# SPDX-License-Identifier: MIT
"""FlowTrace: record every call of a Python program into a JSON trace.

Run a script under the tracer with ``python3 -m flowtrace -s script.py`` (or
the ``flowtrace`` command); browse the trace with ``flowtrace-gtk``.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
