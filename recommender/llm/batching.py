"""Token batches read after a shared, cached prompt prefix (the sentiment judge and the support check)."""

from __future__ import annotations

from collections.abc import Sequence

import torch


def right_padded(rows: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Ids and attention mask of `rows`, padded on the right: every row's tokens sit right after
    the shared prefix, so positions need no correcting and padding is never attended to."""
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for r, row in enumerate(rows):
        ids[r, : len(row)] = torch.tensor(row)
        mask[r, : len(row)] = 1
    return ids, mask
