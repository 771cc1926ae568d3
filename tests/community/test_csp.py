"""Every response carries a strict Content-Security-Policy, and no template needs it relaxed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.community.test_pages_smoke import urls, world  # noqa: F401  (the smoke sweep's pages and data)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
SITE_CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"


def policy_of(response) -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: set(values) for name, *values in directives}


def assert_strict(policy: dict[str, set[str]], url: str) -> None:
    assert policy.get("default-src") == {"'self'"}, (url, policy)
    assert policy.get("object-src") == {"'none'"}, (url, policy)
    assert policy.get("base-uri") == {"'self'"}, (url, policy)
    assert policy.get("frame-ancestors") == {"'none'"}, (url, policy)
    assert policy.get("form-action") == {"'self'"}, (url, policy)
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy.get(directive, set()), (url, directive)
        assert "'unsafe-eval'" not in policy.get(directive, set()), (url, directive)


def test_every_page_of_the_smoke_sweep_answers_with_a_strict_policy(client, world):  # noqa: F811
    anonymous = [
        *urls(world),
        "/movies/no-such-movie/",  # the 404 page
        "/admin/login/",
        reverse("api:schema"),
        "/api/v1/movies/",
        "/api/v1/no-such-endpoint/",
    ]
    for url in anonymous:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert_strict(policy_of(response), url)

    client.force_login(UserFactory())
    for url in [reverse("social:feed"), reverse("accounts:settings"), reverse("accounts:onboarding")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(policy_of(response), url)


def test_the_api_docs_relax_only_what_their_bundles_need(client):
    swagger = policy_of(client.get(reverse("api:docs")))
    redoc = policy_of(client.get(reverse("api:redoc")))
    for policy in (swagger, redoc):
        assert policy["default-src"] == {"'self'"}
        assert policy["script-src"] == {"'self'"}  # never inline or eval'd scripts, even here
        assert policy["object-src"] == {"'none'"} and policy["frame-ancestors"] == {"'none'"}
    assert "'unsafe-inline'" in redoc["style-src"]  # Redoc injects its styles at run time


def test_swagger_ui_loads_its_start_script_from_a_url_not_inline(client):
    page = client.get(reverse("api:docs")).content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert inline_scripts == []
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', page)
    assert script_url, page
    script = client.get(script_url.group(1).replace("&amp;", "&"))
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_no_template_has_an_inline_style_or_script_the_policy_would_block():
    inline_style_attribute = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
    style_block = re.compile(r"<style\b", re.IGNORECASE)
    inline_script = re.compile(r"<script\b(?![^>]*\bsrc\s*=)", re.IGNORECASE)
    event_handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    javascript_url = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        for name, pattern in [
            ("style attribute", inline_style_attribute),
            ("<style> block", style_block),
            ("inline <script>", inline_script),
            ("event handler attribute", event_handler),
            ("javascript: URL", javascript_url),
        ]:
            if pattern.search(text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {name}")
    assert offenders == []


def test_the_stylesheet_has_a_class_for_every_poster_hue_and_every_percentage():
    css = SITE_CSS.read_text()
    hues = set(map(int, re.findall(r"\.hue-(\d+)\s*\{\s*--hue:\s*(?:\d+)\s*;?\s*\}", css)))
    percents = set(map(int, re.findall(r"\.pct-(\d+)\s*\{\s*--pct:\s*\d+%\s*;?\s*\}", css)))
    assert hues == set(range(360))  # the `hue` filter gives 0-359
    assert percents == set(range(101))  # star fills and histogram bars round to whole percents


def test_the_poster_and_histogram_take_their_hue_and_height_from_classes(client, world):  # noqa: F811
    page = client.get(world["movie"].get_absolute_url()).content.decode()
    listing = client.get(reverse("movies:list")).content.decode()
    assert re.search(r'class="poster hue-\d+"', listing)
    assert re.search(r'class="stars-fill pct-\d+"', page)
    assert re.search(r'class="bar-fill pct-\d+"', page)
