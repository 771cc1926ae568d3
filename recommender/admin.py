"""The admin's view of trained models: which is served, its content vectors (TF-IDF or MiniLM),
and the validation figures each recommender retrain recorded (so a retrain the guard kept out
shows why)."""

from __future__ import annotations

from django.contrib import admin

from recommender.models import ModelArtifact


def _validation(artifact: ModelArtifact) -> dict:
    return (artifact.metrics or {}).get("validation") or {}


@admin.register(ModelArtifact)
class ModelArtifactAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "version",
        "is_active",
        "content_vectors",
        "validation_ndcg10",
        "best_single_scorer",
        "fell_back",
        "rejected",
        "created_at",
    )
    list_filter = ("kind", "is_active")
    search_fields = ("version",)
    date_hierarchy = "created_at"
    readonly_fields = ("kind", "version", "path", "is_active", "metrics", "created_at")

    def has_add_permission(self, request) -> bool:  # models are trained, not typed in
        return False

    @admin.display(description="content vectors")
    def content_vectors(self, artifact: ModelArtifact) -> str:
        """tfidf (a first start's model, until its MiniLM upgrade) or minilm:<version>."""
        return str((artifact.metrics or {}).get("content", ""))

    @admin.display(description="validation NDCG@10")
    def validation_ndcg10(self, artifact: ModelArtifact):
        return _validation(artifact).get("ndcg10")

    @admin.display(description="best single scorer")
    def best_single_scorer(self, artifact: ModelArtifact) -> str:
        figures = _validation(artifact)
        if not figures.get("best_single"):
            return ""
        return f"{figures['best_single']} ({figures.get('best_single_ndcg10')})"

    @admin.display(description="blend fell back", boolean=True)
    def fell_back(self, artifact: ModelArtifact):
        return _validation(artifact).get("fell_back") if _validation(artifact) else None

    @admin.display(description="not swapped in because")
    def rejected(self, artifact: ModelArtifact) -> str:
        return (artifact.metrics or {}).get("rejected", "")
