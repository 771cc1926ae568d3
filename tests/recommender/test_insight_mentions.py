"""Characters, performers and moments found in plots and reviews (pure Python, no DB)."""

from recommender.insight.mentions import (
    Character,
    film_characters,
    mention_counts,
    parse_cast,
    split_sentences,
)
from recommender.insight.moments import film_moments

WIKI_PLOT = (
    "The Wizard of Oz is a 1939 American musical fantasy film produced by Metro-Goldwyn-Mayer. "
    "Directed primarily by Victor Fleming, the film stars Judy Garland as Dorothy Gale alongside "
    "Ray Bolger, Jack Haley, Bert Lahr and Margaret Hamilton. It lost Best Picture to Gone with the "
    "Wind, also directed by Fleming. Dorothy lives on a Kansas farm with her dog Toto. A tornado "
    "carries Dorothy and Toto to Oz, where Toto bites the witch. The songs were written by "
    "Harold Arlen, and Arlen won an Academy Award."
)
WIKI_CAST = "Judy Garland, Ray Bolger, Jack Haley, Bert Lahr, Margaret Hamilton"

SYNOPSIS_PLOT = (
    "In 1931, in Chicago, Michael Sullivan (Tom Hanks), a hit man working for John Rooney "
    "(Paul Newman), faces a dilemma when his son witnesses a killing. A hit man is sent to kill "
    "Sullivan and his family, but only kills his wife and son, Peter. Meanwhile, Maguire "
    "(Jude Law), another hit man, is sent to kill Sullivan. Mike Sullivan (Tom Hanks) goes on "
    "the run with his son."
)
SYNOPSIS_CAST = "Tom Hanks, Paul Newman, Jude Law, Daniel Craig"


def names(characters: list[Character]) -> dict[str, str | None]:
    return {c.name: c.actor for c in characters}


def test_cast_string_is_split_on_commas_without_duplicates() -> None:
    assert parse_cast(" Tom Hanks,Paul Newman , Tom Hanks,, ") == ["Tom Hanks", "Paul Newman"]


def test_sentences_are_split_even_when_paragraphs_are_glued() -> None:
    assert split_sentences("It flopped.The 1956 broadcast saved it. Fans wept!") == [
        "It flopped.",
        "The 1956 broadcast saved it.",
        "Fans wept!",
    ]


def test_actor_as_character_links_the_character_to_the_actor() -> None:
    found = film_characters(plot=WIKI_PLOT, cast_names=WIKI_CAST)
    dorothy = next(c for c in found if c.name == "Dorothy Gale")
    assert dorothy.actor == "Judy Garland"
    assert set(dorothy.aliases) == {"Dorothy", "Gale"}
    assert "Judy Garland as Dorothy Gale" in dorothy.line


def test_a_recurring_name_outside_the_cast_is_a_character_without_actor() -> None:
    assert names(film_characters(plot=WIKI_PLOT, cast_names=WIKI_CAST))["Toto"] is None


def test_crew_places_actors_and_common_words_are_not_characters() -> None:
    found = names(film_characters(plot=WIKI_PLOT, cast_names=WIKI_CAST))
    for wrong in (
        "Fleming",
        "Victor Fleming",
        "Oz",
        "Kansas",
        "Arlen",
        "Harold Arlen",
        "Ray Bolger",
        "Academy",
    ):
        assert wrong not in found
    assert "Dorothy" not in found  # an alias of Dorothy Gale, not a second character


def test_character_then_actor_in_brackets_and_two_spellings_of_one_role() -> None:
    found = film_characters(plot=SYNOPSIS_PLOT, cast_names=SYNOPSIS_CAST)
    assert names(found) == {
        "Michael Sullivan": "Tom Hanks",
        "John Rooney": "Paul Newman",
        "Maguire": "Jude Law",
    }
    sullivan = found[0]
    assert "Mike Sullivan" in sullivan.aliases


def test_a_bracketed_full_name_missing_from_a_cut_cast_is_still_the_actor() -> None:
    plot = "Harry Potter (Daniel Radcliffe) returns to school. Harry Potter meets Dobby."
    assert names(film_characters(plot=plot, cast_names="Alan Rickman")) == {
        "Harry Potter": "Daniel Radcliffe"
    }


