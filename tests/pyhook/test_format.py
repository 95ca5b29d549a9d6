# SPDX-License-Identifier: MIT
"""Every field of TRACE-FORMAT §1 and the §2 extensions, on the samples."""

import os
import subprocess
import unittest

from ftsupport import (CALL_FIELDS, PYTHON, THREAD_FIELDS, TraceTestCase, call_nodes,
                       find, find_one, root_of, threads_of, walk)


def interpreter_version():
    out = subprocess.run([PYTHON, "-c", "import sys; print(sys.version.split()[0])"],
                         stdout=subprocess.PIPE, check=True)
    return out.stdout.decode().strip()


class BasicSampleFormat(TraceTestCase):
    ARGS = ["--customer", "ana maria", "--tier", "gold", "--coffee", "3"]

    def setUp(self):
        super().setUp()
        self.script = self.sample("basic", "basic_sample.py")
        self.data, self.proc = self.trace(self.script, self.ARGS)
        self.root = root_of(self.data)

    def test_root_fields(self):
        root = self.root
        self.assertEqual(root["id"], 0)
        self.assertEqual(root["callable"], "basic_sample.py")
        self.assertEqual(root["module"], "__main__")
        self.assertIsNone(root["caller"])
        self.assertIsNone(root["error"])
        self.assertIsNone(root["error_type"])
        self.assertIn("inputs", root)
        self.assertIn("inputs_after", root)
        self.assertIn("output", root)
        self.assertIsInstance(root["duration_ms"], (int, float))
        self.assertGreater(root["duration_ms"], 0)
        self.assertEqual(root["duration_ms"], round(root["duration_ms"], 3))

    def test_root_flowtrace_metadata(self):
        meta = self.root["flowtrace"]
        self.assertEqual(meta["version"], 2)
        self.assertEqual(meta["python"], interpreter_version())
        self.assertEqual(meta["argv"], [self.script] + self.ARGS)
        self.assertIsInstance(meta["pid"], int)
        self.assertIsInstance(meta["started_unix_ns"], int)
        self.assertGreater(meta["started_unix_ns"], 1_600_000_000 * 10**9)
        self.assertIsInstance(meta["flags"], dict)
        self.assertIs(meta["complete"], True)
        # The patch of "complete" leaves the text as JSON writes it.
        with open(os.path.join(self.tmp, "trace.json"), "rb") as f:
            self.assertIn(b'"complete":true', f.read().replace(b" ", b""))

    def test_thread_node(self):
        threads = threads_of(self.data)
        self.assertEqual(len(threads), 1, "one thread ran, one thread node expected")
        self.assertEqual(len(self.root["calls"]), 1, "only thread nodes under the root")
        t = threads[0]
        for field in THREAD_FIELDS:
            self.assertIn(field, t)
        self.assertEqual(t["callable"], "MainThread")
        self.assertEqual(t["thread"], "MainThread")
        self.assertEqual(t["module"], "threading")
        self.assertEqual(t["called"], "Thread")
        self.assertIsNone(t["caller"])
        self.assertIsInstance(t["thread_id"], int)

    def test_every_call_node_has_every_field(self):
        nodes = call_nodes(self.data)
        self.assertGreater(len(nodes), 10)
        real_script = os.path.realpath(self.script)
        for n in nodes:
            for field in CALL_FIELDS:
                self.assertIn(field, n, "node %s lacks %r" % (n.get("callable"), field))
            self.assertIsInstance(n["id"], int)
            self.assertIsInstance(n["callable"], str)
            self.assertIsInstance(n["inputs"], dict)
            self.assertIsInstance(n["inputs_after"], dict)
            self.assertIsInstance(n["calls"], list)
            self.assertIsInstance(n["start_ns"], int)
            self.assertGreaterEqual(n["start_ns"], 0)
            self.assertIsInstance(n["duration_ms"], (int, float))
            self.assertGreaterEqual(n["duration_ms"], 0)
            self.assertEqual(n["duration_ms"], round(n["duration_ms"], 3))
            self.assertIsNone(n["error"])
            self.assertIsNone(n["error_type"])
            self.assertNotIn("incomplete", n)
            self.assertNotIn("memory_before", n)
            self.assertEqual(os.path.realpath(n["file"]), real_script)
            self.assertEqual(n["module"], "__main__")

    def test_ids_unique_and_root_zero(self):
        ids = [n["id"] for n, _ in walk(self.root)]
        self.assertEqual(len(ids), len(set(ids)), "ids repeat")
        self.assertEqual(ids[0], 0)
        self.assertNotIn(0, ids[1:])

    def test_line_is_the_definition_line(self):
        with open(self.script, encoding="utf-8") as f:
            lines = f.read().splitlines()
        for n in call_nodes(self.data):
            text = lines[n["line"] - 1].strip()
            self.assertTrue(text.startswith(("def ", "async def ", "@")),
                            "line %d of %s is %r" % (n["line"], n["callable"], text))
            if not text.startswith("@"):
                self.assertIn(n["callable"], text)

    def test_times_nest(self):
        for n, parent in walk(self.root):
            if parent is None or parent is self.root:
                continue
            self.assertGreaterEqual(n["start_ns"], parent["start_ns"])
            self.assertLessEqual(n["duration_ms"], parent["duration_ms"] + 0.002)
            siblings = parent["calls"]
            i = siblings.index(n)
            if i:
                self.assertGreaterEqual(n["start_ns"], siblings[i - 1]["start_ns"])

    def test_methods_and_functions(self):
        place = find_one(self, self.data, "place_order")
        self.assertEqual(place["called"], "OrderService")
        self.assertIsInstance(place["instance_id"], int)
        self.assertNotIn("self", place["inputs"])
        self.assertEqual(set(place["inputs"]), {"customer", "items", "tier"})
        self.assertEqual(place["inputs"]["customer"], "ana maria")
        self.assertEqual(place["inputs"]["tier"], "gold")
        self.assertEqual(place["output"], "Order for Ana Maria confirmed: $15.17")
        self.assertEqual(place["caller"], "run_order_flow::run_order_flow")

        # Calls on one object carry its id; calls on another object another id.
        reserve = find(self.data, "reserve")
        self.assertEqual(len(reserve), 2, "coffee and cake are reserved")
        self.assertEqual({r["called"] for r in reserve}, {"Inventory"})
        self.assertEqual(len({r["instance_id"] for r in reserve}), 1)
        self.assertNotEqual(reserve[0]["instance_id"], place["instance_id"])
        self.assertEqual([r["caller"] for r in reserve],
                         ["OrderService::reserve_items"] * 2)
        self.assertEqual([r["inputs"] for r in reserve],
                         [{"name": "coffee", "count": 3}, {"name": "cake", "count": 1}])

        clamp = find_one(self, self.data, "clamp")
        self.assertEqual(clamp["called"], "clamp")
        self.assertIsNone(clamp["instance_id"])
        self.assertEqual(clamp["caller"], "PricingService::total")

        # Keyword arguments and defaults are captured by name.
        flow = find_one(self, self.data, "run_order_flow")
        self.assertEqual(flow["inputs"]["quantities"], {"coffee": 3, "cake": 1, "tea": 0})
        self.assertEqual(flow["inputs"]["tax_rate"], 0.21)

    def test_call_tree_shape(self):
        flow = find_one(self, self.data, "run_order_flow")
        self.assertEqual(
            [c["callable"] for c in flow["calls"]],
            ["__init__", "seed_inventory", "__init__", "__init__", "create_items",
             "place_order"])
        self.assertEqual([c["called"] for c in flow["calls"][:4]],
                         ["Inventory", "seed_inventory", "PricingService", "OrderService"])
        seed = flow["calls"][1]
        self.assertEqual([c["inputs"] for c in seed["calls"]],
                         [{"name": "coffee", "count": 20}, {"name": "tea", "count": 15},
                          {"name": "cake", "count": 10}])
        self.assertEqual([c["output"] for c in seed["calls"]], [20, 15, 10])
        place = flow["calls"][5]
        self.assertEqual([c["callable"] for c in place["calls"]],
                         ["reserve_items", "total", "confirmation"])
        total = place["calls"][1]
        self.assertEqual([c["callable"] for c in total["calls"]],
                         ["subtotal", "tier_discount", "clamp", "apply_tax"])


