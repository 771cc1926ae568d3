"""One lockout per account, whichever way a password is presented.

The web login, the admin login, the API token endpoint, the password change and the
account deletion all count wrong passwords against the same row, keyed by the normalised
username (so a name that has no account locks too, and the answer says nothing about
whether it exists). Counters live in the database, which every process shares, whatever
cache the site runs with. After ``LOGIN_LOCKOUT_FAILURES`` wrong passwords within
``LOGIN_LOCKOUT_SECONDS``, the account refuses every password, the right one included,
until that many seconds after the last failure.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from community.accounts.models import LoginLockout


class AccountLocked(Exception):
    """Too many wrong passwords for this account; ``seconds`` until it opens again."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        minutes = max(1, math.ceil(seconds / 60))
        super().__init__(
            "Too many failed attempts for this account. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )


def _key(username: str | None) -> str:
    return (username or "").strip().lower()[:150]


def _window() -> timedelta:
    return timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def locked_for(*, username: str | None, now: datetime | None = None) -> int:
    """Seconds until the account opens again; 0 when it is not locked."""
    key = _key(username)
    if not key:
        return 0
    now = now or timezone.now()
    row = LoginLockout.objects.filter(username_key=key).only("failures", "last_failure_at").first()
    if row is None or row.failures < settings.LOGIN_LOCKOUT_FAILURES:
        return 0
    remaining = (row.last_failure_at + _window() - now).total_seconds()
    return max(0, math.ceil(remaining))


def check(*, username: str | None) -> None:
    """Raise AccountLocked if the account is locked now."""
    seconds = locked_for(username=username)
    if seconds:
        raise AccountLocked(seconds)


def failure_record(*, username: str | None) -> None:
    """Count one wrong password; a failure older than the window starts the count again."""
    key = _key(username)
    if not key:
        return
    now = timezone.now()
    for _ in range(2):  # a concurrent first failure may create the row between our read and insert
        try:
            with transaction.atomic():
                row = LoginLockout.objects.select_for_update().filter(username_key=key).first()
                if row is None:
                    LoginLockout.objects.create(username_key=key, failures=1, last_failure_at=now)
                    return
                stale = row.last_failure_at + _window() < now
                row.failures = 1 if stale else row.failures + 1
                row.last_failure_at = now
                row.save(update_fields=["failures", "last_failure_at"])
                return
        except IntegrityError:
            continue


def failures_clear(*, username: str | None) -> None:
    """The right password was given while the account was open: forget earlier failures."""
    key = _key(username)
    if key:
        LoginLockout.objects.filter(username_key=key).delete()


def password_verify(*, user, password: str) -> bool:
    """Check a signed-in member's password against the shared lockout.

    Raises AccountLocked when the account is locked (the password is then not even
    checked); otherwise returns whether it matched, counting a wrong one.
    """
    username = user.get_username()
    check(username=username)
    if user.check_password(password or ""):
        failures_clear(username=username)
        return True
    failure_record(username=username)
    return False


WRONG_PASSWORD = "That is not your password."  # noqa: S105  (a message, not a secret)


def password_confirm(*, user, password: str, field: str = "password") -> None:
    """The one check behind every "confirm with your password" (deletion, password change).

    Raises AccountLocked while the account is locked, or ValidationError on ``field``.
    """
    if not password_verify(user=user, password=password):
        raise ValidationError({field: WRONG_PASSWORD})
