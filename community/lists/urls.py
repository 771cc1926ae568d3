from django.urls import path

from community.lists import views

app_name = "lists"

urlpatterns = [
    path("lists/", views.list_index, name="index"),
    path("lists/mine/", views.my_lists, name="mine"),
    path("lists/new/", views.list_create, name="create"),
    path("lists/import/", views.list_import, name="import"),
    path("lists/add-film/", views.film_add, name="film_add"),
    path("lists/invitations/", views.invitations, name="invitations"),
    path("lists/invitations/<int:pk>/", views.invitation_answer, name="invitation_answer"),
    path("lists/<int:pk>/", views.list_detail, name="detail"),
    path("lists/<int:pk>/edit/", views.list_edit, name="edit"),
    path("lists/<int:pk>/delete/", views.list_delete, name="delete"),
    path("lists/<int:pk>/like/", views.list_like, name="like"),
    path("lists/<int:pk>/export.csv", views.list_export, name="export"),
    path("lists/<int:pk>/collaborators/", views.collaborators, name="collaborators"),
    path("lists/<int:pk>/films/<int:entry_pk>/move/", views.entry_move, name="entry_move"),
    path("lists/<int:pk>/films/<int:entry_pk>/remove/", views.entry_remove, name="entry_remove"),
    path("lists/<int:pk>/films/<int:entry_pk>/note/", views.entry_note, name="entry_note"),
    path("lists/comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
]
