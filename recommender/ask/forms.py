from __future__ import annotations

from django import forms

from .services import MAX_REQUEST_LENGTH


class AskForm(forms.Form):
    text = forms.CharField(
        label="What would you like to watch?",
        max_length=MAX_REQUEST_LENGTH,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "placeholder": "something like Alien but funnier · 我想看一部轻松的爱情片",
                "autocomplete": "off",
            }
        ),
    )
    conversation = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class BroadenForm(forms.Form):
    turn = forms.IntegerField(min_value=1)
    chip = forms.CharField(max_length=120)
