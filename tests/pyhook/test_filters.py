# SPDX-License-Identifier: MIT
"""Capture-time filters: --include/--exclude (module globs), --max-depth and
--min-duration (calls left out, counted in skipped_calls on their caller)."""

import json
import os
import unittest

from ftsupport import (TraceTestCase, call_nodes, find, find_one, run_flowtrace,
                       threads_of, walk)

# A package with three modules, so module globs have something to choose from.
PKG = {
    "shop/__init__.py": "",
    "shop/tax.py": '''
        def rate(country):
            return {"es": 0.21, "fr": 0.2}.get(country, 0.0)
        ''',
    "shop/pricing.py": '''
        from shop import tax

        def total(amount, country):
            return round(amount * (1 + tax.rate(country)), 2)
        ''',
    "shopping.py": '''
        def basket(n):
            return [i for i in range(n)]
        ''',
}

MAIN = '''
import shopping
from shop import pricing

def main():
    items = shopping.basket(3)
    return [pricing.total(10 * i, "es") for i in items]

print(main())
'''

DEEP = '''
import time

def leaf(x):
    return x + 1

def level(n):
    if n == 0:
        return leaf(n)
    return level(n - 1)

def slow():
    time.sleep(0.15)
    return 1

def quick_parent():
    # three quick calls: each has a leaf under it
    return [level(1) for _ in range(3)]

def fails():
    raise ValueError("kept")

def main():
    level(5)
    slow()
    quick_parent()
    try:
        fails()
    except ValueError:
        pass

main()
'''


def modules_in(trace):
    return {n["module"] for n in call_nodes(trace)}


def depth_of(trace):
    """node id -> depth below its thread node (top-level call = 1)."""
    depths = {}
    for thread in threads_of(trace):
        stack = [(c, 1) for c in thread["calls"]]
        while stack:
            node, d = stack.pop()
            depths[node["id"]] = d
            stack.extend((c, d + 1) for c in node["calls"])
    return depths


class ModuleFilterTest(TraceTestCase):
    def setUp(self):
        super().setUp()
        for name, text in PKG.items():
            folder, base = os.path.split(os.path.join(self.tmp, name))
            self.write_script(base, text, folder=folder)
        self.script = self.write_script("main.py", MAIN)

    def test_no_filter_records_every_module(self):
        trace, _ = self.trace(self.script)
        self.assertEqual(modules_in(trace),
                         {"__main__", "shopping", "shop.pricing", "shop.tax"})

    def test_include_glob_keeps_matching_modules_only(self):
        trace, _ = self.trace(self.script, flags=["--include", "shop.*"])
        self.assertEqual(modules_in(trace), {"shop.pricing", "shop.tax"})
        # main() left no node: total() hangs under the thread node
        thread = threads_of(trace)[0]
        self.assertEqual([c["callable"] for c in thread["calls"]], ["total"] * 3)
        self.assertTrue(all(c["caller"] == "Thread::MainThread" for c in thread["calls"]))
        flags = trace[0]["flowtrace"]["flags"]
        self.assertEqual(flags["include"], ["shop.*"])
        self.assertEqual(flags["exclude"], [])

    def test_star_after_name_also_matches_the_name_and_longer_names(self):
        # fnmatch: 'shop*' matches 'shop', 'shop.tax' and 'shopping'
        trace, _ = self.trace(self.script, flags=["--include", "shop*"])
        self.assertEqual(modules_in(trace), {"shopping", "shop.pricing", "shop.tax"})

    def test_exclude_wins_and_callees_hang_under_the_nearest_recorded_caller(self):
        trace, proc = self.trace(self.script, flags=[
            "--include", "shop.*", "--include", "__main__", "--exclude", "shop.pricing"])
        self.assertEqual(modules_in(trace), {"__main__", "shop.tax"})
        main = find_one(self, trace, "main")
        self.assertEqual([c["callable"] for c in main["calls"]], ["rate"] * 3)
        self.assertTrue(all(c["caller"] == "main::main" for c in main["calls"]))
        self.assertEqual(proc.stdout.strip(), b"[0.0, 12.1, 24.2]")
        ids = [n["id"] for n in call_nodes(trace)]
        self.assertEqual(len(ids), len(set(ids)))

    def test_repeated_exclude(self):
        trace, _ = self.trace(self.script, flags=["--exclude", "shop.tax",
                                                  "--exclude", "shopping"])
        self.assertEqual(modules_in(trace), {"__main__", "shop.pricing"})

    def test_pattern_matching_nothing_is_reported(self):
        trace, proc = self.trace(self.script, flags=["--include", "shop.*",
                                                     "--include", "shp.*"])
        err = proc.stderr.decode()
        self.assertIn("--include 'shp.*' matched no module", err)
        self.assertNotIn("'shop.*' matched", err)
        self.assertEqual(modules_in(trace), {"shop.pricing", "shop.tax"})

    def test_a_file_path_is_refused_with_a_hint(self):
        out = os.path.join(self.tmp, "t.json")
        for pattern in ("shop/tax.py", "", "tax.py"):
            proc = run_flowtrace(["-s", self.script, "-o", out, "--include", pattern])
            self.assertEqual(proc.returncode, 2, pattern)
            self.assertIn("--include", proc.stderr.decode())
            self.assertIn("module name pattern", proc.stderr.decode())
            self.assertFalse(os.path.exists(out))


