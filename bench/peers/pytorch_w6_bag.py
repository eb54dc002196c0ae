#!/usr/bin/python3
"""W6's peer for the bag model: the trained W4 model's very weights in PyTorch (Debian's 1.13),
one thread, eval mode, no_grad, on the very feature rows sentiwasm's featurizer gives the SST-2
dev sentences (bench/w6-predict.ts writes both).

nn.EmbeddingBag(mode='mean') then nn.Linear, the predicted class by argmax. Batched: every
sentence in one call, and chunks of 256 (sentiwasm's prediction batch); sentences/s as the
median of 11 runs of at least 0.3 s. One sentence: the median latency over 5 rounds of dev.

Prints one JSON object: sentences/s per chunk size, the latency in ms, how often its classes
agree with sentiwasm's, the torch version."""

import json
import statistics
import sys
import time

import numpy
import torch
from torch import nn

from bag_input import packed
from one_thread import one_thread
from timing import median_rate

one_thread()
data = json.load(open(sys.argv[1]))
weights = numpy.fromfile(sys.argv[2], dtype='<f4')
ROWS, DIM, K = data['rows'], data['dim'], data['classes']


def tensor(name, shape):
    start, length = data['weights'][name]
    return torch.from_numpy(weights[start : start + length].copy()).reshape(shape)


bag = nn.EmbeddingBag(ROWS, DIM, mode='mean')
head = nn.Linear(DIM, K)
with torch.no_grad():
    bag.weight.copy_(tensor('embedding.weight', (ROWS, DIM)))
    head.weight.copy_(tensor('head.0.weight', (K, DIM)))
    head.bias.copy_(tensor('head.0.bias', (K,)))
bag.eval()
head.eval()
dev = data['dev']


def predict(texts):
    """Classes of the texts; the packing of their rows is part of the work, as in sentiwasm."""
    flat, offsets = packed(texts)
    return head(bag(flat, offsets)).argmax(1)


def rate(chunk):
    def run():
        for start in range(0, len(dev), chunk):
            predict(dev[start : start + chunk])
    return median_rate(run, len(dev), min_seconds=0.3, runs=11)


with torch.no_grad():
    classes = predict(dev).tolist()
    agreement = sum(a == b for a, b in zip(classes, data['sentiwasm'])) / len(dev)
    rates = {str(len(dev)): rate(len(dev)), '256': rate(256)}
    latencies = []
    for _ in range(5):
        for text in dev:
            t0 = time.perf_counter()
            predict([text])
            latencies.append((time.perf_counter() - t0) * 1000)
print(json.dumps({'rates': rates, 'latencyMs': statistics.median(latencies), 'agreement': agreement, 'torch': torch.__version__}))
