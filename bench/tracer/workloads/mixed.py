"""Mixed application-like workload: parse, validate, price and report orders.

Usage: mixed.py N   (prints the exact number of Python calls made, main included)
Each order makes 8 calls: handle, parse_order, validate, price_order,
line_price (x2), apply_discount, format_total; every 50th order's
validation raises and is caught in handle, so price_order and the 4 calls
under it are skipped: 3 calls for those.
"""
import sys

CALLS_PER_ORDER = 8
CALLS_PER_REJECTED = 3   # handle, parse_order, validate
PRICES = {"espresso": 2.1, "latte": 3.4, "muffin": 2.75, "bagel": 2.2}


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


def line_price(item, qty):
    return PRICES[item] * qty


def apply_discount(total, coupon):
    return total * 0.95 if coupon else total


def format_total(order_id, total):
    return "#%d: %.2f" % (order_id, total)


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
    print("calls=%d" % (calls + 1))   # + main itself


if __name__ == "__main__":
    main()
