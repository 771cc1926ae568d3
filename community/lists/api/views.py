"""Film lists over the API: the same selectors (who sees what) and services (who changes what)
as the pages. A list the caller may not see answers 404, as on the site."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from community.accounts.models import User
from community.core.members import signed_in_member
from community.lists import selectors, services
from community.lists.api.serializers import (
    CollaboratorSerializer,
    CommentInputSerializer,
    EntryInputSerializer,
    EntryMoveInputSerializer,
    EntrySerializer,
    EntryUpdateInputSerializer,
    FilmListInputSerializer,
    FilmListSerializer,
    FilmListUpdateInputSerializer,
    InvitationAnswerInputSerializer,
    InvitationSerializer,
    InviteInputSerializer,
    LikeSerializer,
    ListCommentSerializer,
    ReorderInputSerializer,
)
from community.lists.models import FilmList, ListCollaborator, ListComment, ListEntry
from community.movies.models import Movie

TAG = ["lists"]


def _list(request: Request, list_id: int) -> FilmList:
    return selectors.list_get(pk=list_id, viewer=request.user)


def _fresh(film_list: FilmList, request: Request) -> FilmList:
    return selectors.list_get(pk=film_list.pk, viewer=request.user)


class ListsApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = FilmListSerializer

    def get_queryset(self) -> QuerySet[FilmList]:
        if getattr(self, "swagger_fake_view", False):
            return FilmList.objects.none()
        params = self.request.query_params
        sort = params.get("sort", "")
        if sort == "popular":
            return selectors.popular_lists()
        if sort == "recent":
            return selectors.recent_lists()
        movie = None
        if params.get("movie", "").isdigit():
            movie = get_object_or_404(Movie, pk=int(params["movie"]))
        owner = None
        if params.get("owner"):
            owner = get_object_or_404(User, username=params["owner"][:150])
        return selectors.list_search(
            viewer=self.request.user, query=params.get("q", ""), movie=movie, owner=owner
        )

    @extend_schema(
        tags=TAG,
        summary="Lists you may see: search, by film or owner, or public lists by popularity",
        parameters=[
            OpenApiParameter("q", str, description="Words of the title or description."),
            OpenApiParameter("movie", int, description="Only lists holding this movie id."),
            OpenApiParameter("owner", str, description="Only this member's lists."),
            OpenApiParameter(
                "sort",
                str,
                enum=["popular", "recent"],
                description="popular: public lists most liked in 30 days, then ever; recent: public lists "
                "last updated first. Without it: newest first among the lists you may see.",
            ),
        ],
        responses={200: FilmListSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(FilmListSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG, summary="Start a list", request=FilmListInputSerializer, responses={201: FilmListSerializer}
    )
    def post(self, request: Request) -> Response:
        data = FilmListInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        film_list = services.list_create(owner=signed_in_member(request), **data.validated_data)
        return Response(FilmListSerializer(_fresh(film_list, request)).data, status=status.HTTP_201_CREATED)


class ListDetailApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = FilmListSerializer
    queryset = FilmList.objects.none()

    @extend_schema(tags=TAG, summary="A list", responses={200: FilmListSerializer})
    def get(self, request: Request, list_id: int) -> Response:
        return Response(FilmListSerializer(_list(request, list_id)).data)

    @extend_schema(
        tags=TAG,
        summary="Change your list (owner only)",
        request=FilmListUpdateInputSerializer,
        responses={200: FilmListSerializer},
    )
    def patch(self, request: Request, list_id: int) -> Response:
        film_list = _list(request, list_id)
        data = FilmListUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values: dict[str, Any] = {
            name: data.validated_data.get(name, getattr(film_list, name))
            for name in ("title", "description", "ranked", "visibility", "collaborative")
        }
        services.list_update(film_list=film_list, user=signed_in_member(request), **values)
        return Response(FilmListSerializer(_fresh(film_list, request)).data)

    @extend_schema(
        tags=TAG,
        summary="Delete your list (owner only)",
        description="A public list other members commented on stays for their comments, without "
        "owner, description or notes.",
        responses={204: None},
    )
    def delete(self, request: Request, list_id: int) -> Response:
        services.list_delete(film_list=_list(request, list_id), user=signed_in_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntriesApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = EntrySerializer

    def get_queryset(self) -> QuerySet[ListEntry]:
        if getattr(self, "swagger_fake_view", False):
            return ListEntry.objects.none()
        return selectors.list_entries(film_list=_list(self.request, self.kwargs["list_id"]))

    @extend_schema(
        tags=TAG, summary="The films of a list, in order", responses={200: EntrySerializer(many=True)}
    )
    def get(self, request: Request, list_id: int) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EntrySerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Add a film at the end (owner and collaborators)",
        request=EntryInputSerializer,
        responses={201: EntrySerializer},
    )
    def post(self, request: Request, list_id: int) -> Response:
        film_list = _list(request, list_id)
        data = EntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        movie = Movie.objects.filter(pk=data.validated_data["movie_id"]).first()
        if movie is None:
            raise ValidationError({"movie_id": ["No movie with this id."]})
        entry = services.entry_add(
            film_list=film_list, user=signed_in_member(request), movie=movie, note=data.validated_data["note"]
        )
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


def _entry(request: Request, list_id: int, entry_id: int) -> ListEntry:
    film_list = _list(request, list_id)
    entry = selectors.entry_get(film_list=film_list, pk=entry_id)
    entry.film_list = film_list
    return entry


class EntryDetailApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = EntrySerializer
    queryset = ListEntry.objects.none()

    @extend_schema(tags=TAG, summary="One film of a list", responses={200: EntrySerializer})
    def get(self, request: Request, list_id: int, entry_id: int) -> Response:
        return Response(EntrySerializer(_entry(request, list_id, entry_id)).data)

    @extend_schema(
        tags=TAG,
        summary="Change a film's note",
        request=EntryUpdateInputSerializer,
        responses={200: EntrySerializer},
    )
    def patch(self, request: Request, list_id: int, entry_id: int) -> Response:
        entry = _entry(request, list_id, entry_id)
        data = EntryUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.entry_update(
            entry=entry, user=signed_in_member(request), note=data.validated_data["note"]
        )
        return Response(EntrySerializer(entry).data)

    @extend_schema(tags=TAG, summary="Take a film off the list", responses={204: None})
    def delete(self, request: Request, list_id: int, entry_id: int) -> Response:
        services.entry_remove(entry=_entry(request, list_id, entry_id), user=signed_in_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntryMoveApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = EntrySerializer
    queryset = ListEntry.objects.none()

    @extend_schema(
        tags=TAG,
        summary="Move a film one place up or down",
        request=EntryMoveInputSerializer,
        responses={200: EntrySerializer},
    )
    def post(self, request: Request, list_id: int, entry_id: int) -> Response:
        entry = _entry(request, list_id, entry_id)
        data = EntryMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.entry_move(
            entry=entry, user=signed_in_member(request), direction=data.validated_data["direction"]
        )
        return Response(EntrySerializer(entry).data)


class ReorderApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = EntrySerializer
    queryset = ListEntry.objects.none()
    pagination_class = None

    @extend_schema(
        tags=TAG,
        summary="Put all the films of a list in a new order",
        request=ReorderInputSerializer,
        responses={200: EntrySerializer(many=True)},
    )
    def post(self, request: Request, list_id: int) -> Response:
        film_list = _list(request, list_id)
        data = ReorderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.entries_reorder(
            film_list=film_list, user=signed_in_member(request), entry_ids=data.validated_data["entry_ids"]
        )
        return Response(EntrySerializer(selectors.list_entries(film_list=film_list), many=True).data)


class LikeApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = LikeSerializer
    queryset = FilmList.objects.none()

    def _answer(self, request: Request, list_id: int, liked: bool) -> Response:
        film_list = _list(request, list_id)
        services.list_like_set(film_list=film_list, user=signed_in_member(request), liked=liked)
        return Response({"liked": liked, "like_count": getattr(_fresh(film_list, request), "like_count", 0)})

    @extend_schema(tags=TAG, summary="Like a public list", request=None, responses={200: LikeSerializer})
    def post(self, request: Request, list_id: int) -> Response:
        return self._answer(request, list_id, True)

    @extend_schema(tags=TAG, summary="Stop liking a list", responses={200: LikeSerializer})
    def delete(self, request: Request, list_id: int) -> Response:
        return self._answer(request, list_id, False)


class CommentsApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = ListCommentSerializer

    def get_queryset(self) -> QuerySet[ListComment]:
        if getattr(self, "swagger_fake_view", False):
            return ListComment.objects.none()
        film_list = _list(self.request, self.kwargs["list_id"])
        return selectors.list_comments(film_list=film_list, viewer=self.request.user)

    @extend_schema(
        tags=TAG,
        summary="Comments on a list, oldest first",
        responses={200: ListCommentSerializer(many=True)},
    )
    def get(self, request: Request, list_id: int) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ListCommentSerializer(page, many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Comment on a public list",
        request=CommentInputSerializer,
        responses={201: ListCommentSerializer},
    )
    def post(self, request: Request, list_id: int) -> Response:
        film_list = _list(request, list_id)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_create(
            film_list=film_list, user=signed_in_member(request), body=data.validated_data["body"]
        )
        return Response(ListCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetailApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = ListCommentSerializer
    queryset = ListComment.objects.none()

    def _comment(self, request: Request, comment_id: int) -> ListComment:
        comment = get_object_or_404(
            ListComment.objects.visible_to(request.user).select_related("author", "film_list"), pk=comment_id
        )
        selectors.list_get(pk=comment.film_list_id, viewer=request.user)  # 404 on a list they cannot see
        return comment

    @extend_schema(tags=TAG, summary="A comment", responses={200: ListCommentSerializer})
    def get(self, request: Request, comment_id: int) -> Response:
        return Response(ListCommentSerializer(self._comment(request, comment_id)).data)

    @extend_schema(
        tags=TAG,
        summary="Edit your comment",
        request=CommentInputSerializer,
        responses={200: ListCommentSerializer},
    )
    def patch(self, request: Request, comment_id: int) -> Response:
        comment = self._comment(request, comment_id)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_update(
            comment=comment, user=signed_in_member(request), body=data.validated_data["body"]
        )
        return Response(ListCommentSerializer(comment).data)

    @extend_schema(tags=TAG, summary="Delete your comment", responses={204: None})
    def delete(self, request: Request, comment_id: int) -> Response:
        services.comment_delete(comment=self._comment(request, comment_id), user=signed_in_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CollaboratorsApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CollaboratorSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[ListCollaborator]:
        if getattr(self, "swagger_fake_view", False):
            return ListCollaborator.objects.none()
        return selectors.collaborators_of(film_list=_list(self.request, self.kwargs["list_id"]))

    @extend_schema(
        tags=TAG, summary="Who is invited to a list", responses={200: CollaboratorSerializer(many=True)}
    )
    def get(self, request: Request, list_id: int) -> Response:
        return Response(CollaboratorSerializer(self.get_queryset(), many=True).data)

    @extend_schema(
        tags=TAG,
        summary="Invite a member to your collaborative list",
        request=InviteInputSerializer,
        responses={201: CollaboratorSerializer},
    )
    def post(self, request: Request, list_id: int) -> Response:
        film_list = _list(request, list_id)
        data = InviteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = User.objects.filter(username__iexact=data.validated_data["username"]).first()
        if member is None:
            raise ValidationError({"username": ["No member with this username."]})
        row = services.collaborator_invite(film_list=film_list, user=signed_in_member(request), member=member)
        return Response(CollaboratorSerializer(row).data, status=status.HTTP_201_CREATED)


class CollaboratorDetailApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CollaboratorSerializer
    queryset = ListCollaborator.objects.none()

    @extend_schema(
        tags=TAG,
        summary="Remove a collaborator or withdraw an invitation (owner), or leave (yourself)",
        responses={204: None},
    )
    def delete(self, request: Request, list_id: int, username: str) -> Response:
        film_list = _list(request, list_id)
        member = get_object_or_404(User, username=username)
        if not services.collaborator_remove(
            film_list=film_list, user=signed_in_member(request), member=member
        ):
            return Response({"detail": "Not invited to this list."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationsApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = InvitationSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[ListCollaborator]:
        return selectors.invitations_for(user=self.request.user)

    @extend_schema(
        tags=TAG,
        summary="Invitations waiting for your answer",
        responses={200: InvitationSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return Response(InvitationSerializer(self.get_queryset(), many=True).data)


class InvitationAnswerApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = InvitationSerializer
    queryset = ListCollaborator.objects.none()

    @extend_schema(
        tags=TAG,
        summary="Answer an invitation: accept (then you change the list's films) or decline",
        request=InvitationAnswerInputSerializer,
        responses={200: InvitationSerializer, 204: None},
    )
    def post(self, request: Request, invitation_id: int) -> Response:
        member = signed_in_member(request)
        invitation = selectors.invitation_get(pk=invitation_id, user=member)
        data = InvitationAnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["answer"] == "accept":
            invitation = services.invitation_accept(invitation=invitation, user=member)
            return Response(InvitationSerializer(invitation).data)
        services.collaborator_remove(film_list=invitation.film_list, user=member, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)
