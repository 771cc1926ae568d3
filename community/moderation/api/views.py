"""Reports through the API. Writes go through community.moderation.services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.core.members import signed_in_member
from community.moderation import selectors, services
from community.moderation.api.serializers import ReportInputSerializer, ReportSerializer


class ReportCreateApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ReportInputSerializer

    @extend_schema(
        tags=["moderation"],
        summary="Report a review, thread, reply or list comment to site staff (once each)",
        description=(
            "400 with field errors for a bad kind, reason or note, an unknown or hidden post "
            '(`{"id": [...]}`), your own post, or a second report of the same post '
            '(`{"non_field_errors": ["You already reported this."]}`).'
        ),
        request=ReportInputSerializer,
        responses={201: ReportSerializer},
    )
    def post(self, request: Request) -> Response:
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            target = selectors.reportable_get(kind=data.validated_data["kind"], pk=data.validated_data["id"])
        except Http404:
            raise ValidationError({"id": "No such post."}) from None
        report = services.report_create(
            reporter=signed_in_member(request),
            target=target,
            reason=data.validated_data["reason"],
            note=data.validated_data["note"],
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)
