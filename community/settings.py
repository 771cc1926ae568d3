"""CineCircle settings: every value comes from the environment, with embedded defaults.

Unset, the site runs on a SQLite file and a filesystem Celery broker (no servers).
Production sets DATABASE_URL (PostgreSQL via psycopg 3), CELERY_BROKER_URL (Redis),
SECRET_KEY, DEBUG=0 and ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0/true/false), got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


DEBUG = envbool("DEBUG", "1")
_DEV_SECRET = "django-insecure-dev-only-key-set-SECRET_KEY-in-production"  # noqa: S105  (only used while DEBUG is on)
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# Downloaded data, converted models and the embedded defaults' files live outside the clone.
CACHE_DIR = Path(os.environ.get("CINECIRCLE_CACHE_DIR", Path.home() / ".cache" / "cinecircle"))
CACHE_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "community.core",
    "community.accounts",
    "community.movies",
    "community.reviews",
    "community.discussions",
    "community.social",
    "community.moderation",
    "community.studios",
    "community.diary",
    "community.lists",
    "community.notifications",
    "recommender",
]

MIDDLEWARE = [
    # First, so every log line of the request (and its tasks) carries the id, and so is the answer.
    "community.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Every answer, the 503 page and static files included, carries the Content-Security-Policy.
    "csp.middleware.CSPMiddleware",
    # Before anything that reads the database (sessions, the user): a 503 page when it is down.
    "community.core.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "community.urls"
WSGI_APPLICATION = "community.wsgi.application"
ASGI_APPLICATION = "community.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # the unread count in the navigation (one query, only on pages that show it)
                "community.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{CACHE_DIR / 'cinecircle.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to the same file: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Django's model backend; with a shared cache it reads the signed-in user from a copy kept there.
# (Sessions signed in before it was named here, under ModelBackend, are signed out once.)
AUTHENTICATION_BACKENDS = ["community.accounts.backends.MemberBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", CACHE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Security: strict when DEBUG is off (docs/configuration.md says why).
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", "0") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the site's own scripts and stylesheets only, nothing inline
# (templates keep their styles in static/css; tests/community/test_csp.py checks). The API docs
# relax it for their bundles only (community/api_urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: only for the empty favicon (`<link rel="icon" href="data:,">`): no /favicon.ico request.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Client addresses (community/core/clientip.py): X-Forwarded-For is believed only from these.
# TRUSTED_PROXIES lists the proxies' addresses or networks ("10.0.0.0/8,127.0.0.1"); NUM_PROXIES
# says how many proxies always stand in front when their addresses are not fixed. Unset, the
# header is ignored: rate limits and lockouts see the connecting address.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "")
NUM_PROXIES = envint("NUM_PROXIES", "0")
# One lockout per account for every way of presenting a password (community/accounts/lockout.py).
LOGIN_LOCKOUT_FAILURES = envint("LOGIN_LOCKOUT_FAILURES", "10")
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", "900")
# An API token nobody used for this many days stops working (community/accounts/tokens.py).
API_TOKEN_IDLE_DAYS = envint("API_TOKEN_IDLE_DAYS", "90")


def email_settings(url: str) -> dict[str, Any]:
    """EMAIL_* settings from EMAIL_URL: empty or console:// prints mail on the console;
    smtp://user:pass@host:587/?tls=1 (or ssl=1) sends it; smtps:// is SMTP over SSL;
    timeout=<seconds> (10). User and password are percent-decoded, so they may hold any character."""
    from urllib.parse import parse_qs, unquote, urlsplit

    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps:// or console://, not {parts.scheme!r}"
        )
    query = {key: values[-1].strip().lower() for key, values in parse_qs(parts.query).items()}
    tls = query.get("tls", "0") in {"1", "true", "yes", "on"}
    ssl = parts.scheme == "smtps" or query.get("ssl", "0") in {"1", "true", "yes", "on"}
    if ssl and tls:
        raise ImproperlyConfigured("EMAIL_URL: choose tls=1 (STARTTLS) or ssl=1, not both")
    try:
        port = parts.port or (465 if ssl else 25)
        timeout = int(query.get("timeout", "10"))
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL has a bad port or timeout: {exc}") from exc
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
        "EMAIL_TIMEOUT": timeout,
    }


# Mail (password reset, address verification): printed on the console unless EMAIL_URL names
# an SMTP server (docs/security.md, "Email").
_email = email_settings(os.environ.get("EMAIL_URL", ""))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT", 10)
# The site's address as members reach it, for links in mail sent without a request (digests).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CineCircle <noreply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# A password reset link works once, for this many seconds.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", "3600")
# An address verification link works for this many seconds (3 days).
EMAIL_VERIFICATION_MAX_AGE = envint("EMAIL_VERIFICATION_MAX_AGE", str(3 * 24 * 3600))
# Until its address is verified, an account posts at most this many reviews, this many threads
# and this many replies in 24 hours (community/accounts/verification.py).
UNVERIFIED_DAILY_POSTS = envint("UNVERIFIED_DAILY_POSTS", "3")

# Celery: JSON only, acknowledge after the task ran so a killed worker's task is redelivered.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = CACHE_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_queue_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    # Redis re-delivers an unacknowledged task after this many seconds; longer than any task.
    # Workers look for such tasks every CELERY_RESTORE_INTERVAL seconds (kombu's default, 10 s
    # times a throttle of 10, let a dead worker's task wait 100 s past its timeout). The sweep
    # lock expires with the timeout, so a worker killed while holding it cannot stall the others.
    _visibility = envint("CELERY_VISIBILITY_TIMEOUT", "7200")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility,
        "unacked_restore_interval": envint("CELERY_RESTORE_INTERVAL", "30"),
        "unacked_restore_throttle": 1,
        "unacked_mutex_expire": min(300, _visibility),
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
# Slow tasks (the texts a member asks for or looks at: drafts, questions, explanations, Ask) have
# a queue of their own with its own worker, so a member's recommendation refresh or a review's
# analysis never waits behind a minute of text generation.
CELERY_SLOW_QUEUE = os.environ.get("CELERY_SLOW_QUEUE", f"{CELERY_TASK_DEFAULT_QUEUE}.slow")
# Bulk work (backfills over every review or film, every film's generated texts, retraining,
# model preparation) has a third queue and worker, so a member's own request on the slow queue
# (a review draft, discussion questions, the explanation of a pick) never waits behind hundreds
# of backfill batches or film texts.
CELERY_BULK_QUEUE = os.environ.get("CELERY_BULK_QUEUE", f"{CELERY_TASK_DEFAULT_QUEUE}.bulk")
CELERY_SLOW_TASKS = (
    "recommender.tasks.generation.generated_text_produce",
    "recommender.insight.tasks.film_insight_refresh_task",
    "recommender.ask.tasks.ask_turn_complete",
)
CELERY_BULK_TASKS = (
    # A film's generated texts (the studio's audience summary, "what audiences say", synopsis)
    # are written for every film with reviews: the first-start drill queued 180 summaries on the
    # slow queue, and a member's draft waited 10 minutes behind the first one (836 s).
    "recommender.insight.tasks.audience_summary_refresh_task",
    "recommender.notes.tasks.movie_notes_refresh_task",
    "recommender.audiences.tasks.audiences_refresh_task",
    "recommender.prepare_models",
    "recommender.sentiment_quick",
    "recommender.tasks.analysis.analyse_reviews_batch",
    "recommender.tasks.recommendations.recommender_retrain",
    "recommender.tasks.recommendations.recommender_upgrade_content",
    "recommender.tasks.recommendations.recommendations_refresh_many",
    "recommender.insight.tasks.film_insights_refresh_all",
    "recommender.insight.tasks.film_insights_refresh_many",
    "recommender.similar.tasks.similar_nightly",
    "recommender.notes.tasks.movie_notes_refresh_due",
    "community.notifications.tasks.notification_digests_send",
    "community.notifications.tasks.notification_digest_send",
)
CELERY_TASK_ROUTES = {
    **{name: {"queue": CELERY_SLOW_QUEUE} for name in CELERY_SLOW_TASKS},
    **{name: {"queue": CELERY_BULK_QUEUE} for name in CELERY_BULK_TASKS},
}
CELERY_TASK_IGNORE_RESULT = True  # pages read results from our own tables, not the result backend
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", "3600")
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", "3300")
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", "0")
CELERY_WORKER_MAX_MEMORY_PER_CHILD = envint("CELERY_WORKER_MAX_MEMORY_PER_CHILD", "0") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Full retrain of the hybrid recommender; between retrains, users are folded in on each rating.
    "recommender-retrain-nightly": {
        "task": "recommender.tasks.recommendations.recommender_retrain",
        "schedule": crontab(hour=envint("RECOMMENDER_RETRAIN_HOUR", "3"), minute=30),
        "kwargs": {"refresh_users": True},
        "options": {"expires": 6 * 3600},
    },
    # Reviews whose analysis task never reached the broker (Redis was down when they were posted).
    "recommender-unanalysed-reviews-sweep": {
        "task": "recommender.tasks.analysis.unanalysed_reviews_sweep",
        "schedule": envint("ANALYSIS_SWEEP_SECONDS", "300"),
        "options": {"expires": 240},
    },
    # The studio console's aggregates for every film with activity, once a day (each analysed
    # review and rating change also refreshes its film; runsite queues one pass at start).
    "insight-refresh-daily": {
        "task": "recommender.insight.tasks.film_insights_refresh_all",
        "schedule": envint("INSIGHT_REFRESH_SECONDS", "86400"),
        "options": {"expires": 12 * 3600},
    },
    # The movie page's synopsis and character guide of films whose plot text, cast or model
    # changed (imports write plots without an event); each film's notes are a slow-queue task.
    "movie-notes-nightly": {
        "task": "recommender.notes.tasks.movie_notes_refresh_due",
        "schedule": crontab(hour=envint("MOVIE_NOTES_HOUR", "4"), minute=45),
        "options": {"expires": 6 * 3600},
    },
    # Similar reviews and related threads: vectors the event tasks missed, every neighbour list
    # recomputed (which drops deleted rows); one MiniLM pass over new texts, then numpy.
    "similar-nightly": {
        "task": "recommender.similar.tasks.similar_nightly",
        "schedule": crontab(hour=envint("SIMILAR_NIGHTLY_HOUR", "4"), minute=15),
        "options": {"expires": 6 * 3600},
    },
    # Email digests of unread notifications, for members who turned them on (off by default).
    "notification-digests-daily": {
        "task": "community.notifications.tasks.notification_digests_send",
        "schedule": crontab(hour=envint("NOTIFICATION_DIGEST_HOUR", "8"), minute=0),
        "options": {"expires": 6 * 3600},
    },
    # Model files whose sizes no longer match their manifest: queue prepare_models to make them again.
    "recommender-models-check": {
        "task": "recommender.models_check",
        "schedule": envint("MODELS_CHECK_SECONDS", "300"),
        "options": {"expires": 240},
    },
}

# Language models (read through recommender/llm/config.py): any Hugging Face causal-LM folder or
# GGUF file may replace the default.
LLM_MODEL = os.environ.get("LLM_MODEL", "")
LLM_BACKEND = envchoice("LLM_BACKEND", "real", ("real", "fake"))  # "fake" only in unit tests
# int8 weights decode about 3x faster on CPU (recommender/llm/quantize.py); "none" keeps float32.
LLM_QUANTIZE = envchoice("LLM_QUANTIZE", "int8", ("int8", "none"))
# Cap on generated tokens per text, 0 for none (short CI runs on slow machines).
LLM_MAX_NEW_TOKENS = envint("LLM_MAX_NEW_TOKENS", "0")
# Steer decoding away from names the facts lack (recommender/llm/grounding.py).
LLM_NAME_GUARD = envbool("LLM_NAME_GUARD", "1")
# Check drafts' and explanations' statements about the film against its facts (recommender/llm/support.py).
LLM_SUPPORT_CHECK = envbool("LLM_SUPPORT_CHECK", "1")
# The generator's zero-shot vote on short texts in the sentiment model; off keeps it out of quick workers.
SENTIMENT_JUDGE = envbool("SENTIMENT_JUDGE", "1")
# torch threads per process; commands take --threads (on a busy 2-core machine 1 is faster).
TORCH_THREADS = envint("TORCH_THREADS", "2")

REST_FRAMEWORK = {
    # Token first: an unauthenticated API client gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "community.accounts.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "community.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's pair, with a browsable API whose filter form cannot crash (core/api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "community.core.api.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "community.core.api.exceptions.exception_handler",
    "DEFAULT_METADATA_CLASS": "community.core.api.metadata.SchemaPointerMetadata",
    "DEFAULT_THROTTLE_CLASSES": [
        "community.core.api.throttles.AnonThrottle",
        "community.core.api.throttles.UserThrottle",
    ],
    # DRF's own client address reading; ours (community.core.clientip) is used by every throttle.
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "120/min"),
        "user": os.environ.get("THROTTLE_USER", "600/min"),
        "login": os.environ.get("THROTTLE_LOGIN", "10/min"),
        "signup": os.environ.get("THROTTLE_SIGNUP", "5/hour"),
        # Password reset and verification mails asked for, per client address.
        "password_reset": os.environ.get("THROTTLE_PASSWORD_RESET", "5/hour"),
    },
}
# Each member's budget of language-model texts, whichever path asks (drafts and suggestions on
# the web or the API, explanations queued by refreshes): recommender/services/budget.py.
GENERATION_BUDGET = os.environ.get("THROTTLE_GENERATION", "20/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "CineCircle API",
    "DESCRIPTION": "Movies, ratings, reviews, discussions and recommendations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc are served from the drf-spectacular-sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "GeneratedTextKindEnum": "recommender.models.GeneratedText.Kind",
        "RecommendationFeedbackKindEnum": "recommender.models.RecommendationFeedback.Kind",
        "VisibilityEnum": "community.accounts.models.Visibility",
        "StudioRoleEnum": "community.studios.models.StudioMembership.Role",
        "ReportKindEnum": "community.moderation.models.Kind",
        "DiaryImportStatusEnum": "community.diary.models.ImportJob.Status",
        "ListCollaboratorStatusEnum": "community.lists.models.ListCollaborator.Status",
    },
    "TAGS": [
        {"name": "auth", "description": "Obtain or revoke a token (`Authorization: Token <key>`), sign up."},
        {"name": "movies", "description": "The catalog: search, filters, details, statistics."},
        {"name": "reviews", "description": "Reviews of a movie and likes; only authors change theirs."},
        {"name": "ratings", "description": "Your half-star ratings."},
        {"name": "discussions", "description": "Threads about a movie and their replies."},
        {"name": "watchlist", "description": "Movies you mean to watch."},
        {"name": "follows", "description": "Members you follow, who follows you, and your feed."},
        {"name": "people", "description": "Public profiles and reviews of members."},
        {"name": "me", "description": "Your profile, taste profile, data export and account deletion."},
        {"name": "recommendations", "description": "Your picks with reasons, and similar movies."},
        {"name": "generation", "description": "AI-generated drafts and suggestions: 202, then poll."},
        {"name": "studios", "description": "Studio console, scoped to the studios you belong to."},
        {"name": "moderation", "description": "Report a review, thread or reply to site staff."},
        {"name": "lists", "description": "Film lists: films and notes, collaborators, likes, comments."},
        {"name": "diary", "description": "Your film diary, others' visible entries, Letterboxd import."},
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "community.core.api.schema.add_error_responses",
    ],
}

CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cinecircle",
    }
}
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith("redis://"):
    CACHES["default"] = {
        "BACKEND": "community.core.cache.ReusedClientRedisCache",
        "LOCATION": CACHE_URL,
        # A Redis that hangs must not hang every request (and /healthz) with it.
        "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
    }
    # Sessions read from the shared cache, written through to the database. Only with a shared
    # cache: with one per process, a logout in one process would not end the cached session
    # in the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # One cache for every process: what one process invalidates, all see. Member pages are then
    # checked against a version in the cache instead of a stamp query (community.core.pagecache),
    # and the signed-in user is read from a copy kept there (community.accounts.backends).
    CACHE_IS_SHARED = True
elif not DEBUG and not envbool("ALLOW_PER_PROCESS_CACHE", "0"):
    # Throttle counters live in the cache: with one cache per process, four web workers would
    # allow four times the attempts. (Lockouts are kept in the database either way.)
    raise ImproperlyConfigured(
        "Set CACHE_URL=redis://... when DEBUG is off: rate limits need a cache every process shares "
        "(ALLOW_PER_PROCESS_CACHE=1 accepts a single-process deployment)."
    )

# One JSON object per line in production (time, level, logger, message, request_id; see
# community/core/logging.py), readable text while developing. The web process and the Celery
# workers (community/celery.py) both log through this.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "community.core.logging.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "community.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
