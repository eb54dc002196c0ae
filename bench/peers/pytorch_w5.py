#!/usr/bin/python3
"""W5's peer: the same Transformer classifier in PyTorch (Debian's 1.13), on one thread.

Reads the token ids sentiwasm's featurizer gave (bench/w5-sst2-attn.ts writes them: the same
vocabulary, PAD 0, UNK 1, texts cut to max-len), so both systems train the same model on the
same sequences: token + learned position embeddings (dim 64, max length 64), one
nn.TransformerEncoderLayer (4 heads, feed-forward 128, ReLU, layer norm after each block,
dropout 0.1), masked mean pooling, a linear layer; cross-entropy, batches of 32 shuffled each
epoch and padded to their longest text (with a key padding mask), Adam at a constant 1e-3, 3
epochs. The token table is updated as sentiwasm updates it unless --dense-adam: only its rows a
batch used (nn.Embedding(sparse=True) with torch.optim.SparseAdam), the rest with Adam.

Prints one JSON object: training examples/s (the training loop's wall time), dev accuracy."""

import argparse
import json
import time

import torch
from torch import nn

from attention_model import Model, batch_of
from one_thread import one_thread

parser = argparse.ArgumentParser()
parser.add_argument('data', help='JSON from bench/w5-sst2-attn.ts: vocab, maxLen, train/dev ids and labels')
parser.add_argument('--epochs', type=int, default=3)
parser.add_argument('--dense-adam', action='store_true', help='one dense Adam over every parameter, the token table included')
parser.add_argument('--seed', type=int, default=0)
args = parser.parse_args()

one_thread(args.seed)
data = json.load(open(args.data))
V, MAX_LEN, C, HEADS, FF, K = data['rows'], data['maxLen'], 64, 4, 128, data['classes']


model = Model(V, MAX_LEN, C, HEADS, FF, K, sparse=not args.dense_adam)
if args.dense_adam:
    optimizers = [torch.optim.Adam(model.parameters(), lr=1e-3)]
else:
    dense = [p for n, p in model.named_parameters() if n != 'embedding.weight']
    optimizers = [torch.optim.SparseAdam([model.embedding.weight], lr=1e-3), torch.optim.Adam(dense, lr=1e-3)]
train = [s if s else [1] for s in data['train']]
labels = torch.tensor(data['trainLabels'])
loss_fn = nn.CrossEntropyLoss()
n = len(train)
started = time.perf_counter()
model.train()
for epoch in range(args.epochs):
    order = torch.randperm(n).tolist()
    for start in range(0, n, 32):
        idx = order[start : start + 32]
        ids, pad = batch_of([train[i] for i in idx])
        for o in optimizers:
            o.zero_grad()
        loss = loss_fn(model(ids, pad), labels[idx])
        loss.backward()
        for o in optimizers:
            o.step()
seconds = time.perf_counter() - started
model.eval()
correct = 0
with torch.no_grad():
    dev = [s if s else [1] for s in data['dev']]
    for start in range(0, len(dev), 256):
        ids, pad = batch_of(dev[start : start + 256])
        pred = model(ids, pad).argmax(1)
        correct += int((pred == torch.tensor(data['devLabels'][start : start + 256])).sum())
print(json.dumps({'examplesPerSecond': args.epochs * n / seconds, 'seconds': seconds, 'accuracy': correct / len(dev), 'torch': torch.__version__}))
