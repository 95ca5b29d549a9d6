"""Recursive workload: naive Fibonacci, about N calls of one small function.

Usage: recursive.py N   (prints the exact number of Python calls made, main included)
"""
import sys


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def main():
    target = int(sys.argv[1])
    # fib(n) makes 2*F(n+1) - 1 calls: take the first n reaching the target.
    n, a, b = 0, 1, 1          # a = F(n+1)
    while 2 * a - 1 < target:
        n, a, b = n + 1, b, a + b
    fib(n)
    print("calls=%d" % (2 * a - 1 + 1))   # + main itself


if __name__ == "__main__":
    main()
