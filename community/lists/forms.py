from __future__ import annotations

from django import forms

from community.accounts.models import Visibility
from community.lists.models import (
    COMMENT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from community.lists.selectors import SEARCH_MAX_LENGTH

VISIBILITY_CHOICES = [
    (Visibility.PUBLIC, "Public: anyone"),
    (Visibility.FOLLOWERS, "Followers: people who follow you"),
    (Visibility.ONLY_ME, "Private: you and the collaborators you invite"),
]
IMPORT_MAX_BYTES = 2_000_000


class FilmListForm(forms.Form):
    title = forms.CharField(max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        required=False,
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Up to {DESCRIPTION_MAX_LENGTH:,} characters.",
    )
    ranked = forms.BooleanField(required=False, label="Ranked (numbered 1, 2, 3 …)")
    visibility = forms.ChoiceField(
        choices=VISIBILITY_CHOICES,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
        label="Who can see it",
    )
    collaborative = forms.BooleanField(
        required=False,
        label="Collaborative",
        help_text="Members you invite may add, remove and reorder films.",
    )


class EntryNoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Up to {NOTE_MAX_LENGTH:,} characters.",
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Up to {COMMENT_MAX_LENGTH:,} characters.",
    )


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150, label="Member's username")


class ListSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=SEARCH_MAX_LENGTH, label="Search lists")


class FilmSearchForm(forms.Form):
    film = forms.CharField(required=False, max_length=100, label="Find a film to add")


class ListImportForm(forms.Form):
    file = forms.FileField(
        label="Letterboxd list export (.csv)",
        help_text="On Letterboxd: a list's page, then Export list. One list per file.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError("That file is too big for one list (2 MB at most).")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("That file is not UTF-8 text; export the list again.") from None
