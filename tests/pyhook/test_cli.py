# SPDX-License-Identifier: MIT
"""The command: the script runs as under plain python; arguments; bad input."""

import json
import os
import re
import unittest

from ftsupport import (LAUNCHER, FINISHED_RE, TraceTestCase, call_nodes, env_for,
                       find_one, load_trace, root_of, run_flowtrace, run_plain,
                       split_stderr)

INTROSPECT = '''
import json, sys
main_mod = sys.modules["__main__"]
info = {
    "argv": sys.argv,
    "file": __file__,
    "name": __name__,
    "path0": sys.path[0],
    "path": sys.path,
    "spec": repr(__spec__),
    "package": __package__,
    "cached": globals().get("__cached__", "absent"),
    "main_is_globals": main_mod.__dict__ is globals(),
    "stdin": sys.stdin.read(),
    "stdin_isatty": sys.stdin.isatty(),
    "loader": type(__loader__).__name__,
}
def echo(args):
    return list(args)
echo(sys.argv[1:])
sys.stdout.write(json.dumps(info, sort_keys=True) + "\\n")
sys.stderr.write("script stderr line\\n")
'''


class RunsLikePython(TraceTestCase):
    def setUp(self):
        super().setUp()
        self.folder = os.path.join(self.tmp, "proj dir")
        self.script = self.write_script("introspect.py", INTROSPECT, folder=self.folder)

    def compare(self, args, cwd=None, script=None, launcher=False):
        script = script or self.script
        stdin = "line one\nsecond line ñ\n".encode()
        output = os.path.join(self.tmp, "t.json")
        proc = run_flowtrace(["-s", script, "-o", output] + args, cwd=cwd, input=stdin,
                             launcher=launcher)
        self.assert_finished(proc, script)
        plain = run_plain(script, args, cwd=cwd, input=stdin,
                          env=env_for(with_pkg=not launcher))
        self.assertEqual(plain.returncode, 0, plain.stderr)
        self.assertEqual(json.loads(proc.stdout), json.loads(plain.stdout))
        self.assertEqual(proc.stdout, plain.stdout, "stdout differs from the untraced run")
        before, _ = split_stderr(proc.stderr)
        self.assertEqual(before, ["script stderr line"])
        return load_trace(output), json.loads(proc.stdout)

    def test_module_globals_and_streams_as_untraced(self):
        data, info = self.compare(["a", "b"])
        self.assertEqual(info["name"], "__main__")
        self.assertEqual(info["argv"], [self.script, "a", "b"])
        self.assertEqual(info["path0"], os.path.realpath(self.folder))
        self.assertTrue(info["main_is_globals"])
        self.assertEqual(root_of(data)["flowtrace"]["argv"], [self.script, "a", "b"])

    def test_relative_script_path_from_another_cwd(self):
        rel = os.path.join("proj dir", "introspect.py")
        data, info = self.compare(["x"], cwd=self.tmp, script=rel)
        self.assertEqual(info["argv"][0], rel)
        self.assertEqual(info["file"], os.path.join(self.tmp, rel))

    def test_symlinked_script(self):
        link = os.path.join(self.tmp, "link.py")
        os.symlink(self.script, link)
        self.compare([], script=link)

    @unittest.skipUnless(LAUNCHER, "no build-tree launcher for this interpreter")
    def test_build_tree_launcher(self):
        data, info = self.compare(["--flag", "v"], launcher=True)
        self.assertEqual(info["argv"][1:], ["--flag", "v"])
        self.assertEqual(find_one(self, data, "echo")["inputs"], {"args": ["--flag", "v"]})


class Streams(TraceTestCase):
    def test_binary_stdout_partial_lines_and_atexit(self):
        script = self.write_script("streams.py", '''
import atexit, sys
def goodbye(tag):
    sys.stdout.write("bye " + tag)
    return tag
atexit.register(goodbye, "now")
sys.stdout.write("partial line, ")
sys.stdout.flush()
sys.stdout.buffer.write(b"\\x00\\xff raw bytes\\n")
print("unicode \\u00f1 \\u20ac", end="")
sys.stderr.write("err line\\n")
''')
        plain = run_plain(script)
        data, proc = self.trace(script)
        self.assertEqual(proc.stdout, plain.stdout)
        self.assertIn(b"\x00\xff raw bytes", proc.stdout)
        self.assertTrue(proc.stdout.endswith(b"bye now"))
        err = proc.stderr.decode()
        self.assertTrue(err.startswith("err line\n"), err)
        # The exit handler ran inside the trace, as it runs inside the program.
        self.assertEqual(find_one(self, data, "goodbye")["output"], "now")


