#!/usr/bin/python3
"""Writes test/fixtures/attention-reference.json: one Transformer encoder layer of PyTorch
(nn.TransformerEncoderLayer, batch_first, ReLU, dropout 0) on given weights and inputs with a
key padding mask, for norm_first False and True: its output and the gradient of
L = sum(r * out) with respect to the input and every parameter, where r is zero at padded
positions (so L depends only on the real positions, as a model's loss does: sentiwasm packs the
sequences without padding and has no padded rows at all). test/attention-reference.test.ts
runs sentiwasm's encoder layer on the same numbers and compares (to 1e-5).

Run with Debian's PyTorch: /usr/bin/python3 scripts/attention-reference.py
The reference is computed in float64, so the comparison measures sentiwasm's float32 error."""

import json
import os

import torch

torch.manual_seed(13)
B, T, C, HEADS, FF = 2, 5, 8, 2, 12
LENGTHS = [5, 3]


def case(norm_first):
    layer = torch.nn.TransformerEncoderLayer(C, HEADS, dim_feedforward=FF, dropout=0.0, batch_first=True, norm_first=norm_first).double()
    with torch.no_grad():
        # Non-trivial norms and biases, so every gradient is tested with values that matter.
        for name, p in layer.named_parameters():
            if name.startswith('norm'):
                p.copy_((1.0 if name.endswith('weight') else 0.0) + 0.3 * torch.randn_like(p))
            elif name.endswith('bias'):
                p.copy_(0.2 * torch.randn_like(p))
    x = torch.randn(B, T, C, dtype=torch.float64, requires_grad=True)
    mask = torch.tensor([[t >= n for t in range(T)] for n in LENGTHS])
    r = torch.randn(B, T, C, dtype=torch.float64) * (~mask).unsqueeze(-1)
    out = layer(x, src_key_padding_mask=mask)
    (out * r).sum().backward()
    flat = lambda t: [float(v) for v in t.detach().reshape(-1)]
    return {
        'normFirst': norm_first,
        'B': B, 'T': T, 'C': C, 'heads': HEADS, 'ff': FF, 'lengths': LENGTHS,
        'x': flat(x), 'r': flat(r),
        'params': {name: flat(p) for name, p in layer.state_dict().items()},
        'out': flat(out),
        'dx': flat(x.grad),
        'grads': {name: flat(p.grad) for name, p in layer.named_parameters()},
    }


here = os.path.dirname(os.path.abspath(__file__))
path = os.path.join(here, '..', 'test', 'fixtures', 'attention-reference.json')
with open(path, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': [case(False), case(True)]}, f)
    f.write('\n')
print('wrote', os.path.normpath(path))
