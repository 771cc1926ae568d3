"""The signed-in member's notifications over the API: the same selectors (what is shown, the
unread count) and services (marking read, the digest choice) as the pages."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.core.members import signed_in_member
from community.notifications import selectors, services
from community.notifications.api.serializers import (
    MarkedSerializer,
    MarkReadInputSerializer,
    NotificationSerializer,
    NotificationSettingsInputSerializer,
    NotificationSettingsSerializer,
    UnreadCountSerializer,
)
from community.notifications.models import Notification

TAG = ["notifications"]


class NotificationsApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notifications_for(user=signed_in_member(self.request))

    @extend_schema(
        tags=TAG,
        summary="Your notifications, newest first (as on /notifications/)",
        responses={200: NotificationSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            NotificationSerializer(selectors.items(page or []), many=True).data
        )


class UnreadCountApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = UnreadCountSerializer

    @extend_schema(
        tags=TAG, summary="How many of your notifications are unread", responses={200: UnreadCountSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_count(user=signed_in_member(request))})


class MarkReadApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = MarkedSerializer

    @extend_schema(
        tags=TAG,
        summary='Mark some of your notifications read ("ids"), or all of them ("all": true)',
        request=MarkReadInputSerializer,
        responses={200: MarkedSerializer},
    )
    def post(self, request: Request) -> Response:
        data = MarkReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = signed_in_member(request)
        if data.validated_data["all"]:
            marked = services.notifications_mark_all_read(user=member)
        else:
            marked = services.notifications_mark_read(
                user=member, notification_ids=data.validated_data["ids"]
            )
        return Response({"marked": marked, "unread": selectors.unread_count(user=member)})


class NotificationSettingsApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSettingsSerializer

    @extend_schema(
        tags=TAG, summary="Your notification choices", responses={200: NotificationSettingsSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response({"email_digest": selectors.digest_enabled(user=signed_in_member(request))})

    @extend_schema(
        tags=TAG,
        summary="Turn the daily email digest of unread notifications on or off",
        request=NotificationSettingsInputSerializer,
        responses={200: NotificationSettingsSerializer},
    )
    def put(self, request: Request) -> Response:
        data = NotificationSettingsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        choice = services.notification_settings_update(
            user=signed_in_member(request), email_digest=data.validated_data["email_digest"]
        )
        return Response({"email_digest": choice.email_digest})
