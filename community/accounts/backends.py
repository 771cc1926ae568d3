"""Signing in with Django's model backend; the per-request user read from the shared cache.

Every signed-in request looks its user up by the id in the session. With a cache that every
process shares (``CACHE_IS_SHARED``: a Redis ``CACHE_URL``), ``MemberBackend`` keeps a copy
of the user row there, under a generation token that is replaced after the commit of every
save or delete of that row (a password change, deactivation, a new name). The token is read
before the row and replaced only after the change commits, so a copy read from the database
before a change is never stored under a newer token. The session check itself stays
Django's (``auth.get_user`` compares the session's hash with the copy's), so a changed
password still ends the other sessions at their next request. The copy holds the row as the
database does, password hash included; ``MEMBER_SECONDS`` bounds how long a change made
outside the ORM (raw SQL, ``QuerySet.update``) could go unseen.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction

MEMBER_SECONDS = 300
GENERATION_SECONDS = 24 * 3600


def _keys(user_id: Any) -> tuple[str, str]:
    return f"member:gen:{user_id}", f"member:row:{user_id}"


def cache_is_shared() -> bool:
    return bool(getattr(settings, "CACHE_IS_SHARED", False))


def member_changed(user_id: Any) -> None:
    """Copies of this user kept before the current transaction commits are not used again."""
    if user_id is None or not cache_is_shared():
        return
    generation_key = _keys(user_id)[0]
    transaction.on_commit(
        lambda: cache.set(generation_key, uuid.uuid4().hex, GENERATION_SECONDS), robust=True
    )


def on_user_saved_or_deleted(sender, instance, **kwargs) -> None:
    member_changed(instance.pk)


class MemberBackend(ModelBackend):
    """``ModelBackend`` that honours the account lockout and reads the signed-in user from the cache.

    ``authenticate`` is what the web login, the admin login and the API token endpoint all
    call, so the lockout (``community.accounts.lockout``) holds for each of them: a locked
    account raises PermissionDenied, which makes ``django.contrib.auth.authenticate`` refuse
    without asking other backends; a wrong password counts against the account.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        from community.accounts import lockout

        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if lockout.locked_for(username=username):
            raise PermissionDenied("locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.failure_record(username=username)
        else:
            lockout.failures_clear(username=username)
        return user

    def get_user(self, user_id):
        if not cache_is_shared():
            return super().get_user(user_id)
        generation_key, row_key = _keys(user_id)
        found = cache.get_many([generation_key, row_key])
        generation, kept = found.get(generation_key), found.get(row_key)
        if generation is not None and isinstance(kept, tuple) and len(kept) == 2 and kept[0] == generation:
            user = kept[1]
        else:
            if generation is None:
                generation = uuid.uuid4().hex
                if not cache.add(generation_key, generation, GENERATION_SECONDS):
                    generation = cache.get(generation_key) or generation  # made by another request
            try:
                user = get_user_model()._default_manager.get(pk=user_id)
            except get_user_model().DoesNotExist:
                return None
            cache.set(row_key, (generation, user), MEMBER_SECONDS)
        return user if self.user_can_authenticate(user) else None
