"""The Content-Security-Policy in a real browser: pages and the API docs load without a violation.

Screenshots (home, a movie page, a profile) go to the shots folder (conftest.py), so the look can be
compared with the pages before the policy. Run with: pytest tests/browser/test_csp.py -m browser
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import (
    TEST_PASSWORD,
    GenreFactory,
    MovieFactory,
    RatingFactory,
    ReviewFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

# Runs before any script of the page (injected by the browser, so the policy does not apply to it)
# and keeps every violation the page reports; the console messages are a second witness.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


@pytest.fixture
def site(transactional_db):
    drama, crime = GenreFactory(name="Drama"), GenreFactory(name="Crime")
    raters = [UserFactory(username=f"rater{i}") for i in range(5)]
    movies = []
    for rank, title in enumerate(["Heat", "Ronin", "Fargo", "Se7en", "Casablanca", "Alien"]):
        movie = MovieFactory(
            title=title,
            year=1990 + rank,
            genres=[drama, crime] if rank % 2 else [drama],
            director_names="Michael Mann",
            cast_names="Al Pacino, Robert De Niro",
            plot=f"{title} is a film. A crew of professionals faces a choice that changes everything.",
            plot_source="Wikipedia",
            plot_license="CC BY-SA 4.0",
        )
        for i, rater in enumerate(raters[: 5 - rank % 3]):
            RatingFactory(user=rater, movie=movie, score=Decimal(str(min(5.0, 2.0 + (i + rank) % 7 * 0.5))))
        movies.append(movie)
    member = UserFactory(username="cinephile", first_name="Maya", bio="I watch everything twice.")
    for movie, score in zip(movies[:4], ["5.0", "3.5", "4.0", "2.5"], strict=True):
        RatingFactory(user=member, movie=movie, score=Decimal(score))
    ReviewFactory(user=member, movie=movies[0], body="The diner scene is the best conversation in film.")
    ThreadFactory(movie=movies[0], author=member, title="Was the ending inevitable?")
    from community.movies.services import movie_stats_refresh

    movie_stats_refresh(movie_ids=[m.pk for m in movies])
    return {"movie": movies[0], "member": member}


def test_pages_and_api_docs_load_under_a_strict_policy_without_a_violation(live_server, site, new_page, shot):
    page = new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    base = live_server.url

    def visit(path: str, ready: str, expected: tuple[str, ...] = ()) -> None:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy and "object-src 'none'" in policy, (path, policy)
        page.wait_for_selector(ready, state="attached")
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__cspViolations")
        assert [v for v in violations if not v.startswith(expected)] == [], (path, violations)

    visit("/", "h2#popular")
    shot(page, "csp-home-anonymous")

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "cinephile")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(base + "/")

    visit("/", "main")
    shot(page, "csp-home-member")
    visit(site["movie"].get_absolute_url(), ".bars .bar-fill")
    # The placeholder poster and the rating bars take their colour and height from classes now.
    heights = page.eval_on_selector_all(".bars .bar-fill", "els => els.map(el => el.offsetHeight)")
    assert max(heights) > 20 and len(set(heights)) > 1, heights
    shot(page, "csp-movie")
    visit("/u/cinephile/", "main")
    shot(page, "csp-profile")

    # Swagger UI and Redoc run their bundles from the app under a policy relaxed only for them.
    visit("/api/docs/", ".swagger-ui .opblock")
    shot(page, "csp-api-docs", full_page=False)
    # Redoc's footer logo comes from its CDN: blocked on purpose, and Redoc then hides it.
    redoc_logo = "img-src blocked https://cdn.redoc.ly/"
    visit("/api/redoc/", "[data-section-id]", expected=(redoc_logo,))
    shot(page, "csp-api-redoc", full_page=False)

    reported = [text for text in console if "Content Security Policy" in text and "cdn.redoc.ly" not in text]
    assert reported == []
