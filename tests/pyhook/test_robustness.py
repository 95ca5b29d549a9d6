# SPDX-License-Identifier: MIT
"""Programs that do awkward things: chdir, os._exit, deep recursion, asyncio, long runs."""

import glob
import os
import subprocess
import sys
import unittest

from ftsupport import (PYTHON, TraceTestCase, env_for, find, find_one, flowtrace_cmd,
                       load_trace, root_of, run_flowtrace, run_plain, split_stderr,
                       threads_of)


class Robustness(TraceTestCase):
    def test_chdir_then_thread_with_relative_output(self):
        """Side files of threads started after os.chdir still land beside the trace."""
        other = os.path.join(self.tmp, "elsewhere")
        os.mkdir(other)
        script = self.write_script("chdir.py", '''
import os, sys, threading
def work(i):
    return i * 2
os.chdir(sys.argv[1])
t = threading.Thread(target=lambda: [work(i) for i in range(3)], name="after-chdir")
t.start(); t.join()
work(10)
print(os.getcwd() == sys.argv[1])
''')
        proc = run_flowtrace(["-s", script, "-o", "rel.json", other], cwd=self.tmp)
        self.assert_finished(proc, script)
        self.assertEqual(proc.stdout, b"True\n")
        data = load_trace(os.path.join(self.tmp, "rel.json"))
        self.assertEqual([t["thread"] for t in threads_of(data)], ["MainThread", "after-chdir"])
        self.assertEqual([c["inputs"]["i"] for c in threads_of(data)[1]["calls"]], [0, 1, 2])
        self.assertEqual(glob.glob(os.path.join(self.tmp, "*.part")) +
                         glob.glob(os.path.join(other, "*")), [])

    def test_metaclass_hash_not_called_by_the_tracer(self):
        """Naming a method's class never hashes the class: a metaclass's own
        __hash__ (here one that switches threads) runs only when the program
        calls it, traced or not, and both classes are named."""
        script = self.write_script("metahash.py", '''
import threading, time
calls = []
class Meta(type):
    def __hash__(cls):
        calls.append(cls.__name__)
        time.sleep(0)
        return id(cls) >> 4
class Base(metaclass=Meta):
    def area(self):
        return 1
class Square(Base):
    pass
def background():
    for _ in range(200):
        time.sleep(0)
t = threading.Thread(target=background)
t.start()
for shape in [Base(), Square()] * 50:
    shape.area()
t.join()
print(len(calls))
''')
        plain = run_plain(script)
        self.assertEqual(plain.stdout, b"0\n")
        for flags in ([], ["--skip-inputs", "--skip-outputs"]):
            data, proc = self.trace(script, flags=flags)
            self.assertEqual(proc.stdout, plain.stdout, flags)
            areas = find(data, "area")
            self.assertEqual(len(areas), 100, flags)
            self.assertEqual([n["called"] for n in areas[:4]],
                             ["Base", "Square", "Base", "Square"], flags)

    def test_os_exit_keeps_what_was_flushed(self):
        script = self.write_script("osexit.py", '''
import os
def step(i):
    return i
def finish():
    os._exit(5)
for i in range(3):
    step(i)
finish()
''')
        out = os.path.join(self.tmp, "t.json")
        proc = run_flowtrace(["-s", script, "-o", out, "--flush-every-call"])
        self.assertEqual(proc.returncode, 5, "os._exit status not passed through")
        fixed = os.path.join(self.tmp, "fixed.json")
        rep = run_flowtrace(["--repair", out, "-o", fixed])
        self.assertEqual(rep.returncode, 0, rep.stderr)
        data = load_trace(fixed)
        self.assertEqual([n["output"] for n in find(data, "step")], [0, 1, 2])
        self.assertIs(find_one(self, data, "finish").get("incomplete"), True)

    def test_deep_recursion_and_recursion_error(self):
        script = self.write_script("deep.py", '''
import sys
def down(n):
    return 0 if n == 0 else 1 + down(n - 1)
def forever(n):
    return forever(n + 1)
print(down(600))
# Low enough that the trace nests less deep than json's C recursion limit
# (1500 levels on 3.12), which the test must parse.
sys.setrecursionlimit(600)
try:
    forever(0)
except RecursionError:
    print("caught")
''')
        data_path = os.path.join(self.tmp, "t.json")
        proc = run_flowtrace(["-s", script, "-o", data_path])
        self.assert_finished(proc, script)
        self.assertEqual(proc.stdout, run_plain(script).stdout)
        self.assertEqual(proc.stdout, b"600\ncaught\n")
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 20000))
        self.addCleanup(sys.setrecursionlimit, old)
        data = load_trace(data_path)
        node, depth = find(data, "down", inputs={"n": 600})[0], 0
        while node["calls"]:
            node, depth = node["calls"][0], depth + 1
            self.assertEqual(node["caller"], "down::down")
        self.assertEqual(depth, 600)
        self.assertEqual(node["output"], 0)
        forever = find(data, "forever")
        self.assertGreater(len(forever), 500)
        for n in forever:
            self.assertEqual(n["error_type"], "RecursionError")
        self.assertIsNone(root_of(data)["error"])

    def test_async_sample(self):
        script = self.sample("async", "async_sample.py")
        data, proc = self.trace(script)
        self.assertEqual(proc.stdout, run_plain(script).stdout)
        self.assertEqual(split_stderr(proc.stderr)[0], [])
        self.assertEqual([t["thread"] for t in threads_of(data)], ["MainThread"])
        parse = find(data, "parse")
        self.assertEqual(len(parse), 3, "parse is a plain function called once per page")
        for n in parse:
            self.assertEqual(n["output"], {"words": 6, "chars": 44})
        # one node per coroutine life, its result as output
        fetch = find(data, "fetch")
        self.assertEqual(len(fetch), 6, "three awaited in fetch_and_parse, three in crawl")
        self.assertEqual({n["kind"] for n in fetch}, {"coroutine"})
        self.assertEqual(sorted(n["output"] for n in fetch),
                         sorted(["page https://example.test/%d with a few words" % i
                                 for i in range(3)] * 2))
        crawl = find_one(self, data, "crawl")
        self.assertEqual(crawl["output"][0]["https://example.test/1"],
                         {"words": 6, "chars": 44})
        kids = [c["callable"] for c in crawl["calls"]]
        # gather()'s and create_task()'s tasks hang under crawl, their creator
        self.assertEqual(kids.count("fetch_and_parse"), 3)
        self.assertEqual(kids.count("report"), 1)
        for n in find(data, "fetch_and_parse"):
            self.assertEqual([c["callable"] for c in n["calls"]], ["fetch", "parse"])
        words = find_one(self, data, "words")
        self.assertEqual((words["kind"], words["yields"] >= 18), ("async_generator", True))
        numbered = find_one(self, data, "numbered")
        self.assertEqual((numbered["kind"], numbered["resumes"]), ("generator", 3))
        main = find_one(self, data, "main")
        self.assertIsNone(main["error"])

    def test_script_using_cprofile_runs_as_untraced(self):
        script = self.write_script("uses_cprofile.py", '''
import cProfile
def work(n):
    return sum(range(n))
def main():
    pr = cProfile.Profile()
    pr.enable()
    work(10)
    pr.disable()
    work(20)
    return "profiled"
print(main())
''')
        out = os.path.join(self.tmp, "t.json")
        proc = run_flowtrace(["-s", script, "-o", out])
        self.assertEqual(proc.stdout, b"profiled\n", proc.stderr.decode()[-1500:])
        self.assertEqual(proc.returncode, 0)
        # Both tools watch (sys.monitoring from 3.12; below, FlowTrace's
        # profile hook calls cProfile's first): the run is recorded whole.
        data = load_trace(out)
        main = find_one(self, data, "main")
        self.assertEqual([c["inputs"]["n"] for c in main["calls"]], [10, 20])
        self.assertEqual(main["output"], "profiled")

    def test_memory_bounded_by_depth_not_length(self):
        """The tracer's memory does not grow with the number of calls recorded."""
        script = self.write_script("many.py", '''
import sys
def leaf(i, text):
    return text
def run(n):
    text = "y" * 20
    for i in range(n):
        leaf(i, text)
run(int(sys.argv[1]))
''')
        # About 90 MB of trace for the big run: far more than the allowed growth.
        small, big = self.peak_rss(script, 10000), self.peak_rss(script, 250000)
        self.assertLess(big - small, 32 * 1024 * 1024,
                        "peak RSS grew by %d MB for 240000 more calls"
                        % ((big - small) // (1024 * 1024)))

    def peak_rss(self, script, calls):
        out = os.path.join(self.tmp, "many-%d.json" % calls)
        wrapper = ("import resource, subprocess, sys; "
                   "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
                   "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        proc = subprocess.run([PYTHON, "-c", wrapper] + flowtrace_cmd() +
                              ["-s", script, "-o", out, str(calls)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for(),
                              timeout=300)
        status, kb = proc.stdout.split()
        self.assertEqual(int(status), 0, proc.stderr)
        size = os.path.getsize(out)
        self.assertGreater(size, calls * 100, "the trace lacks the calls")
        os.unlink(out)
        return int(kb) * 1024


if __name__ == "__main__":
    unittest.main()
