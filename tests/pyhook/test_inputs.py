# SPDX-License-Identifier: MIT
"""inputs, inputs_after and output: argument kinds, self/cls, mutation, skip flags."""

import unittest

from ftsupport import TraceTestCase, call_nodes, find_one

SCRIPT = '''
class Base:
    def __init__(self, label):
        self.label = label
        self.items = []

    def add(self, item):
        self.items.append(item)
        return len(self.items)

    @classmethod
    def make(cls, label):
        return cls(label)

    @staticmethod
    def helper(a, b):
        return a + b


class Derived(Base):
    def add_twice(self, item):
        self.add(item)
        return self.add(item)


def kinds(a, b=2, *rest, key, opt=None, **extra):
    return [a, b, list(rest), key, opt, sorted(extra)]


def mutate_list(values):
    values.append(3)
    values[0] = "changed"
    return None


def mutate_dict(mapping):
    mapping["new"] = {"nested": [1]}
    del mapping["gone"]


def mutate_object(obj):
    obj.label = "after"
    obj.items.append("x")


def rebind(values):
    values = ["rebound"]
    return values


def main():
    kinds(1, 5, 6, 7, key="k", z=9, y=8)
    kinds("only", key=None)
    mutate_list([1, 2])
    mutate_dict({"keep": 1, "gone": 2})
    obj = Derived.make("before")
    mutate_object(obj)
    obj.add_twice("twice")
    Base.helper(1, 2)
    rebind([1])
    return obj.label


main()
'''


class Inputs(TraceTestCase):
    def setUp(self):
        super().setUp()
        self.script = self.write_script("inputs.py", SCRIPT)

    def test_argument_kinds(self):
        data, _ = self.trace(self.script)
        first, second = [n for n in call_nodes(data) if n["callable"] == "kinds"]
        self.assertEqual(first["inputs"], {"a": 1, "b": 5, "rest": [6, 7], "key": "k",
                                           "opt": None, "extra": {"z": 9, "y": 8}})
        self.assertEqual(first["output"], [1, 5, [6, 7], "k", None, ["y", "z"]])
        self.assertEqual(second["inputs"], {"a": "only", "b": 2, "rest": [], "key": None,
                                            "opt": None, "extra": {}})

    def test_mutation_shows_in_inputs_after(self):
        data, _ = self.trace(self.script)
        n = find_one(self, data, "mutate_list")
        self.assertEqual(n["inputs"], {"values": [1, 2]})
        self.assertEqual(n["inputs_after"], {"values": ["changed", 2, 3]})
        self.assertIsNone(n["output"])
        n = find_one(self, data, "mutate_dict")
        self.assertEqual(n["inputs"], {"mapping": {"keep": 1, "gone": 2}})
        self.assertEqual(n["inputs_after"], {"mapping": {"keep": 1, "new": {"nested": [1]}}})
        n = find_one(self, data, "mutate_object")
        self.assertEqual(n["inputs"], {"obj": {"label": "before", "items": []}})
        self.assertEqual(n["inputs_after"], {"obj": {"label": "after", "items": ["x"]}})
        # Rebinding a parameter is not a mutation of what the caller passed...
        n = find_one(self, data, "rebind")
        self.assertEqual(n["inputs"], {"values": [1]})
        self.assertEqual(n["output"], ["rebound"])

    def test_self_and_cls_left_out_called_is_the_class(self):
        data, _ = self.trace(self.script)
        make = find_one(self, data, "make")
        self.assertEqual(make["inputs"], {"label": "before"})
        self.assertEqual(make["called"], "Derived")
        self.assertEqual(make["output"], {"label": "before", "items": []})
        init = find_one(self, data, "__init__")
        self.assertEqual(init["called"], "Derived", "type(self).__name__, not the defining class")
        self.assertEqual(init["inputs"], {"label": "before"})
        self.assertEqual(init["inputs_after"], {"label": "before"})
        self.assertEqual(init["caller"], "Derived::make")
        twice = find_one(self, data, "add_twice")
        self.assertEqual(twice["called"], "Derived")
        self.assertEqual(twice["inputs"], {"item": "twice"})
        adds = twice["calls"]
        self.assertEqual([a["callable"] for a in adds], ["add", "add"])
        self.assertEqual([a["output"] for a in adds], [2, 3], "mutate_object added one")
        self.assertEqual({a["called"] for a in adds}, {"Derived"})
        self.assertEqual({a["caller"] for a in adds}, {"Derived::add_twice"})
        self.assertEqual({a["instance_id"] for a in adds}, {twice["instance_id"]})
        self.assertEqual(init["instance_id"], twice["instance_id"])
        helper = find_one(self, data, "helper")
        self.assertEqual(helper["inputs"], {"a": 1, "b": 2})
        self.assertIsNone(helper["instance_id"])

    def test_skip_inputs(self):
        data, _ = self.trace(self.script, flags=["--skip-inputs"])
        nodes = call_nodes(data)
        self.assertTrue(nodes)
        for n in nodes:
            self.assertEqual(n.get("inputs", {}), {}, n["callable"])
            self.assertEqual(n.get("inputs_after", {}), {}, n["callable"])
        self.assertEqual(find_one(self, data, "main")["output"], "after")
        self.assertEqual(root_flags(data)["skip_inputs"], True)

    def test_skip_outputs(self):
        data, _ = self.trace(self.script, flags=["--skip-outputs"])
        for n in call_nodes(data):
            self.assertIsNone(n.get("output"), n["callable"])
        self.assertEqual(find_one(self, data, "mutate_list")["inputs"], {"values": [1, 2]})
        self.assertEqual(root_flags(data)["skip_outputs"], True)

    def test_skip_both_keeps_the_tree(self):
        full, _ = self.trace(self.script)
        bare, _ = self.trace(self.script, flags=["--skip-inputs", "--skip-outputs"])
        shape = lambda d: [(n["callable"], n["called"], n["caller"], len(n["calls"]))
                           for n in call_nodes(d)]
        self.assertEqual(shape(full), shape(bare))
        for n in call_nodes(bare):
            self.assertEqual(n.get("inputs", {}), {})
            self.assertIsNone(n.get("output"))


def root_flags(data):
    return data[0]["flowtrace"]["flags"]


if __name__ == "__main__":
    unittest.main()
