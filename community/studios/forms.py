from django import forms

from community.studios.models import StudioMembership


class MemberInviteForm(forms.Form):
    identifier = forms.CharField(
        label="Username or email address",
        max_length=254,
        help_text="They need a CineCircle account; they see this studio's console as soon as you add them.",
    )
    role = forms.ChoiceField(
        label="Role",
        choices=StudioMembership.Role.choices,
        initial=StudioMembership.Role.ANALYST,
        help_text="Analysts read the console; owners also manage its members.",
    )


class StudioSettingsForm(forms.Form):
    show_spoiler_quotes = forms.BooleanField(
        label="Show quotes from reviews marked as spoilers",
        required=False,
        help_text="Off: the console never quotes a review its author marked as containing spoilers. "
        'On: such quotes appear, labelled "spoiler", for everyone in the studio.',
    )
