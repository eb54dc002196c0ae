// The sentiwasm demo: train a classifier in the page, then watch it predict, explain and
// compare words as you type. Plain ES modules; a bundler (vite) resolves 'sentiwasm' and emits
// the WebAssembly it loads as an asset.

import { builtinCorpus, builtinSplit, defaultCorpus, loadModel, trainWithReport } from 'sentiwasm';

const $ = (id) => document.getElementById(id);
const ui = {
  corpusSize: $('corpus-size'),
  lines: $('lines'),
  arch: $('arch'),
  epochs: $('epochs'),
  train: $('train'),
  status: $('status'),
  progress: $('progress'),
  chart: $('loss-chart'),
  legend: $('legend'),
  summary: $('summary'),
  text: $('text'),
  label: $('label'),
  barFill: $('bar-fill'),
  probability: $('probability'),
  tokens: $('tokens'),
  method: $('method'),
  word: $('word'),
  k: $('k'),
  neighbours: $('neighbours'),
  download: $('download'),
  open: $('open'),
  fileStatus: $('file-status'),
};

/** The model in use (trained here or opened from a file). */
let model;

ui.corpusSize.textContent = String(defaultCorpus().length);
ui.train.disabled = false;
ui.status.textContent = 'Choose the data and press Train.';

for (const radio of document.querySelectorAll('input[name="source"]')) {
  radio.addEventListener('change', () => {
    const own = ownLinesChosen();
    ui.lines.disabled = !own;
    // Start from the English half of the built-in corpus, to edit, cut down or replace.
    if (own && ui.lines.value.trim() === '') ui.lines.value = builtinCorpus.english.map((e) => `${e.label}\t${e.text}`).join('\n');
  });
}

function ownLinesChosen() {
  return document.querySelector('input[name="source"]:checked').value === 'own';
}

/** "label<tab or spaces>text" per line; blank lines and lines starting with # are skipped. */
function parseLines(text) {
  const examples = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const match = /^\s*(\S+)\s+(.*\S)\s*$/.exec(line);
    if (!match) throw new Error(`line ${i + 1}: expected a label, then a tab or a space, then the text; got "${line.trim()}"`);
    examples.push({ label: match[1], text: match[2] });
  });
  return examples;
}

/** Lets the browser paint (the status line) before a long synchronous piece of work. */
function nextPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

ui.train.addEventListener('click', async () => {
  ui.train.disabled = true;
  ui.status.className = '';
  ui.status.textContent = 'Training…';
  ui.progress.hidden = true;
  await nextPaint();
  try {
    const epochsWanted = ui.epochs.value.trim() === '' ? undefined : Number(ui.epochs.value);
    const options = { arch: ui.arch.value, epochs: epochsWanted };
    let data;
    let what;
    if (ownLinesChosen()) {
      data = parseLines(ui.lines.value);
      what = `${data.length} lines`;
    } else {
      // Hold out the built-in dev split, so the page can show accuracy on sentences never trained on.
      const { train, dev } = builtinSplit();
      data = train;
      options.validation = dev;
      // Run every epoch: the loss sits on a plateau for the first few epochs of this corpus,
      // where early stopping would give up on a model that is about to learn.
      options.patience = 0;
      what = `the built-in corpus (${train.length} to train, ${dev.length} held out)`;
    }
    // train() runs to the end without giving the page a chance to repaint, so the epochs it
    // reports are collected here and drawn once it returns (on this corpus it takes about a second).
    const reports = [];
    const started = performance.now();
    const result = await trainWithReport(data, { ...options, onEpoch: (r) => reports.push(r) });
    const ms = performance.now() - started;
    setModel(result.model);
    showProgress(reports, ms, what);
    ui.status.textContent = `Trained on ${what}. Type below.`;
  } catch (error) {
    ui.status.className = 'error';
    ui.status.textContent = `Training failed: ${error.message}`;
  } finally {
    ui.train.disabled = false;
  }
});

function showProgress(reports, ms, what) {
  ui.progress.hidden = false;
  const last = reports.at(-1);
  const pct = (x) => `${(100 * x).toFixed(1)} %`;
  const parts = [`epoch ${last.epoch}`, `loss ${last.trainLoss.toFixed(4)}`, `train accuracy ${pct(last.trainAccuracy)}`];
  if (last.validLoss !== undefined) parts.push(`held-out loss ${last.validLoss.toFixed(4)}`, `held-out accuracy ${pct(last.validAccuracy)}`);
  parts.push(`${(ms / 1000).toFixed(2)} s`);
  ui.summary.textContent = parts.join(' · ');
  ui.summary.title = what;
  drawChart(reports);
}

