"""Checkout: reserves stock, prices the cart and records the order."""
from ..common.logger import get_logger
from ..pricing.pricing import PriceEngine


class CheckoutService:
    def __init__(self, repository, region):
        self.repository = repository
        self.engine = PriceEngine(region)
        self.log = get_logger("checkout")

    def build_lines(self, cart):
        lines = []
        for sku, quantity in cart.items():
            product = self.repository.get(sku)
            lines.append({"sku": sku, "price": product.price, "quantity": quantity})
        return lines

    def reserve(self, lines):
        for line in lines:
            self.repository.take(line["sku"], line["quantity"])

    def checkout(self, customer, cart):
        lines = self.build_lines(cart)
        self.reserve(lines)
        quote = self.engine.quote(lines, customer)
        customer.orders.append(quote["total"])
        self.log.info("order placed", customer=customer.name, total=quote["total"])
        return quote

    def try_checkout(self, customer, cart):
        try:
            return self.checkout(customer, cart)
        except (LookupError, RuntimeError) as exc:
            self.log.info("order rejected", customer=customer.name, reason=exc)
            return None
