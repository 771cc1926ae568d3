"""What the pages say while the models are prepared on a first start: the steps, the one under
way, how far it is and, from its own pace, about how long is left of it.

Read from the status file that `services.llm_models.models_prepare` writes as it goes (a few
stat calls and one small JSON read; nothing is loaded). Estimates are only given where the
step reports counts: a download or a conversion says how long it has been running instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from recommender.selectors_llm import WARMING_UP_NOTICE, models_status

# The steps of `models_prepare`, in the order it takes them: (stage, what the page calls it).
STEPS = (
    ("sentiment-quick", "A quick review reader (TF-IDF models)"),
    ("backfill-quick", "The site's reviews read by the quick reader"),
    ("embeddings", "Sentence embeddings (MiniLM)"),
    ("generator", "The language model (download and conversion)"),
    ("sentiment", "The full sentiment model (two fine-tuned MiniLMs)"),
)
STAGE_INDEX = {stage: i for i, (stage, _) in enumerate(STEPS)}
# No estimate before a step has run this long and done some of its work: early paces mislead.
ESTIMATE_AFTER_SECONDS = 20


@dataclass
class Step:
    label: str
    state: str  # "done", "current" or "todo"


@dataclass
class Preparation:
    """The first start's model preparation as the pages show it."""

    warming_up: bool  # drafts, suggestions and Ask's sentences wait for it
    final: bool  # every model, the full sentiment model included, is ready
    stage: str = ""
    failed: str = ""
    steps: list[Step] = field(default_factory=list)
    part: str = ""  # the named part of the current step ("fine-tune", "validate", ...)
    done: int = 0
    total: int = 0
    running_seconds: float = 0.0  # of the current part (or step)
    left_seconds: float | None = None  # of the current part, from its pace so far
    quick_reader: bool = False  # reviews are read by the quick version meanwhile

    @property
    def percent(self) -> int | None:
        return int(100 * self.done / self.total) if self.total else None

    @property
    def current_label(self) -> str:
        return next((s.label for s in self.steps if s.state == "current"), "")

    @property
    def step_number(self) -> int:
        return next((i for i, s in enumerate(self.steps, 1) if s.state == "current"), 0)

    @property
    def notice(self) -> str:
        """One paragraph for the pages and the API: what is being prepared and how far it is."""
        if self.failed:
            return f"{WARMING_UP_NOTICE} The preparation stopped with an error; the site's log says why."
        if not self.stage or self.stage not in STAGE_INDEX:
            return f"{WARMING_UP_NOTICE} It starts once the recommender's first training is done."
        label = self.current_label[:1].lower() + self.current_label[1:]
        text = f"{WARMING_UP_NOTICE} Step {self.step_number} of {len(self.steps)}: {label}"
        if self.total:
            part = f"{self.part}, " if self.part else ""
            text += f" ({part}{self.done:,} of {self.total:,}, {self.percent}%)"
        text += "."
        if self.left_seconds is not None:
            text += f" About {duration(self.left_seconds)} left for this part."
        else:
            text += f" Running for {duration(self.running_seconds)}."
        return text


def duration(seconds: float) -> str:
    """'40 seconds', '1 minute', '12 minutes', '1 hour 5 minutes' (rounded, never '0 minutes')."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{max(10, round(seconds / 10) * 10)} seconds"
    minutes = round(seconds / 60)
    if minutes < 60:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} hour{'s' if hours > 1 else ''}" + (f" {minutes} minutes" if minutes else "")


def preparation(status: dict[str, Any] | None = None, now: float | None = None) -> Preparation:
    """The preparation as the pages show it (`status`: models_status(), read when not given)."""
    status = status if status is not None else models_status()
    now = now if now is not None else time.time()
    from recommender.services.llm_models import status_read

    progress = status_read()
    warming_up = not (status["generator"] and status["sentiment"])
    final = bool(status.get("ready")) and bool(status.get("sentiment_final"))
    stage = progress.get("stage", "")
    prep = Preparation(warming_up=warming_up, final=final, stage=stage)
    if stage == "failed":
        prep.failed = progress.get("error", "") or "failed"
    at = STAGE_INDEX.get(stage, len(STEPS) if stage == "ready" else -1)
    prep.steps = [
        Step(label, "done" if i < at else "current" if i == at else "todo")
        for i, (_, label) in enumerate(STEPS)
    ]
    prep.quick_reader = bool(status["sentiment"]) and not status.get("sentiment_final")
    if at >= 0 and stage in STAGE_INDEX:
        prep.part = progress.get("part", "") or ""
        prep.done, prep.total = int(progress.get("done") or 0), int(progress.get("total") or 0)
        started = progress.get("part_started") if prep.part else progress.get("stage_started")
        started = started or progress.get("stage_started") or now
        prep.running_seconds = max(0.0, now - float(started))
        if prep.total and 0 < prep.done < prep.total and prep.running_seconds >= ESTIMATE_AFTER_SECONDS:
            prep.left_seconds = prep.running_seconds * (prep.total - prep.done) / prep.done
    return prep
