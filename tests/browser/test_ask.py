"""Ask CineCircle in headless Chromium (see conftest.py): a conversation of three turns, the
chips showing how each was understood, the explanations arriving by polling, at 1280 and 390 px.

The explanation task is captured instead of sent to the broker and run in the test (with the
fake generator), so the pending state can be seen first. Screenshots go to the shots folder.
Run with: pytest tests/browser/test_ask.py -m browser
"""

from __future__ import annotations

import pytest

from tests.factories import TEST_PASSWORD, GenreFactory, MovieFactory
from tests.recommender.conftest import members_who_love

pytestmark = pytest.mark.browser


@pytest.fixture
def ask_world(transactional_db, fake_models, tmp_path, settings, monkeypatch):
    from recommender.ask import tasks
    from recommender.hybrid import cache
    from recommender.services import recommender_model

    settings.RECOMMENDER_MODEL_DIR = tmp_path / "models"
    settings.RECOMMENDER_TRAIN_OPTIONS = {"als_factors": 8, "als_iterations": 4, "pool_size": 30, "folds": 1}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.forget_loaded()
    genres = {name: GenreFactory(name=name) for name in ("Comedy", "Horror", "Sci-Fi")}
    movies: dict[str, list] = {name: [] for name in genres}
    for i in range(24):
        name = list(genres)[i % 3]
        movies[name].append(
            MovieFactory(
                title=f"{name} tale {i}",
                year=1975 + 3 * i,
                runtime_minutes=85 + 5 * (i % 8),
                genres=[genres[name]],
            )
        )
    users = members_who_love(movies, members=12)
    # comedies nobody has rated yet, across the 1980s and 1990s, long and short
    for year, minutes in ((1984, 88), (1987, 118), (1991, 92), (1994, 121), (1997, 96), (1999, 84)):
        MovieFactory(
            title=f"Unseen comedy {year}", year=year, runtime_minutes=minutes, genres=[genres["Comedy"]]
        )
    recommender_model.recommender_train(content="tfidf")
    member = users[0]  # loves comedy
    member.username = "maya"
    member.set_password(TEST_PASSWORD)
    member.save()
    sent: list[tuple[int, str]] = []
    monkeypatch.setattr(
        tasks.ask_turn_complete, "apply_async", lambda args, task_id: sent.append((args[0], task_id))
    )
    yield {"member": member, "sent": sent}
    cache.forget_loaded()


def run_sent(sent) -> None:
    from recommender.ask.models import AskTurn
    from recommender.ask.tasks import ask_turn_complete

    while sent:
        turn_id, task_id = sent.pop(0)
        result = ask_turn_complete.apply(args=[turn_id], task_id=task_id)
        assert result.successful(), result.traceback
        assert not AskTurn.objects.get(pk=turn_id).pending


def test_a_three_turn_conversation_with_chips_and_explanations(live_server, ask_world, new_page, shot):
    base = live_server.url
    for width in (1280, 390):
        page = new_page(width=width)
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", "maya")
        page.fill("#id_password", TEST_PASSWORD)
        page.click("main button:has-text('Log in')")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto(base + "/ask/")
        if page.locator("text=New conversation").count():
            page.click("text=New conversation")  # the 390 px run starts afresh too
        for turn, text in enumerate(["a comedy from the 90s", "older", "shorter"], start=1):
            page.locator("main form input[name=text], main form textarea[name=text]").last.fill(text)
            page.locator("main form button:has-text('Ask')").last.click()
            page.wait_for_selector(f"#turn-{turn}")
            article = page.locator(f"#turn-{turn}")
            assert article.locator(".chip").count() >= 1
            run_sent(ask_world["sent"])
            page.wait_for_selector(f"#turn-{turn}[data-ask-status=ready]", timeout=10_000)
            assert article.locator(".ask-pick").count() >= 1
            shot(page, f"ask-{width}-turn-{turn}")
        chips = page.locator("#turn-3 .chip").all_inner_texts()
        assert any("omedy" in c for c in chips)
        assert any("1980" in c for c in chips)  # "older" moved the 1990s back a decade
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
