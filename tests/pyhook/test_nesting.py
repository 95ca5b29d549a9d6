# SPDX-License-Identifier: MIT
"""Callees nest under their callers; synthetic frames leave no node."""

import unittest

from ftsupport import TraceTestCase, call_nodes, find, find_one, threads_of

SYNTHETIC = '''
def leaf(x):
    return x * 2

def outer():
    a = [leaf(i) for i in range(3)]
    b = sum(leaf(i) for i in range(10, 12))
    c = (lambda v: leaf(v))(20)
    d = {i: leaf(i) for i in range(30, 32)}
    e = {leaf(i) for i in (40,)}
    class Local:
        attr = leaf(50)
    return a, b, c, d, e, Local.attr

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def gen(n):
    for i in range(n):
        yield leaf(i + 100)

def consume():
    return list(gen(2))

def stopper():
    it = gen(1)
    next(it)
    try:
        next(it)
    except StopIteration:
        return "stopped"

def uses_callbacks(items):
    import json
    ordered = sorted(items, key=sort_key)
    return json.dumps({"o": ordered, "s": {1}}, default=encode)

def sort_key(item):
    return -item

def encode(obj):
    return "set"

outer()
fib(5)
consume()
stopper()
uses_callbacks([1, 3, 2])
leaf(1000)
'''


class Nesting(TraceTestCase):
    def setUp(self):
        super().setUp()
        script = self.write_script("nest.py", SYNTHETIC)
        self.data, _ = self.trace(script)

    def test_no_synthetic_nodes(self):
        for n in call_nodes(self.data):
            self.assertFalse(n["callable"].startswith("<"),
                             "synthetic frame recorded: %s" % n["callable"])
            self.assertNotEqual(n["callable"], "Local", "class body recorded")

    def test_synthetic_callees_hang_under_the_real_caller(self):
        outer = find_one(self, self.data, "outer")
        kids = outer["calls"]
        self.assertEqual([k["callable"] for k in kids], ["leaf"] * 10)
        self.assertEqual([k["inputs"]["x"] for k in kids],
                         [0, 1, 2, 10, 11, 20, 30, 31, 40, 50])
        for k in kids:
            self.assertEqual(k["caller"], "outer::outer")
            self.assertEqual(k["output"], k["inputs"]["x"] * 2)

    def test_module_level_calls_under_main_thread(self):
        main = threads_of(self.data)[0]
        self.assertEqual([c["callable"] for c in main["calls"]],
                         ["outer", "fib", "consume", "stopper", "uses_callbacks", "leaf"])
        self.assertEqual(main["calls"][-1]["inputs"], {"x": 1000})

    def test_recursion_tree(self):
        top = find(self.data, "fib", inputs={"n": 5})
        self.assertEqual(len(top), 1)

        def check(node):
            n = node["inputs"]["n"]
            kids = node["calls"]
            if n < 2:
                self.assertEqual(kids, [])
                self.assertEqual(node["output"], n)
                return 1
            self.assertEqual([k["inputs"]["n"] for k in kids], [n - 1, n - 2])
            for k in kids:
                self.assertEqual(k["caller"], "fib::fib")
            self.assertEqual(node["output"], kids[0]["output"] + kids[1]["output"])
            return 1 + sum(check(k) for k in kids)

        self.assertEqual(check(top[0]), 15)
        self.assertEqual(len(find(self.data, "fib")), 15)

    def test_generator_calls_hang_under_the_consumer(self):
        consume = find_one(self, self.data, "consume")
        self.assertEqual(consume["output"], [200, 202])
        leaves = [n for n in call_nodes(self.data)
                  if n["callable"] == "leaf" and n["inputs"]["x"] in (100, 101)]
        self.assertEqual(len(leaves), 3, "two from consume(), one from stopper()")
        inside = {id(n) for n in _subtree(consume)}
        self.assertEqual(len([leaf for leaf in leaves if id(leaf) in inside]), 2,
                         "leaf called from gen() is outside consume()")

    def test_generator_is_one_node_per_life(self):
        """A generator gets one node from first next() to exhaustion, kind "generator"."""
        consume = find_one(self, self.data, "consume")
        gens = consume["calls"]
        self.assertEqual([g["callable"] for g in gens], ["gen"])
        g = gens[0]
        self.assertEqual(g["kind"], "generator")
        self.assertEqual(g["inputs"], {"n": 2})
        self.assertIsNone(g["error"], "a generator running out is not an error")
        self.assertIsNone(g["output"], "the return value, not a yielded one")
        self.assertEqual((g["resumes"], g["yields"]), (2, 2))
        self.assertEqual([c["inputs"]["x"] for c in g["calls"]], [100, 101])
        self.assertEqual([c["caller"] for c in g["calls"]], ["gen::gen"] * 2)
        stopper = find_one(self, self.data, "stopper")
        self.assertEqual(stopper["output"], "stopped")
        self.assertIsNone(stopper["error"])
        [g] = stopper["calls"]
        self.assertEqual((g["callable"], g["resumes"], g["yields"]), ("gen", 1, 1))
        self.assertEqual([c["inputs"]["x"] for c in g["calls"]], [100])
        for n in call_nodes(self.data):
            if n["callable"] not in ("gen",):
                self.assertEqual(n.get("kind", "call"), "call", n["callable"])

    def test_callbacks_from_stdlib_hang_under_the_nearest_recorded_caller(self):
        caller = find_one(self, self.data, "uses_callbacks")
        self.assertEqual([c["callable"] for c in caller["calls"]],
                         ["sort_key"] * 3 + ["encode"])
        self.assertEqual(caller["output"], '{"o": [3, 2, 1], "s": "set"}')
        for c in caller["calls"]:
            self.assertEqual(c["caller"], "uses_callbacks::uses_callbacks")
        # The stdlib's own frames (sorted is C, json.dumps is Python) are not nodes.
        self.assertEqual(find(self.data, "dumps"), [])
        self.assertEqual(find(self.data, "default"), [])


def _subtree(node):
    yield node
    for c in node.get("calls", []):
        yield from _subtree(c)


if __name__ == "__main__":
    unittest.main()
