"""Concurrent FlowTrace sample: IO-bound work on threads, CPU-bound work on processes.

Each worker thread "downloads" a few pages (sleeps stand in for network
waits), and a multiprocessing pool counts primes.  Under FlowTrace every
thread gets its own node in the trace, and each of the pool's child
processes a "process" node holding its calls (none with
--no-follow-children).

Run untraced:  python3 samples/concurrent/conc_demo.py --threads 3 --processes 2
Run traced:    flowtrace -s samples/concurrent/conc_demo.py -o flowtrace_conc.json
"""
import argparse
import multiprocessing
import threading
import time


def fetch_page(url, delay):
    time.sleep(delay)  # stands in for waiting on the network
    return {"url": url, "bytes": len(url) * 100}


def crawl(worker, urls, delay, results, lock):
    pages = [fetch_page(url, delay) for url in urls]
    total = sum(page["bytes"] for page in pages)
    with lock:
        results[worker] = total
    return total


def run_io_threads(count, delay):
    results = {}
    lock = threading.Lock()
    threads = []
    for index in range(count):
        urls = [f"https://example.test/{index}/{page}" for page in range(3)]
        thread = threading.Thread(target=crawl, name=f"io-worker-{index}",
                                  args=(index, urls, delay, results, lock))
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    return results


def is_prime(n):
    if n < 2:
        return False
    divisor = 2
    while divisor * divisor <= n:
        if n % divisor == 0:
            return False
        divisor += 1
    return True


def count_primes(bounds):
    low, high = bounds
    return sum(1 for n in range(low, high) if is_prime(n))


def run_cpu_processes(count, limit):
    step = limit // count
    chunks = [(i * step, limit if i == count - 1 else (i + 1) * step) for i in range(count)]
    with multiprocessing.Pool(processes=count) as pool:
        return sum(pool.map(count_primes, chunks))


def main():
    parser = argparse.ArgumentParser(description="Concurrent FlowTrace sample")
    parser.add_argument("--threads", type=int, default=3, help="IO worker threads")
    parser.add_argument("--processes", type=int, default=2, help="CPU worker processes")
    parser.add_argument("--limit", type=int, default=20000, help="count primes below this")
    parser.add_argument("--delay", type=float, default=0.01, help="simulated IO wait (s)")
    args = parser.parse_args()
    io_results = run_io_threads(args.threads, args.delay)
    print("io bytes per worker:", [io_results[k] for k in sorted(io_results)])
    print(f"primes below {args.limit}:", run_cpu_processes(args.processes, args.limit))


if __name__ == "__main__":
    main()