class DepthAndDurationTest(TraceTestCase):
    def setUp(self):
        super().setUp()
        self.script = self.write_script("deep.py", DEEP)

    def test_max_depth_counts_deeper_calls_on_the_deepest_recorded_node(self):
        trace, _ = self.trace(self.script, flags=["--max-depth", "3"])
        depths = depth_of(trace)
        self.assertEqual(max(depths.values()), 3)
        main = find_one(self, trace, "main")
        first = main["calls"][0]                   # level(5)
        self.assertEqual(first["inputs"], {"n": 5})
        self.assertEqual([c["inputs"] for c in first["calls"]], [{"n": 4}])
        # level(4) is at depth 3: level(3..0) and leaf below it are 5 calls
        self.assertEqual(first["calls"][0]["skipped_calls"], 5)
        self.assertEqual(first["calls"][0]["calls"], [])
        # the same code recorded again after the skipped recursion returned
        self.assertEqual([c["callable"] for c in main["calls"]],
                         ["level", "slow", "quick_parent", "fails"])
        self.assertEqual(trace[0]["flowtrace"]["flags"]["max_depth"], 3)
        # nodes that skipped nothing carry no skipped_calls
        self.assertNotIn("skipped_calls", main)
        self.assertNotIn("skipped_calls", find_one(self, trace, "slow"))

    def test_max_depth_one_keeps_top_level_calls_only(self):
        trace, _ = self.trace(self.script, flags=["--max-depth", "1"])
        thread = threads_of(trace)[0]
        self.assertEqual([c["callable"] for c in thread["calls"]], ["main"])
        main = thread["calls"][0]
        self.assertEqual(main["calls"], [])
        # level x6 + leaf, slow, quick_parent + 3 x (level x2 + leaf), fails
        self.assertEqual(main["skipped_calls"], 7 + 1 + 1 + 9 + 1)

    def test_min_duration_leaves_out_short_calls_and_counts_them(self):
        # 100 ms: far above any quick call here, far below slow()
        trace, _ = self.trace(self.script, flags=["--min-duration", "100"])
        names = [n["callable"] for n in call_nodes(trace)]
        self.assertEqual(names, ["main", "slow", "fails"])
        main = find_one(self, trace, "main")
        # level x6 + leaf, quick_parent + 3 x (level x2 + leaf)
        self.assertEqual(main["skipped_calls"], 7 + 1 + 9)
        self.assertGreaterEqual(find_one(self, trace, "slow")["duration_ms"], 100)
        # a call that raised is kept, however short
        self.assertEqual(find_one(self, trace, "fails")["error_type"], "ValueError")
        self.assertEqual(trace[0]["flowtrace"]["flags"]["min_duration_ms"], 100.0)

    def test_min_duration_keeps_ids_dense_on_one_thread(self):
        trace, _ = self.trace(self.script, flags=["--min-duration", "100"])
        ids = sorted(n["id"] for n, _ in walk(trace[0]))
        self.assertEqual(ids, list(range(len(ids))))

    def test_min_duration_of_a_top_level_call_counts_on_the_thread_node(self):
        script = self.write_script("top.py", '''
            import threading

            def quick(x):
                return x * 2

            def work():
                for i in range(4):
                    quick(i)

            t = threading.Thread(target=work, name="worker")
            t.start()
            t.join()
            ''')
        trace, _ = self.trace(script, flags=["--min-duration", "1000"])
        self.assertEqual(call_nodes(trace), [])
        counted = {th["thread"]: th.get("skipped_calls") for th in threads_of(trace)}
        self.assertEqual(counted["worker"], 5)

    def test_both_filters_together(self):
        trace, _ = self.trace(self.script, flags=["--max-depth", "2",
                                                  "--min-duration", "100"])
        main = find_one(self, trace, "main")
        self.assertEqual([c["callable"] for c in main["calls"]], ["slow", "fails"])
        self.assertEqual(main["skipped_calls"], 7 + 1 + 9)

    def test_fast_path_closing_carries_skipped_calls(self):
        # --skip-inputs --skip-outputs writes the closing in one piece
        trace, _ = self.trace(self.script, flags=[
            "--max-depth", "2", "--skip-inputs", "--skip-outputs"])
        level = find(trace, "level")[0]
        self.assertEqual(level["inputs"], {})
        self.assertEqual(level["skipped_calls"], 6)

    def test_every_call_is_a_node_or_counted(self):
        # Whatever is kept (timed flushes every millisecond hand buffers to
        # the writer mid-call, so some short calls stay), the nodes plus
        # the skipped_calls account for every call, on every thread.
        script = self.write_script("many.py", '''
            import threading

            CALLS = [0]

            def leaf(i):
                CALLS[0] += 1
                return {"i": i, "sq": i * i}

            def branch(n):
                CALLS[0] += 1
                return [leaf(i) for i in range(n)]

            def work(rounds):
                CALLS[0] += 1
                for r in range(rounds):
                    branch(r % 7)

            threads = [threading.Thread(target=work, args=(300,)) for _ in range(2)]
            for t in threads:
                t.start()
            work(300)
            for t in threads:
                t.join()
            print(CALLS[0])
            ''')
        for flags in (["--min-duration", "0.01"], ["--max-depth", "2"],
                      ["--min-duration", "0.01", "--max-depth", "2"]):
            trace, proc = self.trace(script, flags=flags + ["--flush-interval", "0.001"])
            made = int(proc.stdout)
            nodes = call_nodes(trace)
            skipped = sum(n.get("skipped_calls", 0) for n, _ in walk(trace[0]))
            self.assertEqual(len(nodes) + skipped, made, flags)
            ids = [n["id"] for n, _ in walk(trace[0])]
            self.assertEqual(len(ids), len(set(ids)), flags)
            self.assertEqual(len(threads_of(trace)), 3, flags)

    def test_bad_values_are_refused(self):
        out = os.path.join(self.tmp, "t.json")
        cases = [
            (["--max-depth", "0"], "--max-depth"),
            (["--max-depth", "two"], "--max-depth"),
            (["--min-duration", "-1"], "--min-duration"),
            (["--min-duration", "nan"], "--min-duration"),
            (["--min-duration", "1", "--flush-every-call"], "--flush-every-call"),
        ]
        for flags, word in cases:
            proc = run_flowtrace(["-s", self.script, "-o", out] + flags)
            self.assertEqual(proc.returncode, 2, flags)
            self.assertIn(word, proc.stderr.decode())
            self.assertFalse(os.path.exists(out))

    def test_unfiltered_trace_has_no_skipped_calls(self):
        trace, _ = self.trace(self.script)
        raw = json.dumps(trace)
        self.assertNotIn("skipped_calls", raw)
        flags = trace[0]["flowtrace"]["flags"]
        self.assertIsNone(flags["max_depth"])
        self.assertIsNone(flags["min_duration_ms"])


if __name__ == "__main__":
    unittest.main()
