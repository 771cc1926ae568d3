"""Trigram (pg_trgm) GIN indexes so catalog search by title, director and cast stays fast.

Only on PostgreSQL; on SQLite the selectors fall back to plain LIKE scans (fine for 9,000 rows).
The expressions match what Django emits for `__icontains`: UPPER(col::text) LIKE UPPER('%q%').
"""

from django.db import migrations

COLUMNS = ("title", "director_names", "cast_names")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS movies_movie_{column}_trgm "
            f'ON movies_movie USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS movies_movie_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("movies", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
