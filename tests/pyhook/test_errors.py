# SPDX-License-Identifier: MIT
"""Errors on calls and the root, exit statuses, tracebacks as Python prints them."""

import unittest

from ftsupport import (TraceTestCase, call_nodes, find, find_one, root_of, run_plain,
                       split_stderr)


class SampleErrors(TraceTestCase):
    def test_error_internal_sample(self):
        script = self.sample("error", "error_internal_sample.py")
        data, proc = self.trace(script, expect_status=1)
        plain = run_plain(script)
        self.assertEqual(plain.returncode, 1)
        self.assertEqual(proc.stdout, plain.stdout)
        before, _ = split_stderr(proc.stderr)
        self.assertEqual("\n".join(before) + "\n", plain.stderr.decode(),
                         "the traceback differs from the untraced run's")

        message = "ValueError('workers must be >= 1, got 0')"
        for name in ("validate_config", "prepare_service", "boot"):
            n = find_one(self, data, name)
            self.assertEqual(n["error"], message, name)
            self.assertEqual(n["error_type"], "ValueError", name)
            self.assertIsNone(n["output"], name)
        ok = find_one(self, data, "default_config")
        self.assertIsNone(ok["error"])
        self.assertIsNone(ok["error_type"])
        self.assertEqual(ok["output"], {"host": "127.0.0.1", "port": 8080, "workers": 0})
        root = root_of(data)
        self.assertEqual(root["error"], message)
        self.assertEqual(root["error_type"], "ValueError")
        self.assertIs(root["flowtrace"]["complete"], True)

    def test_error_sample_missing_config(self):
        script = self.sample("error", "error_sample.py")
        data, proc = self.trace(script, expect_status=1)
        plain = run_plain(script)
        before, _ = split_stderr(proc.stderr)
        self.assertEqual("\n".join(before) + "\n", plain.stderr.decode())
        self.assertIn("FileNotFoundError", plain.stderr.decode())
        for name in ("read_text", "load_config"):
            n = find_one(self, data, name)
            self.assertEqual(n["error_type"], "FileNotFoundError")
            self.assertEqual(n["error"], "FileNotFoundError(2, 'No such file or directory')")
        self.assertEqual(find(data, "start_service"), [], "never called")
        root = root_of(data)
        self.assertEqual(root["error_type"], "FileNotFoundError")
        self.assertIn("No such file or directory", root["error"])


ERRORS = '''
import sys

class AppError(Exception):
    class Nested(Exception):
        pass

def raiser(kind):
    if kind == "nested":
        raise AppError.Nested("deep")
    raise KeyError(kind)

def catcher():
    try:
        raiser("k")
    except KeyError:
        return "caught"

def passes_through():
    return raiser("nested")

def finally_returns():
    try:
        raiser("swallowed")
    finally:
        return "finally wins"

def reraise_other():
    try:
        raiser("first")
    except KeyError as exc:
        raise RuntimeError("second") from exc

def main(mode):
    catcher()
    finally_returns()
    try:
        reraise_other()
    except RuntimeError:
        pass
    if mode == "exit3":
        sys.exit(3)
    if mode == "exit0":
        sys.exit(0)
    if mode == "exitmsg":
        sys.exit("bad configuration")
    if mode == "raise":
        passes_through()
    print("normal end")

main(sys.argv[1])
'''


C_ERRORS = '''
def parse(text):
    return int(text)            # the ValueError comes from C

def bad_key(item):
    raise KeyError(item)

def sort_with(items):
    return sorted(items, key=bad_key)   # raised in Python, passes through C

def lookup(mapping, key):
    return mapping[key]         # KeyError from C

def main():
    results = []
    for fn, args in ((parse, ("x",)), (sort_with, ([2, 1],)), (lookup, ({}, "k"))):
        try:
            fn(*args)
        except (ValueError, KeyError) as exc:
            results.append(type(exc).__name__)
    return results

print(main())
'''


