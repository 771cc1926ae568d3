"""The support check's labelled set: made from film texts, deterministic, split by film."""

import pytest
from django.core.management import call_command

from recommender.llm.support_set import (
    Film,
    best_threshold,
    build_pairs,
    flagging,
    plot_sentences,
    sentences_of,
    split_by_film,
)

FILMS = [
    Film(
        "1",
        "Spartacus",
        "Spartacus is a 1960 American epic film directed by Stanley Kubrick and starring Kirk Douglas as "
        "Spartacus. The slave Spartacus escapes from a gladiator school run by Peter Ustinov's Batiatus. "
        "He leads a revolt of three thousand slaves against Rome and marries Varinia on the way.",
        cast=["Kirk Douglas", "Laurence Olivier", "Jean Simmons", "Peter Ustinov"],
        directors=["Stanley Kubrick"],
    ),
    Film(
        "2",
        "Alien",
        "Alien is a 1979 science fiction horror film directed by Ridley Scott. The crew of the tug "
        "Nostromo answers a distress call and Ellen Ripley kills the creature that hunts them, after it "
        "killed Kane. Sigourney Weaver stars as Ripley in her first leading role.",
        cast=["Sigourney Weaver", "Tom Skerritt", "John Hurt", "Ian Holm"],
        directors=["Ridley Scott"],
    ),
    Film(
        "3",
        "Taxi Driver",
        "Taxi Driver is a 1976 American psychological thriller film directed by Martin Scorsese. It follows "
        "Travis Bickle, a lonely veteran who drives a taxi at night and befriends a young girl named Iris. "
        "Travis arrives in New York after the war and wins nothing but contempt.",
        cast=["Robert De Niro", "Jodie Foster", "Cybill Shepherd", "Harvey Keitel"],
        directors=["Martin Scorsese"],
    ),
]


def test_a_sentence_ends_at_its_full_stop_not_after_an_initial_or_a_title():
    text = "McCabe & Mrs. Miller is a 1971 film. It was written by A. B. Guthrie Jr. and others. "
    text += "Fine &amp; good."
    assert sentences_of(text) == [
        "McCabe & Mrs. Miller is a 1971 film.",
        "It was written by A. B. Guthrie Jr. and others.",
        "Fine & good.",
    ]
    assert plot_sentences("One two three. " * 100, chars=60) == ["One two three."] * 4


def test_the_set_is_the_same_for_a_seed_whatever_the_films_order_and_differs_for_another_seed():
    pairs = build_pairs(FILMS, seed=3)
    assert pairs == build_pairs(list(reversed(FILMS)), seed=3)
    assert pairs != build_pairs(FILMS, seed=4)


def test_supported_sentences_come_from_the_source_and_unsupported_ones_change_it():
    pairs = build_pairs(FILMS, seed=3)
    assert sum(p.supported for p in pairs) >= 9 and sum(not p.supported for p in pairs) >= 9
    for p in pairs:
        if p.how == "verbatim":
            assert p.sentence in p.source
        if not p.supported:
            assert p.sentence not in p.source
    by_how = {p.how for p in pairs if not p.supported}
    assert {"name", "transplant"} <= by_how and by_how & {"number", "verb"}
    for p in pairs:
        if p.how == "name":
            # another real cast name, from another film, in a person's place
            others = {n for f in FILMS if f.key != p.film for n in f.cast}
            assert any(n in p.sentence for n in others)
        if p.how == "transplant":
            film = next(f for f in FILMS if f.key == p.film)
            assert any(n in p.sentence for n in film.cast + [film.title])


def test_the_split_keeps_each_films_pairs_on_one_side():
    train, held = split_by_film(build_pairs(FILMS, seed=3), held_out=0.34, seed=1)
    assert train and held
    assert not {p.film for p in train} & {p.film for p in held}


def test_the_threshold_is_chosen_to_flag_low_scores_and_is_scored_by_precision_and_recall():
    assert best_threshold([-4.0, -3.0, 1.0, 2.0], [False, False, True, True]) == -1.0
    # one supported sentence among three low ones: flagging it too beats missing two unsupported
    assert best_threshold([-5.0, -4.0, -3.5, -3.0, 2.0, 3.0], [False, True, False, False, True, True]) == -0.5
    scores = [-4.0, -3.0, -1.0, 0.5, 2.0, 3.0]
    supported = [False, False, True, False, True, True]
    f = flagging(scores, supported, 0.0)
    assert (f.precision, f.recall, f.false_alarms) == (2 / 3, 2 / 3, 1 / 3)
    assert (f.n_supported, f.n_unsupported) == (3, 3)


@pytest.mark.django_db
def test_calibrate_support_reports_held_out_figures_and_keeps_the_threshold(
    fake_models, tmp_path, monkeypatch, capsys
):
    from community.movies.models import Credit, Person
    from recommender.llm import support
    from tests.factories import MovieFactory

    monkeypatch.setattr(support, "THRESHOLDS_FILE", tmp_path / "thresholds.json")
    for film in FILMS:
        movie = MovieFactory(
            title=film.title,
            plot=film.plot,
            cast_names=", ".join(film.cast),
            director_names=film.directors[0],
        )
        for order, name in enumerate(film.cast):
            Credit.objects.create(
                movie=movie, person=Person.objects.create(name=name), role="cast", order=order
            )

    call_command("calibrate_support", "--films", "3", "--seed", "3", "--write")

    out = capsys.readouterr().out
    machine = [line for line in out.splitlines() if line.startswith("support judge=fake-support-1")]
    assert len(machine) == 1 and "heldout_precision=" in machine[0] and "films=3" in machine[0]
    assert "threshold" in support.stored_thresholds()["fake-support-1"]
