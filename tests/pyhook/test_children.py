# SPDX-License-Identifier: MIT
"""Child processes: forks, multiprocessing (spawn, fork, forkserver, pools) and
Python programs started with subprocess are recorded as kind:"process" nodes,
under the call that started them; killed children are salvaged; the program
behaves as it does untraced."""

import glob
import os
import select
import signal
import subprocess
import sys
import unittest

from ftsupport import (TIMEOUT, TraceTestCase, env_for, load_trace, own_call_nodes,
                       process_nodes, root_of, run_flowtrace, run_plain,
                       split_stderr, start_flowtrace, threads_of, walk)

CONTEXTS = '''
import multiprocessing as mp, os, sys

def square(x):
    return x * x

def child_work(n, status):
    print("child pid", os.getpid(), flush=True)
    total = sum(square(i) for i in range(n))
    sys.exit(status)

def start_one(method, status):
    p = mp.get_context(method).Process(target=child_work, args=(3, status))
    p.start()
    p.join()
    return p.exitcode

if __name__ == "__main__":
    print("exit code", start_one(sys.argv[1], int(sys.argv[2])), flush=True)
'''

POOL = '''
import multiprocessing as mp, sys

def square(x):
    return x * x

def run(method):
    with mp.get_context(method).Pool(2) as pool:
        return pool.map(square, range(6))

if __name__ == "__main__":
    print(run(sys.argv[1]))
'''

HELPER = '''
import os, sys

def triple(x):
    return 3 * x

def main():
    print("helper", triple(int(sys.argv[1])), os.getpid(), flush=True)
    print("path", sys.path[1:], flush=True)
    print("env", os.environ.get("PYTHONPATH"), "FLOWTRACE_CHILD" in os.environ, flush=True)
    return int(sys.argv[2])

sys.exit(main())
'''

RUNNER = '''
import os, subprocess, sys

def run_helper(x, status):
    here = os.path.dirname(os.path.abspath(__file__))
    done = subprocess.run([sys.executable, os.path.join(here, "helper.py"), str(x),
                           str(status)], capture_output=True, text=True)
    return done.returncode, done.stdout

def main():
    code, out = run_helper(7, 3)
    sys.stdout.write(out)
    print("status", code)

main()
'''


def processes_under(node):
    """Process nodes directly below NODE's own calls (not inside other processes)."""
    out = []
    stack = list(node.get("calls", []))
    while stack:
        n = stack.pop(0)
        if n.get("kind") == "process":
            out.append(n)
        else:
            stack.extend(n.get("calls", []))
    return out


def calls_in(process, name):
    return [n for n, _ in walk(process) if n.get("callable") == name
            and n.get("kind") is None]


