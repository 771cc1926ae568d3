from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from community.movies.models import Movie


def home(request: HttpRequest) -> HttpResponse:
    popular = Movie.objects.prefetch_related("genres").order_by("-rating_count", "title")[:24]
    return render(request, "home.html", {"popular": popular})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
