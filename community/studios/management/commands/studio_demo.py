from django.core.management.base import BaseCommand, CommandError

from community.studios.models import Studio
from community.studios.selectors import studio_with_most_watched_films
from community.studios.services import studio_demo_account_reset


class Command(BaseCommand):
    help = (
        "Create (or reset) the analyst account demo-<studio slug> for a studio and print its new "
        "one-time password and the console address to open. Default studio: the one with the most "
        "films that have ratings or reviews."
    )

    def add_arguments(self, parser):
        parser.add_argument("--studio", help='the studio\'s name or slug, e.g. "Paramount Pictures"')

    def handle(self, *args, **options):
        wanted = options["studio"]
        if wanted:
            studio = (
                Studio.objects.filter(name__iexact=wanted.strip()).first()
                or Studio.objects.filter(slug=wanted.strip().lower()).first()
            )
            if studio is None:
                hint = "run import_data first, or check the admin"
                raise CommandError(f'No studio is named "{wanted}": {hint}.')
        else:
            studio = studio_with_most_watched_films()
            if studio is None:
                raise CommandError("No studio has rated or reviewed films yet: run import_data first.")
        user, password = studio_demo_account_reset(studio=studio)
        self.stdout.write(f"Studio:   {studio.name}")
        self.stdout.write(f"Username: {user.username}")
        self.stdout.write(f"Password: {password}   (shown once; run this command again for a new one)")
        self.stdout.write(
            f"Open:     /studio/{studio.slug}/   (e.g. http://127.0.0.1:8000/studio/{studio.slug}/)"
        )