class ErrorsThroughC(TraceTestCase):
    def test_errors_raised_in_or_passing_through_c(self):
        script = self.write_script("cerrors.py", C_ERRORS)
        data, proc = self.trace(script)
        self.assertEqual(proc.stdout, b"['ValueError', 'KeyError', 'KeyError']\n")
        parse = find_one(self, data, "parse")
        self.assertEqual(parse["error"],
                         "ValueError(\"invalid literal for int() with base 10: 'x'\")")
        self.assertEqual(parse["error_type"], "ValueError")
        sort_with = find_one(self, data, "sort_with")
        self.assertEqual(sort_with["error"], "KeyError(2)")
        self.assertEqual([c["callable"] for c in sort_with["calls"]], ["bad_key"])
        self.assertEqual(sort_with["calls"][0]["error"], "KeyError(2)")
        lookup = find_one(self, data, "lookup")
        self.assertEqual(lookup["error"], "KeyError('k')")
        main = find_one(self, data, "main")
        self.assertIsNone(main["error"])
        self.assertEqual(main["output"], ["ValueError", "KeyError", "KeyError"])


FLOW_ERRORS = '''
import contextlib

class Guard:
    def __enter__(self):
        return self
    def __exit__(self, exc_type, exc, tb):
        return exc_type is KeyError       # swallow KeyError only

def raiser(kind):
    raise kind("from raiser")

def suppressed():
    with contextlib.suppress(KeyError):
        raiser(KeyError)
    return "suppressed ok"

def guarded():
    with Guard():
        raiser(KeyError)
    return "guarded ok"

def not_guarded():
    with Guard():
        raiser(ValueError)

def gen():
    yield 1
    raiser(ValueError)

def consume():
    seen = []
    try:
        for v in gen():
            seen.append(v)
    except ValueError:
        seen.append("caught")
    return seen

def broken_init():
    class Bad:
        def __init__(self):
            raiser(RuntimeError)
    try:
        Bad()
    except RuntimeError:
        return "init failed"

print(suppressed(), guarded(), consume(), broken_init())
try:
    not_guarded()
except ValueError:
    print("not guarded")
'''


class ErrorsAndControlFlow(TraceTestCase):
    def test_suppressed_and_generator_errors(self):
        script = self.write_script("flow.py", FLOW_ERRORS)
        data, proc = self.trace(script)
        self.assertEqual(proc.stdout, b"suppressed ok guarded ok [1, 'caught'] init failed\n"
                                      b"not guarded\n")
        for name, output in (("suppressed", "suppressed ok"), ("guarded", "guarded ok"),
                             ("consume", [1, "caught"]), ("broken_init", "init failed")):
            n = find_one(self, data, name)
            self.assertIsNone(n["error"], name)
            self.assertEqual(n["output"], output, name)
        suppressed = find_one(self, data, "suppressed")
        self.assertEqual([c["callable"] for c in suppressed["calls"]], ["raiser"],
                         "contextlib's own frames are not recorded")
        self.assertEqual(suppressed["calls"][0]["error"], "KeyError('from raiser')")
        guarded = find_one(self, data, "guarded")
        self.assertEqual([(c["callable"], c["called"]) for c in guarded["calls"]],
                         [("__enter__", "Guard"), ("raiser", "raiser"), ("__exit__", "Guard")])
        self.assertEqual(guarded["calls"][1]["error_type"], "KeyError")
        self.assertEqual(guarded["calls"][2]["output"], True)
        self.assertIsNone(guarded["calls"][2]["error"])
        ng = find_one(self, data, "not_guarded")
        self.assertEqual(ng["error_type"], "ValueError")
        self.assertEqual(ng["calls"][2]["output"], False)
        # one node for the generator's life, ending in the error it raised
        gens = find_one(self, data, "consume")["calls"]
        self.assertEqual([g["callable"] for g in gens], ["gen"])
        self.assertEqual((gens[0]["yields"], gens[0]["resumes"]), (1, 1))
        self.assertIsNone(gens[0]["output"])
        self.assertEqual(gens[0]["error"], "ValueError('from raiser')")
        self.assertEqual(gens[0]["error_type"], "ValueError")
        self.assertNotIn("closed", gens[0])
        self.assertEqual(gens[0]["calls"][0]["error_type"], "ValueError")
        init = find_one(self, data, "__init__")
        self.assertEqual(init["called"], "Bad")
        self.assertEqual(init["error_type"], "RuntimeError")


