from django import forms

from community.moderation.models import NOTE_MAX_LENGTH, Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Report.Reason.choices, widget=forms.RadioSelect, label="What is wrong?"
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Anything moderators should know",
        help_text=f"Up to {NOTE_MAX_LENGTH:,} characters. Only site staff read it.",
    )
