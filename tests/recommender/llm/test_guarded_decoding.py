"""The name guard inside greedy decoding: which next token survives, on a scripted vocabulary."""

import math

import pytest
import torch

from recommender.llm import grounding
from recommender.llm.generation import _GuardedNames
from recommender.llm.prompts import Facts, MovieFacts, UserFacts

VOCAB = ["The film follows", " Bil", "bo", " a", " hobbit", " Sm", "aug", ".", " Frodo"]


class Tokenizer:
    def decode(self, ids, skip_special_tokens=True):
        return "".join(VOCAB[i] for i in ids)


@pytest.fixture
def guard():
    facts = Facts(movie=MovieFacts(title="The Hobbit", cast=["Martin Freeman"]), user=UserFacts())
    return grounding.NameGuard(facts)


def step(guard, probs: dict[str, float], text_ids=(0,)):
    """One decoding step after the prompt (token 0 is the prompt), the chosen token's text."""
    scores = torch.full((1, len(VOCAB)), -1e4)
    for token, p in probs.items():
        scores[0, VOCAB.index(token)] = math.log(p)
    processor = _GuardedNames(Tokenizer(), prompt_tokens=1, guard=guard, tries=5, margin=7.0)
    out = processor(torch.tensor([[0, *text_ids]]), scores)
    return VOCAB[int(out[0].argmax())], processor.ruled_out


def test_a_name_the_facts_lack_gives_way_to_the_next_plausible_token(guard):
    assert step(guard, {" Bil": 0.9, " a": 0.05, " Frodo": 0.04}, text_ids=()) == (" a", 1)


def test_nothing_is_ruled_out_when_the_best_token_is_fine(guard):
    assert step(guard, {" a": 0.6, " Bil": 0.3}, text_ids=()) == (" a", 0)


def test_a_far_fetched_alternative_is_not_forced(guard):
    # " a" is 10,000 times less likely than " Sm" (more than the margin of e^7): the ranking
    # stays, and the checks will judge the finished text
    assert step(guard, {" Sm": 0.99, " a": 0.99e-4}, text_ids=()) == (" Sm", 0)


def test_when_no_plausible_token_fits_the_ranking_stays(guard):
    # after "The film follows Bil" neither "bo" nor "." makes a known word: no choice is forced
    assert step(guard, {"bo": 0.95, ".": 0.05}, text_ids=(1,)) == ("bo", 0)
