from __future__ import annotations

from django import forms

from community.discussions.models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH


class ThreadForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label="Message",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"Up to {BODY_MAX_LENGTH:,} characters.",
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Up to {BODY_MAX_LENGTH:,} characters.",
    )