class ArgumentForwarding(TraceTestCase):
    ECHO = '''
import json, sys
def record(args):
    return args
record(sys.argv[1:])
print(json.dumps(sys.argv[1:]))
'''

    def setUp(self):
        super().setUp()
        self.script = self.write_script("echo.py", self.ECHO)

    def forwarded(self, args, output=None):
        output = output or os.path.join(self.tmp, "trace.json")
        proc = run_flowtrace(args)
        self.assert_finished(proc, self.script)
        got = json.loads(proc.stdout)
        data = load_trace(output)
        self.assertEqual(find_one(self, data, "record")["inputs"], {"args": got})
        return got

    def test_unknown_options_go_to_the_script(self):
        out = os.path.join(self.tmp, "trace.json")
        self.assertEqual(
            self.forwarded(["-s", self.script, "--customer", "ana maria", "-o", out,
                            "--tier", "gold", "--coffee", "3"]),
            ["--customer", "ana maria", "--tier", "gold", "--coffee", "3"])

    def test_positionals(self):
        out = os.path.join(self.tmp, "trace.json")
        self.assertEqual(
            self.forwarded(["-s", self.script, "-o", out, "juan perez", "silver", "1", "2",
                            "0", "0.18"]),
            ["juan perez", "silver", "1", "2", "0", "0.18"])

    def test_double_dash_passes_flowtrace_flags_verbatim(self):
        out = os.path.join(self.tmp, "trace.json")
        self.assertEqual(
            self.forwarded(["-s", self.script, "-o", out, "--", "-o", "elsewhere.json",
                            "--verbose", "-s", "--", "-h"]),
            ["-o", "elsewhere.json", "--verbose", "-s", "--", "-h"])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "elsewhere.json")))

    def test_spaces_quotes_and_odd_characters(self):
        out = os.path.join(self.tmp, "trace.json")
        odd = ["it's", 'say "hi"', "a  b", "", "-", "ñandú €", "$HOME", "*", "back\\slash",
               "line\nbreak"]
        self.assertEqual(self.forwarded(["--script=" + self.script, "--output=" + out,
                                         "--"] + odd), odd)

    def test_script_help_after_double_dash(self):
        script = self.write_script("helpme.py", '''
import argparse
p = argparse.ArgumentParser(prog="helpme")
p.add_argument("--x")
p.parse_args()
''')
        proc = run_flowtrace(["-s", script, "-o", os.path.join(self.tmp, "h.json"),
                              "--", "--help"])
        self.assertEqual(proc.returncode, 0)
        self.assertIn(b"usage: helpme", proc.stdout)
        self.assertNotIn(b"flowtrace", proc.stdout)

    def test_default_output_in_cwd(self):
        proc = run_flowtrace(["-s", self.script, "x"], cwd=self.tmp)
        self.assert_finished(proc, self.script)
        data = load_trace(os.path.join(self.tmp, "flowtrace.json"))
        self.assertEqual(find_one(self, data, "record")["output"], ["x"])


class Help(TraceTestCase):
    FLAGS = ("-s", "--script", "-o", "--output", "--flush-interval", "--flush-every-call",
             "--log-flushes", "--with-memory", "--no-memory", "--no-tracemalloc",
             "--skip-inputs", "--skip-outputs", "--trace-any", "--verbose", "--repair", "-h")

    def test_help_lists_every_flag(self):
        proc = run_flowtrace(["-h"])
        self.assertEqual(proc.returncode, 0)
        text = proc.stdout.decode()
        self.assertTrue(text.startswith("usage: flowtrace"), text[:200])
        for flag in self.FLAGS:
            self.assertRegex(text, r"(^|[\s,\[])%s\b" % re.escape(flag), flag)
        self.assertEqual(proc.stderr, b"")


