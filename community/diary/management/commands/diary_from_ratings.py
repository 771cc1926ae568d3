from django.core.management.base import BaseCommand

from community.diary.movielens import diary_from_ratings


class Command(BaseCommand):
    help = (
        "Turn the MovieLens raters' ratings into diary entries dated by their timestamps. "
        "Idempotent: a second run adds nothing. (import_data runs it as its 'diary' step.)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        created = diary_from_ratings(progress=not options["no_progress"])
        self.stdout.write(self.style.SUCCESS(f"{created} diary entries created"))
