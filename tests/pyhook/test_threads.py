# SPDX-License-Identifier: MIT
"""One kind:"thread" node per thread that recorded calls, holding that thread's calls."""

import glob
import os
import sys
import unittest

from ftsupport import (TraceTestCase, call_nodes, find_one, own_call_nodes,
                       process_nodes, root_of, run_plain, split_stderr, threads_of,
                       walk)

THREADS = '''
import threading, time

def step(tag, i):
    return "%s-%d" % (tag, i)

def work(tag, n):
    return [step(tag, i) for i in range(n)]

def blocked_forever(ready, never):
    ready.set()
    never.wait()

def main():
    a = threading.Thread(target=work, args=("A", 3), name="worker-A")
    a.start(); a.join()
    b = threading.Thread(target=work, args=("B", 2), name="worker-B")
    b.start(); b.join()
    quiet = threading.Thread(target=time.sleep, args=(0,), name="quiet")
    quiet.start(); quiet.join()
    ready, never = threading.Event(), threading.Event()
    d = threading.Thread(target=blocked_forever, args=(ready, never), name="daemon-D",
                         daemon=True)
    d.start()
    ready.wait()
    together = [threading.Thread(target=work, args=("C%d" % k, 50), name="par-%d" % k)
                for k in range(3)]
    for t in together:
        t.start()
    for t in together:
        t.join()
    work("M", 1)

main()
print("main done")
'''


