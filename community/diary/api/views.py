"""The diary API: one's own entries (list, log, change, delete), others' visible ones, a member's
tags, and the Letterboxd import. The same services and selectors as the pages, so both answer alike."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.accounts.models import User
from community.accounts.selectors import user_get_public
from community.core.api.lookups import clean_lookup
from community.core.members import signed_in_member
from community.diary import imports, selectors, services
from community.diary.api.serializers import (
    DiaryEntryInputSerializer,
    DiaryEntrySerializer,
    DiaryEntryUpdateSerializer,
    ImportJobSerializer,
    ImportResolveSerializer,
    ImportUploadSerializer,
    TagCloudEntrySerializer,
    TaggedFilmsSerializer,
    TaggedReviewSerializer,
)
from community.diary.models import DiaryEntry, ImportJob
from community.movies.models import Movie

TAGS = ["diary"]


class DiaryApi(generics.GenericAPIView):
    serializer_class = DiaryEntrySerializer

    def get_queryset(self) -> QuerySet[DiaryEntry]:
        if getattr(self, "swagger_fake_view", False):
            return DiaryEntry.objects.none()
        username = self.request.query_params.get("user")
        if username:
            owner = get_object_or_404(User, username=clean_lookup(username), is_active=True)
            entries = selectors.diary_entries(owner=owner, viewer=self.request.user).select_related("user")
        elif self.request.user.is_authenticated:
            entries = selectors.diary_entries(owner=signed_in_member(self.request), viewer=self.request.user)
            entries = entries.select_related("user")
        else:
            raise NotAuthenticated("Sign in to see your diary, or name a member with ?user=.")
        tag = self.request.query_params.get("tag")
        if tag:
            entries = entries.filter(tags__slug=clean_lookup(tag))
        return entries

    @extend_schema(
        tags=TAGS,
        summary="Your diary, or another member's entries you may see (?user=)",
        parameters=[
            OpenApiParameter("user", str, description="A member's username; default: you."),
            OpenApiParameter("tag", str, description="Only entries with this tag."),
        ],
        responses={200: DiaryEntrySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(DiaryEntrySerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Log a watch (the same film and day again updates it)",
        request=DiaryEntryInputSerializer,
        responses={201: DiaryEntrySerializer},
    )
    def post(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        data = DiaryEntryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        movie = Movie.objects.filter(pk=values.pop("movie_id")).first()
        if movie is None:
            raise ValidationError({"movie_id": ["No movie with this id."]})
        entry = services.diary_entry_log(user=signed_in_member(request), movie=movie, **values)
        return Response(DiaryEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class DiaryEntryApi(generics.GenericAPIView):
    serializer_class = DiaryEntrySerializer

    def _entry(self, entry_id: int) -> DiaryEntry:
        entry = selectors.entries_visible_to(viewer=self.request.user).filter(pk=entry_id).first()
        if entry is None:
            raise Http404
        return entry

    def _own(self, entry_id: int) -> DiaryEntry:
        if not self.request.user.is_authenticated:
            raise NotAuthenticated()
        entry = self._entry(entry_id)
        if entry.user_id != self.request.user.pk:
            raise PermissionDenied("Only its owner can change this diary entry.")
        return entry

    @extend_schema(tags=TAGS, summary="One diary entry you may see", responses={200: DiaryEntrySerializer})
    def get(self, request: Request, entry_id: int) -> Response:
        return Response(DiaryEntrySerializer(self._entry(entry_id)).data)

    @extend_schema(
        tags=TAGS,
        summary="Change your entry (tags, when given, replace; rating null clears it)",
        request=DiaryEntryUpdateSerializer,
        responses={200: DiaryEntrySerializer},
    )
    def patch(self, request: Request, entry_id: int) -> Response:
        entry = self._own(entry_id)
        data = DiaryEntryUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        clear = "rating" in values and values["rating"] is None
        entry = services.diary_entry_update(
            entry=entry, user=signed_in_member(request), clear_rating=clear, **values
        )
        entry = self._entry(entry.pk)  # fresh tags
        return Response(DiaryEntrySerializer(entry).data)

    @extend_schema(
        tags=TAGS, summary="Delete your entry (the film's rating and review stay)", responses={204: None}
    )
    def delete(self, request: Request, entry_id: int) -> Response:
        services.diary_entry_delete(entry=self._own(entry_id), user=signed_in_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ImportApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ImportJobSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS,
        summary="Upload a Letterboxd export (ZIP or CSV); the import runs in the background",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={202: ImportJobSerializer},
    )
    def post(self, request: Request) -> Response:
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        job = imports.import_job_create(
            user=signed_in_member(request),
            data=upload.read(),
            filename=upload.name or "upload",
            visibility=data.validated_data["visibility"],
        )
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


def _own_job(request: Request, job_id: int) -> ImportJob:
    job = selectors.import_job_for(user=signed_in_member(request), job_id=job_id)
    if job is None:
        raise Http404
    return job


class ImportJobApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ImportJobSerializer

    @extend_schema(
        tags=TAGS,
        summary="An import's progress, summary and unmatched films",
        responses={200: ImportJobSerializer},
    )
    def get(self, request: Request, job_id: int) -> Response:
        return Response(ImportJobSerializer(_own_job(request, job_id)).data)


class ImportResolveApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ImportResolveSerializer

    @extend_schema(
        tags=TAGS,
        summary="Pick a candidate film for an unmatched one (or null to skip it)",
        request=ImportResolveSerializer,
        responses={200: ImportJobSerializer},
    )
    def post(self, request: Request, job_id: int, index: int) -> Response:
        job = _own_job(request, job_id)
        data = ImportResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = imports.import_unmatched_resolve(
            user=signed_in_member(request), job=job, index=index, movie_id=data.validated_data["movie_id"]
        )
        return Response(ImportJobSerializer(job).data)


class UserTagCloudApi(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = TagCloudEntrySerializer
    pagination_class = None  # the whole cloud, as the page shows it
    filter_backends: list = []

    @extend_schema(
        tags=["people"],
        summary="A member's tags on the watches and reviews you may see, most used first",
        responses={200: TagCloudEntrySerializer(many=True)},
    )
    def get(self, request: Request, username: str) -> Response:
        owner = user_get_public(username=clean_lookup(username))
        cloud = selectors.tag_cloud(owner=owner, viewer=request.user)
        context = {"request": request, "owner": owner}
        return Response(TagCloudEntrySerializer(cloud, many=True, context=context).data)


class UserTaggedFilmsApi(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = TaggedFilmsSerializer
    filter_backends: list = []

    @extend_schema(
        tags=["people"],
        summary="A member's films with a tag: the watches you may see (paginated) and reviews",
        parameters=[
            OpenApiParameter("page", int, description="A page number within the watches."),
            OpenApiParameter("page_size", int, description="Watches per page (at most 100)."),
        ],
        responses={200: TaggedFilmsSerializer},
    )
    def get(self, request: Request, username: str, tag: str) -> Response:
        owner = user_get_public(username=clean_lookup(username))
        films = selectors.tagged_films(owner=owner, viewer=request.user, slug=clean_lookup(tag))
        page = self.paginate_queryset(films.entries.select_related("user"))
        response = self.get_paginated_response(DiaryEntrySerializer(page, many=True).data)
        response.data["tag"] = films.slug
        response.data["reviews"] = TaggedReviewSerializer(films.reviews, many=True).data
        return response
