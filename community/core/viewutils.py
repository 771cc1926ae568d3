"""Small helpers shared by the server-rendered views."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

T = TypeVar("T")


def paginate(request: HttpRequest, object_list: Sequence[Any] | Any, per_page: int = 24) -> Page:
    """The requested page; a missing, malformed or too-large page number gives a valid page."""
    return Paginator(object_list, per_page).get_page(request.GET.get("page"))


def safe_next(request: HttpRequest) -> str | None:
    """The `next` parameter if it points back into this site, else None."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    return redirect(safe_next(request) or fallback)


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where the form has the field."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields and field != NON_FIELD_ERRORS else None, errors)


def call_service(form: forms.BaseForm, service: Callable[..., T], **kwargs: Any) -> T | None:
    """Run a service; on ValidationError put its messages on the form and return None."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def wants_json(request: HttpRequest) -> bool:
    """True for the small fetch() calls of static/js/site.js (progressive enhancement)."""
    return "application/json" in request.headers.get("Accept", "")


def template_tag_available(library: str, tag: str) -> bool:
    """Whether an installed app provides `{% load library %}{% tag %}`.

    Pages use this to fill slots that another layer (the recommender) may provide, without
    importing its code: until the tag exists, the page shows its own fallback.
    """
    from django.template import engines

    lib = engines["django"].engine.template_libraries.get(library)  # type: ignore[attr-defined]
    return lib is not None and tag in lib.tags
