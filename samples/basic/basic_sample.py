"""Basic FlowTrace sample: a small coffee-shop order flow driven by options.

Run untraced:  python3 samples/basic/basic_sample.py --customer "ana maria" --tier gold --coffee 3
Run traced:    flowtrace -s samples/basic/basic_sample.py --customer "ana maria" --tier gold --coffee 3
"""
import argparse
from dataclasses import dataclass

PRICES = {"coffee": 3.5, "tea": 2.1, "cake": 4.25}
TIER_RATES = {"gold": 0.15, "silver": 0.08, "none": 0.0}


def clamp(value, low, high):
    return max(low, min(high, value))


def apply_tax(amount, rate):
    return round(amount * (1 + rate), 2)


def normalize_name(name):
    return " ".join(part.capitalize() for part in name.split())


def tier_discount(total, tier):
    return total * TIER_RATES.get(tier, 0.0)


@dataclass
class Item:
    name: str
    price: float
    quantity: int


class Inventory:
    def __init__(self):
        self.stock = {}

    def add(self, name, count):
        self.stock[name] = self.stock.get(name, 0) + count
        return self.stock[name]

    def reserve(self, name, count):
        available = self.stock.get(name, 0)
        if count > available:
            raise ValueError(f"only {available} {name} left, {count} requested")
        self.stock[name] = available - count
        return count


class PricingService:
    def __init__(self, tax_rate):
        self.tax_rate = tax_rate

    def subtotal(self, items):
        return sum(item.price * item.quantity for item in items)

    def total(self, items, tier):
        base = self.subtotal(items)
        discounted = clamp(base - tier_discount(base, tier), 0, base)
        return apply_tax(discounted, self.tax_rate)


class OrderService:
    def __init__(self, inventory, pricing):
        self.inventory = inventory
        self.pricing = pricing

    def reserve_items(self, items):
        for item in items:
            self.inventory.reserve(item.name, item.quantity)

    def confirmation(self, customer, total):
        return f"Order for {normalize_name(customer)} confirmed: ${total:.2f}"

    def place_order(self, customer, items, tier):
        self.reserve_items(items)
        return self.confirmation(customer, self.pricing.total(items, tier))


def seed_inventory(inventory):
    for name, count in (("coffee", 20), ("tea", 15), ("cake", 10)):
        inventory.add(name, count)


def create_items(quantities):
    return [Item(name, PRICES[name], qty) for name, qty in quantities.items() if qty > 0]


def run_order_flow(customer, tier, quantities, tax_rate=0.21):
    inventory = Inventory()
    seed_inventory(inventory)
    service = OrderService(inventory, PricingService(tax_rate))
    return service.place_order(customer, create_items(quantities), tier=tier)


def parse_args():
    parser = argparse.ArgumentParser(description="Basic FlowTrace sample order flow")
    parser.add_argument("--customer", default="ana maria", help="customer name")
    parser.add_argument("--tier", choices=sorted(TIER_RATES), default="gold",
                        help="discount tier")
    parser.add_argument("--coffee", type=int, default=2, help="cups of coffee")
    parser.add_argument("--cake", type=int, default=1, help="slices of cake")
    parser.add_argument("--tea", type=int, default=0, help="cups of tea")
    parser.add_argument("--tax", type=float, default=0.21, help="tax rate")
    return parser.parse_args()


if __name__ == "__main__":
    args = parse_args()
    quantities = {"coffee": args.coffee, "cake": args.cake, "tea": args.tea}
    print(run_order_flow(args.customer, args.tier, quantities, tax_rate=args.tax))
