"""The bag peers' input for nn.EmbeddingBag: the feature rows of several texts back to back, and
where each text starts (sentiwasm's own batches are laid out the same way)."""

import torch


def packed(texts):
    """(rows, offsets) as long tensors for the texts' lists of feature rows."""
    offsets, at = [], 0
    for t in texts:
        offsets.append(at)
        at += len(t)
    return torch.tensor([r for t in texts for r in t], dtype=torch.long), torch.tensor(offsets, dtype=torch.long)
