from django import forms


class NotificationSettingsForm(forms.Form):
    email_digest = forms.BooleanField(
        required=False,
        label="Email me a daily digest of unread notifications",
        help_text=(
            "Off unless you turn it on. Sent only to a verified address, "
            "and only when something new happened."
        ),
    )
