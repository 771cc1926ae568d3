# Studio roles are now owner and analyst: the former "admin" role becomes "owner".

from django.db import migrations, models


def admins_become_owners(apps, schema_editor):
    StudioMembership = apps.get_model("studios", "StudioMembership")
    StudioMembership.objects.filter(role="admin").update(role="owner")


def owners_become_admins(apps, schema_editor):
    StudioMembership = apps.get_model("studios", "StudioMembership")
    StudioMembership.objects.filter(role="owner").update(role="admin")


class Migration(migrations.Migration):
    dependencies = [
        ("studios", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="studiomembership",
            name="role",
            field=models.CharField(
                choices=[("owner", "Owner"), ("analyst", "Analyst")], default="analyst", max_length=10
            ),
        ),
        migrations.RunPython(admins_become_owners, owners_become_admins),
    ]
