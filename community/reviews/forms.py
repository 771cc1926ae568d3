from __future__ import annotations

from django import forms

from community.reviews.models import REVIEW_MAX_LENGTH
from community.reviews.services import SCORES

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