class CallErrors(TraceTestCase):
    def setUp(self):
        super().setUp()
        self.script = self.write_script("errors.py", ERRORS)

    def test_handled_errors_stay_on_the_calls_they_left(self):
        data, proc = self.trace(self.script, ["normal"])
        self.assertEqual(proc.stdout, b"normal end\n")
        catcher = find_one(self, data, "catcher")
        self.assertIsNone(catcher["error"])
        self.assertEqual(catcher["output"], "caught")
        self.assertEqual(catcher["calls"][0]["error"], "KeyError('k')")
        self.assertEqual(catcher["calls"][0]["error_type"], "KeyError")
        fin = find_one(self, data, "finally_returns")
        self.assertIsNone(fin["error"])
        self.assertEqual(fin["output"], "finally wins")
        self.assertEqual(fin["calls"][0]["error_type"], "KeyError")
        other = find_one(self, data, "reraise_other")
        self.assertEqual(other["error"], "RuntimeError('second')")
        self.assertEqual(other["error_type"], "RuntimeError")
        self.assertEqual(other["calls"][0]["error"], "KeyError('first')")
        main = find_one(self, data, "main")
        self.assertIsNone(main["error"])
        root = root_of(data)
        self.assertIsNone(root["error"])
        self.assertIsNone(root["error_type"])

    def test_uncaught_error_on_every_frame_and_root(self):
        data, proc = self.trace(self.script, ["raise"], expect_status=1)
        plain = run_plain(self.script, ["raise"])
        self.assertEqual(plain.returncode, 1)
        before, _ = split_stderr(proc.stderr)
        self.assertEqual("\n".join(before) + "\n", plain.stderr.decode())
        for name in ("passes_through", "main"):
            n = find_one(self, data, name)
            self.assertEqual(n["error"], "Nested('deep')")
            self.assertEqual(n["error_type"], "AppError.Nested", "qualname of the class")
        raised = [n for n in find(data, "raiser") if n["inputs"] == {"kind": "nested"}]
        self.assertEqual(len(raised), 1)
        self.assertEqual(raised[0]["error_type"], "AppError.Nested")
        root = root_of(data)
        self.assertEqual(root["error"], "Nested('deep')")
        self.assertEqual(root["error_type"], "AppError.Nested")

    def test_sys_exit_statuses(self):
        data, proc = self.trace(self.script, ["exit3"], expect_status=3)
        main = find_one(self, data, "main")
        self.assertEqual(main["error_type"], "SystemExit")
        self.assertEqual(root_of(data)["error_type"], "SystemExit")
        before, _ = split_stderr(proc.stderr)
        self.assertEqual(before, [], "sys.exit(3) prints nothing")

        data, proc = self.trace(self.script, ["exit0"], expect_status=0)
        self.assertEqual(split_stderr(proc.stderr)[0], [])
        self.assertIsNone(root_of(data)["error"])

        data, proc = self.trace(self.script, ["exitmsg"], expect_status=1)
        plain = run_plain(self.script, ["exitmsg"])
        self.assertEqual(plain.returncode, 1)
        before, _ = split_stderr(proc.stderr)
        self.assertEqual("\n".join(before) + "\n", plain.stderr.decode())
        self.assertEqual(before, ["bad configuration"])

    def test_keyboard_interrupt_ends_like_python(self):
        script = self.write_script("interrupt.py", '''
def wait_for_user():
    raise KeyboardInterrupt
print("before")
wait_for_user()
''')
        plain = run_plain(script)
        data, proc = self.trace(script, expect_status=plain.returncode)
        self.assertEqual(proc.stdout, b"before\n")
        before, _ = split_stderr(proc.stderr)
        self.assertEqual("\n".join(before) + "\n", plain.stderr.decode())
        self.assertEqual(find_one(self, data, "wait_for_user")["error_type"],
                         "KeyboardInterrupt")
        self.assertEqual(root_of(data)["error_type"], "KeyboardInterrupt")
        self.assertIs(root_of(data)["flowtrace"]["complete"], True)

    def test_syntax_error_in_script(self):
        bad = self.write_script("bad.py", "def broken(:\n    pass\n")
        proc_plain = run_plain(bad)
        data, proc = self.trace(bad, expect_status=1)
        self.assertEqual(proc_plain.returncode, 1)
        before, _ = split_stderr(proc.stderr)
        self.assertIn("SyntaxError", "\n".join(before))
        self.assertEqual(root_of(data)["error_type"], "SyntaxError")
        self.assertEqual(call_nodes(data), [])


if __name__ == "__main__":
    unittest.main()