class Threads(TraceTestCase):
    def test_thread_nodes(self):
        script = self.write_script("threads.py", THREADS)
        data, proc = self.trace(script)
        self.assertEqual(proc.stdout, b"main done\n")
        root = root_of(data)
        self.assertTrue(all(n.get("kind") == "thread" for n in root["calls"]))
        threads = threads_of(data)
        names = [t["thread"] for t in threads]
        self.assertEqual(names[:4], ["MainThread", "worker-A", "worker-B", "daemon-D"])
        self.assertEqual(sorted(names[4:]), ["par-0", "par-1", "par-2"])
        self.assertNotIn("quiet", names, "a thread that recorded no call gets no node")
        idents = [t["thread_id"] for t in threads]
        self.assertTrue(all(isinstance(i, int) for i in idents))
        for t in threads:
            self.assertEqual(t["callable"], t["thread"])
            self.assertEqual(t["called"], "Thread")
            self.assertEqual(t["module"], "threading")
            self.assertIsNone(t["caller"])

        by_name = {t["thread"]: t for t in threads}
        main = by_name["MainThread"]
        self.assertEqual([c["callable"] for c in main["calls"]], ["main"])
        self.assertEqual([c["callable"] for c in main["calls"][0]["calls"]], ["work"])

        for name, tag, n in (("worker-A", "A", 3), ("worker-B", "B", 2), ("par-0", "C0", 50),
                             ("par-1", "C1", 50), ("par-2", "C2", 50)):
            t = by_name[name]
            self.assertEqual(len(t["calls"]), 1, name)
            top = t["calls"][0]
            self.assertEqual(top["callable"], "work")
            self.assertEqual(top["inputs"], {"tag": tag, "n": n})
            self.assertEqual([c["inputs"] for c in top["calls"]],
                             [{"tag": tag, "i": i} for i in range(n)])
            self.assertEqual(top["output"], ["%s-%d" % (tag, i) for i in range(n)])
            for c in top["calls"]:
                self.assertEqual(c["caller"], "work::work")
                self.assertNotIn("incomplete", c)

        # The daemon thread was still inside its call when the script ended.
        d = by_name["daemon-D"]
        self.assertEqual([c["callable"] for c in d["calls"]], ["blocked_forever"])
        self.assertIs(d["calls"][0].get("incomplete"), True)
        ids = [n["id"] for n, _ in walk(root)]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertIs(root["flowtrace"]["complete"], True)
        self.assertEqual(glob.glob(os.path.join(self.tmp, "*.part")), [],
                         "thread part files left behind")

    def test_flags_do_not_change_the_tree(self):
        """Flush and capture flags change what is written when, never the call tree."""
        script = self.write_script("threads.py", THREADS)

        def shape(data):
            out = []
            for t in threads_of(data):
                nodes = [n for top in t["calls"] for n, _ in walk(top)]
                out.append((t["thread"] if not t["thread"].startswith("par-") else "par",
                            sorted((n["callable"], n["caller"], len(n["calls"]),
                                    bool(n.get("incomplete"))) for n in nodes)))
            return sorted(out)

        reference = shape(self.trace(script)[0])
        for flags in (["--flush-every-call"], ["--flush-interval", "0"],
                      ["--flush-interval", "0.001"], ["--with-memory"],
                      ["--skip-inputs", "--skip-outputs"], ["--verbose", "--log-flushes"]):
            data, _ = self.trace(script, flags=flags)
            self.assertEqual(shape(data), reference, flags)
            if "--with-memory" in flags:
                for n in call_nodes(data):
                    if not n.get("incomplete"):
                        self.assertIn("rss_bytes", n["memory_after"], n["callable"])

    def test_many_short_threads_each_get_a_node(self):
        """Thread idents are reused once a thread ends; nodes must not merge."""
        script = self.write_script("seq.py", '''
import threading
def job(k):
    return k * k
for k in range(60):
    t = threading.Thread(target=job, args=(k,), name="seq-%d" % k)
    t.start()
    t.join()
''')
        data, _ = self.trace(script)
        threads = threads_of(data)
        self.assertEqual([t["thread"] for t in threads],
                         ["MainThread"] + ["seq-%d" % k for k in range(60)])
        for k, t in enumerate(threads[1:]):
            self.assertEqual([(c["callable"], c["output"]) for c in t["calls"]],
                             [("job", k * k)])
        self.assertEqual(threads[0]["calls"], [])

    def test_hundreds_of_concurrent_threads_and_unicode_paths(self):
        folder = os.path.join(self.tmp, "dír x")
        script = self.write_script("café ü.py", '''
import threading
def work(k, s):
    return [k, s]
ts = [threading.Thread(target=work, args=(k, "\\u00f1\\U0001F600"), name="t-%d-\\u00fc" % k)
      for k in range(300)]
for t in ts:
    t.start()
for t in ts:
    t.join()
''', folder=folder)
        out = os.path.join(folder, "tráce ü.json")
        data, _ = self.trace(script, output=out)
        threads = threads_of(data)
        self.assertEqual(len(threads), 301)
        self.assertEqual(sorted(t["thread"] for t in threads[1:]),
                         sorted("t-%d-\u00fc" % k for k in range(300)))
        for t in threads[1:]:
            (call,) = t["calls"]
            k = int(t["thread"].split("-")[1])
            self.assertEqual(call["output"], [k, "\u00f1\U0001F600"])
            self.assertEqual(call["file"], script)
        self.assertEqual(root_of(data)["callable"], "café ü.py")
        self.assertEqual(sorted(os.listdir(folder)), ["café ü.py", "tráce ü.json"])

    def test_concurrent_sample_threads_and_processes(self):
        script = self.sample("concurrent", "conc_demo.py")
        data, proc = self.trace(script)
        plain = run_plain(script)
        self.assertEqual(proc.stdout, plain.stdout)
        self.assertEqual(split_stderr(proc.stderr)[0], [])
        names = [t["thread"] for t in threads_of(data)]
        self.assertEqual(names[0], "MainThread")
        self.assertEqual(sorted(names[1:]), ["io-worker-0", "io-worker-1", "io-worker-2"])
        for t in threads_of(data)[1:]:
            crawl = t["calls"]
            self.assertEqual([c["callable"] for c in crawl], ["crawl"])
            self.assertEqual([c["callable"] for c in crawl[0]["calls"]], ["fetch_page"] * 3)
        # The pool's children are process nodes of their own, apart from the
        # parent's calls.
        self.assertEqual([n for n in own_call_nodes(data) if n["callable"] == "is_prime"],
                         [])
        children = process_nodes(data)
        self.assertGreater(len(children), 0)
        self.assertGreater(sum(1 for p in children for n, _ in walk(p)
                               if n.get("callable") == "is_prime"), 0)
        self.assertIs(root_of(data)["flowtrace"]["complete"], True)
        self.assertEqual(glob.glob(os.path.join(self.tmp, "*.part")), [])

    def test_spawn_and_forkserver_pools(self):
        """Children that re-import the script by path (spawn, forkserver) work traced."""
        script = self.write_script("pools.py", '''
import multiprocessing, sys
def square(x):
    return x * x
def run(method):
    with multiprocessing.get_context(method).Pool(2) as pool:
        return pool.map(square, range(5))
if __name__ == "__main__":
    print(run(sys.argv[1]))
''')
        for method in ("spawn", "forkserver"):
            data, proc = self.trace(script, [method])
            self.assertEqual(proc.stdout, b"[0, 1, 4, 9, 16]\n", method)
            self.assertEqual([n["callable"] for n in own_call_nodes(data)], ["run"],
                             method)
            self.assertEqual(find_one(self, data, "run")["output"], [0, 1, 4, 9, 16])
            data, proc = self.trace(script, [method], flags=["--no-follow-children"])
            self.assertEqual(proc.stdout, b"[0, 1, 4, 9, 16]\n", method)
            self.assertEqual([n["callable"] for n in call_nodes(data)], ["run"], method)

    def test_thread_started_without_threading(self):
        script = self.write_script("rawthread.py", '''
import _thread, threading
done = threading.Event()
def work(x):
    return x + 1
def body():
    work(1)
    done.set()
_thread.start_new_thread(body, ())
done.wait()
''')
        data, _ = self.trace(script)
        threads = threads_of(data)
        self.assertEqual(len(threads), 2)
        self.assertEqual([c["callable"] for c in threads[1]["calls"]], ["body"])
        self.assertEqual(threads[1]["calls"][0]["calls"][0]["output"], 2)

    def test_uncaught_error_in_a_thread(self):
        script = self.write_script("thread_error.py", '''
import threading
def inner(x):
    raise ValueError("bad %d" % x)
def target(x):
    return inner(x)
t = threading.Thread(target=target, args=(7,), name="failing")
t.start()
t.join()
print("main goes on")
''')
        plain = run_plain(script)
        data, proc = self.trace(script)
        self.assertEqual(proc.stdout, plain.stdout)
        before, _ = split_stderr(proc.stderr)
        self.assertEqual("\n".join(before) + "\n", plain.stderr.decode(),
                         "the thread's traceback differs from the untraced run's")
        failing = [t for t in threads_of(data) if t["thread"] == "failing"][0]
        (top,) = failing["calls"]
        self.assertEqual(top["callable"], "target")
        self.assertEqual(top["error"], "ValueError('bad 7')")
        self.assertEqual(top["calls"][0]["error_type"], "ValueError")
        self.assertIsNone(root_of(data)["error"], "a thread's error is not the script's")

    def test_fork_child_not_followed_does_not_touch_the_trace(self):
        script = self.write_script("forker.py", '''
import os, sys
def parent_work(x):
    return x + 1
def child_work(x):
    return x * 100
parent_work(1)
pid = os.fork()
if pid == 0:
    child_work(5)
    os._exit(7)
_, status = os.waitpid(pid, 0)
parent_work(2)
print("child exited", os.waitstatus_to_exitcode(status))
''')
        data, proc = self.trace(script, flags=["--no-follow-children"])
        self.assertEqual(proc.stdout, b"child exited 7\n")
        names = [n["callable"] for n in call_nodes(data)]
        self.assertEqual(names, ["parent_work", "parent_work"])
        self.assertEqual(process_nodes(data), [])


if __name__ == "__main__":
    unittest.main()
