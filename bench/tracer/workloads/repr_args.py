"""Arguments captured with repr(): N calls of f(object(), function).

Not in run.py's set: bench/README.md ("Holding back signal handlers during
captures") counts its instructions with callgrind; `--plain` passes an int
and a str instead (no Python code run by the capture).

Usage: repr_args.py N [--plain]   (prints the exact number of Python calls made, main included)
"""
import sys


def f(a, b):
    return a


def main():
    n = int(sys.argv[1])
    if "--plain" in sys.argv[2:]:
        for i in range(n):
            f(i, "x")
    else:
        o = object()
        for i in range(n):
            f(o, main)
    print("calls=%d" % (n + 1))


main()
