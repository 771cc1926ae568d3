"""Neighbour lists as JSON instead of PostgreSQL arrays, so that SQLite can store them too.

PostgreSQL has no cast from integer[] or double precision[] to jsonb (nor back), so its columns
are converted in place with to_jsonb() before the AlterFields, which then find jsonb and cast it
to itself (and going back, converted to arrays after them). On SQLite the RunPythons do nothing
and the AlterFields rebuild the tables, which hold no rows: no array could ever be bound there.
The GIN index is dropped first and made again with the jsonb opclass.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

TABLES = ("recommender_reviewvector", "recommender_threadvector")
# Each column, with its array type for going back.
COLUMNS = (("neighbour_ids", "integer[]"), ("neighbour_scores", "double precision[]"))


def arrays_to_jsonb(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column, _ in COLUMNS:
            schema_editor.execute(
                f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE jsonb USING to_jsonb("{column}")'
            )


def jsonb_to_arrays(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column, array_type in COLUMNS:
            # A USING clause takes no subquery: '[1, 2]' becomes the array literal '{1, 2}'.
            schema_editor.execute(
                f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {array_type} '
                f"USING translate(\"{column}\"::text, '[]', '{{}}')::{array_type}"
            )


def _neighbours_index(name):
    return GinIndex(fields=["neighbour_ids"], opclasses=["jsonb_path_ops"], name=name)


class Migration(migrations.Migration):
    dependencies = [("recommender", "0009_ask")]

    operations = [
        migrations.RemoveIndex(model_name="reviewvector", name="reviewvector_neighbours"),
        migrations.RemoveIndex(model_name="threadvector", name="threadvector_neighbours"),
        migrations.RunPython(arrays_to_jsonb, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                model_name=model, name=column, field=models.JSONField(blank=True, default=list)
            )
            for model in ("reviewvector", "threadvector")
            for column, _ in COLUMNS
        ),
        migrations.RunPython(migrations.RunPython.noop, jsonb_to_arrays),
        migrations.AddIndex(model_name="reviewvector", index=_neighbours_index("reviewvector_neighbours")),
        migrations.AddIndex(model_name="threadvector", index=_neighbours_index("threadvector_neighbours")),
    ]
