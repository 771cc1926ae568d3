"""Download my data: the sections of a member's export, each contributed by the app that owns the rows.

An app registers a section with ``section_register`` (community's own in
``community/accounts/exports.py``; recommender's from its ``AppConfig.ready()``, since
community never imports recommender) and names the models whose rows it exports. Models
that point at the user but are left out on purpose are listed with ``model_exclude`` and a
reason. A test walks every model with a foreign key, one-to-one or many-to-many to the user
and fails on one that is neither exported nor excluded, so a new table of personal data
cannot be forgotten.

Each section answers ``provider(user)`` with JSON-ready data: a list of objects
(``Shape.OBJECTS``), one object or null (``Shape.OBJECT``) or a list of strings
(``Shape.NAMES``). The API's ``AccountExportSerializer`` builds one field per section from
the shape, so the web download and ``/api/v1/me/export/`` are the same document.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from community.accounts.models import User

FORMAT = "cinecircle-export-1"


class Shape(enum.Enum):
    OBJECTS = "objects"
    OBJECT = "object"
    NAMES = "names"


@dataclass(frozen=True)
class Section:
    name: str
    provider: Callable[[User], Any]
    models: tuple[str, ...]
    shape: Shape
    help_text: str
    order: int


_sections: dict[str, Section] = {}
_excluded: dict[str, str] = {}


def section_register(
    name: str,
    provider: Callable[[User], Any],
    *,
    models: Iterable[str],
    shape: Shape = Shape.OBJECTS,
    help_text: str = "",
    order: int = 100,
) -> None:
    """Add (or replace, so a second import is harmless) the export section ``name``.

    ``models``: the "app_label.ModelName" labels whose rows about the member it exports.
    Sections appear by ``order``, then by name.
    """
    if name in {"format", "exported_at"}:
        raise ValueError(f"{name!r} is the export's own header")
    _sections[name] = Section(name, provider, tuple(models), shape, help_text, order)


def model_exclude(label: str, *, reason: str) -> None:
    """Leave ``label``'s rows out of the export on purpose; ``reason`` says why."""
    if not reason.strip():
        raise ValueError("say why the model is left out of the export")
    _excluded[label] = reason


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))


def exported_models() -> dict[str, str]:
    """{model label: the section exporting it}."""
    return {label: s.name for s in _sections.values() for label in s.models}


def excluded_models() -> dict[str, str]:
    """{model label: why it is not exported}."""
    return dict(_excluded)


def when(value: datetime | date | None) -> str | None:
    """An ISO 8601 timestamp, or None."""
    return value.isoformat() if value else None


def export_build(*, user: User) -> dict[str, Any]:
    """The whole export: a header, then every registered section in order."""
    document: dict[str, Any] = {"format": FORMAT, "exported_at": when(timezone.now())}
    for section in sections():
        document[section.name] = section.provider(user)
    return document