class Children(TraceTestCase):
    def assert_unique_ids(self, data):
        ids = [n["id"] for n, _ in walk(root_of(data))]
        self.assertEqual(len(ids), len(set(ids)), "node ids are not unique")

    def assert_no_parts(self):
        self.assertEqual(glob.glob(os.path.join(self.tmp, "*.part")), [])

    def one_process(self, method, status=0):
        script = self.write_script("contexts.py", CONTEXTS)
        plain = run_plain(script, [method, str(status)])
        data, proc = self.trace(script, [method, str(status)])
        self.assertEqual(proc.stdout.splitlines()[-1], plain.stdout.splitlines()[-1])
        self.assertEqual(proc.stdout.splitlines()[-1], b"exit code %d" % status)
        child_pid = int(proc.stdout.split()[2])
        (start_one,) = [n for n in own_call_nodes(data) if n["callable"] == "start_one"]
        return data, start_one, child_pid

    def check_child(self, process, pid):
        self.assertEqual(process["kind"], "process")
        self.assertEqual(process["pid"], pid)
        self.assertEqual(len(calls_in(process, "square")), 3)
        (work,) = calls_in(process, "child_work")
        self.assertEqual(work["inputs"], {"n": 3, "status": work["inputs"]["status"]})
        self.assertEqual(work["error_type"], "SystemExit")
        (thread,) = threads_of([process])
        self.assertEqual(thread["thread"], "MainThread")
        self.assertEqual(thread["calls"][0]["callable"], "child_work")

    def test_spawn_process_under_the_starting_call(self):
        data, start_one, pid = self.one_process("spawn", 0)
        (child,) = processes_under(start_one)
        self.check_child(child, pid)
        self.assertNotIn("incomplete", child)
        self.assertEqual(child["callable"], "spawn_main")
        self.assertIs(root_of(data)["flowtrace"]["complete"], True)
        self.assert_unique_ids(data)
        self.assert_no_parts()

    def test_fork_process_exit_code_unchanged(self):
        data, start_one, pid = self.one_process("fork", 5)
        (child,) = processes_under(start_one)
        self.check_child(child, pid)
        self.assertEqual(child["callable"], "fork")
        # A multiprocessing fork child ends with os._exit(code).
        self.assertEqual(child["exit_status"], 5)
        self.assertNotIn("incomplete", child)
        self.assert_unique_ids(data)
        self.assert_no_parts()

    def test_forkserver_workers_under_the_forkserver(self):
        data, start_one, pid = self.one_process("forkserver", 0)
        (server,) = processes_under(start_one)
        self.assertEqual(server["callable"], "forkserver")
        # The server outlives the parent's stop(): salvaged as it was.
        self.assertIs(server["incomplete"], True)
        workers = [p for p in process_nodes(server) if p is not server]
        self.assertEqual([w["pid"] for w in workers], [pid])
        self.check_child(workers[0], pid)
        self.assert_unique_ids(data)

    def test_pool_workers_each_a_process(self):
        script = self.write_script("pool.py", POOL)
        for method in ("spawn", "fork"):
            data, proc = self.trace(script, [method])
            self.assertEqual(proc.stdout, b"[0, 1, 4, 9, 16, 25]\n", method)
            (run,) = [n for n in own_call_nodes(data) if n["callable"] == "run"]
            self.assertEqual(run["output"], [0, 1, 4, 9, 16, 25])
            workers = processes_under(run)
            self.assertEqual(len(workers), 2, method)
            self.assertEqual(len({w["pid"] for w in workers}), 2)
            squares = [n for w in workers for n in calls_in(w, "square")]
            self.assertEqual(sorted(n["output"] for n in squares), [0, 1, 4, 9, 16, 25])
            # Pool.__exit__ terminates the workers (SIGTERM), whether they
            # ended or not: every call they finished is kept.
            for n in squares:
                self.assertNotIn("incomplete", n)
            self.assert_unique_ids(data)
            self.assert_no_parts()

    def test_subprocess_python_child(self):
        self.write_script("helper.py", HELPER)
        script = self.write_script("runner.py", RUNNER)
        plain = run_plain(script)
        data, proc = self.trace(script)
        # sys.path and the environment the helper sees are the untraced ones.
        self.assertEqual(proc.stdout.split(b"\n")[1:], plain.stdout.split(b"\n")[1:])
        self.assertIn(b" False\n", proc.stdout)
        self.assertIn(b"status 3\n", proc.stdout)
        helper_pid = int(proc.stdout.split(b"\n")[0].split()[2])
        (run_helper,) = [n for n in own_call_nodes(data) if n["callable"] == "run_helper"]
        (child,) = processes_under(run_helper)
        self.assertEqual(child["pid"], helper_pid)
        self.assertEqual(child["callable"], "helper.py")
        self.assertEqual(child["caller"], "run_helper::run_helper")
        (triple,) = calls_in(child, "triple")
        self.assertEqual((triple["inputs"], triple["output"]), ({"x": 7}, 21))
        self.assertEqual(child["error_type"], None)
        self.assertEqual(child["inputs"]["argv"][-2:], ["7", "3"])
        self.assertGreater(child["start_ns"], run_helper["start_ns"])
        self.assert_unique_ids(data)
        self.assert_no_parts()

    def test_user_sitecustomize_and_pythonpath_kept(self):
        site = os.path.join(self.tmp, "site")
        self.write_script("sitecustomize.py", 'print("user sitecustomize")\n', folder=site)
        self.write_script("helper.py", HELPER)
        script = self.write_script("runner.py", '''
import os, subprocess, sys
env = dict(os.environ, PYTHONPATH=sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
out = subprocess.run([sys.executable, os.path.join(here, "helper.py"), "1", "0"],
                     env=env, capture_output=True, text=True).stdout
print(out.replace(str(os.getpid()), "PID"), end="")
''')
        plain = run_plain(script, [site])
        data, proc = self.trace(script, [site])
        strip = lambda out: [l for l in out.splitlines() if not l.startswith(b"helper")]
        self.assertEqual(strip(proc.stdout), strip(plain.stdout))
        self.assertIn(b"user sitecustomize\n", proc.stdout)
        self.assertIn(("env %s False" % site).encode(), proc.stdout)
        self.assertEqual(len(process_nodes(data)), 1)

    def test_capture_filters_and_redaction_reach_children(self):
        self.write_script("noisy.py", '''
def chatter(n):
    return n
''')
        script = self.write_script("filtered.py", '''
import multiprocessing as mp, sys
import noisy

def leaf(x):
    return x

def middle(x):
    return leaf(x)

def login(user, password):
    noisy.chatter(1)
    return middle({"user": user, "api_token": password})

def main(method):
    ctx = mp.get_context(method)
    p = ctx.Process(target=login, args=("ana", "hunter2-" + method))
    p.start()
    p.join()
    return p.exitcode

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
''')
        for method in ("spawn", "fork"):
            output = os.path.join(self.tmp, "filtered-%s.json" % method)
            data, _ = self.trace(script, [method], output=output,
                                 flags=["--exclude", "noisy", "--max-depth", "3"])
            with open(output, "rb") as f:
                self.assertNotIn(b"hunter2", f.read(), method)
            (main,) = [n for n in own_call_nodes(data) if n["callable"] == "main"]
            (child,) = processes_under(main)
            (login,) = calls_in(child, "login")
            self.assertEqual(login["inputs"], {"user": "ana", "password": "***"}, method)
            self.assertEqual(calls_in(child, "chatter"), [], method)
            # the child's thread: login is level 1, middle 2, leaf 3
            (middle,) = calls_in(child, "middle")
            self.assertEqual(middle["inputs"]["x"]["api_token"], "***", method)
            self.assertEqual([c["callable"] for c in middle["calls"]], ["leaf"], method)

    def test_no_follow_children(self):
        self.write_script("helper.py", HELPER)
        script = self.write_script("runner.py", RUNNER)
        data, proc = self.trace(script, flags=["--no-follow-children"])
        self.assertIn(b"status 3\n", proc.stdout)
        self.assertEqual(process_nodes(data), [])
        self.assertIs(root_of(data)["flowtrace"]["flags"]["follow_children"], False)
        self.assert_no_parts()

    def test_os_fork_and_os_exit_as_untraced(self):
        script = self.write_script("forker.py", '''
import os, sys
def parent_work(x):
    return x + 1
def child_work(x):
    return x * 100
def fork_and_wait():
    pid = os.fork()
    if pid == 0:
        child_work(5)
        os._exit(7)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
parent_work(1)
print("child exited", fork_and_wait())
parent_work(2)
''')
        plain = run_plain(script)
        data, proc = self.trace(script)
        self.assertEqual(proc.stdout, plain.stdout)
        self.assertEqual(proc.stdout, b"child exited 7\n")
        self.assertEqual(split_stderr(proc.stderr)[0], [])
        self.assertEqual([n["callable"] for n in own_call_nodes(data)],
                         ["parent_work", "fork_and_wait", "parent_work"])
        (fork_and_wait,) = [n for n in own_call_nodes(data)
                            if n["callable"] == "fork_and_wait"]
        (child,) = processes_under(fork_and_wait)
        self.assertEqual((child["callable"], child["exit_status"]), ("fork", 7))
        # Calls open at the fork (fork_and_wait) produce nothing in the child.
        self.assertEqual([n["callable"] for n in threads_of([child])[0]["calls"]],
                         ["child_work"])
        self.assertEqual(calls_in(child, "child_work")[0]["output"], 500)
        self.assert_unique_ids(data)

    def test_fork_child_running_the_script_to_its_end(self):
        script = self.write_script("forkend.py", '''
import os
def work(tag):
    return tag
pid = os.fork()
work("child" if pid == 0 else "parent")
if pid:
    os.waitpid(pid, 0)
print("end", "child" if pid == 0 else "parent", flush=True)
''')
        data, proc = self.trace(script)
        self.assertEqual(sorted(proc.stdout.splitlines()), [b"end child", b"end parent"])
        # One summary line: the parent's.
        self.assertEqual(split_stderr(proc.stderr)[0], [])
        (child,) = process_nodes(data)
        self.assertEqual(calls_in(child, "work")[0]["output"], "child")
        self.assertEqual(child["exit_status"], 0)
        self.assertEqual([n["output"] for n in own_call_nodes(data)], ["parent"])

    def test_child_killed_is_salvaged(self):
        script = self.write_script("killed.py", '''
import os, signal, subprocess, sys
def start_and_kill():
    here = os.path.dirname(os.path.abspath(__file__))
    child = subprocess.Popen([sys.executable, os.path.join(here, "victim.py")],
                             stdout=subprocess.PIPE)
    assert child.stdout.readline() == b"ready\\n"
    child.kill()
    return child.wait()
print("killed", start_and_kill())
''')
        self.write_script("victim.py", '''
import sys, threading
def before(x):
    return x + 1
def blocked():
    print("ready", flush=True)
    threading.Event().wait()
before(1)
blocked()
''')
        data, proc = self.trace(script)
        self.assertEqual(proc.stdout, b"killed -9\n")
        (start,) = own_call_nodes(data)
        (child,) = processes_under(start)
        self.assertIs(child["incomplete"], True)
        # Every call the child finished is kept (the one it was in when
        # killed is kept when it was written out before the kill).
        self.assertEqual([n["callable"] for n in threads_of([child])[0]["calls"]][:1],
                         ["before"])
        self.assertEqual(calls_in(child, "before")[0]["output"], 2)
        self.assertIs(root_of(data)["flowtrace"]["complete"], True)
        self.assert_no_parts()

    def test_child_outliving_the_parent(self):
        script = self.write_script("leaver.py", '''
import os, subprocess, sys
def leave_child_behind():
    here = os.path.dirname(os.path.abspath(__file__))
    child = subprocess.Popen([sys.executable, os.path.join(here, "stayer.py")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
    return child.stdout.readline()
print(leave_child_behind())
''')
        self.write_script("stayer.py", '''
import sys
def early(x):
    return x
def late(x):
    return x
early(1)
print("ready", flush=True)
sys.stdin.read()       # ends when the parent, holding the pipe, is gone
late(2)
''')
        output = os.path.join(self.tmp, "trace.json")
        proc = run_flowtrace(["-s", script, "-o", output])
        self.assert_finished(proc, script)
        data = load_trace(output)
        (leave,) = own_call_nodes(data)
        (child,) = processes_under(leave)
        self.assertIs(child["incomplete"], True)
        self.assertEqual([n["callable"] for n, _ in walk(child)
                          if n.get("kind") is None], ["early"])
        # The child goes on after the parent and ends on its own; the trace
        # stays as it was and no part file is left behind.
        with open(output, "rb") as f:
            before = f.read()
        fd = os.pidfd_open(child["pid"]) if hasattr(os, "pidfd_open") else None
        if fd is not None:
            try:
                self.assertTrue(select.select([fd], [], [], TIMEOUT)[0],
                                "the child did not end")
            finally:
                os.close(fd)
        with open(output, "rb") as f:
            self.assertEqual(f.read(), before)
        self.assert_no_parts()

    def test_child_killed_before_its_first_write(self):
        """A child killed between creating its part and writing its node
        (a pool worker terminated as it starts) is a process node marked
        incomplete, and its empty part is not left beside the trace."""
        script = self.write_script("killed.py", '''
import glob, os, signal, sys
def start_child(output):
    pid = os.fork()
    if pid == 0:
        for part in glob.glob(output + ".proc-*.part"):
            open(part, "w").close()
        os.kill(os.getpid(), signal.SIGKILL)
    return os.waitpid(pid, 0)[1]
print(start_child(sys.argv[1]) == signal.SIGKILL)
''')
        output = os.path.join(self.tmp, "trace.json")
        data, proc = self.trace(script, [output], output=output)
        self.assertEqual(proc.stdout, b"True\n")
        (start,) = [n for n in own_call_nodes(data) if n["callable"] == "start_child"]
        (child,) = processes_under(start)
        self.assertEqual(child["callable"], "fork")
        self.assertIs(child["incomplete"], True)
        self.assertEqual(child["calls"], [])
        self.assert_no_parts()

    def test_parent_killed_repair_splices_children(self):
        self.write_script("helper.py", HELPER)
        script = self.write_script("parent.py", '''
import os, subprocess, sys, threading
def run_helper():
    here = os.path.dirname(os.path.abspath(__file__))
    return subprocess.run([sys.executable, os.path.join(here, "helper.py"), "2", "0"],
                          capture_output=True).returncode
def wait_forever():
    print("ready", flush=True)
    threading.Event().wait()
run_helper()
wait_forever()
''')
        output = os.path.join(self.tmp, "trace.json")
        proc, out, _ = start_flowtrace(["-s", script, "-o", output])
        try:
            out.wait_for(lambda line: line == "ready")
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(TIMEOUT)
            proc.stdin.close()
            proc.stdout.close()
            proc.stderr.close()
        self.assertEqual(len(glob.glob(output + ".proc-*.part")), 1)
        fixed = os.path.join(self.tmp, "fixed.json")
        rep = run_flowtrace(["--repair", output, "-o", fixed])
        self.assertEqual(rep.returncode, 0, rep.stderr)
        self.assertIn(b"1 child process", rep.stderr)
        data = load_trace(fixed)
        run_helper = [n for n in own_call_nodes(data) if n["callable"] == "run_helper"][0]
        (child,) = processes_under(run_helper)
        self.assertNotIn("incomplete", child)
        self.assertEqual(calls_in(child, "triple")[0]["output"], 6)
        self.assert_unique_ids(data)

    def test_flowtrace_run_by_a_traced_script(self):
        """A traced script that runs flowtrace itself: both traces are written."""
        self.write_script("helper.py", HELPER)
        inner = os.path.join(self.tmp, "inner.json")
        script = self.write_script("outer.py", '''
import os, subprocess, sys
def run_inner(out):
    here = os.path.dirname(os.path.abspath(__file__))
    return subprocess.run([sys.executable, "-m", "flowtrace", "-s",
                           os.path.join(here, "helper.py"), "-o", out, "--", "4", "0"],
                          capture_output=True).returncode
print("inner", run_inner(sys.argv[1]))
''')
        data, proc = self.trace(script, [inner])
        self.assertEqual(proc.stdout, b"inner 0\n")
        inner_data = load_trace(inner)
        self.assertEqual(own_call_nodes(inner_data)[0]["callable"], "main")
        self.assertIs(root_of(inner_data)["flowtrace"]["complete"], True)
        (child,) = process_nodes(data)
        self.assertEqual([n for n, _ in walk(child) if n.get("kind") is None], [])

    def test_multiprocess_sample(self):
        script = self.sample("multiprocess", "mp_spawn_sample.py")
        plain = run_plain(script)
        data, proc = self.trace(script)
        self.assertEqual(proc.stdout, plain.stdout)
        self.assertEqual(split_stderr(proc.stderr)[0], [])
        calls = {n["callable"]: n for n in own_call_nodes(data)}
        workers = processes_under(calls["price_orders"])
        self.assertEqual(len(workers), 2)
        self.assertEqual(sorted(n["output"] for w in workers for n in calls_in(w, "price")),
                         sorted(calls["price_orders"]["output"]))
        (helper,) = processes_under(calls["total_with_helper"])
        self.assertEqual(helper["callable"], "summer.py")
        self.assertEqual(calls_in(helper, "add_up")[0]["output"],
                         calls["total_with_helper"]["output"])
        self.assert_unique_ids(data)


if __name__ == "__main__":
    unittest.main()
