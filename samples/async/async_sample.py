"""Async FlowTrace sample: asyncio tasks that await each other.

Three "downloads" run concurrently on one event loop; each awaits a
simulated network wait, then a parser.  Under FlowTrace the coroutines'
calls are recorded on the main thread; a coroutine that suspends and
resumes may show up once per resumption.

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


async def crawl(pages, delay):
    tasks = [fetch_and_parse("https://example.test/%d" % i, delay) for i in range(pages)]
    return dict(await asyncio.gather(*tasks))


def main():
    parser = argparse.ArgumentParser(description="Async FlowTrace sample")
    parser.add_argument("--pages", type=int, default=3, help="pages to fetch")
    parser.add_argument("--delay", type=float, default=0.01, help="simulated wait (s)")
    args = parser.parse_args()
    for url, stats in sorted(asyncio.run(crawl(args.pages, args.delay)).items()):
        print(url, stats["words"], stats["chars"])


if __name__ == "__main__":
    main()
