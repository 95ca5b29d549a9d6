"""Complex FlowTrace sample: a shop split over the `demo` package.

Several customers check out carts; one cart asks for more stock than there is
and one for an unknown product, so the trace shows handled errors too.

Run untraced:  python3 samples/complex/complex_app.py
Run traced:    flowtrace -s samples/complex/complex_app.py -o flowtrace_complex.json
"""
import argparse

from demo.repository.products import Customer, default_catalogue
from demo.services.checkout import CheckoutService


def make_customers():
    return [
        Customer("Ana Maria", "gold"),
        Customer("Juan Perez", "silver", coupon="WELCOME10"),
        Customer("Lee Chen", "none"),
    ]


def run_shop(region):
    service = CheckoutService(default_catalogue(), region)
    carts = [
        {"BEAN-1": 2, "MUG-2": 1},
        {"FLT-3": 3, "GRD-4": 1},
        {"GRD-4": 5},            # more than in stock: rejected
        {"TEA-9": 1},            # unknown product: rejected
    ]
    customers = make_customers()
    results = []
    for index, cart in enumerate(carts):
        customer = customers[index % len(customers)]
        results.append(service.try_checkout(customer, cart))
    service.log.dump()
    return results


def main():
    parser = argparse.ArgumentParser(description="Complex FlowTrace sample")
    parser.add_argument("--region", default="ES", help="tax region (ES, PT, US-NY)")
    args = parser.parse_args()
    for result in run_shop(args.region):
        print(result if result is not None else "rejected")


if __name__ == "__main__":
    main()
