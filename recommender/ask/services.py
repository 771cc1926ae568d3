"""Ask CineCircle: a request becomes a turn with picks at once; the generator's reading of
what the rules left over and one sentence per pick follow in a slow-queue task.

The one path for the /ask/ page and POST /api/v1/ask/. The picks answer in the request
(rules, catalogue look-ups and the loaded recommender: no language model on the request
path); every text the generator writes takes a unit of the member's one generation budget
(services/budget.py), charged when the turn is stored; a pick the budget cannot pay for
keeps its template reason.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from community.accounts.models import User
from community.movies.models import Movie
from recommender import selectors_llm
from recommender.models import ASK_PARSE_CHARGE, GeneratedText
from recommender.services.budget import (
    GenerationBudgetSpent,
    generation_budget_charge,
    generation_budget_lock,
)

from .chips import chip_remove
from .generated import merge_generated
from .models import AskConversation, AskTurn
from .parsing import Query, parse_rules
from .ranking import rank
from .reasons import pick_reason
from .refine import refine
from .resolve import query_resolve, unresolved_notices

log = logging.getLogger(__name__)

MAX_REQUEST_LENGTH = 500


class AskNotFound(Exception):
    """The conversation or turn is not the member's (or is gone)."""


def _notice(query: Query, en: str, zh: str) -> str:
    return zh if query.language == "zh" else en


def _answer(*, user_id: int, query: Query) -> tuple[list[dict], bool, list[str]]:
    """Picks with reasons for a resolved query, whether popularity stood in, and notices."""
    ranked = rank(user_id=user_id, query=query)
    movies = Movie.objects.prefetch_related("genres").in_bulk([p["movie_id"] for p in ranked.picks])
    picks = []
    for p in ranked.picks:
        movie = movies.get(p["movie_id"])
        if movie is None:
            continue
        picks.append({**p, "reason": pick_reason(movie, query), "explanation": "", "status": "none"})
    notices = unresolved_notices(query)
    if ranked.popular_fallback:
        notices.append(
            _notice(
                query,
                "We do not know your taste yet (rate a few films), so these are popular films "
                "that fit your request.",
                "我们还不了解你的口味（先给几部电影打分吧），这些是符合要求的热门电影。",
            )
        )
    if not picks:
        notices.append(
            _notice(
                query,
                "No film in the catalogue fits every part of this request; remove a chip to broaden it.",
                "片库里没有完全符合这些条件的电影；可以去掉一个条件试试。",
            )
        )
    return picks, ranked.popular_fallback, notices


def _charge(turn: AskTurn, query: Query, user_id: int) -> None:
    """Take budget units for the texts this turn wants (inside the turn's transaction)."""
    if not turn.picks and not query.text:
        return
    if selectors_llm.ai_warming_up():
        turn.notices.append(selectors_llm.WARMING_UP_NOTICE)
        return
    generation_budget_lock(user_id=user_id)
    try:
        if query.text and turn.source == AskTurn.Source.REQUEST:
            generation_budget_charge(user_id=user_id, kind=ASK_PARSE_CHARGE[0])
            turn.generator_parse = "pending"
        for pick in turn.picks:
            generation_budget_charge(
                user_id=user_id, kind=GeneratedText.Kind.EXPLANATION, movie_id=pick["movie_id"]
            )
            pick["status"] = "pending"
    except GenerationBudgetSpent as spent:
        turn.notices.append(str(spent))


