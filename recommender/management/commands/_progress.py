"""A tqdm bar per stage for the (stage, done, total) progress callbacks of recommender.llm."""

from __future__ import annotations

import sys
from typing import Any

from tqdm import tqdm


class StageBars:
    def __init__(self, *, disable: bool = False) -> None:
        self.bars: dict[str, Any] = {}
        self.disable = disable

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, disable=self.disable)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
