"""Discussion threads and replies. Writes go through community.discussions.services."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from community.core.api.permissions import IsOwnerOrReadOnly
from community.core.members import signed_in_member
from community.discussions import services
from community.discussions.api.serializers import (
    RelatedThreadSerializer,
    ReplyInputSerializer,
    ReplySerializer,
    ThreadInputSerializer,
    ThreadSerializer,
    ThreadUpdateInputSerializer,
)
from community.discussions.models import Reply, Thread
from community.discussions.related import related_threads
from community.movies.models import Movie

THREADS = Thread.objects.select_related("movie", "author")


def threads_for(request: Request) -> QuerySet[Thread]:
    """Threads the caller may see: visible ones, and their own hidden ones (marked hidden)."""
    return THREADS.visible_to(request.user)


class MovieThreadListApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = ThreadSerializer

    def get_queryset(self) -> QuerySet[Thread]:
        if getattr(self, "swagger_fake_view", False):
            return Thread.objects.none()
        return (
            threads_for(self.request)
            .filter(movie_id=self.kwargs["movie_id"])
            .order_by("-last_activity_at", "-pk")
        )

    @extend_schema(
        tags=["discussions"],
        summary="Discussion threads about a movie, most active first",
        responses={200: ThreadSerializer(many=True)},
    )
    def get(self, request: Request, movie_id: int) -> Response:
        get_object_or_404(Movie, pk=movie_id)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ThreadSerializer(page, many=True).data)

    @extend_schema(
        tags=["discussions"],
        summary="Start a discussion about a movie",
        request=ThreadInputSerializer,
        responses={201: ThreadSerializer},
    )
    def post(self, request: Request, movie_id: int) -> Response:
        movie = get_object_or_404(Movie, pk=movie_id)
        data = ThreadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread = services.thread_create(user=signed_in_member(request), movie=movie, **data.validated_data)
        return Response(ThreadSerializer(thread).data, status=status.HTTP_201_CREATED)


class ThreadDetailApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly]
    serializer_class = ThreadSerializer
    owner_field = "author"

    def get_object(self) -> Thread:
        thread = get_object_or_404(threads_for(self.request), pk=self.kwargs["thread_id"])
        self.check_object_permissions(self.request, thread)
        return thread

    @extend_schema(tags=["discussions"], summary="A discussion thread", responses={200: ThreadSerializer})
    def get(self, request: Request, thread_id: int) -> Response:
        return Response(ThreadSerializer(self.get_object()).data)

    @extend_schema(
        tags=["discussions"],
        summary="Edit your thread",
        request=ThreadUpdateInputSerializer,
        responses={200: ThreadSerializer},
    )
    def patch(self, request: Request, thread_id: int) -> Response:
        thread = self.get_object()
        data = ThreadUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        thread = services.thread_update(
            thread=thread,
            user=signed_in_member(request),
            title=data.validated_data.get("title", thread.title),
            body=data.validated_data.get("body", thread.body),
        )
        return Response(ThreadSerializer(thread).data)

    @extend_schema(
        tags=["discussions"],
        summary="Delete your thread",
        description=(
            "A thread other members replied in stays for their replies: its opening post is emptied "
            "and it has no author any more. A thread without such replies is deleted with its replies."
        ),
        responses={204: None},
    )
    def delete(self, request: Request, thread_id: int) -> Response:
        services.thread_delete(thread=self.get_object(), user=signed_in_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadRelatedApi(generics.GenericAPIView):
    pagination_class = None  # at most three: a plain list, as the schema says
    permission_classes = [AllowAny]
    serializer_class = RelatedThreadSerializer
    queryset = Thread.objects.none()  # for the schema's path parameter; get() reads the thread

    @extend_schema(
        tags=["discussions"],
        summary="Related discussions",
        description="Up to three other threads whose title and opening post are closest to this "
        "one's (MiniLM vectors), most similar first; never a thread hidden by moderators. A hidden "
        "thread has no page here (404). A thread whose author deleted their account has no author.",
        responses={200: RelatedThreadSerializer(many=True)},
    )
    def get(self, request: Request, thread_id: int) -> Response:
        thread = get_object_or_404(Thread.objects.visible(), pk=thread_id)
        return Response(RelatedThreadSerializer(related_threads(thread), many=True).data)


class ThreadReplyListApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = ReplySerializer

    def get_queryset(self) -> QuerySet[Reply]:
        if getattr(self, "swagger_fake_view", False):
            return Reply.objects.none()
        return (
            Reply.objects.visible_to(self.request.user)
            .filter(thread_id=self.kwargs["thread_id"])
            .select_related("author")
            .order_by("created_at", "pk")
        )

    @extend_schema(
        tags=["discussions"],
        summary="Replies in a thread, oldest first",
        responses={200: ReplySerializer(many=True)},
    )
    def get(self, request: Request, thread_id: int) -> Response:
        get_object_or_404(threads_for(request), pk=thread_id)
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReplySerializer(page, many=True).data)

    @extend_schema(
        tags=["discussions"],
        summary="Reply to a thread",
        request=ReplyInputSerializer,
        responses={201: ReplySerializer},
    )
    def post(self, request: Request, thread_id: int) -> Response:
        thread = get_object_or_404(threads_for(request), pk=thread_id)
        data = ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.reply_create(user=signed_in_member(request), thread=thread, **data.validated_data)
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)


class ReplyDetailApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly]
    serializer_class = ReplySerializer
    owner_field = "author"

    def get_object(self) -> Reply:
        reply = get_object_or_404(
            Reply.objects.visible_to(self.request.user)
            .filter(thread__in=threads_for(self.request).values("pk"))
            .select_related("author"),
            pk=self.kwargs["reply_id"],
        )
        self.check_object_permissions(self.request, reply)
        return reply

    @extend_schema(tags=["discussions"], summary="A reply", responses={200: ReplySerializer})
    def get(self, request: Request, reply_id: int) -> Response:
        return Response(ReplySerializer(self.get_object()).data)

    @extend_schema(
        tags=["discussions"],
        summary="Edit your reply",
        request=ReplyInputSerializer,
        responses={200: ReplySerializer},
    )
    def patch(self, request: Request, reply_id: int) -> Response:
        reply = self.get_object()
        data = ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.reply_update(reply=reply, user=signed_in_member(request), **data.validated_data)
        return Response(ReplySerializer(reply).data)

    @extend_schema(tags=["discussions"], summary="Delete your reply", responses={204: None})
    def delete(self, request: Request, reply_id: int) -> Response:
        services.reply_delete(reply=self.get_object(), user=signed_in_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
