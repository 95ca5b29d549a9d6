"""Line and order pricing."""
from .discounts import best_discount
from .tax import TaxCalculator


def line_total(price, quantity):
    return round(price * quantity, 2)


class PriceEngine:
    def __init__(self, region):
        self.tax = TaxCalculator(region)

    def subtotal(self, lines):
        return round(sum(line_total(line["price"], line["quantity"]) for line in lines), 2)

    def quote(self, lines, customer):
        subtotal = self.subtotal(lines)
        discount = best_discount(subtotal, customer)
        taxed = self.tax.apply(subtotal - discount)
        return {"subtotal": subtotal, "discount": discount, "total": taxed}
