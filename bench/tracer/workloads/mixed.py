"""Mixed application-like workload: parse, validate, price and report orders.

Usage: mixed.py N   (prints the exact number of Python calls made, main included)
Each order makes 8 calls: handle, parse_order, validate, price_order,
line_price (x2), apply_discount, format_total; every 50th order's
validation raises and is caught in handle, so price_order and the 4 calls
under it are skipped: 3 calls for those.
line_price and format_total live in mixed_helpers.py, a module of their
own, so the benchmark can show what `--exclude mixed_helpers` saves.
"""
import sys

from mixed_helpers import format_total, line_price

CALLS_PER_ORDER = 8
CALLS_PER_REJECTED = 3   # handle, parse_order, validate


class InvalidOrder(ValueError):
    pass


def parse_order(i):
    items = ("espresso", "latte") if i % 3 else ("muffin", "bagel")
    return {"id": i, "customer": "c%04d" % (i % 500), "items": items,
            "qty": (1 + i % 3, 1 + i % 2), "coupon": "SAVE5" if i % 7 == 0 else None}


def validate(order):
    if order["id"] % 50 == 49:
        raise InvalidOrder("order %d: bad customer" % order["id"])
    return True


def apply_discount(total, coupon):
    return total * 0.95 if coupon else total


def price_order(order):
    total = sum(line_price(item, qty) for item, qty in zip(order["items"], order["qty"]))
    return format_total(order["id"], apply_discount(total, order["coupon"]))


def handle(i, report):
    order = parse_order(i)
    try:
        validate(order)
    except InvalidOrder:
        report["rejected"] += 1
        return None
    line = price_order(order)
    report["lines"] += 1
    return line


def main():
    target = int(sys.argv[1])
    # Orders of 8 calls, one in 50 rejected after 4: about 7.92 calls each.
    orders = int(target / 7.92) + 50
    report = {"rejected": 0, "lines": 0}
    for i in range(orders):
        handle(i, report)
    assert report["rejected"] == orders // 50
    calls = report["lines"] * CALLS_PER_ORDER + report["rejected"] * CALLS_PER_REJECTED
    # helpers= the calls of mixed_helpers (line_price x2, format_total)
    print("calls=%d helpers=%d" % (calls + 1, report["lines"] * 3))   # + main itself


if __name__ == "__main__":
    main()
