"""Tidying a generated text without changing its content: wrappers models like to add
(quotes, "Review:", an AI disclaimer before the text) go, and a sentence cut off by the
token limit is dropped."""

from __future__ import annotations

import re

from . import grounding, prompts


def tidy(kind: str, text: str) -> str:
    """Strip wrappers models like to add (quotes, headings) without changing content."""
    text = _unwrapped(text) if kind == "audience_summary" else text.strip().strip('"').strip()
    for prefix in ("Review:", "Here is my review:", "Here's my review:", "Answer:"):
        if text.lower().startswith(prefix.lower()):
            text = text[len(prefix) :].strip()
    text = _drop_disclaimer(text)
    if kind == "discussion_suggestions":
        # a fourth question is dropped, not held against the three before it
        text = "\n".join(grounding.parse_questions(text)[:3]) or text
    else:
        text = whole_sentences(text, max_words=prompts.MAX_WORDS[kind])
    return text


def _unwrapped(text: str) -> str:
    """The text without quotation marks around the whole of it; those inside it stay (quotes)."""
    text = text.strip()
    if len(text) > 1 and text[0] == text[-1] == '"' and text.count('"') == 2:
        text = text[1:-1].strip()
    return text


_DISCLAIMER = re.compile(
    r"^(?:as an ai\b|i'?m sorry|i am sorry|i cannot|i can'?t|i'?m unable|i am unable)|as follows:\s*$",
    re.IGNORECASE,
)


_AI_SELF = re.compile(r"^as an ai\b|\bai language model\b", re.IGNORECASE)


def _drop_disclaimer(text: str) -> str:
    """ "As an AI language model, I cannot ... as follows:" and then the text itself: keep the text.

    Only whole leading paragraphs go, and only when something follows them; a bare refusal
    stays and fails the checks.
    """
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    while len(paragraphs) > 1 and _DISCLAIMER.search(paragraphs[0]):
        paragraphs.pop(0)
    text = "\n\n".join(paragraphs)
    # the same in one paragraph: "As an AI language model, I ..., but I can ... review. <review>"
    sentences = re.split(r"(?<=[.!?])\s+", text, maxsplit=1)
    if len(sentences) == 2 and _AI_SELF.search(sentences[0]):
        return sentences[1]
    return text


_SENTENCE_END = re.compile(r"[.!?][\"'’”)\]]*$")


def whole_sentences(text: str, *, max_words: int) -> str:
    """Drop a sentence cut off by the token limit, and whole sentences past `max_words`.

    Only complete sentences of the model's own are kept, so nothing is reworded; when not
    even the first sentence is complete and short enough, the text is left for the checks.
    """
    kept: list[str] = []
    words = 0
    for sentence in grounding.sentences(text):
        n = len(grounding.WORD.findall(sentence))
        if not _SENTENCE_END.search(sentence) or words + n > max_words:
            break
        kept.append(sentence)
        words += n
    return " ".join(kept) if kept else text
