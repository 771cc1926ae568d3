"""API tokens: only a hash is stored; named, listed, revoked, expired when unused.

A token is 32 random bytes shown once, when it is made. The database keeps its SHA-256
(a key this random needs no slow hash) and its first characters, so a member can tell
their tokens apart. A token unused for ``API_TOKEN_IDLE_DAYS`` stops working and is
removed; changing or resetting the password revokes them all.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from community.accounts.models import ApiToken, User

TOKEN_NAME_MAX_LENGTH = 60
TOKENS_PER_MEMBER = 20
PREFIX_LENGTH = 8
# A token's last use is written at most this often (a write per request would cost more than the request).
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(days=settings.API_TOKEN_IDLE_DAYS)


def expires_at(token: ApiToken) -> datetime:
    return (token.last_used_at or token.created_at) + idle_limit()


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The member's tokens that still work, newest first."""
    cutoff = timezone.now() - idle_limit()
    return (
        ApiToken.objects.filter(user=user)
        .exclude(last_used_at__lt=cutoff)
        .exclude(last_used_at__isnull=True, created_at__lt=cutoff)
        .order_by("-created_at", "-pk")
    )


def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the member; returns the row and the key, which is never readable again."""
    name = (name or "").replace("\x00", "").strip() or "API token"
    if len(name) > TOKEN_NAME_MAX_LENGTH:
        raise ValidationError({"name": f"Keep it to {TOKEN_NAME_MAX_LENGTH} characters or fewer."})
    tokens_expired_delete(user=user)
    if ApiToken.objects.filter(user=user).count() >= TOKENS_PER_MEMBER:
        raise ValidationError(
            {"name": f"You have {TOKENS_PER_MEMBER} tokens already. Revoke one you no longer use first."}
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:PREFIX_LENGTH], key_hash=_digest(key))
    return token, key


def token_revoke(*, user: User, token_id: int) -> bool:
    """Revoke one of the member's own tokens; False if there is no such token of theirs."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


def tokens_revoke_all(*, user: User) -> int:
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def tokens_expired_delete(*, user: User | None = None) -> int:
    cutoff = timezone.now() - idle_limit()
    stale = ApiToken.objects.filter(last_used_at__lt=cutoff) | ApiToken.objects.filter(
        last_used_at__isnull=True, created_at__lt=cutoff
    )
    if user is not None:
        stale = stale.filter(user=user)
    deleted, _ = stale.delete()
    return deleted


def token_authenticate(*, key: str) -> ApiToken | None:
    """The live token with this key (its user selected), noting its use; None if none works."""
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(key)).first()
    if token is None:
        return None
    now = timezone.now()
    if expires_at(token) <= now:
        token.delete()
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
