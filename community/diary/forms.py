from __future__ import annotations

from django import forms
from django.utils import timezone

from community.accounts.models import Visibility
from community.diary.letterboxd import MAX_UPLOAD_BYTES, tags_split
from community.reviews.forms import SCORE_CHOICES
from community.reviews.models import REVIEW_MAX_LENGTH

RATING_CHOICES = [("", "No rating"), *SCORE_CHOICES]


class DiaryEntryForm(forms.Form):
    watched_on = forms.DateField(
        label="Watched on", initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    rewatch = forms.BooleanField(label="I had seen it before (rewatch)", required=False)
    rating = forms.ChoiceField(label="Rating", choices=RATING_CHOICES, required=False)
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=500,
        help_text="Separated by commas, e.g. cinema, with friends.",
    )
    visibility = forms.ChoiceField(
        label="Who can see this entry", choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    def clean_tags(self) -> list[str]:
        return tags_split(self.cleaned_data["tags"])


class DiaryLogForm(DiaryEntryForm):
    # The movie page also holds the review form (rating, body, has_spoilers): prefixed names and
    # ids keep the two apart for labels, for the browser and for what each view reads.
    prefix_on_movie_page = "log"

    review_text = forms.CharField(
        label="Review",
        required=False,
        max_length=REVIEW_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional; posted as your review of the film.",
    )
    has_spoilers = forms.BooleanField(label="Contains spoilers", required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Letterboxd export",
        help_text="The ZIP from Letterboxd (Settings, Import & Export, Export your data) "
        f"or one of its CSV files; up to {MAX_UPLOAD_BYTES // 2**20} MB.",
    )
    visibility = forms.ChoiceField(
        label="Who can see the imported diary", choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB.")
        return upload


class ResolveForm(forms.Form):
    choice = forms.CharField(max_length=20)  # a candidate film's id, or "skip"


class StatsSharingForm(forms.Form):
    shared = forms.BooleanField(
        label="Let others see my year in review and stats",
        required=False,
        help_text="Others see figures from only the entries they may see: never your private ones.",
    )
    # the page to come back to: a year, or all time when empty
    year = forms.IntegerField(required=False, min_value=1, max_value=9999, widget=forms.HiddenInput)
