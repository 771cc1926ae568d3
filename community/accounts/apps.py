from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "community.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import exports
        from .backends import on_user_saved_or_deleted
        from .models import User

        # copies of the user kept in the shared cache (MemberBackend) are replaced after any change
        post_save.connect(on_user_saved_or_deleted, sender=User, dispatch_uid="accounts:member-copy")
        post_delete.connect(on_user_saved_or_deleted, sender=User, dispatch_uid="accounts:member-copy")
        # community's sections of "download my data" (community/core/exports.py)
        exports.register()
