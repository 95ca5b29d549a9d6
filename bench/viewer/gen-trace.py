#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a synthetic FlowTrace trace for the viewer benchmarks.

The shape follows what the tracer writes (docs/trace-format.md): a root
with a "flowtrace" header, one "thread" node per thread, and under them call
trees of realistic shape (chains, fan-out, methods with instance ids,
dunders and comprehensions, about 1 % errors), about 500 bytes per call.

    gen-trace.py --calls 1000000 -o bench/out/viewer-1m.json
"""

import argparse
import json
import random
import sys

MODULES = ["shop.cart", "shop.prices", "shop.taxes", "shop.discounts", "db.session",
           "db.models", "web.handlers", "web.templates", "util.cache", "util.text"]
CLASSES = ["Cart", "PriceBook", "TaxTable", "Discount", "Session", "Order",
           "Customer", "Handler", "Template", "LRUCache"]
FUNCS = ["add_item", "total", "lookup", "apply", "commit", "query", "render",
         "get", "put", "normalize", "validate", "load", "save", "compute",
         "__init__", "__repr__", "__eq__", "<listcomp>", "<genexpr>", "helper"]
WORDS = ["alpha", "beta", "gamma", "delta", "coffee", "ana maria", "gold",
         "silver", "order-42", "sku-A1", "Málaga", "total", "pending", "ok"]


def make_values(rng, n):
    """A pool of captured-value texts (inputs, inputs_after, output)."""
    pool = []
    for _ in range(n):
        inputs = {}
        for k in range(rng.randint(1, 5)):
            kind = rng.random()
            if kind < 0.3:
                v = rng.randint(-10**6, 10**9)
            elif kind < 0.5:
                v = round(rng.uniform(0, 1000), 3)
            elif kind < 0.8:
                v = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 6)))
            elif kind < 0.9:
                v = [rng.randint(0, 99) for _ in range(rng.randint(0, 8))]
            else:
                v = {"sku": rng.choice(WORDS), "qty": rng.randint(1, 9),
                     "tags": [rng.choice(WORDS) for _ in range(2)]}
            inputs["arg%d_%s" % (k, rng.choice(["x", "items", "name", "price"]))] = v
        after = dict(inputs)
        if rng.random() < 0.2:
            after[next(iter(after))] = "mutated " + rng.choice(WORDS)
        out = rng.choice([None, True, rng.randint(0, 10**6), rng.choice(WORDS),
                          [rng.randint(0, 9) for _ in range(4)], {"status": rng.choice(WORDS)}])
        pool.append((json.dumps(inputs, ensure_ascii=False, separators=(",", ":")),
                     json.dumps(after, ensure_ascii=False, separators=(",", ":")),
                     json.dumps(out, ensure_ascii=False, separators=(",", ":"))))
    return pool


class Writer:
    def __init__(self, path, rng):
        self.f = open(path, "w", encoding="utf-8", buffering=1 << 20)
        self.rng = rng
        self.parts = []
        self.next_id = 1
        self.clock = 0
        self.values = make_values(rng, 4096)

    def emit(self, text):
        self.parts.append(text)
        if len(self.parts) >= 4096:
            self.f.write("".join(self.parts))
            self.parts.clear()

    def open_call(self, first, caller):
        rng = self.rng
        i = rng.randrange(len(FUNCS))
        func = FUNCS[i]
        module = MODULES[(i + rng.randrange(3)) % len(MODULES)]
        method = i % 3 != 0
        called = CLASSES[i % len(CLASSES)] if method else func
        inst = str(140000000000 + rng.randrange(5000) * 64) if method else "null"
        inputs, after, out = self.values[rng.randrange(len(self.values))]
        node_id = self.next_id
        self.next_id += 1
        self.clock += rng.randint(200, 5000)
        self.emit('%s{"id":%d,"callable":"%s","module":"%s","called":"%s","caller":"%s",'
                  '"instance_id":%s,"file":"/srv/app/%s.py","line":%d,"start_ns":%d,'
                  '"inputs":%s,"calls":['
                  % ("" if first else ",", node_id, func, module, called, caller, inst,
                     module.replace(".", "/"), 10 + i * 7, self.clock, inputs))
        return "%s::%s" % (called, func), (after, out)

    def close_call(self, closing):
        rng = self.rng
        after, out = closing
        if rng.random() < 0.01:
            err, etype = '"ValueError(\'bad value %d\')"' % rng.randrange(100), '"ValueError"'
            out = "null"
        else:
            err, etype = "null", "null"
        self.emit('],"inputs_after":%s,"output":%s,"error":%s,"error_type":%s,"duration_ms":%.3f}'
                  % (after, out, err, etype, rng.uniform(0.001, 50)))

    def subtree(self, budget, caller, first):
        """Writes `budget` calls as one tree, depth-first, without recursion."""
        rng = self.rng
        # stack entries: [remaining budget for children, caller name, closing data, first child?]
        name, closing = self.open_call(first, caller)
        stack = [[budget - 1, name, closing, True]]
        while stack:
            top = stack[-1]
            if top[0] <= 0:
                self.close_call(top[2])
                stack.pop()
                continue
            # chains are common (k = 1), fan-out sometimes wide
            k = min(top[0], rng.choice((1, 1, 1, 2, 2, 3, 4, 8)))
            share = top[0] if k == 1 else rng.randint(1, max(1, top[0] // k))
            top[0] -= share
            name, closing = self.open_call(top[3], top[1])
            top[3] = False
            stack.append([share - 1, name, closing, True])

    def thread(self, name, ident, calls, first):
        self.clock += 1000
        start = self.clock
        self.emit('%s{"id":%d,"kind":"thread","callable":"%s","module":"threading","called":"Thread",'
                  '"caller":null,"thread":"%s","thread_id":%d,"start_ns":%d,"calls":['
                  % ("" if first else ",", self.next_id, name, name, ident, self.clock))
        self.next_id += 1
        first_call = True
        while calls > 0:
            budget = min(calls, self.rng.randint(1, 400))
            self.subtree(budget, "app.py::app.py", first_call)
            first_call = False
            calls -= budget
        self.emit('],"duration_ms":%.3f}' % ((self.clock - start) / 1e6))

    def close(self):
        self.f.write("".join(self.parts))
        self.f.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, required=True, help="number of call nodes")
    ap.add_argument("--threads", type=int, default=4, help="threads (MainThread gets 70%%)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()

    w = Writer(args.output, random.Random(args.seed))
    header = {"version": 2, "python": "3.11.7", "argv": ["app.py"], "pid": 4242,
              "started_unix_ns": 1764115200000000000, "flags": {}, "complete": True}
    w.emit('[{"id":0,"callable":"app.py","module":"__main__","called":"app.py","caller":null,'
           '"instance_id":null,"flowtrace":%s,"inputs":{},"calls":[' % json.dumps(header))
    main_calls = args.calls if args.threads <= 1 else int(args.calls * 0.7)
    rest = args.calls - main_calls
    w.thread("MainThread", 139800000000000, main_calls, True)
    for t in range(1, args.threads):
        n = rest // (args.threads - 1) + (1 if t <= rest % (args.threads - 1) else 0)
        if n:
            w.thread("Thread-%d (worker)" % t, 139800000000000 + t, n, False)
    w.emit('],"inputs_after":{},"output":null,"error":null,"error_type":null,"duration_ms":%.3f}]\n'
           % (w.clock / 1e6))
    w.close()
    print("%s: %d calls" % (args.output, args.calls), file=sys.stderr)


if __name__ == "__main__":
    main()
