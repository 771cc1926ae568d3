from django_filters import rest_framework as filters

from recommender.models import Recommendation


class RecommendationFilter(filters.FilterSet):
    row = filters.ChoiceFilter(choices=Recommendation.Row.choices)

    class Meta:
        model = Recommendation
        fields: list[str] = []
