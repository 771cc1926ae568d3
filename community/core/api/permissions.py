"""Object permissions and studio scoping shared by the API views."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView


class IsOwnerOrReadOnly(permissions.BasePermission):
    """Anyone may read; only the row's owner (``owner_field`` on the view, default ``user``) may change it."""

    message = "Only the author can change this."

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        owner_field = getattr(view, "owner_field", "user")
        return request.user.is_authenticated and getattr(obj, f"{owner_field}_id") == request.user.pk


class IsStudioMember(permissions.BasePermission):
    """Scopes studio endpoints: the signed-in user must belong to the studio named in the URL.

    Views set ``studio_lookup_kwarg`` (default ``studio_slug``). A signed-in outsider gets 404
    whether or not the studio exists, as on the console's pages, so the answer reveals neither
    which studios there are nor who belongs to them. Insiders without the right role (an
    analyst changing members) get 403 from the service.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user.is_authenticated:
            return False
        slug = view.kwargs.get(getattr(view, "studio_lookup_kwarg", "studio_slug"))
        if slug is None:
            return True
        if not request.user.studio_memberships.filter(studio__slug=slug).exists():
            raise NotFound
        return True
