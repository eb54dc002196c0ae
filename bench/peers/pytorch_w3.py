#!/usr/bin/python3
"""W3's peer: the same MLP training step in PyTorch (Debian's 1.13), on one thread.

MLP 512 → 256 ReLU → 256 ReLU → 1, sigmoid with binary cross-entropy (BCEWithLogitsLoss, as
sentiwasm's fused sigmoid and loss), plain SGD at 0.01, one fixed batch of 128 random inputs
and labels. Like bench/record.ts's throughput(): a warm-up, a repeat count that makes one run
last at least 0.5 s, the median examples/s of 7 runs.

Prints one JSON object: examples/s, the loss before and after 30 steps, the torch version."""

import json

import torch
from torch import nn

from timing import median_rate
from one_thread import one_thread

one_thread(3)
IN, HIDDEN, BATCH, LR = 512, 256, 128, 0.01
x = torch.rand(BATCH, IN) * 2 - 1
y = (torch.rand(BATCH, 1) < 0.5).float()
model = nn.Sequential(nn.Linear(IN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))
loss_fn = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=LR)


def step():
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


# Validate before timing: training on one fixed batch must drive its loss down.
first = step()
for _ in range(30):
    later = step()
if not later < first:
    raise SystemExit(f'W3 PyTorch: the loss did not fall ({first} → {later})')

rate = median_rate(step, BATCH, min_seconds=0.5, runs=7)
print(json.dumps({'examplesPerSecond': rate, 'first': first, 'later': later, 'torch': torch.__version__}))
