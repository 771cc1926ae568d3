from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "community.social"
    label = "social"
