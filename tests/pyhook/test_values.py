# SPDX-License-Identifier: MIT
"""Hostile values (samples/hostile/hostile_values.py): safe, bounded, strict JSON."""

import json
import os
import unittest

from ftsupport import (SAMPLES, TraceTestCase, call_nodes, find, find_one, has_marker,
                       load_trace, run_flowtrace, run_plain, split_stderr, strings_in)

PER_CALL_LIMIT = 64 * 1024


class HostileValues(TraceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.script = os.path.join(SAMPLES, "hostile", "hostile_values.py")
        cls.out = os.path.join(cls.class_tmp(), "trace.json")
        cls.proc = run_flowtrace(["-s", cls.script, "-o", cls.out])
        if cls.proc.returncode != 0:
            raise AssertionError("hostile sample failed under flowtrace (status %d):\n%s"
                                 % (cls.proc.returncode, cls.proc.stderr.decode()[-3000:]))
        cls.data = load_trace(cls.out)
        cls.takes = {n["inputs"]["label"]: n for n in find(cls.data, "take")}
        cls.gives = {n["inputs"]["label"]: n for n in find(cls.data, "give")}

    def value(self, label):
        node = self.takes[label]
        self.assertNotIn("incomplete", node)
        self.assertIsNone(node["error"])
        return node["inputs"]["value"]

    def test_program_unaffected(self):
        self.assert_finished(self.proc, self.script)
        plain = run_plain(self.script)
        self.assertEqual(self.proc.stdout, plain.stdout)
        self.assertEqual(plain.returncode, 0)
        self.assertEqual(split_stderr(self.proc.stderr)[0], [],
                         "the tracer printed something while capturing values")
        self.assertEqual(len(self.takes), 31)
        self.assertEqual(len(self.gives), 4)

    def test_file_is_strict_utf8_json_and_small(self):
        with open(self.out, "rb") as f:
            raw = f.read()
        raw.decode("utf-8", "strict")
        for token in (b"NaN", b"Infinity"):
            # Only inside strings ("NaN"), never as a bare token.
            self.assertNotIn(b":" + token, raw.replace(b" ", b""))
        self.assertLess(len(raw), 2 * 1024 * 1024, "a 10 MB string was not cut")

    def test_every_call_bounded(self):
        for n in call_nodes(self.data):
            captured = {k: n.get(k) for k in ("inputs", "inputs_after", "output")}
            size = len(json.dumps(captured, ensure_ascii=False).encode("utf-8"))
            self.assertLessEqual(size, PER_CALL_LIMIT + 4096,
                                 "%s(%s) captured %d bytes"
                                 % (n["callable"], n["inputs"].get("label"), size))

    def test_failing_reprs_become_markers(self):
        for label in ("raising_repr", "recursive_repr", "non_str_repr"):
            value = self.value(label)
            self.assertTrue(has_marker(value), "%s captured as %r" % (label, value))
            self.assertTrue(has_marker(self.takes[label]["output"]), label)
        self.assertEqual(self.value("slow_repr"), "SlowRepr()")
        self.value("raising_dict")  # anything, as long as the call is intact
        self.assertTrue(has_marker(self.gives["give_raising_repr"]["output"]))

    def test_code_run_by_repr_is_not_traced(self):
        self.assertEqual(self.value("reentrant_repr"), "ReentrantRepr(inside-repr)")
        self.assertEqual(find(self.data, "called_from_repr"), [])
        self.assertEqual(find(self.data, "__repr__"), [])
        self.assertEqual(find(self.data, "__dict__"), [], "RaisingDict's property was traced")

    def test_cycles(self):
        value = self.value("cyclic_list")
        self.assertEqual(value[:2], [1, 2])
        self.assertTrue(has_marker(value[2]))
        value = self.value("cyclic_dict")
        self.assertEqual(value["name"], "loop")
        self.assertTrue(has_marker(value["self"]))
        self.assertTrue(has_marker(self.gives["give_cycle"]["output"]))

    def test_long_string_cut_with_marker(self):
        value = self.value("big_string")
        text = "".join(strings_in(value))
        self.assertTrue(has_marker(value), "10 MB string captured without a marker")
        self.assertIn("x" * 100, text)
        self.assertLess(len(json.dumps(value)), 4096)

    def test_bytes(self):
        text = "".join(strings_in(self.value("bytes")))
        self.assertIn(r"\x00\x01\x02", text)
        self.assertIn("payload", "".join(strings_in(self.value("bytearray"))))

    def test_strings_escape_and_surrogates(self):
        self.assertEqual(self.value("lone_surrogate"), "before \ufffd after \ufffd end")
        self.assertEqual(self.value("control_chars"),
                         "tab\tnl\nnul\x00bell\x07esc\x1b del\x7f quote\" backslash\\")
        self.assertEqual(self.gives["give_surrogate"]["output"], "\ufffd")

    def test_floats(self):
        self.assertEqual(self.value("nan"), "NaN")
        self.assertEqual(self.value("inf"), "Infinity")
        self.assertEqual(self.value("neg_inf"), "-Infinity")
        self.assertEqual(self.gives["give_nan"]["output"], "NaN")
        floats = self.value("floats")
        self.assertEqual(floats[0], 0.1)
        self.assertEqual(floats[1], 0)
        self.assertEqual(floats[2], 1e308)
        self.assertEqual(floats[3], 5e-324)

    def test_ints(self):
        self.assertEqual(self.value("exact_int"), 2 ** 53)
        self.assertIsInstance(self.value("exact_int"), int)
        self.assertEqual(self.value("big_int"), str(2 ** 64))
        self.assertEqual(self.value("neg_big_int"), str(-(2 ** 70) - 1))
        self.assertTrue(has_marker(self.value("huge_int")))

    def test_containers(self):
        keys = self.value("non_str_keys")
        self.assertIsInstance(keys, dict)
        self.assertEqual(sorted(keys.values()), ["float", "none", "one", "tuple"])
        deep, depth = self.value("deep"), 0
        while isinstance(deep, list) and len(deep) == 1:
            deep, depth = deep[0], depth + 1
        self.assertLessEqual(depth, 4, "50 nested lists captured %d deep" % depth)
        self.assertTrue(has_marker(deep), "depth cut without a marker: %r" % deep)
        wide = self.value("wide_list")
        self.assertLessEqual(len(wide), 101)
        self.assertEqual(wide[:99], list(range(99)))
        self.assertTrue(has_marker(wide))
        wide = self.value("wide_dict")
        self.assertLessEqual(len(wide), 101)
        self.assertTrue(has_marker(wide))
        self.assertEqual(sorted(self.value("set")), [1, 2, 3])
        self.assertEqual(self.value("frozenset"), ["a"])
        self.assertEqual(self.value("tuple"), [1, "two", 3.0, None, True])
        for label in ("function", "type", "module"):
            self.value(label)

    def test_mutated_arguments(self):
        n = find_one(self, self.data, "mutate_list")
        self.assertEqual(n["inputs"], {"values": ["original", "kept"]})
        self.assertEqual(n["inputs_after"], {"values": ["changed", "kept", "added"]})
        self.assertEqual(n["output"], 3)
        n = find_one(self, self.data, "mutate_dict")
        self.assertEqual(n["inputs"], {"mapping": {"keep": 1, "drop": 2}})
        self.assertEqual(n["inputs_after"], {"mapping": {"keep": 1, "added": True}})
        n = find_one(self, self.data, "mutate_object")
        self.assertEqual(n["inputs"], {"basket": {"owner": "old owner", "items": []}})
        self.assertEqual(n["inputs_after"], {"basket": {"owner": "new owner",
                                                         "items": ["apple"]}})
        add = n["calls"][0]
        self.assertEqual((add["callable"], add["called"]), ("add", "Basket"))
        self.assertEqual(add["inputs"], {"item": "apple"})

    def test_exception_with_failing_repr(self):
        n = find_one(self, self.data, "raise_bad_repr_error")
        self.assertEqual(n["error_type"], "BadReprError")
        self.assertIsInstance(n["error"], str)
        c = find_one(self, self.data, "catch_bad_repr_error")
        self.assertIsNone(c["error"])
        self.assertEqual(c["output"], "caught")


RACE = '''
import sys, threading, time

class Yielding:
    __slots__ = ()
    def __repr__(self):
        time.sleep(0)          # releases the GIL in the middle of a capture
        return "Yielding()"

shared_d = {i: Yielding() for i in range(50)}
shared_l = [Yielding() for _ in range(50)]
stop = False

def mutate():
    i = 0
    while not stop:
        i += 1
        shared_d[i % 97] = Yielding() if i % 2 else i
        shared_d.pop((i * 7) % 97, None)
        if len(shared_l) > 80:
            del shared_l[:40]
        shared_l.append(Yielding())
        shared_l.insert(0, i)

def take(d, l):
    return len(d) + len(l)

sys.setswitchinterval(0.0001)
t = threading.Thread(target=mutate, name="mutator", daemon=True)
t.start()
for _ in range(30):
    take(shared_d, shared_l)
stop = True
t.join()
print("ok")
'''


class MutationDuringCapture(TraceTestCase):
    def test_containers_mutated_by_another_thread_while_captured(self):
        """A __repr__ that releases the GIL lets another thread resize what is captured."""
        script = self.write_script("race.py", RACE)
        data, proc = self.trace(script)
        self.assertEqual(proc.stdout, b"ok\n")
        takes = find(data, "take")
        self.assertEqual(len(takes), 30)
        for n in takes:
            self.assertIsInstance(n["inputs"]["d"], dict)
            self.assertIsInstance(n["inputs"]["l"], list)
            self.assertIsInstance(n["output"], int)


if __name__ == "__main__":
    unittest.main()
