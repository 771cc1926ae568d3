"""The `--studio SLUG` option shared by the studio console's commands (not a command itself)."""

from __future__ import annotations

from django.core.management.base import CommandError

from community.studios.models import Studio


def studio_id_option(slug: str | None) -> int | None:
    """The id of the studio `--studio` names, None without the option; a clear error for an unknown slug."""
    if not slug:
        return None
    studio = Studio.objects.filter(slug=slug).first()
    if studio is None:
        raise CommandError(f"no studio with the slug {slug!r}")
    return studio.pk
