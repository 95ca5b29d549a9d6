"""An in-memory product and customer repository."""
from dataclasses import dataclass, field


@dataclass
class Product:
    sku: str
    name: str
    price: float
    stock: int


@dataclass
class Customer:
    name: str
    tier: str
    coupon: str = ""
    orders: list = field(default_factory=list)


class ProductRepository:
    def __init__(self):
        self.products = {}

    def add(self, product):
        self.products[product.sku] = product
        return product.sku

    def get(self, sku):
        try:
            return self.products[sku]
        except KeyError:
            raise LookupError(f"unknown product {sku!r}") from None

    def take(self, sku, quantity):
        product = self.get(sku)
        if product.stock < quantity:
            raise RuntimeError(f"only {product.stock} x {sku} in stock")
        product.stock -= quantity
        return product.stock


def default_catalogue():
    repo = ProductRepository()
    for sku, name, price, stock in (
        ("BEAN-1", "Espresso beans 1kg", 18.5, 30),
        ("MUG-2", "Ceramic mug", 7.25, 12),
        ("FLT-3", "Paper filters x100", 3.4, 100),
        ("GRD-4", "Hand grinder", 42.0, 3),
    ):
        repo.add(Product(sku, name, price, stock))
    return repo
