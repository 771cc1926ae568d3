"""Recommender's sections of "download my data": what the models derived from the member.

Registered from RecommenderConfig.ready() with community.core.exports (community never
imports recommender). Every row says which model produced it.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from community.accounts.models import User
from community.core.exports import Shape, section_register, when
from recommender.models import (
    GeneratedText,
    Recommendation,
    RecommendationFeedback,
    ReviewAnalysis,
    TasteProfile,
)

RECOMMENDER = 100  # after community's sections


def _taste_profile(user: User) -> dict[str, Any] | None:
    profile = TasteProfile.objects.filter(user=user).first()
    if profile is None:
        return None
    return {
        "summary": profile.summary,
        "preferences": profile.preferences,
        "rating_count": profile.rating_count,
        "review_count": profile.review_count,
        "updated_at": when(profile.updated_at),
    }


def _review_analyses(user: User) -> list[dict[str, Any]]:
    analyses = ReviewAnalysis.objects.filter(review__user=user).select_related("review__movie")
    return [
        {
            "review_id": a.review_id,
            "movie_slug": a.review.movie.slug,
            "label": a.label,
            "score": a.score,
            "confidence": a.confidence,
            "aspects": a.aspects,
            "model_name": a.model_name,
            "model_version": a.model_version,
            "analysed_at": when(a.analysed_at),
        }
        for a in analyses.order_by("review__created_at", "pk")
    ]


def _generated_texts(user: User) -> list[dict[str, Any]]:
    texts = GeneratedText.objects.filter(user=user).select_related("movie")
    return [
        {
            "kind": t.kind,
            "movie": t.movie.title,
            "movie_slug": t.movie.slug,
            "status": t.status,
            "text": t.text,
            "payload": t.payload,
            "is_fallback": t.is_fallback,
            "model_name": t.model_name,
            "model_version": t.model_version,
            "created_at": when(t.created_at),
            "updated_at": when(t.updated_at),
        }
        for t in texts.order_by("created_at", "pk")
    ]


def _recommendations(user: User) -> list[dict[str, Any]]:
    rows = Recommendation.objects.filter(user=user).select_related("movie")
    return [
        {
            "row": r.row,
            "row_subject": r.row_subject,
            "rank": r.rank,
            "movie": r.movie.title,
            "movie_slug": r.movie.slug,
            "score": r.score,
            "reason": r.reason,
            "model_version": r.model_version,
            "created_at": when(r.created_at),
        }
        for r in rows.order_by("row", "rank")
    ]


def _recommendation_feedback(user: User) -> list[dict[str, Any]]:
    feedback = RecommendationFeedback.objects.filter(user=user).select_related("movie")
    return [
        {"kind": f.kind, "movie": f.movie.title, "movie_slug": f.movie.slug, "created_at": when(f.created_at)}
        for f in feedback.order_by("created_at", "pk")
    ]


def _generation_charges(user: User) -> list[dict[str, Any]]:
    try:
        model = apps.get_model("recommender", "GenerationCharge")
    except LookupError:  # not in this version of the schema
        return []
    charges = model._default_manager.filter(user=user).select_related("movie")
    return [
        {
            "kind": c.kind,
            "movie_slug": c.movie.slug if c.movie else None,
            "charged_at": when(c.charged_at),
        }
        for c in charges.order_by("charged_at", "pk")
    ]


def _ask_conversations(user: User) -> list[dict[str, Any]]:
    from recommender.ask.models import AskConversation

    conversations = AskConversation.objects.filter(user=user).prefetch_related("turns")
    return [
        {
            "created_at": when(c.created_at),
            "updated_at": when(c.updated_at),
            "turns": [
                {
                    "number": t.number,
                    "text": t.text,
                    "language": t.language,
                    "query": t.query,
                    "notices": t.notices,
                    "picks": t.picks,
                    "popular_fallback": t.popular_fallback,
                    "created_at": when(t.created_at),
                }
                for t in sorted(c.turns.all(), key=lambda t: t.number)
            ],
        }
        for c in conversations.order_by("created_at", "pk")
    ]


def _rating_factors(user: User) -> dict[str, Any] | None:
    import numpy as np

    from recommender.predicted.models import MemberRatingFactors

    row = MemberRatingFactors.objects.filter(user=user).first()
    if row is None:
        return None
    return {
        "model_version": row.model_version,
        "bias": row.bias,
        "factors": [round(float(x), 6) for x in np.frombuffer(bytes(row.factors), dtype=np.float32)],
        "rating_count": row.rating_count,
        "updated_at": when(row.updated_at),
    }


def register() -> None:
    section_register(
        "taste_profile",
        _taste_profile,
        models=["recommender.TasteProfile"],
        shape=Shape.OBJECT,
        help_text="The taste profile the models derived from your ratings and reviews (null: none yet).",
        order=RECOMMENDER,
    )
    section_register(
        "review_analyses",
        _review_analyses,
        models=["recommender.ReviewAnalysis"],
        help_text="The sentiment and aspects the model read in each of your reviews.",
        order=RECOMMENDER + 1,
    )
    section_register(
        "generated_texts",
        _generated_texts,
        models=["recommender.GeneratedText"],
        help_text="AI-generated texts made for you: review drafts, discussion questions, explanations.",
        order=RECOMMENDER + 2,
    )
    section_register(
        "recommendations",
        _recommendations,
        models=["recommender.Recommendation"],
        help_text="Your stored recommendation rows, with their reasons.",
        order=RECOMMENDER + 3,
    )
    section_register(
        "recommendation_feedback",
        _recommendation_feedback,
        models=["recommender.RecommendationFeedback"],
        help_text='"Not interested" and "More like this".',
        order=RECOMMENDER + 4,
    )
    section_register(
        "generation_charges",
        _generation_charges,
        models=["recommender.GenerationCharge"],
        help_text="Uses of your AI generation budget in its current window (what was generated, when).",
        order=RECOMMENDER + 5,
    )
    section_register(
        "ask_conversations",
        _ask_conversations,
        models=["recommender.AskConversation", "recommender.AskTurn"],
        help_text="Your Ask CineCircle conversations: each request, how it was understood, the picks and "
        "their AI-generated sentences (with the model that wrote them).",
        order=RECOMMENDER + 6,
    )
    section_register(
        "rating_factors",
        _rating_factors,
        models=["recommender.MemberRatingFactors"],
        shape=Shape.OBJECT,
        help_text="The numbers your predicted ratings come from: your bias and factors, folded in from "
        "your own ratings (null: none yet).",
        order=RECOMMENDER + 7,
    )