def _store(*, conversation: AskConversation, text: str, query: Query, source: str) -> AskTurn:
    user_id = conversation.user_id
    query = query_resolve(query)
    picks, fallback, notices = _answer(user_id=user_id, query=query)
    now = timezone.now()
    with transaction.atomic():
        locked = AskConversation.objects.select_for_update().get(pk=conversation.pk)
        number = (locked.turns.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        turn = AskTurn(
            conversation=locked,
            number=number,
            source=source,
            text=text[:MAX_REQUEST_LENGTH],
            language=query.language,
            query=query.as_dict(),
            notices=notices,
            picks=picks,
            popular_fallback=fallback,
            task_id=uuid.uuid4().hex,
            created_at=now,
            updated_at=now,
        )
        _charge(turn, query, user_id)
        turn.save()
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
        if turn.pending:
            turn_id, task_id = turn.pk, turn.task_id
            transaction.on_commit(lambda: _queue(turn_id, task_id), robust=True)
    return turn


def _queue(turn_id: int, task_id: str) -> None:
    from .tasks import ask_turn_complete

    ask_turn_complete.apply_async(args=[turn_id], task_id=task_id)


def _conversation_for(*, user: User, conversation_id: int | None) -> AskConversation:
    if conversation_id is not None:
        conversation = AskConversation.objects.filter(pk=conversation_id, user=user).first()
        if conversation is None:
            raise AskNotFound
        return conversation
    now = timezone.now()
    return AskConversation.objects.create(user=user, created_at=now, updated_at=now)


def ask_request(*, user: User, text: str, conversation_id: int | None = None) -> AskTurn:
    """Answer a request: a new conversation, or a follow-up refining the conversation's last
    query ("older", "shorter", "not Spielberg"). Picks come back at once; texts are queued."""
    text = " ".join(text.split())[:MAX_REQUEST_LENGTH]
    conversation = _conversation_for(user=user, conversation_id=conversation_id)
    last = conversation.turns.order_by("-number").first()
    query = refine(Query.from_dict(last.query), text) if last else parse_rules(text)
    return _store(conversation=conversation, text=text, query=query, source=AskTurn.Source.REQUEST)


def ask_broaden(*, user: User, turn_id: int, chip: str) -> AskTurn:
    """A new turn with the query of `turn_id` without one chip (a removed constraint)."""
    turn = AskTurn.objects.select_related("conversation").filter(pk=turn_id, conversation__user=user).first()
    if turn is None:
        raise AskNotFound
    query, label = chip_remove(Query.from_dict(turn.query), chip)
    text = ("去掉：" if query.language == "zh" else "Removed: ") + label
    return _store(conversation=turn.conversation, text=text, query=query, source=AskTurn.Source.BROADEN)


def ask_conversation_delete(*, user: User, conversation_id: int) -> None:
    """Forget one conversation of the member's; a task still writing for it finds it gone."""
    deleted, _ = AskConversation.objects.filter(pk=conversation_id, user=user).delete()
    if not deleted:
        raise AskNotFound


def _generator_parse(turn: AskTurn, backend) -> None:
    from recommender.llm.ask_generation import parse_request

    query = Query.from_dict(turn.query)
    try:
        fields = parse_request(turn.text, backend=backend)
    except Exception:  # a broken model answer must not cost the member their picks
        log.exception("ask: the generator could not read turn %s", turn.pk)
        fields = None
    turn.generator_parse = "done" if fields is not None else "failed"
    if merge_generated(query, fields, turn.text):
        query = query_resolve(query)
        statuses = [p["status"] for p in turn.picks]
        picks, fallback, notices = _answer(user_id=turn.conversation.user_id, query=query)
        # the units charged per position pay for the new picks in those positions
        for i, pick in enumerate(picks):
            pick["status"] = statuses[i] if i < len(statuses) else "none"
        turn.query, turn.picks, turn.popular_fallback = query.as_dict(), picks, fallback
        turn.notices = notices + [n for n in turn.notices if n not in notices and "could not find" not in n]


def _save_if_live(turn: AskTurn, fields: list[str]) -> bool:
    with transaction.atomic():
        live = AskTurn.objects.select_for_update().filter(pk=turn.pk, task_id=turn.task_id).first()
        if live is None:
            return False
        for name in fields:
            setattr(live, name, getattr(turn, name))
        live.updated_at = timezone.now()
        live.save()
    return True


def ask_turn_complete(*, turn_id: int, task_id: str | None = None, backend=None) -> AskTurn | None:
    """Read the leftover of the request with the generator (when charged), then write each
    pending pick's sentence, saving after each one so the page shows them as they come.
    Safe to run twice: what is done is skipped; a deleted turn or a stale task writes nothing."""
    from recommender.llm.ask_generation import explain
    from recommender.llm.generation import get_backend
    from recommender.services.generation import facts_for

    turn = AskTurn.objects.select_related("conversation").filter(pk=turn_id).first()
    if turn is None or (task_id and turn.task_id != task_id):
        return turn
    if not turn.pending:
        return turn
    backend = backend or get_backend()
    if turn.generator_parse == "pending":
        _generator_parse(turn, backend)
        if not _save_if_live(turn, ["query", "picks", "popular_fallback", "notices", "generator_parse"]):
            return None
    movies = Movie.objects.in_bulk([p["movie_id"] for p in turn.picks])
    for pick in turn.picks:
        movie = movies.get(pick["movie_id"])
        if pick.get("status") != "pending" or movie is None:
            continue
        facts = facts_for(kind=GeneratedText.Kind.EXPLANATION, user_id=turn.conversation.user_id, movie=movie)
        facts.reason = pick["reason"]
        out = explain(facts, request=turn.text, language=turn.language, backend=backend)
        pick.update(
            explanation=out.text or pick["reason"],
            is_fallback=not out.text,
            status="ready",
            model_name=out.model_name,
            model_version=out.model_version,
        )
        if not _save_if_live(turn, ["picks"]):
            return None
    return turn


def ask_turn_fail(*, turn_id: int, error: str) -> None:
    """Give the pending parts of a turn up: the picks keep their template reasons."""
    with transaction.atomic():
        turn = AskTurn.objects.select_for_update().filter(pk=turn_id).first()
        if turn is None:
            return
        for pick in turn.picks:
            if pick.get("status") == "pending":
                pick.update(status="ready", explanation=pick["reason"], is_fallback=True)
        if turn.generator_parse == "pending":
            turn.generator_parse = "failed"
        log.warning("ask turn %s gave up: %s", turn_id, error[:200])
        turn.updated_at = timezone.now()
        turn.save()
