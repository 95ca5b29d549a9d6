"""Helper of mp_spawn_sample.py: reads a JSON list of prices on stdin, prints their sum."""
import json
import sys


def add_up(prices):
    total = 0.0
    for value in prices:
        total = add(total, value)
    return round(total, 2)


def add(total, value):
    return total + value


if __name__ == "__main__":
    print(add_up(json.load(sys.stdin)))