def test_a_name_seen_once_and_not_paired_with_an_actor_is_skipped() -> None:
    plot = "A lonely widow meets Walter at a dance. They marry within a week."
    assert film_characters(plot=plot, cast_names="") == []


def test_empty_plot_gives_no_characters() -> None:
    assert film_characters(plot="", cast_names=WIKI_CAST) == []


REVIEWS = [
    (1, "Garland is luminous as Dorothy, and the last twenty minutes are pure magic.", 0.9),
    (1, "The shower scene still shocks.", 0.4),
    (2, "Judy Garland carries the film; the final 20 minutes drag a little.", -0.2),
    (3, "Toto steals every scene, and the shower scene is a masterclass.", 0.8),
    (3, "The twist ending felt cheap.", -0.7),
    (4, "Ray Bolger dances beautifully, but the ending is a cop-out.", 0.1),
    (5, "I hated the ending and the car chase.", -0.8),
    (6, "The car chase is the best since Bullitt, and the ending lands.", 0.7),
    (7, "Bolger and Lahr are fine, though the scene drags and the devilish act of the witch bores.", 0.0),
]


def test_mentions_match_full_names_surnames_and_aliases_case_sensitively() -> None:
    characters = film_characters(plot=WIKI_PLOT, cast_names=WIKI_CAST)
    counts = mention_counts(sentences=REVIEWS, characters=characters, performers=parse_cast(WIKI_CAST))
    assert counts["Dorothy Gale"]["review_ids"] == [1]
    assert counts["Judy Garland"]["review_ids"] == [1, 2]
    assert counts["Judy Garland"]["kind"] == "performer"
    assert counts["Ray Bolger"]["review_ids"] == [4, 7]
    assert counts["Toto"]["reviews"] == 1
    assert counts["Margaret Hamilton"]["reviews"] == 0
    assert counts["Judy Garland"]["sentiment"] == 0.35
    assert counts["Dorothy Gale"]["sentences"] == [(1, REVIEWS[0][1], 0.9)]


def test_a_surname_shared_by_two_performers_only_counts_with_the_full_name() -> None:
    sentences = [(1, "Baldwin is great.", 0.5), (2, "Alec Baldwin is great.", 0.5)]
    counts = mention_counts(
        sentences=sentences, characters=[], performers=["Alec Baldwin", "Stephen Baldwin"]
    )
    assert counts["Alec Baldwin"]["review_ids"] == [2]
    assert counts["Stephen Baldwin"]["review_ids"] == []


def test_a_mention_needs_whole_words() -> None:
    sentences = [(1, "A Hanksian everyman.", 0.5), (2, "Hanks' best work.", 0.5)]
    counts = mention_counts(sentences=sentences, characters=[], performers=["Tom Hanks"])
    assert counts["Tom Hanks"]["review_ids"] == [2]


def test_moments_are_normalised_ranked_by_reviews_and_quoted() -> None:
    moments = film_moments(sentences=REVIEWS)
    phrases = [m.phrase for m in moments]
    assert phrases[0] == "the ending"  # reviews 4, 5, 6 (and not "the twist ending" of review 3)
    assert moments[0].reviews == 3
    assert set(phrases) == {"the ending", "the final 20 minutes", "the shower scene", "the car chase"}
    twenty = next(m for m in moments if m.phrase == "the final 20 minutes")
    assert twenty.review_ids == (1, 2)
    assert twenty.sentiment == 0.35
    assert len(twenty.quotes) == 2 and all("minutes" in q for q in twenty.quotes)


def test_vague_phrases_and_single_review_moments_are_left_out() -> None:
    phrases = {m.phrase for m in film_moments(sentences=REVIEWS, min_reviews=1)}
    assert "the scene" not in phrases and "the act" not in phrases and "the devilish act" not in phrases
    assert "the twist ending" in phrases


