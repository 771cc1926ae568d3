from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "community.reviews"
    label = "reviews"
