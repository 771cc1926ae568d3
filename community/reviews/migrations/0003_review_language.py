from django.db import migrations, models

from community.reviews.language import LANGUAGE_CHOICES, detect_language


def detect_existing(apps, schema_editor):
    """Every review written before the field existed gets its language now."""
    Review = apps.get_model("reviews", "Review")
    batch = []
    for review in Review.objects.filter(language="").only("pk", "body").iterator(chunk_size=2000):
        review.language = detect_language(review.body)
        batch.append(review)
        if len(batch) >= 2000:
            Review.objects.bulk_update(batch, ["language"])
            batch = []
    Review.objects.bulk_update(batch, ["language"])


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_hidden_by_moderators"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="language",
            field=models.CharField(blank=True, choices=LANGUAGE_CHOICES, default="", max_length=8),
        ),
        migrations.RunPython(detect_existing, migrations.RunPython.noop, elidable=True),
    ]
