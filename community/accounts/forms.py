from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from community.accounts import lockout
from community.accounts.models import Visibility
from community.accounts.services import (
    BIO_MAX_LENGTH,
    NAME_MAX_LENGTH,
    USERNAME_MAX_LENGTH,
    username_validate,
)
from community.movies.selectors import genres_all


class SignupForm(forms.Form):
    username = forms.CharField(
        max_length=USERNAME_MAX_LENGTH,
        help_text="Letters, digits and @ . + - _ only. Shown on your reviews.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        help_text="Only used to reach you about your account.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        max_length=128,
        strip=False,
        help_text="At least 8 characters; not only digits, not a common password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label="Repeat password",
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self):
        try:
            return username_validate(username=self.cleaned_data["username"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["username"]) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("password")
            and data.get("password_confirm")
            and data["password"] != data["password_confirm"]
        ):
            self.add_error("password_confirm", "The two passwords differ.")
        return data


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password do not match an account that can log in.",
    }

    def clean(self) -> dict[str, Any]:
        refuse_if_locked(self.cleaned_data.get("username"))
        try:
            return super().clean()
        except forms.ValidationError:
            refuse_if_locked(self.cleaned_data.get("username"))  # this very failure may have locked it
            raise


class LockoutAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login form, saying so when the account is locked (the backend refuses it anyway)."""

    def clean(self) -> dict[str, Any]:
        refuse_if_locked(self.cleaned_data.get("username"))
        return super().clean()


def refuse_if_locked(username: str | None) -> None:
    seconds = lockout.locked_for(username=username)
    if seconds:
        raise forms.ValidationError(str(lockout.AccountLocked(seconds)), code="locked")


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label="Current password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="Repeat new password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("new_password1")
            and data.get("new_password2")
            and data["new_password1"] != data["new_password2"]
        ):
            self.add_error("new_password2", "The two passwords differ.")
        return data


class ProfileForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=NAME_MAX_LENGTH, required=False)
    last_name = forms.CharField(label="Last name", max_length=NAME_MAX_LENGTH, required=False)
    email = forms.EmailField(required=False, max_length=254)
    bio = forms.CharField(
        max_length=BIO_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Up to {BIO_MAX_LENGTH:,} characters, shown on your public profile.",
    )
    favourite_genres = forms.ModelMultipleChoiceField(
        queryset=genres_all(), required=False, widget=forms.CheckboxSelectMultiple
    )


class AccountDeleteForm(forms.Form):
    """The password is checked by ``services.account_delete_confirmed``, as in the API."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OnboardingGenresForm(forms.Form):
    favourite_genres = forms.ModelMultipleChoiceField(
        label="Your favourite genres (optional)",
        queryset=genres_all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PrivacyForm(forms.Form):
    """Who sees each part of the profile; the page shows them as three groups of radio buttons."""

    taste_visibility = forms.ChoiceField(
        label="Your taste profile",
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        help_text="The summary the recommender writes from your ratings and reviews.",
    )
    ratings_visibility = forms.ChoiceField(
        label="Your ratings",
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        help_text="Your star ratings, their histogram and your average. Reviews are always public.",
    )
    watchlist_visibility = forms.ChoiceField(
        label="Your watchlist", choices=Visibility.choices, widget=forms.RadioSelect
    )
