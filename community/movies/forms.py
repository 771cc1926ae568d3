from __future__ import annotations

from typing import Any

from django import forms

from community.movies.selectors import SORTS, genres_all


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    genre = forms.ModelChoiceField(
        queryset=genres_all(), required=False, to_field_name="slug", empty_label="All genres"
    )
    year_min = forms.IntegerField(label="From year", required=False, min_value=1870, max_value=2100)
    year_max = forms.IntegerField(label="To year", required=False, min_value=1870, max_value=2100)
    sort = forms.ChoiceField(
        required=False,
        choices=[("", "Best match")] + [(k, label) for k, label in SORTS.values()],
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("year_min"), data.get("year_max")
        if low is not None and high is not None and low > high:
            self.add_error("year_max", "The end year is before the start year.")
        return data