def test_at_most_three_quotes_from_different_reviews() -> None:
    sentences = [(i // 2, f"The opening scene is great, take {i}.", 0.5) for i in range(10)]
    moment = film_moments(sentences=sentences)[0]
    assert moment.phrase == "the opening scene"
    assert moment.reviews == 5
    assert len(moment.quotes) == 3


def test_the_film_title_is_neither_a_character_mention_nor_a_moment() -> None:
    sentences = [
        (1, "Harry Potter and the Chamber of Secrets is overlong.", -0.5),
        (2, "Radcliffe's Harry Potter has grown up.", 0.5),
        (3, "It earns the Hollywood Ending it wants.", 0.5),
        (4, "Allen nails the Hollywood Ending.", 0.2),
    ]
    harry = Character(name="Harry Potter", actor="Daniel Radcliffe", aliases=("Harry", "Potter"))
    counts = mention_counts(
        sentences=sentences,
        characters=[harry],
        performers=[],
        film_title="Harry Potter and the Chamber of Secrets",
    )
    assert counts["Harry Potter"]["sentences"] == [sentences[1]]
    assert film_moments(sentences=sentences, film_title="Hollywood Ending", min_reviews=1) == []


def test_titles_franchises_and_credit_lists_are_not_characters() -> None:
    plot = (
        "The Empire Strikes Back is a 1980 film written by Leigh Brackett and Lawrence Kasdan. "
        "It is the best film in the Star Wars saga. Darth Vader hunts the rebels. "
        "Lucas later hired Kasdan, and The Empire Strikes Back opened in May. "
        "Darth Vader reveals a secret. Following the success of Star Wars, a sequel came. "
        "Luke fights Darth Vader."
    )
    assert names(film_characters(plot=plot, cast_names="Mark Hamill")) == {"Darth Vader": None}


def test_identical_review_sentences_are_quoted_once() -> None:
    sentences = [(1, "Far too long, and the ending was a letdown.", -0.8)] + [
        (2, "Far too long, and the ending was a letdown.", -0.8)
    ]
    moment = film_moments(sentences=sentences)[0]
    assert moment.reviews == 2
    assert moment.quotes == ("Far too long, and the ending was a letdown.",)


def test_a_genre_word_after_the_head_noun_is_not_a_moment() -> None:
    sentences = [(1, "It mixes the prison flick and the fight film.", 0.5), (2, "Like the fight movie.", 0.1)]
    assert film_moments(sentences=sentences) == []


def test_the_title_acronyms_demonyms_and_plurals_are_not_characters() -> None:
    plot = (
        "Grey Gardens is a 1975 documentary film. It follows Edie and her mother in Grey Gardens. "
        "The SS guards watch Edie. The SS leaves. A Romanian nurse, a Romanian cook. "
        "The Alien returns and the Aliens multiply; the Aliens win. They hear Edie sing."
    )
    assert names(film_characters(plot=plot, cast_names="", film_title="Grey Gardens")) == {"Edie": None}


def test_the_subject_of_the_opening_is_a_film_sentence_is_the_title() -> None:
    plot = "Mean Streets is a 1973 crime film. Charlie meets Johnny Boy. Mean Streets won. Charlie runs."
    assert "Mean Streets" not in names(film_characters(plot=plot, cast_names=""))


def test_a_wikipedia_lead_needs_three_uses_of_an_unpaired_name() -> None:
    lead = "Amour is a 2012 drama film. It was made by Michael Haneke. Michael Haneke won."
    synopsis = (
        "Anne falls ill. Her husband Georges nurses Anne at home. Later, Georges tires of Anne's silence."
    )
    assert film_characters(plot=lead, cast_names="") == []
    assert names(film_characters(plot=synopsis, cast_names="")) == {"Anne": None, "Georges": None}


def test_a_rank_before_a_name_is_no_alias_of_the_character() -> None:
    plot = (
        "Neil McCauley (Robert De Niro) leads a crew of thieves in Los Angeles. "
        "Lieutenant Vincent Hanna (Al Pacino) hunts McCauley and his crew."
    )
    hanna = next(
        c
        for c in film_characters(plot=plot, cast_names="Al Pacino, Robert De Niro")
        if c.actor == "Al Pacino"
    )
    assert "Lieutenant" not in hanna.aliases and set(hanna.aliases) == {"Vincent", "Hanna"}
    counts = mention_counts(
        sentences=[(1, "Another Lieutenant steals the show.", 0.1), (2, "Hanna is obsessed.", 0.5)],
        characters=[hanna],
        performers=[],
    )
    assert counts[hanna.name]["review_ids"] == [2]
