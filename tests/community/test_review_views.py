import pytest
from django.test import Client
from django.urls import reverse

from community.reviews import views
from community.reviews.models import Rating, Review, ReviewLike
from tests.factories import MovieFactory, RatingFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_rating_from_the_movie_page_saves_and_redirects_back(member_client, user):
    movie = MovieFactory()
    response = member_client.post(reverse("reviews:rate", kwargs={"slug": movie.slug}), {"score": "4.5"})
    assert response.status_code == 302 and response.url == movie.get_absolute_url()
    assert Rating.objects.get(user=user, movie=movie).score == 4.5


def test_a_bad_rating_value_is_refused_with_a_message(member_client):
    movie = MovieFactory()
    response = member_client.post(
        reverse("reviews:rate", kwargs={"slug": movie.slug}), {"score": "7"}, follow=True
    )
    assert b"between 0.5 and 5" in response.content and not Rating.objects.exists()


def test_rating_redirects_only_to_this_site(member_client):
    movie = MovieFactory()
    url = reverse("reviews:rate", kwargs={"slug": movie.slug})
    response = member_client.post(url, {"score": "3", "next": "https://evil.example/"})
    assert response.url == movie.get_absolute_url()


def test_anonymous_visitors_cannot_rate_or_review(client):
    movie = MovieFactory()
    response = client.post(reverse("reviews:rate", kwargs={"slug": movie.slug}), {"score": "3"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    response = client.post(reverse("reviews:create", kwargs={"slug": movie.slug}), {"body": "hi"})
    assert response.status_code == 302 and not Review.objects.exists()


def test_forms_need_a_csrf_token():
    user, movie = UserFactory(), MovieFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("reviews:create", kwargs={"slug": movie.slug}), {"body": "Sneaky"})
    assert response.status_code == 403 and not Review.objects.exists()


def test_posting_a_review_with_spoilers_hides_it_until_clicked(member_client, user):
    movie = MovieFactory()
    response = member_client.post(
        reverse("reviews:create", kwargs={"slug": movie.slug}),
        {"body": "Bruce Willis was <script>alert(1)</script> dead", "has_spoilers": "on"},
    )
    review = Review.objects.get(user=user, movie=movie)
    assert response.url == f"{movie.get_absolute_url()}#review-{review.pk}"
    page = member_client.get(movie.get_absolute_url()).content.decode()
    assert '<details class="spoiler">' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


@pytest.mark.parametrize("body", ["", "    ", "x" * 10_001])
def test_an_invalid_review_shows_an_inline_error_and_keeps_the_text(member_client, body):
    movie = MovieFactory()
    response = member_client.post(
        reverse("reviews:create", kwargs={"slug": movie.slug}), {"body": body, "has_spoilers": "on"}
    )
    assert response.status_code == 400 and "body" in response.context["form"].errors
    assert response.context["form"]["has_spoilers"].value() is True
    if body.strip():
        assert body.encode() in response.content
    assert not Review.objects.exists()


def test_a_second_review_goes_to_editing_the_first(member_client, user):
    review = ReviewFactory(user=user)
    response = member_client.get(reverse("reviews:create", kwargs={"slug": review.movie.slug}))
    assert response.url == reverse("reviews:edit", kwargs={"pk": review.pk})


def test_the_author_edits_and_deletes_their_review(member_client, user):
    review = ReviewFactory(user=user, body="Before")
    member_client.post(reverse("reviews:edit", kwargs={"pk": review.pk}), {"body": "After"})
    review.refresh_from_db()
    assert review.body == "After" and not review.has_spoilers
    response = member_client.post(reverse("reviews:delete", kwargs={"pk": review.pk}))
    assert response.status_code == 302 and not Review.objects.filter(pk=review.pk).exists()


def test_others_cannot_edit_or_delete_a_review(member_client):
    review = ReviewFactory(body="Original")
    for name in ["reviews:edit", "reviews:delete"]:
        assert member_client.get(reverse(name, kwargs={"pk": review.pk})).status_code == 403
    assert (
        member_client.post(reverse("reviews:edit", kwargs={"pk": review.pk}), {"body": "Hacked"}).status_code
        == 403
    )
    assert member_client.post(reverse("reviews:delete", kwargs={"pk": review.pk})).status_code == 403
    review.refresh_from_db()
    assert review.body == "Original"


def test_unknown_review_ids_are_404(member_client):
    assert member_client.get(reverse("reviews:edit", kwargs={"pk": 999999})).status_code == 404
    assert member_client.post(reverse("reviews:like", kwargs={"pk": 999999})).status_code == 404


def test_liking_toggles_and_answers_json_for_scripts(member_client, user):
    review = ReviewFactory()
    url = reverse("reviews:like", kwargs={"pk": review.pk})
    response = member_client.post(url, HTTP_ACCEPT="application/json")
    assert response.json() == {"liked": True, "like_count": 1}
    response = member_client.post(url)
    assert response.status_code == 302 and not ReviewLike.objects.exists()
    review.refresh_from_db()
    assert review.like_count == 0


def test_liking_ones_own_review_is_refused(member_client, user):
    review = ReviewFactory(user=user)
    response = member_client.post(
        reverse("reviews:like", kwargs={"pk": review.pk}), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and not ReviewLike.objects.exists()


def test_movie_reviews_sort_by_most_liked(client):
    movie = MovieFactory()
    ReviewFactory(movie=movie, body="meh", like_count=1)
    ReviewFactory(movie=movie, body="loved", like_count=9)
    response = client.get(movie.get_absolute_url(), {"order": "liked"})
    assert [r.body for r in response.context["reviews"].object_list] == ["loved", "meh"]


def test_review_list_query_count_is_bounded(member_client, django_assert_max_num_queries):
    for _ in range(20):
        ReviewFactory()
    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("reviews:list"))
    assert len(response.context["page"].object_list) == 20


def test_a_sentiment_badge_shows_once_the_analysis_exists(client):
    from django.utils import timezone

    from recommender.models import ReviewAnalysis  # test only: community code never imports recommender

    movie = MovieFactory()
    analysed, plain = ReviewFactory(movie=movie), ReviewFactory(movie=movie)
    ReviewAnalysis.objects.create(
        review=analysed,
        label="positive",
        score=0.8,
        confidence=0.9,
        text_hash="x",
        model_name="test",
        model_version="1",
        analysed_at=timezone.now(),
    )
    content = client.get(movie.get_absolute_url()).content.decode()
    assert content.count("sentiment-positive") == 1
    assert f'id="review-{plain.pk}"' in content


def test_clearing_a_rating(member_client, user):
    rating = RatingFactory(user=user)
    member_client.post(reverse("reviews:rating_clear", kwargs={"slug": rating.movie.slug}))
    assert not Rating.objects.exists()


def test_the_review_form_page_works_without_the_recommenders_draft_panel(member_client, user, monkeypatch):
    # Community only fills the slot when the recommender app provides the template tag.
    monkeypatch.setattr(views, "template_tag_available", lambda library, tag: False)
    movie = MovieFactory()
    RatingFactory(user=user, movie=movie)
    content = member_client.get(reverse("reviews:create", kwargs={"slug": movie.slug})).content.decode()
    assert 'id="review-form"' in content and "Post review" in content
    assert "ai-review-draft" not in content and "js/ai.js" not in content