class BadInput(TraceTestCase):
    def assert_clean_failure(self, proc, *needles):
        err = proc.stderr.decode("utf-8", "replace")
        self.assertNotEqual(proc.returncode, 0)
        self.assertNotIn("Traceback", err, "a usage error must not print a traceback")
        for needle in needles:
            self.assertIn(needle, err)
        for line in err.splitlines():
            self.assertIsNone(FINISHED_RE.match(line))

    def test_missing_script(self):
        missing = os.path.join(self.tmp, "nope.py")
        proc = run_flowtrace(["-s", missing, "-o", os.path.join(self.tmp, "t.json")])
        self.assert_clean_failure(proc, "nope.py")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "t.json")))

    def test_script_is_a_folder(self):
        proc = run_flowtrace(["-s", self.tmp, "-o", os.path.join(self.tmp, "t.json")])
        self.assert_clean_failure(proc, self.tmp)

    def test_no_script(self):
        proc = run_flowtrace(["-o", os.path.join(self.tmp, "t.json")])
        self.assert_clean_failure(proc, "-s/--script")

    def test_output_folder_missing(self):
        script = self.write_script("ok.py", "print('ran')\n")
        out = os.path.join(self.tmp, "no", "such", "t.json")
        proc = run_flowtrace(["-s", script, "-o", out])
        self.assert_clean_failure(proc, os.path.join(self.tmp, "no", "such"))
        self.assertEqual(proc.stdout, b"", "the script must not run")

    def test_output_is_a_folder(self):
        script = self.write_script("ok.py", "print('ran')\n")
        proc = run_flowtrace(["-s", script, "-o", self.tmp])
        self.assert_clean_failure(proc, self.tmp)

    def test_output_under_a_file(self):
        script = self.write_script("ok.py", "print('ran')\n")
        out = os.path.join(script, "t.json")
        proc = run_flowtrace(["-s", script, "-o", out])
        self.assert_clean_failure(proc, "t.json")

    def test_unwritable_output_folder(self):
        if os.geteuid() == 0:
            self.skipTest("root writes into read-only folders; covered by the "
                          "missing-folder and file-as-folder cases")
        script = self.write_script("ok.py", "print('ran')\n")
        folder = os.path.join(self.tmp, "ro")
        os.mkdir(folder, 0o500)
        self.addCleanup(os.chmod, folder, 0o700)
        proc = run_flowtrace(["-s", script, "-o", os.path.join(folder, "t.json")])
        self.assert_clean_failure(proc, "t.json")

    def test_bad_flush_interval(self):
        script = self.write_script("ok.py", "print('ran')\n")
        proc = run_flowtrace(["-s", script, "--flush-interval", "soon"])
        self.assert_clean_failure(proc, "--flush-interval")


class Filter(TraceTestCase):
    """Only the script's folder by default; --trace-any widens to non-stdlib code."""

    def setUp(self):
        super().setUp()
        self.project = os.path.join(self.tmp, "project")
        self.outside = os.path.join(self.tmp, "outside")
        self.userbase = os.path.join(self.tmp, "userbase")
        self.write_script("localmod.py", "def local_fn(x):\n    return x + 1\n",
                          folder=os.path.join(self.project, "pkg"))
        self.write_script("__init__.py", "", folder=os.path.join(self.project, "pkg"))
        self.write_script("outsidemod.py", "def outside_fn(x):\n    return x * 3\n",
                          folder=self.outside)
        self.script = self.write_script("app.py", '''
import json, sys, site, os
sys.path.append(%r)
from pkg.localmod import local_fn
from outsidemod import outside_fn
try:
    from usermod import user_fn
except ImportError:
    user_fn = lambda x: x
def run():
    json.dumps({"a": 1})
    return local_fn(1), outside_fn(2), user_fn(3)
print(run())
''' % self.outside, folder=self.project)
        pyver = _python_version_dir()
        usersite = os.path.join(self.userbase, "lib", pyver, "site-packages")
        self.write_script("usermod.py", "def user_fn(x):\n    return -x\n", folder=usersite)

    def run_app(self, flags):
        env = env_for({"PYTHONUSERBASE": self.userbase, "PYTHONNOUSERSITE": ""})
        env.pop("PYTHONNOUSERSITE")
        data, proc = self.trace(self.script, flags=flags, env=env)
        self.assertEqual(proc.stdout, b"(2, 6, -3)\n", "user site-packages not picked up")
        return data

    def test_default_only_the_scripts_folder(self):
        data = self.run_app([])
        self.assertEqual({n["callable"] for n in call_nodes(data)}, {"run", "local_fn"})
        self.assertEqual(find_one(self, data, "local_fn")["module"], "pkg.localmod")

    def test_trace_any(self):
        data = self.run_app(["--trace-any"])
        # Other non-stdlib code the interpreter runs (site hooks, .pth helpers)
        # is traced too under --trace-any; look at this test's files only.
        mine = {n["callable"] for n in call_nodes(data)
                if os.path.realpath(n["file"]).startswith(os.path.realpath(self.tmp))}
        self.assertEqual(mine, {"run", "local_fn", "outside_fn", "user_fn"})
        self.assertEqual(find_one(self, data, "user_fn")["caller"], "run::run")
        for n in call_nodes(data):
            self.assertNotIn("flowtrace" + os.sep, n["file"], "FlowTrace traced itself")
        self.assertTrue(root_of(data)["flowtrace"]["flags"]["trace_any"])


def _python_version_dir():
    import subprocess
    from ftsupport import PYTHON
    out = subprocess.run([PYTHON, "-c", "import sys; print('python%d.%d' % sys.version_info[:2])"],
                         stdout=subprocess.PIPE, check=True)
    return out.stdout.decode().strip()


if __name__ == "__main__":
    unittest.main()
