"""Forms of the password reset (Django's, narrowed to members who can log in)."""

from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.contrib.auth import forms as auth_forms

from community.accounts import verification
from community.accounts.models import User


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email: str) -> Iterator[User]:
        """Active members with a password whose address this is; imported accounts, which
        cannot log in, get no mail (the page says the same whoever asks)."""
        return (user for user in super().get_users(email) if user.kind == User.Kind.MEMBER)


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password of a reset; saving also revokes the API tokens and clears the lockout."""

    def save(self, commit: bool = True) -> User:
        return verification.password_reset_complete(
            user=self.user, new_password=self.cleaned_data["new_password1"]
        )
