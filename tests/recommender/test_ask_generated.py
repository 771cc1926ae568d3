"""Ask CineCircle keeps only the titles and people a request mentions (recommender/ask/generated.py):
the generator reads the request, it does not add examples of its own; and it is asked for names
only."""

from __future__ import annotations

import json

import pytest

from recommender.ask.generated import mentioned, merge_generated, names_mentioned
from recommender.ask.parsing import parse_rules
from recommender.llm import ask_prompts
from recommender.llm.ask_generation import parse_request
from recommender.llm.generation import Generated


class ScriptedBackend:
    """Answers every prompt with one fixed text, as a model might."""

    name, version = "scripted", "1"

    def __init__(self, answer: dict):
        self.answer = json.dumps(answer)

    def generate(self, messages, **kwargs):
        return Generated(text=self.answer, prompt_tokens=1, new_tokens=1, seconds=0.0)


def test_titles_and_people_the_request_never_names_are_dropped():
    # what qwen-1.5b answered to this request on the held-out bench set
    backend = ScriptedBackend(
        {
            "genres": ["Horror"],
            "like": ["Alien", "The Shining"],
            "people": ["Jack Nicholson", "Stanley Kubrick"],
        }
    )
    request = "Give me a spooky flick from the '80s"
    fields = parse_request(request, backend=backend)
    assert fields == {"like": ["Alien", "The Shining"], "people": ["Jack Nicholson", "Stanley Kubrick"]}
    query = parse_rules(request)
    assert not merge_generated(query, fields, request)
    assert query.like == [] and query.people == []


def test_the_parse_prompt_asks_for_names_only():
    content = ask_prompts.parse_messages("a short comedy like Heat")[-1]["content"]
    assert "like (titles" in content and "genres" not in content and "max_runtime" not in content


def test_names_the_request_names_fill_what_the_rules_left_empty():
    request = "something like Alein but funnier"
    query = parse_rules(request)
    query.like = []
    assert merge_generated(query, {"like": ["Alien"]}, request)
    assert [r.text for r in query.like] == ["Alien"]


@pytest.mark.parametrize(
    ("name", "request_text"),
    [
        ("Alien", "something like Alein but funnier"),  # misspelt
        ("Amélie", "like amelie"),
        ("Up", "like Up but sadder"),
        ("Heat", "what should I watch after Heat?"),
    ],
)
def test_a_title_the_request_mentions_is_kept(name, request_text):
    assert mentioned(name, request_text)
    assert names_mentioned({"like": [name]}, request_text) == {"like": [name]}


@pytest.mark.parametrize(
    ("name", "request_text"),
    [
        ("Up", "something upbeat"),
        ("The Matrix", "a film that feels like a dream"),
        ("The Shining", "the scariest film you know"),
        ("The Sound of Music", "an upbeat musical with great songs"),  # one word is not enough
    ],
)
def test_a_title_the_request_does_not_mention_is_dropped(name, request_text):
    assert not mentioned(name, request_text)
    assert names_mentioned({"like": [name], "genres": ["Drama"]}, request_text) == {}


@pytest.mark.parametrize(
    ("name", "request_text", "named"),
    [
        ("John Carpenter", "a John Carpenter movie", True),
        ("Steven Spielberg", "older, and not Spielberg", True),
        ("Alfred Hitchcock", "show me Hitchcock films", True),
        ("Leonardo DiCaprio", "a thriller, anything but Nolan", False),
        ("Frank Sinatra", "an upbeat musical with great songs", False),
    ],
)
def test_a_person_counts_as_named_by_their_surname(name, request_text, named):
    assert mentioned(name, request_text, person=True) is named
    kept = names_mentioned({"people": [name]}, request_text)
    assert kept == ({"people": [name]} if named else {})


def test_only_the_unmentioned_names_of_a_list_go():
    fields = {"like": ["Heat", "Ronin"]}
    assert names_mentioned(fields, "like Heat, with a car chase") == {"like": ["Heat"]}


def test_a_request_in_chinese_keeps_a_title_it_quotes_but_not_people_it_does_not_name():
    fields = {"like": ["Titanic"], "people": ["Leonardo DiCaprio"]}
    assert names_mentioned(fields, "有没有像《泰坦尼克号》那样的爱情片") == {"like": ["Titanic"]}
    # what qwen-1.5b answered to "a funny film" in Chinese: titles and actors of its own
    invented = {"genres": ["Comedy"], "like": ["The Hangover"], "people": ["Tom Hanks"]}
    assert names_mentioned(invented, "来一部好笑的电影") == {}
