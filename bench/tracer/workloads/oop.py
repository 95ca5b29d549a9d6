"""OOP workload: methods with several arguments of different kinds.

Usage: oop.py N   (prints the exact number of Python calls made, main included)
Each posting makes 5 calls: Ledger.post, Ledger._check, Account.apply,
Entry.__init__ and Entry.describe.
"""
import sys

CALLS_PER_POST = 5


class Entry:
    def __init__(self, account, amount, memo, tags):
        self.account = account
        self.amount = amount
        self.memo = memo
        self.tags = tags

    def describe(self, verbose=False):
        return self.memo if not verbose else "%s %s" % (self.memo, self.amount)


class Account:
    def __init__(self, name, limit):
        self.name = name
        self.limit = limit
        self.balance = 0

    def apply(self, amount, entry):
        self.balance += amount
        return self.balance


class Ledger:
    def __init__(self):
        self.count = 0
        self.last = None

    def _check(self, account, amount):
        return -account.limit <= account.balance + amount

    def post(self, account, amount, memo, tags=None):
        if not self._check(account, amount):
            amount = 0
        entry = Entry(account.name, amount, memo, tags)
        account.apply(amount, entry)
        self.count += 1
        self.last = entry.describe(verbose=False)
        return self.count


def main():
    target = int(sys.argv[1])
    posts = -(-target // CALLS_PER_POST)
    ledger = Ledger()
    accounts = [Account("acct-%d" % i, 1000 * i) for i in range(4)]
    tags = ["food", "fixed"]
    for i in range(posts):
        ledger.post(accounts[i & 3], (i % 17) - 8, "memo %d" % (i % 10), tags)
    # main, Ledger.__init__, 4 x Account.__init__, and the postings.
    print("calls=%d" % (1 + 1 + len(accounts) + posts * CALLS_PER_POST))


if __name__ == "__main__":
    main()
