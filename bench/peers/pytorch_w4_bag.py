#!/usr/bin/python3
"""W4's peer: the SST-2 bag model in PyTorch (Debian's 1.13), on one thread.

Reads the feature rows sentiwasm's featurizer gave each text (bench/w4-sst2-bag.ts writes them:
unigrams and hashed bigrams, the same rows in the same table), so both systems train the same
model on the same features: nn.EmbeddingBag(rows, 64, mode='mean', sparse=True) started uniform
in ±1/64 as sentiwasm starts its table, then nn.Linear(64, classes); cross-entropy; plain SGD at
2 falling linearly to 0 over the run, as fastText and sentiwasm train it; batches of 8 shuffled
each epoch; 5 epochs. Two differences, both of which make PyTorch's work lighter: one 64-wide bag
(sentiwasm trains two 32-wide members one after the other, each over every epoch) and no
feature dropout.

Prints one JSON object: words/s of the training loop (the texts' whitespace words, as W4 counts
them), training seconds, dev accuracy, the torch version."""

import argparse
import json
import time

import torch
from torch import nn

from bag_input import packed
from one_thread import one_thread

parser = argparse.ArgumentParser()
parser.add_argument('data', help='JSON from bench/w4-sst2-bag.ts: rows, classes, train/dev feature rows and labels, trainWords')
parser.add_argument('--epochs', type=int, default=5)
parser.add_argument('--seed', type=int, default=0)
args = parser.parse_args()

one_thread(args.seed)
data = json.load(open(args.data))
ROWS, DIM, K, BATCH, LR = data['rows'], 64, data['classes'], 8, 2.0


class Bag(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.EmbeddingBag(ROWS, DIM, mode='mean', sparse=True)
        nn.init.uniform_(self.embedding.weight, -1 / DIM, 1 / DIM)
        self.head = nn.Linear(DIM, K)

    def forward(self, flat, offsets):
        return self.head(self.embedding(flat, offsets))


model = Bag()
optimizer = torch.optim.SGD(model.parameters(), lr=LR)
loss_fn = nn.CrossEntropyLoss()
train, labels = data['train'], torch.tensor(data['trainLabels'])
n = len(train)
steps_per_epoch = (n + BATCH - 1) // BATCH
total = steps_per_epoch * args.epochs
step = 0
started = time.perf_counter()
model.train()
for epoch in range(args.epochs):
    order = torch.randperm(n).tolist()
    for start in range(0, n, BATCH):
        idx = order[start : start + BATCH]
        flat, offsets = packed([train[i] for i in idx])
        for group in optimizer.param_groups:
            group['lr'] = LR * max(0.0, 1 - step / total)
        optimizer.zero_grad()
        loss_fn(model(flat, offsets), labels[idx]).backward()
        optimizer.step()
        step += 1
seconds = time.perf_counter() - started

model.eval()
with torch.no_grad():
    flat, offsets = packed(data['dev'])
    predicted = model(flat, offsets).argmax(1)
accuracy = (predicted == torch.tensor(data['devLabels'])).float().mean().item()
print(json.dumps({'tokensPerSecond': args.epochs * data['trainWords'] / seconds, 'seconds': seconds, 'accuracy': accuracy, 'torch': torch.__version__}))