/** Loss per epoch as an SVG line chart: training loss, and held-out loss when there is one. */
function drawChart(reports) {
  const W = 400;
  const H = 120;
  const pad = 6;
  const series = [['train', reports.map((r) => r.trainLoss)]];
  if (reports[0].validLoss !== undefined) series.push(['valid', reports.map((r) => r.validLoss)]);
  const max = Math.max(...series.flatMap(([, v]) => v), 1e-9);
  const n = Math.max(reports.length - 1, 1);
  const x = (i) => pad + (i / n) * (W - 2 * pad);
  const y = (v) => H - pad - (v / max) * (H - 2 * pad);
  const svg = 'http://www.w3.org/2000/svg';
  ui.chart.replaceChildren();
  for (const [name, values] of series) {
    const line = document.createElementNS(svg, 'polyline');
    line.setAttribute('points', values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' '));
    line.setAttribute('class', `series ${name}`);
    ui.chart.append(line);
  }
  ui.legend.replaceChildren(`loss per epoch (1 to ${reports.length}, peak ${max.toFixed(3)}): `,
    ...series.map(([name]) => {
      const key = document.createElement('span');
      key.className = `key ${name}`;
      key.textContent = name === 'train' ? 'training' : 'held-out';
      return key;
    }));
}

function setModel(next) {
  model?.dispose();
  model = next;
  for (const el of [ui.text, ui.word, ui.download]) el.disabled = false;
  document.body.classList.add('has-model');
  for (const el of document.querySelectorAll('.target-name')) el.textContent = model.labels.length === 2 ? model.labels[1] : 'the predicted class';
  updatePrediction();
  updateNeighbours();
}

function updatePrediction() {
  if (!model) return;
  const text = ui.text.value;
  if (text.trim() === '') {
    ui.label.textContent = '–';
    ui.label.dataset.label = '';
    ui.probability.textContent = '';
    ui.barFill.style.width = '0';
    ui.tokens.replaceChildren();
    return;
  }
  const explanation = model.explain(text);
  const p = model.predict(text).probabilities[explanation.label];
  ui.method.textContent = explanation.method === 'exact'
    ? 'exact: the contributions and the bias add up to the score'
    : 'by occlusion: how much the score drops without the word';
  ui.label.textContent = explanation.label;
  ui.label.dataset.label = explanation.label;
  ui.probability.textContent = `${(100 * p).toFixed(1)} %`;
  ui.barFill.style.width = `${(100 * p).toFixed(1)}%`;
  ui.barFill.dataset.label = explanation.label;
  const scale = Math.max(...explanation.tokens.map((t) => Math.abs(t.contribution)), 1e-9);
  ui.tokens.replaceChildren(...explanation.tokens.map(({ token, negated, contribution }) => {
    const chip = document.createElement('span');
    chip.className = 'token';
    // A word in a negation's scope has a vector of its own: shown struck through, looked up as not:word.
    chip.textContent = token;
    if (negated) chip.style.textDecoration = 'line-through';
    const strength = Math.abs(contribution) / scale;
    // Green pushes towards the target class, red away from it; stronger colour, bigger push.
    const hue = contribution >= 0 ? 140 : 0;
    chip.style.background = `hsla(${hue}, 70%, 45%, ${(0.08 + 0.72 * strength).toFixed(3)})`;
    chip.style.color = strength > 0.6 ? 'white' : '';
    chip.dataset.contribution = contribution.toFixed(4);
    chip.title = `${token}${negated ? ' (after a negation)' : ''}: ${contribution >= 0 ? '+' : ''}${contribution.toFixed(3)}`;
    chip.addEventListener('click', () => {
      ui.word.value = negated ? `not:${token}` : token;
      updateNeighbours();
    });
    return chip;
  }));
}

function updateNeighbours() {
  if (!model) return;
  const word = ui.word.value.trim();
  if (word === '') return ui.neighbours.replaceChildren();
  let neighbours;
  try {
    neighbours = model.nearest(word, Math.max(1, Math.min(50, Number(ui.k.value) || 8)));
  } catch (error) {
    const li = document.createElement('li');
    li.className = 'unknown';
    li.textContent = error.message;
    return ui.neighbours.replaceChildren(li);
  }
  ui.neighbours.replaceChildren(...neighbours.map(({ word: w, similarity }) => {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = w;
    const value = document.createElement('span');
    value.className = 'similarity';
    value.textContent = similarity.toFixed(3);
    li.append(name, value);
    return li;
  }));
}

ui.text.addEventListener('input', updatePrediction);
ui.word.addEventListener('input', updateNeighbours);
ui.k.addEventListener('input', updateNeighbours);

ui.download.addEventListener('click', () => {
  const url = URL.createObjectURL(new Blob([model.toBytes()], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'sentiment.bin';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

ui.open.addEventListener('change', async () => {
  const file = ui.open.files?.[0];
  if (!file) return;
  ui.fileStatus.className = '';
  try {
    setModel(await loadModel(file));
    ui.fileStatus.textContent = `Opened ${file.name}: ${model.config.arch} model, labels ${model.labels.join(', ')}.`;
    ui.status.textContent = `Using the model from ${file.name}.`;
  } catch (error) {
    ui.fileStatus.className = 'error';
    ui.fileStatus.textContent = error.message;
  } finally {
    ui.open.value = '';
  }
});
