from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.datastructures import MultiValueDict

from community.reviews.models import REVIEW_MAX_LENGTH
from community.reviews.services import SCORES

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest, QueryDict

    from community.accounts.models import User
    from community.movies.models import Movie

SCORE_CHOICES = [(f"{s:.1f}", f"{s:g} stars") for s in SCORES]


class RatingForm(forms.Form):
    score = forms.ChoiceField(choices=SCORE_CHOICES, widget=forms.RadioSelect)


class ReviewForm(forms.Form):
    body = forms.CharField(
        label="Your review",
        max_length=REVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"Up to {REVIEW_MAX_LENGTH:,} characters.",
    )
    has_spoilers = forms.BooleanField(
        label="Contains spoilers (hidden until a reader clicks to show it)", required=False
    )
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=500,
        help_text="Optional, separated by commas, e.g. rainy day, noir.",
    )

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]


# What a member typed into a review form, kept in the session across one redirect. Without
# JavaScript, a button that leaves the page (the AI draft panel's "Draft my review") submits
# the review form's fields along with it, and the page the redirect lands on shows them again.
TYPED_REVIEW_SESSION_KEY = "typed_review"


def _one_line_break(text: str) -> str:
    # Browsers send a line break as \r\n but count it as one character against maxlength.
    return text.replace("\r\n", "\n")


def typed_review_keep(
    request: HttpRequest, *, user: User, movie: Movie, data: QueryDict, leave_out_body: str = ""
) -> None:
    """Keep the review form fields posted in `data` for the next page showing this member's
    review form of `movie` (see `typed_review_take`); one movie at a time.

    Only ReviewForm's fields are kept, each text cut to its field's length limit (as the
    browser's box is). A body equal to `leave_out_body` (a discarded draft that the page had put
    into the box) is left out. When `data` holds no review form field, nothing changes.
    """
    if not any(name in data for name in ReviewForm.base_fields):
        return
    typed: dict[str, str | bool] = {}
    for name, field in ReviewForm.base_fields.items():
        value = field.widget.value_from_datadict(data, MultiValueDict(), name)
        if isinstance(field, forms.BooleanField):
            typed[name] = bool(value)
        elif isinstance(field, forms.CharField) and isinstance(value, str):
            typed[name] = _one_line_break(value)[: field.max_length or REVIEW_MAX_LENGTH]
    if leave_out_body and str(typed.get("body", "")).strip() == _one_line_break(leave_out_body).strip():
        typed["body"] = ""
    if any(typed.values()):
        request.session[TYPED_REVIEW_SESSION_KEY] = {"user": user.pk, "movie": movie.pk, "fields": typed}
    else:
        request.session.pop(TYPED_REVIEW_SESSION_KEY, None)


def typed_review_take(request: HttpRequest, *, user: User | AnonymousUser, movie: Movie) -> dict[str, Any]:
    """What `typed_review_keep` kept for this member and movie, as a ReviewForm's `initial`
    ({} if nothing). It is forgotten as it is taken: a later visit starts from an empty form."""
    if not user.is_authenticated:
        return {}
    kept = request.session.get(TYPED_REVIEW_SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("user") != user.pk or kept.get("movie") != movie.pk:
        return {}
    del request.session[TYPED_REVIEW_SESSION_KEY]
    fields = kept.get("fields")
    if not isinstance(fields, dict):
        return {}
    return {name: fields[name] for name in ReviewForm.base_fields if name in fields}
