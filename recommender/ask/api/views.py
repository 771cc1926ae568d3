"""POST /api/v1/ask/: the same service as the /ask/ page; the picks at once, a poll URL for
their AI sentences."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.core.members import signed_in_member
from recommender.ask import selectors, services

from .serializers import AskInputSerializer, AskTurnSerializer, BroadenInputSerializer


def _answer(request: Request, turn, code: int = status.HTTP_200_OK) -> Response:
    view = selectors.turn_views([turn])[0]
    return Response(AskTurnSerializer(view, context={"request": request}).data, status=code)


class AskApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AskInputSerializer

    @extend_schema(
        tags=["ask"],
        summary="Ask CineCircle for films from a sentence (English or Chinese)",
        description="Answers 201 with the request as understood (query and removable chips) and up to five "
        "picks at once; each pick's AI-generated sentence is written in the background (one unit of your "
        "generation budget each, shared with the website): poll `poll_url` until `status` is `ready`. "
        'Pass `conversation` to refine its last request ("older", "shorter", "not Spielberg").',
        request=AskInputSerializer,
        responses={201: AskTurnSerializer},
    )
    def post(self, request: Request) -> Response:
        data = AskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            turn = services.ask_request(
                user=signed_in_member(request),
                text=data.validated_data["text"],
                conversation_id=data.validated_data.get("conversation"),
            )
        except services.AskNotFound:
            raise Http404 from None
        return _answer(request, turn, status.HTTP_201_CREATED)


class AskTurnApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AskTurnSerializer

    @extend_schema(tags=["ask"], summary="Poll one turn of yours", responses={200: AskTurnSerializer})
    def get(self, request: Request, turn_id: int) -> Response:
        turn = selectors.turn(user_id=signed_in_member(request).pk, turn_id=turn_id)
        if turn is None:
            raise Http404
        return _answer(request, turn)


class AskBroadenApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = BroadenInputSerializer

    @extend_schema(
        tags=["ask"],
        summary="Remove one chip of a turn: a new turn with the broader request",
        request=BroadenInputSerializer,
        responses={201: AskTurnSerializer},
    )
    def post(self, request: Request, turn_id: int) -> Response:
        data = BroadenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            turn = services.ask_broaden(
                user=signed_in_member(request), turn_id=turn_id, chip=data.validated_data["chip"]
            )
        except services.AskNotFound:
            raise Http404 from None
        return _answer(request, turn, status.HTTP_201_CREATED)
