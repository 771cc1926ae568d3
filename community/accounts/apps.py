from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "community.accounts"
    label = "accounts"