class ComplexSampleFormat(TraceTestCase):
    def test_modules_classes_and_handled_errors(self):
        script = self.sample("complex", "complex_app.py")
        data, proc = self.trace(script)
        demo = os.path.realpath(self.sample("complex", "demo"))
        checkout = find(data, "checkout")
        self.assertEqual(len(checkout), 4)
        for n in checkout:
            self.assertEqual(n["module"], "demo.services.checkout")
            self.assertEqual(n["called"], "CheckoutService")
            self.assertEqual(os.path.realpath(n["file"]),
                             os.path.join(demo, "services", "checkout.py"))
            self.assertEqual(n["caller"], "CheckoutService::try_checkout")
        ok, ok2, stock, unknown = checkout
        self.assertIsNone(ok["error"])
        self.assertEqual(ok["output"], {"subtotal": 44.25, "discount": 5.31, "total": 47.12})
        self.assertEqual(stock["error_type"], "RuntimeError")
        self.assertEqual(stock["error"], "RuntimeError('only 2 x GRD-4 in stock')")
        self.assertEqual(unknown["error_type"], "LookupError")
        # try_checkout handled them: its own calls end without error.
        for n in find(data, "try_checkout"):
            self.assertIsNone(n["error"])
            self.assertIsNone(n["error_type"])
        # The repository's method that raised carries the error too.
        take = [n for n in find(data, "take") if n["error"]]
        self.assertEqual(len(take), 1)
        self.assertEqual(take[0]["called"], "ProductRepository")
        best = find(data, "best_discount")
        self.assertEqual({n["module"] for n in best}, {"demo.pricing.discounts"})
        self.assertEqual({n["caller"] for n in best}, {"PriceEngine::quote"})
        main = find_one(self, data, "main")
        self.assertEqual(main["module"], "__main__")
        # The dataclasses' generated __init__ comes from "<string>": not traced.
        for n in call_nodes(data):
            self.assertFalse(n["file"].startswith("<"), n)


if __name__ == "__main__":
    unittest.main()
