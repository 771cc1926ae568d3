from django.contrib.auth.models import AbstractUser
from django.db import models


class Visibility(models.TextChoices):
    """Who may see one part of a member's profile (see accounts.selectors.profile_visibility)."""

    PUBLIC = "public", "Everyone"
    FOLLOWERS = "followers", "People who follow me"
    ONLY_ME = "only_me", "Only me"


class User(AbstractUser):
    class Kind(models.TextChoices):
        MEMBER = "member", "Member"
        MOVIELENS = "movielens", "MovieLens rater (imported, cannot log in)"
        CRITIC = "critic", "Critic snippets (imported from Rotten Tomatoes)"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MEMBER)
    # "ml:<userId>" for MovieLens raters, "rt:<n>" for critic accounts: lets imports be re-run.
    external_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    bio = models.TextField(max_length=1000, blank=True)
    favourite_genres = models.ManyToManyField("movies.Genre", blank=True, related_name="fans")
    onboarded_at = models.DateTimeField(null=True, blank=True)
    # What the profile shows to others. Anything the models derive (the taste summary) is private
    # by default; ratings stay public as they always were; the watchlist was only ever shown to
    # its owner, so it stays "only me" until the member opens it.
    taste_visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.ONLY_ME)
    ratings_visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    watchlist_visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.ONLY_ME
    )
    # When the member followed a link mailed to `email` (community/accounts/verification.py).
    # Until then an account posts only UNVERIFIED_DAILY_POSTS reviews, threads and replies a day.
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # A new address waiting for its link to be followed; `email` stays the old one until then.
    pending_email = models.EmailField(max_length=254, blank=True)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.replace("_", " ").split() if p]
        letters = "".join(p[0] for p in parts[:2]) or self.username[:1]
        return letters.upper()

    @property
    def is_imported(self) -> bool:
        return self.kind != self.Kind.MEMBER

    @property
    def email_verified(self) -> bool:
        """The member proved they read mail at `email` (imported accounts count as verified)."""
        return self.is_imported or (bool(self.email) and self.email_verified_at is not None)


class LoginLockout(models.Model):
    """Wrong passwords counted per account name (see community/accounts/lockout.py)."""

    username_key = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.username_key}: {self.failures}"


class ApiToken(models.Model):
    """An API token; only the SHA-256 of its key is kept (see community/accounts/tokens.py)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    prefix = models.CharField(max_length=8, help_text="The key's first characters, to tell tokens apart.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
