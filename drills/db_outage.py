"""PostgreSQL unreachable for 10 s: pages answer a friendly 503 (or a 200 when the shared cache
holds the whole page), the API a JSON 503, and the site answers 200 again by itself once the
database is back. A member posts a review every second throughout: each confirmed review must be
in the database, and none may be saved while the answer said it failed.

The shared PostgreSQL server is never stopped: the drill's web server reaches the database
through a pausable proxy (drills/proxy.py) that drops every connection while paused.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from dataclasses import dataclass

from django.conf import settings

from drills.client import Client, Visitor
from drills.proxy import PausableProxy
from drills.stack import Stack, prepare_database

PROBE_INTERVAL = 0.25
TRACE_MARKERS = ("Traceback", "OperationalError", "psycopg", "Server Error (500)")


@dataclass
class Probe:
    endpoint: str
    at: float  # seconds since the outage started (negative before)
    status: int
    content_type: str
    friendly: bool  # a 503 that reads as intended: JSON detail for the API, the 503 page otherwise
    snippet: str


def _friendly(endpoint: str, status: int, content_type: str, body: bytes) -> bool:
    if status != 503:
        return False
    text = body.decode(errors="replace")
    if any(marker in text for marker in TRACE_MARKERS):
        return False
    if endpoint.startswith("api"):
        try:
            return "application/json" in content_type and bool(json.loads(text).get("detail"))
        except ValueError:
            return False
    return "text/html" in content_type and "<html" in text.lower()


def run(args) -> int:
    from django.utils import timezone

    from community.reviews.models import Review
    from drills.members import members_ensure, popular_movies, visitor_for

    prepare_database(sys.stdout)
    db = settings.DATABASES["default"]
    proxy = PausableProxy(
        target_host=db.get("HOST") or "127.0.0.1", target_port=int(db.get("PORT") or 5432)
    ).start()
    user = members_ensure(1)[0]
    member = visitor_for(user)
    reviewed = set(Review.objects.filter(user=user).values_list("movie_id", flat=True))
    movies = [m for m in popular_movies(3000) if m.id not in reviewed]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    proxied = (
        f"postgres://{db.get('USER') or 'postgres'}{password}@127.0.0.1:{proxy.listen_port}/{db['NAME']}"
    )
    stack = Stack("db-outage", web_workers=args.web_workers, web_env={"DATABASE_URL": proxied})
    print(f"Starting gunicorn -w {args.web_workers}, its database behind a proxy on port {proxy.listen_port}")
    stack.start()

    probes: list[Probe] = []
    posts: list[tuple[float, int, int | None]] = []
    outage_start = {"t": time.monotonic() + 5}
    stop = threading.Event()
    endpoints = {
        "page movies anon": ("/movies/", Visitor(), "text/html"),
        "page home member": ("/", member, "text/html"),
        "api movies": ("/api/v1/movies/", Visitor(token=member.token), "application/json"),
    }

    def prober(name: str) -> None:
        path, visitor, accept = endpoints[name]
        client = Client(stack.base_url, timeout=30)
        while not stop.is_set():
            answer = client.get(path, visitor=visitor, accept=accept)
            content_type = answer.headers.get("content-type", "")
            probes.append(
                Probe(
                    name,
                    time.monotonic() - outage_start["t"],
                    answer.status,
                    content_type,
                    _friendly(name, answer.status, content_type, answer.body),
                    answer.body[:160].decode(errors="replace"),
                )
            )
            stop.wait(PROBE_INTERVAL)

    def poster() -> None:
        client = Client(stack.base_url, timeout=30)
        while not stop.is_set() and movies:
            movie = movies.pop()
            answer = client.post_form(
                f"/movies/{movie.slug}/review/", {"body": "Gripping from start to end."}, visitor=member
            )
            match = re.search(r"#review-(\d+)", answer.headers.get("location", ""))
            posts.append(
                (time.monotonic() - outage_start["t"], answer.status, int(match.group(1)) if match else None)
            )
            stop.wait(1)

    since = timezone.now()
    workers = [threading.Thread(target=prober, args=(n,), daemon=True) for n in endpoints]
    workers.append(threading.Thread(target=poster, daemon=True))
    try:
        for thread in workers:
            thread.start()
        time.sleep(max(0, outage_start["t"] - time.monotonic()))
        print(f"Database unreachable for {args.outage:.0f} s...")
        proxy.pause()
        time.sleep(args.outage)
        proxy.resume()
        back = time.monotonic() - outage_start["t"]
        print(f"Database reachable again at t={back:.1f} s")
        deadline = time.monotonic() + args.recovery_timeout
        while time.monotonic() < deadline and not _recovered(probes, endpoints, back):
            time.sleep(0.5)
        time.sleep(5)  # posts and pages after the recovery
        stop.set()
        for thread in workers:
            thread.join(40)
    finally:
        stop.set()
        stack.stop()
        proxy.stop()

    ok = True
    print(
        f"\n{'endpoint':<20} {'during the outage (status: count)':<40} {'friendly 503':>12}"
        f" {'200 again after':>16}"
    )
    for name in endpoints:
        mine = [p for p in probes if p.endpoint == name]
        during = [p for p in mine if 0.5 <= p.at <= args.outage]  # half a second for the pause to bite
        statuses: dict[int, int] = {}
        for p in during:
            statuses[p.status] = statuses.get(p.status, 0) + 1
        friendly = sum(1 for p in during if p.friendly)
        first_ok = next((p.at for p in mine if p.at > args.outage and p.status == 200), None)
        recovery = f"{first_ok - args.outage:.2f} s" if first_ok is not None else "never"
        print(f"{name:<20} {str(statuses):<40} {friendly:>5} of {len(during):<4} {recovery:>16}")
        # A page the shared cache still holds (a member's homepage) may be served whole: fine.
        unfriendly = [p for p in during if not (p.friendly or p.status == 200)]
        for p in unfriendly[:2]:
            print(
                f"    not a friendly 503, not a cached 200: {p.status} {p.content_type} {p.snippet[:100]!r}"
            )
        ok = ok and bool(during) and not unfriendly and first_ok is not None
    confirmed = {rid for _at, status, rid in posts if rid}
    in_db = set(Review.objects.filter(pk__in=confirmed).values_list("pk", flat=True))
    made = Review.objects.filter(user=user, created_at__gte=since).count()
    statuses: dict[str, dict[int, int]] = {"before": {}, "during": {}, "after": {}}
    for at, status, _rid in posts:
        phase = "before" if at < 0 else "during" if at <= args.outage else "after"
        statuses[phase][status] = statuses[phase].get(status, 0) + 1
    print(
        f"\nreviews posted once a second: answers {statuses}; confirmed {len(confirmed)}, "
        f"in the database {len(in_db)}; reviews made {made}"
    )
    after_ok = bool(statuses["after"]) and all(200 <= code < 400 for code in statuses["after"])
    ok = ok and after_ok
    lost = confirmed - in_db
    phantom = made - len(confirmed)  # saved although the member was told it failed
    print(f"Nothing lost? confirmed reviews missing {len(lost)}; saved but answered as failed {phantom}")
    return 0 if ok and not lost and phantom == 0 else 1


def _recovered(probes: list[Probe], endpoints: dict, back: float) -> bool:
    """Every endpoint answered 200 after the database came back."""
    return all(
        any(p.endpoint == name and p.at > back and p.status == 200 for p in probes) for name in endpoints
    )
