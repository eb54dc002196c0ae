"""W5's and W6's attention model in PyTorch, shared by their peers (pytorch_w5.py trains it,
pytorch_w6_attn.py predicts with sentiwasm's weights): token + learned position embeddings, one
nn.TransformerEncoderLayer (ReLU, layer norm after each block, dropout 0.1), masked mean pooling
and a linear layer, with parameters named as sentiwasm's model file names its tensors."""

import torch
from torch import nn


class Model(nn.Module):
    def __init__(self, rows, max_len, dim, heads, ff, classes, sparse=False):
        super().__init__()
        self.embedding = nn.Embedding(rows, dim, sparse=sparse)
        self.position = nn.Embedding(max_len, dim)
        self.encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(dim, heads, ff, 0.1, batch_first=True), 1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, classes)

    def forward(self, ids, pad):
        x = self.embedding(ids) + self.position.weight[: ids.shape[1]]
        x = self.encoder(x, src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).to(x.dtype)
        return self.head((x * keep).sum(1) / keep.sum(1))


def batch_of(seqs):
    """Token id lists as one batch padded to its longest (PAD is id 0) and the key padding mask."""
    T = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), T, dtype=torch.long)
    for b, s in enumerate(seqs):
        ids[b, : len(s)] = torch.tensor(s, dtype=torch.long)
    return ids, ids == 0
