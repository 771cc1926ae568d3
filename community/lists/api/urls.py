from django.urls import path

from community.lists.api import views

urlpatterns = [
    path("lists/", views.ListsApi.as_view(), name="lists"),
    path("lists/invitations/", views.InvitationsApi.as_view(), name="list-invitations"),
    path(
        "lists/invitations/<int:invitation_id>/",
        views.InvitationAnswerApi.as_view(),
        name="list-invitation-answer",
    ),
    path("lists/comments/<int:comment_id>/", views.CommentDetailApi.as_view(), name="list-comment-detail"),
    path("lists/<int:list_id>/", views.ListDetailApi.as_view(), name="list-detail"),
    path("lists/<int:list_id>/entries/", views.EntriesApi.as_view(), name="list-entries"),
    path(
        "lists/<int:list_id>/entries/<int:entry_id>/",
        views.EntryDetailApi.as_view(),
        name="list-entry-detail",
    ),
    path(
        "lists/<int:list_id>/entries/<int:entry_id>/move/",
        views.EntryMoveApi.as_view(),
        name="list-entry-move",
    ),
    path("lists/<int:list_id>/reorder/", views.ReorderApi.as_view(), name="list-reorder"),
    path("lists/<int:list_id>/like/", views.LikeApi.as_view(), name="list-like"),
    path("lists/<int:list_id>/comments/", views.CommentsApi.as_view(), name="list-comments"),
    path("lists/<int:list_id>/collaborators/", views.CollaboratorsApi.as_view(), name="list-collaborators"),
    path(
        "lists/<int:list_id>/collaborators/<name:username>/",
        views.CollaboratorDetailApi.as_view(),
        name="list-collaborator-detail",
    ),
]
