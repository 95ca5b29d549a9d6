# SPDX-License-Identifier: MIT
"""Generators, coroutines and async generators: one node per life.

A life opens at the first resume and ends at exhaustion, return, exception
or close; its node says how long it ran and how long it was suspended, and
how often it was resumed.  Tasks hang under the call that created them.
"""

import glob
import os
import unittest

from ftsupport import (TraceTestCase, call_nodes, find, find_one, load_trace,
                       run_flowtrace, threads_of)

GENERATORS = '''
def leaf(x):
    return x * 2

def gen(n):
    for i in range(n):
        yield leaf(i)
    return "done %d" % n

def exhausted():
    g = gen(3)
    return list(g)

def closed_early():
    for x in gen(5):
        if x >= 2:
            break
    return x

def raising():
    yield 1
    leaf(7)
    raise ValueError("boom")

def catches():
    try:
        for _ in raising():
            pass
    except ValueError:
        return "caught"

def starter(g):
    return next(g)

def other():
    return leaf(99)

def handed_over():
    g = gen(2)
    first = starter(g)      # starts under starter(), which returns at once
    other()                 # starts later, ends before the generator
    return first, list(g)

def outer_gen():
    yield from gen(2)
    yield leaf(50)

def delegating():
    return list(outer_gen())

KEPT = []

def keep():
    g = gen(4)
    next(g)
    KEPT.append(g)

exhausted()
closed_early()
catches()
handed_over()
delegating()
keep()
'''

COROUTINES = '''
import asyncio
import sys

def leaf(x):
    return x * 2

async def sub(x):
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    return leaf(x)

async def worker(i):
    return await sub(i)

def spawn(i):
    return asyncio.create_task(worker(i))

async def ticker(n):
    for i in range(n):
        yield leaf(i)

async def grouped():
    if sys.version_info < (3, 11):
        return [await worker(30)]
    async with asyncio.TaskGroup() as tg:
        t = tg.create_task(worker(30))
    return [t.result()]

async def main():
    task = spawn(10)
    both = await asyncio.gather(worker(1), worker(2))
    ticks = [t async for t in ticker(3)]
    return both, await task, ticks, await grouped()

print(asyncio.run(main()))
'''

SPILL = '''
def leaf(x):
    return x

def chatty(n):
    for i in range(n):
        leaf("x" * 200)
        yield i

def drive():
    g = chatty(600)
    total = 0
    for v in g:
        total += leaf(v)
    return total

drive()
'''

KILLED = '''
import os
import signal

def leaf(x):
    return x

def chatty(n):
    for i in range(n):
        leaf("x" * 200)
        yield i

def before():
    return leaf(1)

def drive():
    before()
    g = chatty(10000)
    for v in g:
        if v == 500:
            os.kill(os.getpid(), signal.SIGKILL)

drive()
'''

FILTERED = '''
import asyncio

def leaf(x):
    return x

def deep(n):
    if n:
        return deep(n - 1)
    return leaf(0)

def gen(n):
    for i in range(n):
        deep(3)
        yield i

def level2(g):
    return next(g)

def level1():
    g = gen(3)
    first = level2(g)        # starts at depth 3
    def far(k):              # goes on from deeper than --max-depth
        if k:
            return far(k - 1)
        return list(g)
    return first, far(5)

async def quick():
    return 1

async def slow():
    await asyncio.sleep(0.05)
    return 2

async def main():
    return await quick(), await slow()

print(level1(), asyncio.run(main()))
'''

HEAVY = '''
def leaf(x):
    return x + 1

def numbers(n):
    for i in range(n):
        yield leaf(i)

def pairs(n):
    yield from numbers(n)
    yield from numbers(n)

def heavy(count):
    total = 0
    for k in range(count):
        for v in pairs(3):
            total += v
        it = numbers(5)
        total += next(it)    # left suspended, then dropped
    it = None
    return total

print(heavy(2000))
'''


def lives(nodes):
    return [n for n in nodes if n.get("kind") in ("generator", "coroutine",
                                                  "async_generator")]


class LifeAssertions:
    def assert_times(self, node):
        """running + suspended == duration, to the microsecond of the file."""
        for key in ("duration_ms", "running_ms", "suspended_ms"):
            self.assertGreaterEqual(node[key], 0, key)
        self.assertAlmostEqual(node["running_ms"] + node["suspended_ms"],
                               node["duration_ms"], delta=0.0015)

    def assert_every_life_timed(self, data):
        found = lives(call_nodes(data))
        self.assertTrue(found)
        for n in found:
            self.assert_times(n)
            self.assertIsInstance(n["resumes"], int)
            self.assertIsInstance(n["yields"], int)


