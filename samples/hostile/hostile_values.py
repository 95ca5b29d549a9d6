"""Hostile values: arguments and return values that try to break a tracer.

Every function here takes or returns something awkward to capture: a
__repr__ that raises, is slow, recurses or calls traced code; cycles; a
10 MB string; bytes; lone surrogates; NaN and infinities; huge ints; keys
that are not strings; deep and wide containers; and arguments mutated by the
call.  The script's own output never depends on the tracer, so its stdout is
the same traced and untraced.  tests/pyhook/test_values.py checks the trace.

Run untraced:  python3 samples/hostile/hostile_values.py
Run traced:    flowtrace -s samples/hostile/hostile_values.py -o flowtrace_hostile.json
"""
import sys
import time

REPR_SIDE_CALLS = []


def called_from_repr(tag):
    # A traced function that only __repr__ calls: it must never show up as
    # a node, because code run while capturing values is not traced.
    REPR_SIDE_CALLS.append(tag)
    return tag


class RaisingRepr:
    __slots__ = ()

    def __repr__(self):
        raise RuntimeError("repr exploded")


class SlowRepr:
    __slots__ = ()

    def __repr__(self):
        time.sleep(0.05)
        return "SlowRepr()"


class RecursiveRepr:
    __slots__ = ()

    def __repr__(self):
        return "R(" + repr(self) + ")"


class ReentrantRepr:
    __slots__ = ()

    def __repr__(self):
        return "ReentrantRepr(" + called_from_repr("inside-repr") + ")"


class NonStrRepr:
    __slots__ = ()

    def __repr__(self):
        return 42


class RaisingDict:
    """__dict__ itself raises: the capture must fall back or mark it."""

    @property
    def __dict__(self):
        raise RuntimeError("no dict for you")

    def __repr__(self):
        return "RaisingDict()"


class BadReprError(Exception):
    def __repr__(self):
        raise RuntimeError("error repr exploded")


class Basket:
    def __init__(self, owner):
        self.owner = owner
        self.items = []

    def add(self, item):
        self.items.append(item)
        return len(self.items)


def take(label, value):
    """Receives a hostile value and returns it unchanged."""
    return value


def give(label, factory):
    """Returns a hostile value built inside the call."""
    return factory()


def mutate_list(values):
    values.append("added")
    values[0] = "changed"
    return len(values)


def mutate_dict(mapping):
    mapping["added"] = True
    del mapping["drop"]
    return sorted(mapping)


def mutate_object(basket):
    basket.owner = "new owner"
    basket.add("apple")
    return basket.owner


def raise_bad_repr_error():
    raise BadReprError("hidden")


def catch_bad_repr_error():
    try:
        raise_bad_repr_error()
    except BadReprError:
        return "caught"


def deep(levels):
    value = "bottom"
    for _ in range(levels):
        value = [value]
    return value


def main():
    cyclic_list = [1, 2]
    cyclic_list.append(cyclic_list)
    cyclic_dict = {"name": "loop"}
    cyclic_dict["self"] = cyclic_dict
    big_string = "x" * (10 * 1024 * 1024)

    take("raising_repr", RaisingRepr())
    take("slow_repr", SlowRepr())
    take("recursive_repr", RecursiveRepr())
    take("reentrant_repr", ReentrantRepr())
    take("non_str_repr", NonStrRepr())
    take("raising_dict", RaisingDict())
    take("cyclic_list", cyclic_list)
    take("cyclic_dict", cyclic_dict)
    take("big_string", big_string)
    take("bytes", bytes(range(256)) * 4)
    take("bytearray", bytearray(b"\x00\xff payload"))
    take("lone_surrogate", "before \ud800 after \udfff end")
    take("control_chars", "tab\tnl\nnul\x00bell\x07esc\x1b del\x7f quote\" backslash\\")
    take("nan", float("nan"))
    take("inf", float("inf"))
    take("neg_inf", float("-inf"))
    take("floats", [0.1, -0.0, 1e308, 5e-324])
    take("big_int", 2 ** 64)
    take("neg_big_int", -(2 ** 70) - 1)
    take("exact_int", 2 ** 53)
    take("huge_int", 10 ** 5000)
    take("non_str_keys", {1: "one", (2, 3): "tuple", None: "none", 4.5: "float"})
    take("deep", deep(50))
    take("wide_list", list(range(10000)))
    take("wide_dict", {f"k{i}": i for i in range(1000)})
    take("set", {3, 1, 2})
    take("frozenset", frozenset({"a"}))
    take("tuple", (1, "two", 3.0, None, True))
    take("function", take)
    take("type", Basket)
    take("module", sys)

    give("give_nan", lambda: float("nan"))
    give("give_surrogate", lambda: "\udcff")
    give("give_cycle", lambda: cyclic_list)
    give("give_raising_repr", RaisingRepr)

    values = ["original", "kept"]
    mutate_list(values)
    mapping = {"keep": 1, "drop": 2}
    mutate_dict(mapping)
    basket = Basket("old owner")
    mutate_object(basket)
    print(catch_bad_repr_error())

    print("lists:", values, sorted(mapping), basket.owner, basket.items)
    print("big string length:", len(big_string))
    print("done")


if __name__ == "__main__":
    main()
