from django.db import models
from django.urls import reverse


class Genre(models.Model):
    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Movie(models.Model):
    title = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    slug = models.SlugField(max_length=320, unique=True)
    genres = models.ManyToManyField(Genre, blank=True, related_name="movies")
    people: "models.ManyToManyField[Person, Credit]" = models.ManyToManyField(
        Person, through="Credit", related_name="movies"
    )
    runtime_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    imdb_id = models.CharField(max_length=16, blank=True, db_index=True)
    movielens_id = models.PositiveIntegerField(unique=True, null=True, blank=True)
    # Denormalised for the catalog (sorting 9,000 movies by popularity without aggregating).
    director_names = models.CharField(max_length=500, blank=True)
    cast_names = models.CharField(max_length=1000, blank=True)
    plot = models.TextField(blank=True)
    plot_source = models.CharField(max_length=200, blank=True)
    plot_source_url = models.URLField(blank=True)
    plot_license = models.CharField(max_length=100, blank=True)
    rating_count = models.PositiveIntegerField(default=0, db_index=True)
    rating_average = models.FloatField(null=True, blank=True, db_index=True)
    review_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-rating_count", "title"]
        indexes = [models.Index(fields=["title"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def get_absolute_url(self) -> str:
        return reverse("movies:detail", kwargs={"slug": self.slug})


class Credit(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", "Director"
        WRITER = "writer", "Writer"
        CAST = "cast", "Cast"

    movie = models.ForeignKey(Movie, on_delete=models.CASCADE, related_name="credits")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=10, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["role", "order"]
        constraints = [
            models.UniqueConstraint(fields=["movie", "person", "role"], name="unique_credit"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.role}) in {self.movie}"
