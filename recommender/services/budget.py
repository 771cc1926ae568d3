"""Each member's budget of language-model generations: one rule for every path that runs it.

Review drafts and discussion suggestions (asked on the web pages or through the API) and the
recommendation explanations that refreshes queue all take a unit from the same budget,
`settings.GENERATION_BUDGET` (`THROTTLE_GENERATION`, "20/hour": twenty per rolling hour). The
units are rows in the database (`GenerationCharge`), so every web and worker process sees the
same count, and a charge is taken under a per-member lock held until the queueing transaction
commits, so two concurrent requests never both take the last unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from recommender.models import GenerationCharge

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# Explanations are queued by refreshes the member did not ask for: they may spend the budget
# only down to this share of it, which stays for the texts the member asks for themselves.
ASKED_SHARE = 0.25

# Namespace of the PostgreSQL advisory locks taken here (the other key is the member's id).
LOCK_NAMESPACE = 0x6E6E  # "gn": generation


@dataclass(frozen=True)
class Rate:
    count: int
    period: timedelta

    def __str__(self) -> str:
        return f"{self.count} per {humanize_seconds(int(self.period.total_seconds()))}"


class GenerationBudgetSpent(Exception):
    """The member has used their generation budget; one unit comes back in `retry_after` s."""

    def __init__(self, *, rate: Rate, retry_after: int) -> None:
        self.rate = rate
        self.retry_after = retry_after
        self.headline = f"You have used your {rate.count} AI text{'' if rate.count == 1 else 's'} for now."
        super().__init__(f"{self.headline[:-1]}; you can ask again in {humanize_seconds(retry_after)}.")


def humanize_seconds(seconds: int) -> str:
    if seconds < 60:
        return "a minute" if seconds > 1 else "a second"
    if seconds < 3600:
        minutes = -(-seconds // 60)
        return "a minute" if minutes == 1 else f"{minutes} minutes"
    hours = -(-seconds // 3600)
    return "an hour" if hours == 1 else f"{hours} hours"


def generation_rate() -> Rate:
    """The budget from settings: "<count>/<period>", the period second, minute, hour or day."""
    value = settings.GENERATION_BUDGET
    count, _, period = str(value).partition("/")
    try:
        return Rate(count=int(count), period=timedelta(seconds=PERIODS[period.strip()[:1]]))
    except (ValueError, KeyError) as exc:
        raise ValueError(f"GENERATION_BUDGET must read like 20/hour, not {value!r}") from exc


def generation_budget_lock(*, user_id: int) -> None:
    """Serialise the member's generation requests until the current transaction ends.

    Callers take it before they read whether a text is still to be generated, so the reading,
    the charge and the queueing are one step for that member.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("generation_budget_lock needs a transaction")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, user_id % 2**31])
    # SQLite (development) writes one transaction at a time (transaction_mode IMMEDIATE).


def generation_budget_charge(
    *, user_id: int, kind: str, movie_id: int | None = None, asked: bool = True
) -> None:
    """Take one unit of the member's budget, or raise GenerationBudgetSpent.

    Call it inside the transaction that queues the generation: if that rolls back, so does
    the charge. `asked=False` (texts the member did not ask for, such as explanations) leaves
    ASKED_SHARE of the budget for the member's own requests.
    """
    rate = generation_rate()
    now = timezone.now()
    generation_budget_lock(user_id=user_id)
    charges = GenerationCharge.objects.filter(user_id=user_id)
    charges.filter(charged_at__lte=now - rate.period).delete()  # outside the window: no use now
    limit = rate.count if asked else int(rate.count * (1 - ASKED_SHARE))
    times = list(charges.order_by("charged_at").values_list("charged_at", flat=True))
    if len(times) >= limit:
        # A unit comes back when enough of the oldest charges leave the window.
        freed_by = len(times) - limit
        wait = times[freed_by] + rate.period - now if limit > 0 else rate.period
        raise GenerationBudgetSpent(rate=rate, retry_after=max(1, int(wait.total_seconds()) + 1))
    GenerationCharge.objects.create(user_id=user_id, kind=kind, movie_id=movie_id, charged_at=now)
