"""Redis restarted while reviews are posted: posting still succeeds, every review is saved, and
every review is analysed once Redis is back (tasks lost with Redis come back through the
periodic sweep of unanalysed reviews, run here by celery beat every few seconds).

Redis is the broker AND the shared cache, and keeps nothing on disk: everything in it is lost.
The drill restarts the machine's Redis server once; other users of it notice for a second.
"""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass

from drills.client import Client, Visitor
from drills.stack import Stack, prepare_database, redis_start, redis_stop

REVIEW_TEXT = [
    "The acting is superb and the story kept me gripped to the end.",
    "The plot made no sense and the pacing dragged badly.",
    "Beautifully shot, though the characters felt thin.",
]


@dataclass
class Post:
    phase: str  # before / down / after
    status: int
    ms: float
    review_id: int | None
    error: str


def run(args) -> int:
    import sys

    from django.utils import timezone

    from community.reviews.models import Review
    from drills.load import wait_for_analyses
    from drills.members import members_ensure, popular_movies, visitor_for

    prepare_database(sys.stdout)
    users = members_ensure(args.users)
    movies = popular_movies(4000)
    # Each poster walks films it has not reviewed yet, so every post makes a new review.
    reviewed = set(Review.objects.filter(user__in=users).values_list("user_id", "movie_id"))
    queues = {
        u.pk: [m for m in random.Random(u.pk).sample(movies, len(movies)) if (u.pk, m.id) not in reviewed]
        for u in users
    }
    visitors = [visitor_for(u) for u in users]
    posts: list[Post] = []
    lock = threading.Lock()
    phase = {"now": "before"}
    stop = threading.Event()

    stack = Stack(
        "redis-restart",
        web_workers=2,
        beat=True,
        worker_env={"ANALYSIS_SWEEP_SECONDS": str(args.sweep_seconds)},
    )
    print(
        "Starting gunicorn -w 2, a quick and a slow worker, and celery beat "
        f"(ANALYSIS_SWEEP_SECONDS={args.sweep_seconds})..."
    )
    stack.start()

    def poster(visitor: Visitor) -> None:
        client = Client(stack.base_url, timeout=30)
        todo = queues[visitor.user_id or 0]
        while not stop.is_set() and todo:
            movie = todo.pop()
            answer = client.post_form(
                f"/movies/{movie.slug}/review/", {"body": " ".join(REVIEW_TEXT)}, visitor=visitor
            )
            match = re.search(r"#review-(\d+)", answer.headers.get("location", ""))
            with lock:
                posts.append(
                    Post(
                        phase["now"],
                        answer.status,
                        answer.ms,
                        int(match.group(1)) if match else None,
                        answer.error
                        or ("" if answer.status < 400 else answer.body[:300].decode(errors="replace")),
                    )
                )
            stop.wait(args.interval)
        client.close()

    since = timezone.now()
    threads = [threading.Thread(target=poster, args=(v,), daemon=True) for v in visitors]
    try:
        for thread in threads:
            thread.start()
        time.sleep(args.before)
        phase["now"] = "down"
        print("Stopping Redis (shutdown nosave)..." if not args.no_restart else "Dry run: Redis stays up")
        down_at = time.monotonic()
        if args.no_restart:
            time.sleep(args.down)
            back_in = 0.0
        else:
            redis_stop()
            time.sleep(args.down)
            back_in = redis_start()
        print(
            f"Redis started again after {time.monotonic() - down_at:.1f} s down "
            f"(answered PING {back_in:.2f} s after start)"
        )
        phase["now"] = "after"
        time.sleep(args.after)
        stop.set()
        for thread in threads:
            thread.join(60)

        print("\nposts by phase (status: count):")
        ok_posts = 0
        for name in ("before", "down", "after"):
            group = [p for p in posts if p.phase == name]
            statuses: dict[int, int] = {}
            for p in group:
                statuses[p.status] = statuses.get(p.status, 0) + 1
            slowest = max((p.ms for p in group), default=0)
            print(f"  {name:<6} {len(group):4d} posts  {statuses}  slowest {slowest:.0f} ms")
            ok_posts += sum(1 for p in group if 200 <= p.status < 400)
        failures = [p for p in posts if not 200 <= p.status < 400]
        for p in failures[:5]:
            print(f"  failed ({p.phase}): {p.status} {p.error[:200]!r}")

        answered_ids = {p.review_id for p in posts if p.review_id}
        in_db = set(Review.objects.filter(pk__in=answered_ids).values_list("pk", flat=True))
        all_new = Review.objects.filter(user__in=users, created_at__gte=since).count()
        print(
            f"\nposts answered 2xx/3xx {ok_posts} of {len(posts)}; reviews in the database {len(in_db)} "
            f"of {len(answered_ids)} confirmed; new reviews by the posters {all_new}"
        )
        print(
            "\nWaiting for every review to be analysed (the sweep takes reviews older than its age; "
            f"max {args.analysis_timeout:.0f} s)"
        )
        check = wait_for_analyses([u.pk for u in users], since, timeout=args.analysis_timeout)
    finally:
        stop.set()
        stack.stop()
    lost = answered_ids - in_db
    for line in stack.restarts:
        print(f"  supervisor: {line}")
    print(
        f"\nNothing lost? posts failed {len(failures)}; "
        f"confirmed reviews missing from the database {len(lost)}; "
        f"{check.line()}"
    )
    return 0 if not failures and not lost and not check.missing else 1
