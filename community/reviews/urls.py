from django.urls import path

from community.reviews import views

app_name = "reviews"

urlpatterns = [
    path("movies/<slug:slug>/rate/", views.rate, name="rate"),
    path("movies/<slug:slug>/rating/clear/", views.rating_clear, name="rating_clear"),
    path("movies/<slug:slug>/review/", views.review_create, name="create"),
    path("reviews/", views.review_list, name="list"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="edit"),
    path("reviews/<int:pk>/delete/", views.review_delete, name="delete"),
    path("reviews/<int:pk>/like/", views.review_like, name="like"),
]
