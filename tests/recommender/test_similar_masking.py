from recommender.similar.masking import film_masked


def test_the_films_title_and_people_become_what_they_are():
    text = "Jackson is always watchable, and Peter Jackson's The Two Towers is a fine middle chapter."
    masked = film_masked(
        text,
        title="The Lord of the Rings: The Two Towers",
        directors="Peter Jackson",
        cast="Elijah Wood, Viggo Mortensen",
    )
    assert masked == "the director is always watchable, and the director's the film is a fine middle chapter."


def test_a_title_with_a_parenthesis_or_an_article_is_masked_in_its_short_forms():
    assert film_masked("Snow Dogs is a snow cone.", title="Snow Dogs") == "the film is a snow cone."
    assert film_masked("Atanarjuat is long.", title="The Fast Runner (Atanarjuat)") == "Atanarjuat is long."
    assert film_masked("Fast Runner is long.", title="The Fast Runner (Atanarjuat)") == "the film is long."


def test_a_surname_is_masked_without_its_suffix_and_only_as_a_whole_word():
    text = "Gooding mugs; Woodstock is not Wood; Coburn growls."
    masked = film_masked(text, title="Snow Dogs", cast="Cuba Gooding Jr., James Coburn, Elijah Wood")
    assert masked == "the actor mugs; Woodstock is not the actor; the actor growls."


def test_a_film_without_credits_leaves_names_alone():
    assert film_masked("Jackson is always watchable.", title="Formula 51") == "Jackson is always watchable."
