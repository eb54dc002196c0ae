#!/usr/bin/python3
"""W6's peer for the attention model: prediction in PyTorch (Debian's 1.13), on one thread.

bench/w6-attention.ts trains W5's model (token + learned position embeddings, dim 64, max length
64, one nn.TransformerEncoderLayer with 4 heads, feed-forward 128, ReLU, layer norm after each
block; masked mean pooling; a linear layer) and writes (1) the token ids sentiwasm's featurizer
gives for the SST-2 dev sentences (PAD 0, UNK 1, texts cut to max-len) with sentiwasm's predicted
classes, and (2) the model's weights, the sections of its model file, which are named as this
module's state_dict. This script loads those weights, so both systems run the very same model on
the very same ids, and checks that it predicts the classes sentiwasm predicted.

Timed, in eval mode under torch.no_grad(): the dev sentences in batches (each padded to its
longest text, with a key padding mask; building the padded tensors is timed too), and one
sentence at a time (median latency, building the padded tensor included). Sentences/s for each batch arrangement:
all the sentences in one batch, consecutive chunks of 128, 64 (as sentiwasm's predictBatch packs
them) or 32, or chunks of 64 after sorting the sentences by length (less padding; the sort is
timed too). Token ids are given: tokenising is not timed here (sentiwasm's figures include it).

Prints one JSON object on its last line."""

import argparse
import json
import statistics
import time

import torch

from attention_model import Model, batch_of
from one_thread import one_thread
from timing import median_rate

parser = argparse.ArgumentParser()
parser.add_argument('data', help='JSON from bench/w6-attention.ts: rows, maxLen, classes, dev ids, sentiwasm predictions')
parser.add_argument('weights', help='float32 weights, concatenated; the index is in the JSON (weights)')
parser.add_argument('--runs', type=int, default=11)
parser.add_argument('--min-ms', type=float, default=300)
parser.add_argument('--latency-rounds', type=int, default=5)
args = parser.parse_args()

one_thread()
data = json.load(open(args.data))
V, MAX_LEN, C, HEADS, FF, K = data['rows'], data['maxLen'], data['dim'], data['heads'], data['ff'], data['classes']


model = Model(V, MAX_LEN, C, HEADS, FF, K)
state = model.state_dict()
raw = open(args.weights, 'rb').read()
loaded = {}
for name, (offset, count) in data['weights'].items():
    if name in state:
        t = torch.frombuffer(bytearray(raw[offset * 4 : (offset + count) * 4]), dtype=torch.float32)
        if t.numel() != state[name].numel():
            raise SystemExit(f'{name}: {t.numel()} floats in the model file, {state[name].numel()} in PyTorch')
        loaded[name] = t.reshape(state[name].shape)
missing = [n for n in state if n not in loaded]
if missing:
    raise SystemExit(f'the model file lacks {missing}')
model.load_state_dict(loaded)
model.eval()

dev = [s if s else [1] for s in data['dev']]
n = len(dev)


def predict(chunk, by_length=False):
    order = sorted(range(n), key=lambda i: len(dev[i])) if by_length else range(n)
    seqs = [dev[i] for i in order]
    out = []
    for start in range(0, n, chunk):
        ids, pad = batch_of(seqs[start : start + chunk])
        out.append(model(ids, pad).argmax(1))
    pred = torch.cat(out)
    if by_length:
        pred = torch.empty_like(pred).index_put_((torch.tensor(list(order)),), pred)
    return pred


def rate(work, units):
    """units/second: warm up, pick a repeat count so one run lasts min-ms, median of the runs."""
    return median_rate(work, units, min_seconds=args.min_ms / 1000, runs=args.runs)


with torch.no_grad():
    pred = predict(n).tolist()
    agree = sum(int(a == b) for a, b in zip(pred, data['sentiwasm'])) / n
    accuracy = sum(int(a == b) for a, b in zip(pred, data['devLabels'])) / n
    arrangements = {str(n): (n, False), '128': (128, False), '64': (64, False), '32': (32, False), '64 by length': (64, True)}
    rates = {k: rate(lambda: predict(*a), n) for k, a in arrangements.items()}
    for k, a in arrangements.items():
        if sum(int(x == y) for x, y in zip(predict(*a).tolist(), pred)) < 0.99 * n:
            raise SystemExit(f'chunks of {k} predict other classes than one batch does')
    latencies = []
    for _ in range(args.latency_rounds):
        for s in dev:
            t0 = time.perf_counter()
            model(*batch_of([s])).argmax(1)
            latencies.append((time.perf_counter() - t0) * 1000)

print(json.dumps({
    'rates': rates,
    'latencyMs': statistics.median(latencies), 'accuracy': accuracy, 'agreement': agree, 'torch': torch.__version__,
}))
