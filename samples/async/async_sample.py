"""Async FlowTrace sample: asyncio tasks that await each other.

Three "downloads" run concurrently on one event loop (tasks made by
asyncio.gather); each awaits a simulated network wait, then a parser.  A
progress reporter runs beside them as a task made with asyncio.create_task,
an async generator streams the pages' words, and a plain generator numbers
the result lines.

Under FlowTrace every coroutine, async generator and generator is one node
for its whole life (kind "coroutine", "async_generator", "generator"), with
its running and suspended time and how often it was resumed; each task
hangs under the call that created it.

Run untraced:  python3 samples/async/async_sample.py --pages 3
Run traced:    flowtrace -s samples/async/async_sample.py -o flowtrace_async.json
"""
import argparse
import asyncio


def parse(body):
    return {"words": len(body.split()), "chars": len(body)}


async def fetch(url, delay):
    await asyncio.sleep(delay)  # stands in for waiting on the network
    return "page %s with a few words" % url


async def fetch_and_parse(url, delay):
    body = await fetch(url, delay)
    return url, parse(body)


async def report(pages, delay):
    """Runs as its own task (create_task) while the pages download."""
    ticks = 0
    while ticks < pages:
        await asyncio.sleep(delay / pages)
        ticks += 1
    return ticks


async def words(bodies):
    """An async generator: one word at a time, yielding to the loop between pages."""
    for body in bodies:
        await asyncio.sleep(0)
        for word in body.split():
            yield word


async def crawl(pages, delay):
    reporter = asyncio.create_task(report(pages, delay))
    tasks = [fetch_and_parse("https://example.test/%d" % i, delay) for i in range(pages)]
    results = dict(await asyncio.gather(*tasks))
    bodies = [await fetch(url, 0) for url in sorted(results)]
    counted = 0
    async for _ in words(bodies):
        counted += 1
    await reporter
    return results, counted


def numbered(items):
    """A plain generator: numbers the lines of the report."""
    for n, item in enumerate(items, 1):
        yield n, item


def main():
    parser = argparse.ArgumentParser(description="Async FlowTrace sample")
    parser.add_argument("--pages", type=int, default=3, help="pages to fetch")
    parser.add_argument("--delay", type=float, default=0.01, help="simulated wait (s)")
    args = parser.parse_args()
    results, counted = asyncio.run(crawl(args.pages, args.delay))
    for n, (url, stats) in numbered(sorted(results.items())):
        print(n, url, stats["words"], stats["chars"])
    print("words streamed:", counted)


if __name__ == "__main__":
    main()
