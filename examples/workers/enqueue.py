"""What cron runs: put clientcare's work on the Dramatiq queue, and return at once.

    python enqueue.py daily --shards 8 [--day 2026-02-15]   # plan, then dispatch, then relay
    python enqueue.py dispatch                              # send what became due since
    python enqueue.py relay                                 # publish the outbox

The workers (``dramatiq tasks``) do the work; this script only sends
messages, so a slow night never piles cron jobs on one machine. Exit code 0
when the messages are on the queue, 4 when the broker cannot be reached.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import redis
import tasks


def main(argv: list[str] | None = None) -> int:
    """Enqueue what the command line asks for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    daily = commands.add_parser("daily", help="the day's shards, then dispatch and relay")
    # More shards than worker processes keeps every process busy when shards differ in size.
    daily.add_argument("--shards", type=int, default=8)
    daily.add_argument("--day", type=date.fromisoformat, default=None, help="ISO date (default: today)")
    commands.add_parser("dispatch", help="send the automated touches that are due")
    commands.add_parser("relay", help="publish the outbox to the stream")
    args = parser.parse_args(argv)
    try:
        if args.command == "daily":
            tasks.enqueue_day(args.shards, args.day)
        elif args.command == "dispatch":
            tasks.dispatch.send()
        else:
            tasks.relay.send()
    except redis.RedisError as error:
        print(f"cannot reach the broker: {type(error).__name__}", file=sys.stderr)
        return 4
    print(f"enqueued: {args.command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
