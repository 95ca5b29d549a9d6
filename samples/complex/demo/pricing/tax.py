"""Regional tax rates."""

RATES = {"ES": 0.21, "PT": 0.23, "US-NY": 0.08875}


class UnknownRegion(KeyError):
    pass


class TaxCalculator:
    def __init__(self, region):
        if region not in RATES:
            raise UnknownRegion(region)
        self.region = region
        self.rate = RATES[region]

    def apply(self, amount):
        return round(amount * (1 + self.rate), 2)
