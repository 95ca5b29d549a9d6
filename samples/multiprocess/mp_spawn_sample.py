"""Multiprocess FlowTrace sample: a spawn-based Pool and a Python helper script.

The pool's workers (started with the "spawn" method, so each is a fresh
interpreter) price orders, and a helper script run with subprocess sums the
prices.  Under FlowTrace each child process is a node of kind "process",
with its pid, under the call that started it: the two workers under
`price_orders` (their `price` calls inside), the helper under
`total_with_helper`.

Run untraced:  python3 samples/multiprocess/mp_spawn_sample.py --orders 6
Run traced:    flowtrace -s samples/multiprocess/mp_spawn_sample.py -o flowtrace_mp.json
"""
import argparse
import json
import multiprocessing
import os
import subprocess
import sys

PRICES = {"coffee": 3.5, "tea": 2.0, "cake": 4.25}


def price(order):
    item, quantity = order
    return round(PRICES[item] * quantity, 2)


def make_orders(count):
    items = sorted(PRICES)
    return [(items[i % len(items)], 1 + i % 3) for i in range(count)]


def price_orders(orders, workers):
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        return pool.map(price, orders)


def total_with_helper(prices):
    helper = os.path.join(os.path.dirname(os.path.abspath(__file__)), "summer.py")
    done = subprocess.run([sys.executable, helper], input=json.dumps(prices),
                          capture_output=True, text=True, check=True)
    return float(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    prices = price_orders(make_orders(args.orders), args.workers)
    print("prices:", prices)
    print("total:", total_with_helper(prices))


if __name__ == "__main__":
    main()
