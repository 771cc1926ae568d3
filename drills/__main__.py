"""`python -m drills <drill>`: load, redis-restart, db-outage, first-start (docs/drills.md)."""

from __future__ import annotations

import argparse
import os
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m drills", description=__doc__)
    sub = parser.add_subparsers(dest="drill", required=True)

    load = sub.add_parser("load", help="a realistic mix, stepped up to the highest rate that holds")
    load.add_argument("--users", type=int, default=50, help="member accounts signed in (made once)")
    load.add_argument("--seconds", type=float, default=30, help="length of each step")
    load.add_argument("--rate", type=float, default=10, help="requests/s of the first step")
    load.add_argument(
        "--factor", type=float, default=1.25, help="each next step's rate is this times the last"
    )
    load.add_argument("--max-rate", type=float, default=400, help="stop stepping past this rate")
    load.add_argument("--threads", type=int, default=24, help="client threads sending the requests")
    load.add_argument("--web-workers", type=int, default=3, help="gunicorn worker processes")
    load.add_argument("--attach", metavar="URL", help="use a running site instead of starting one")
    load.add_argument("--drain-timeout", type=float, default=900, help="seconds to wait for every analysis")

    redis = sub.add_parser("redis-restart", help="Redis restarted while reviews are posted")
    redis.add_argument("--users", type=int, default=8)
    redis.add_argument("--interval", type=float, default=0.5, help="seconds between one poster's reviews")
    redis.add_argument("--before", type=float, default=10, help="seconds of posting before Redis stops")
    redis.add_argument("--down", type=float, default=3, help="seconds Redis stays down")
    redis.add_argument("--after", type=float, default=10, help="seconds of posting after Redis is back")
    redis.add_argument("--sweep-seconds", type=int, default=10, help="ANALYSIS_SWEEP_SECONDS for celery beat")
    redis.add_argument("--analysis-timeout", type=float, default=900)
    redis.add_argument("--no-restart", action="store_true", help="a dry run: Redis is left alone")

    db = sub.add_parser("db-outage", help="PostgreSQL unreachable for 10 s behind a pausable proxy")
    db.add_argument("--outage", type=float, default=10, help="seconds the database is unreachable")
    db.add_argument("--recovery-timeout", type=float, default=60)
    db.add_argument("--web-workers", type=int, default=2)

    first = sub.add_parser("first-start", help="runsite on a clean cache: answering, picks, analysis, drafts")
    first.add_argument("--cache", help="an empty folder for CINECIRCLE_CACHE_DIR (default: a new temp dir)")
    first.add_argument("--allow-used-cache", action="store_true", help="accept a cache that is not empty")
    first.add_argument("--logs", help="folder for runsite.log (default: <cache>-logs beside the cache)")
    first.add_argument(
        "--database-url", help="PostgreSQL URL (an empty database) instead of SQLite in the cache"
    )
    first.add_argument("--port", type=int, default=0, help="default: a free port")
    first.add_argument("--max-minutes", type=float, default=90, help="stop after this long from the launch")
    first.add_argument("--remove-cache", action="store_true", help="delete the cache folder at the end")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.drill == "first-start":
        # A new user's settings (SQLite and the broker in the clean cache), not the drills' stack.
        from drills import first_start

        os.environ.clear()
        os.environ.update(first_start.settings_env(args))
        os.environ["DJANGO_SETTINGS_MODULE"] = "community.settings"
        import django

        django.setup()
        return first_start.run(args)
    from drills.stack import drill_settings_env

    # The drill's own process talks to the same database, broker and cache as the stack.
    os.environ.update(drill_settings_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "community.settings"
    import django

    django.setup()
    if args.drill == "load":
        from drills import load as load_drill

        return load_drill.run(args)
    if args.drill == "redis-restart":
        from drills import redis_restart

        return redis_restart.run(args)
    from drills import db_outage

    return db_outage.run(args)


if __name__ == "__main__":
    sys.exit(main())
