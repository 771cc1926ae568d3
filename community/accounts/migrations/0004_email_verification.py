from django.db import migrations, models
from django.db.models import F


def existing_accounts_count_as_verified(apps, schema_editor):
    """Accounts made before verification existed keep posting as before: every account with an
    address (members and imported ones alike) counts as verified since it joined. Members
    without an address stay unverified (they post with the daily limit until they add one)."""
    User = apps.get_model("accounts", "User")
    User.objects.exclude(email="").filter(email_verified_at__isnull=True).update(
        email_verified_at=F("date_joined")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_login_lockout_and_hashed_api_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="pending_email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.RunPython(existing_accounts_count_as_verified, migrations.RunPython.noop),
    ]