class Generators(TraceTestCase, LifeAssertions):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tmp = cls.class_tmp()
        path = os.path.join(tmp, "gens.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(GENERATORS)
        case = cls("test_exhausted")
        case.tmp = tmp
        cls.data, _ = case.trace(path, output=os.path.join(tmp, "gens.json"))

    def test_exhausted(self):
        top = find_one(self, self.data, "exhausted")
        self.assertEqual(top["output"], [0, 2, 4])
        [g] = top["calls"]
        self.assertEqual((g["callable"], g["kind"]), ("gen", "generator"))
        self.assertEqual(g["caller"], "exhausted::exhausted")
        self.assertEqual(g["inputs"], {"n": 3})
        self.assertEqual(g["inputs_after"], {"n": 3})
        self.assertEqual(g["output"], "done 3", "the return value, not a yielded one")
        self.assertIsNone(g["error"])
        self.assertEqual((g["resumes"], g["yields"]), (3, 3))
        self.assertEqual([c["inputs"]["x"] for c in g["calls"]], [0, 1, 2])
        self.assertNotIn("closed", g)
        self.assert_times(g)

    def test_closed_early(self):
        top = find_one(self, self.data, "closed_early")
        [g] = top["calls"]
        self.assertTrue(g["closed"])
        self.assertIsNone(g["error"], "closing a generator is not an error")
        self.assertIsNone(g["output"])
        self.assertEqual(g["yields"], 2)
        self.assertEqual([c["inputs"]["x"] for c in g["calls"]], [0, 1])
        self.assertNotIn("incomplete", g)
        self.assert_times(g)

    def test_raising(self):
        top = find_one(self, self.data, "catches")
        self.assertEqual(top["output"], "caught")
        [g] = top["calls"]
        self.assertEqual(g["callable"], "raising")
        self.assertEqual(g["error"], "ValueError('boom')")
        self.assertEqual(g["error_type"], "ValueError")
        self.assertEqual((g["resumes"], g["yields"]), (1, 1))
        self.assertEqual([c["callable"] for c in g["calls"]], ["leaf"])

    def test_parent_that_ended_first_hands_over_to_its_parent(self):
        top = find_one(self, self.data, "handed_over")
        self.assertEqual(top["output"], [0, [2]])
        self.assertEqual([c["callable"] for c in top["calls"]], ["starter", "other", "gen"],
                         "the generator is placed when it ends, after later siblings")
        starter, other, g = top["calls"]
        self.assertEqual(starter["calls"], [])
        self.assertLess(g["start_ns"], other["start_ns"], "start_ns tells the truth")
        self.assertEqual(g["caller"], "starter::starter", "who first ran it")
        self.assertEqual([c["inputs"]["x"] for c in g["calls"]], [0, 1])

    def test_yield_from_nests_the_inner_generator(self):
        top = find_one(self, self.data, "delegating")
        [outer] = top["calls"]
        self.assertEqual(outer["callable"], "outer_gen")
        self.assertEqual([c["callable"] for c in outer["calls"]], ["gen", "leaf"])
        inner = outer["calls"][0]
        self.assertEqual(inner["caller"], "outer_gen::outer_gen")
        self.assertEqual(inner["output"], "done 2")
        self.assertEqual(outer["yields"], 3)

    def test_never_finished_is_incomplete_under_its_parent(self):
        main = threads_of(self.data)[0]
        keep = find_one(self, self.data, "keep")
        self.assertEqual(keep["calls"], [], "keep() ended before its generator")
        g = main["calls"][-1]
        self.assertEqual((g["callable"], g["kind"]), ("gen", "generator"))
        self.assertIs(g["incomplete"], True)
        self.assertEqual(g["inputs"], {"n": 4})
        self.assertNotIn("inputs_after", g)
        self.assertEqual((g["resumes"], g["yields"]), (0, 1))
        self.assert_times(g)

    def test_one_node_per_life(self):
        self.assertEqual(len(find(self.data, "gen")), 5)
        self.assert_every_life_timed(self.data)
        for n in call_nodes(self.data):
            if n["callable"] in ("gen", "raising", "outer_gen"):
                self.assertEqual(n["kind"], "generator")
            else:
                self.assertNotIn("kind", n)
                self.assertNotIn("resumes", n)


class Coroutines(TraceTestCase, LifeAssertions):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tmp = cls.class_tmp()
        path = os.path.join(tmp, "coros.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(COROUTINES)
        case = cls("test_awaited_coroutine_is_a_child")
        case.tmp = tmp
        cls.data, cls.proc = case.trace(path, output=os.path.join(tmp, "coros.json"))

    def test_output(self):
        self.assertEqual(self.proc.stdout, b"([2, 4], 20, [0, 2, 4], [60])\n")

    def test_awaited_coroutine_is_a_child(self):
        for w in find(self.data, "worker"):
            self.assertEqual(w["kind"], "coroutine")
            [sub] = w["calls"]
            self.assertEqual((sub["callable"], sub["kind"]), ("sub", "coroutine"))
            self.assertEqual(sub["caller"], "worker::worker")
            self.assertEqual((sub["resumes"], sub["yields"]), (2, 2))
            self.assertEqual(sub["output"], 2 * sub["inputs"]["x"])
            self.assertEqual(w["output"], sub["output"])
            self.assertEqual([c["callable"] for c in sub["calls"]], ["leaf"])
            self.assert_times(sub)
            self.assertGreater(sub["suspended_ms"] + sub["running_ms"], 0)

    def test_tasks_hang_under_their_creator(self):
        main = find_one(self, self.data, "main")
        self.assertEqual(main["kind"], "coroutine")
        kids = [(c["callable"], c["inputs"].get("i")) for c in main["calls"]]
        # create_task in spawn(), which returned at once: under main; both
        # gather() tasks: under main
        self.assertIn(("spawn", 10), kids)
        for i in (10, 1, 2):
            self.assertIn(("worker", i), kids)
        self.assertEqual(len(find(self.data, "worker")), 4)
        spawn = find_one(self, self.data, "spawn")
        self.assertEqual(spawn["calls"], [])

    def test_task_group(self):
        grouped = find_one(self, self.data, "grouped")
        self.assertEqual([c["callable"] for c in grouped["calls"]], ["worker"])
        self.assertEqual(grouped["calls"][0]["inputs"], {"i": 30})

    def test_async_generator(self):
        t = find_one(self, self.data, "ticker")
        self.assertEqual(t["kind"], "async_generator")
        self.assertEqual(t["caller"], "main::main")
        self.assertEqual((t["resumes"], t["yields"]), (3, 3))
        self.assertEqual([c["inputs"]["x"] for c in t["calls"]], [0, 1, 2])
        self.assertIsNone(t["output"])
        self.assertIsNone(t["error"])

    def test_one_node_per_life(self):
        self.assertEqual(len(find(self.data, "main")), 1)
        self.assertEqual(len(find(self.data, "sub")), 4)
        self.assert_every_life_timed(self.data)
        main = find_one(self, self.data, "main")
        self.assertGreater(main["resumes"], 0)
        # the whole run of main covers every task
        for w in find(self.data, "worker"):
            self.assertGreaterEqual(w["start_ns"], main["start_ns"])


class Filters(TraceTestCase, LifeAssertions):
    def test_max_depth_keeps_a_life_resumed_deeper(self):
        """A life recorded within --max-depth goes on when resumed from deeper;
        its own callees below the limit are counted, not recorded."""
        script = self.write_script("filtered.py", FILTERED)
        data, proc = self.trace(script, flags=["--max-depth", "3"])
        self.assertEqual(proc.stdout, b"(0, [1, 2]) (1, 2)\n")
        level1 = find_one(self, data, "level1")
        self.assertEqual([c["callable"] for c in level1["calls"]], ["level2", "far", "gen"])
        g = level1["calls"][-1]
        self.assertEqual((g["resumes"], g["yields"], g["output"]), (3, 3, None))
        self.assertNotIn("incomplete", g)
        self.assertEqual(g["calls"], [])
        # deep(3) and its callees, 5 calls, in each of its three runs
        self.assertEqual(g["skipped_calls"], 15)
        self.assert_every_life_timed(data)

    def test_min_duration_drops_short_lives(self):
        script = self.write_script("filtered.py", FILTERED)
        data, _ = self.trace(script, flags=["--min-duration", "20"])
        main = find_one(self, data, "main")
        self.assertEqual([c["callable"] for c in main["calls"]], ["slow"])
        self.assertEqual(main["skipped_calls"], 1, "quick() counted on its parent")
        self.assertEqual(find(data, "gen"), [])
        self.assertEqual(find(data, "quick"), [])


SKIPPED_INNER = '''
def leaf(x):
    return x

def inner():
    yield 1
    yield 2

def outer_gen():
    for x in inner():        # below --max-depth 2: no node
        yield x

def top():
    return list(outer_gen())

def after():
    return leaf(5)

print(top(), after())
'''


class SkippedGenerator(TraceTestCase):
    def test_generator_below_max_depth_inside_a_life(self):
        """A generator run below --max-depth by a life: each of its runs is
        counted on the life, and what follows is recorded again."""
        script = self.write_script("inner.py", SKIPPED_INNER)
        data, proc = self.trace(script, flags=["--max-depth", "2"])
        self.assertEqual(proc.stdout, b"[1, 2] 5\n")
        top = find_one(self, data, "top")
        [outer] = top["calls"]
        self.assertEqual((outer["callable"], outer["calls"]), ("outer_gen", []))
        self.assertEqual(outer["skipped_calls"], 3, "inner(): a start and two resumes")
        after = find_one(self, data, "after")
        self.assertEqual(after["output"], 5)
        self.assertNotIn("skipped_calls", threads_of(data)[0])


class Bounded(TraceTestCase, LifeAssertions):
    def test_big_life_spills_to_a_part_file_and_is_placed_whole(self):
        script = self.write_script("spill.py", SPILL)
        out = os.path.join(self.tmp, "spill.json")
        data, _ = self.trace(script, output=out)
        drive = find_one(self, data, "drive")
        [g] = [c for c in drive["calls"] if c["callable"] == "chatty"]
        self.assertEqual(len(g["calls"]), 600, "every call of the life kept")
        self.assertGreater(os.path.getsize(out), 64 * 1024 * 2)
        self.assertEqual(glob.glob(out + ".*part"), [], "part files are removed")
        self.assertEqual(len(drive["calls"]), 601)
        self.assertEqual(drive["calls"][-1], g, "placed when it ended")

    def test_killed_inside_a_big_life(self):
        """kill -9 while a spilled life is open: the repaired trace keeps what
        was written (the life itself is lost); the next run removes its part file."""
        script = self.write_script("killed.py", KILLED)
        out = os.path.join(self.tmp, "killed.json")
        proc = run_flowtrace(["-s", script, "-o", out, "--flush-every-call"])
        self.assertEqual(proc.returncode, -9)
        parts = glob.glob(out + ".life-*.part")
        self.assertEqual(len(parts), 1, "the open life had spilled")
        fixed = os.path.join(self.tmp, "fixed.json")
        proc = run_flowtrace(["--repair", out, "-o", fixed])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        data = load_trace(fixed)
        drive = find_one(self, data, "drive")
        self.assertIs(drive["incomplete"], True)
        self.assertEqual([c["callable"] for c in drive["calls"]], ["before"])
        self.assertEqual(find(data, "chatty"), [])
        # a new recording to the same file starts clean
        other = self.write_script("small.py", "def f():\n    return 1\nf()\n")
        self.trace(other, output=out)
        self.assertEqual(glob.glob(out + ".life-*.part"), [])

    def test_generator_heavy(self):
        script = self.write_script("heavy.py", HEAVY)
        data, proc = self.trace(script)
        heavy = find_one(self, data, "heavy")
        self.assertEqual(proc.stdout, b"%d\n" % heavy["output"])
        self.assertEqual(len(find(data, "pairs")), 2000)
        numbers = find(data, "numbers")
        self.assertEqual(len(numbers), 6000)
        kinds = [c["callable"] for c in heavy["calls"]]
        self.assertEqual(kinds.count("pairs"), 2000)
        # the generators left suspended are closed when dropped
        dropped = [c for c in heavy["calls"] if c["callable"] == "numbers"]
        self.assertEqual(len(dropped), 2000)
        for n in dropped:
            self.assertTrue(n["closed"], n)
            self.assertEqual(n["yields"], 1)
        for p in find(data, "pairs"):
            self.assertEqual([c["callable"] for c in p["calls"]], ["numbers", "numbers"])
        self.assert_every_life_timed(data)
        ids = [n["id"] for n in call_nodes(data)]
        self.assertEqual(len(ids), len(set(ids)), "ids stay unique")


if __name__ == "__main__":
    unittest.main()
