"""The basic order flow driven by positional arguments.

Usage: basic_positional_sample.py CUSTOMER TIER COFFEE CAKE TEA TAX
Run untraced:  python3 samples/basic/basic_positional_sample.py "juan perez" silver 1 2 0 0.18
Run traced:    flowtrace -s samples/basic/basic_positional_sample.py "juan perez" silver 1 2 0 0.18
"""
import argparse

# The flow itself lives in basic_sample.py beside this file: sys.path[0] is
# this folder both untraced and under FlowTrace, so a plain import finds it.
from basic_sample import TIER_RATES, run_order_flow


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Basic FlowTrace sample, positional form")
    parser.add_argument("customer", help="customer name (quote it if it has spaces)")
    parser.add_argument("tier", choices=sorted(TIER_RATES), help="discount tier")
    parser.add_argument("coffee", type=int, help="cups of coffee")
    parser.add_argument("cake", type=int, help="slices of cake")
    parser.add_argument("tea", type=int, help="cups of tea")
    parser.add_argument("tax", type=float, help="tax rate, e.g. 0.18")
    return parser.parse_args(argv)


def main():
    args = parse_args()
    quantities = {"coffee": args.coffee, "cake": args.cake, "tea": args.tea}
    print(run_order_flow(args.customer, args.tier, quantities, tax_rate=args.tax))


if __name__ == "__main__":
    main()
