"""Discount rules; the best applicable one wins."""

LOYALTY_RATES = {"gold": 0.12, "silver": 0.06}


def loyalty_discount(amount, tier):
    return round(amount * LOYALTY_RATES.get(tier, 0.0), 2)


def volume_discount(amount):
    return 5.0 if amount >= 50 else 0.0


def coupon_discount(amount, coupon):
    if coupon == "WELCOME10":
        return round(amount * 0.10, 2)
    return 0.0


def best_discount(amount, customer):
    candidates = [
        loyalty_discount(amount, customer.tier),
        volume_discount(amount),
        coupon_discount(amount, customer.coupon),
    ]
    return max(candidates)
