"""Helpers of the mixed workload (mixed.py), in a module of their own."""

PRICES = {"espresso": 2.1, "latte": 3.4, "muffin": 2.75, "bagel": 2.2}


def line_price(item, qty):
    return PRICES[item] * qty


def format_total(order_id, total):
    return "#%d: %.2f" % (order_id, total)
