// The sentiwasm web app: train a classifier in a background worker while the page stays
// responsive, watch its loss and accuracy per epoch, then see what it learned: the probability of
// a sentence and each word's share of it, a map of the word vectors, nearest neighbours. Models
// can be downloaded and opened again. A bundler (Vite) resolves 'sentiwasm', bundles its worker
// and emits the WebAssembly as an asset.

import { architectures, defaultCorpus, loadModel, trainWithReport } from 'sentiwasm';
import { TrainingCharts } from './chart.js';
import { builtinData, fileData, pastedData, samplePaste } from './data.js';
import { showExplanation } from './explain.js';
import { WordMap } from './map.js';
import {
  accumulateCovariance,
  centre,
  cosine,
  mapDirections,
  minus,
  mirror,
  nearestRows,
  principalDirections,
  project,
  stackVectors,
} from './vectors.js';

/**
 * The page's element with this id, of the kind the app uses it as. index.html has every one: a
 * missing or different element is a mistake in the page, named here rather than met later.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T }} kind
 * @returns {T}
 */
function $(id, kind) {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`index.html has no ${kind.name} with the id "${id}"`);
  return element;
}
const ui = {
  corpusSize: $('corpus-size', HTMLElement),
  pasteBox: $('paste-box', HTMLElement),
  lines: $('lines', HTMLTextAreaElement),
  dropZone: $('drop-zone', HTMLElement),
  dataFile: $('data-file', HTMLInputElement),
  dataFileName: $('data-file-name', HTMLElement),
  dataStatus: $('data-status', HTMLElement),
  arch: $('arch', HTMLSelectElement),
  epochs: $('epochs', HTMLInputElement),
  train: $('train', HTMLButtonElement),
  stop: $('stop', HTMLButtonElement),
  status: $('status', HTMLElement),
  progress: $('progress', HTMLElement),
  meterFill: $('meter-fill', HTMLElement),
  summary: $('summary', HTMLElement),
  kept: $('kept', HTMLElement),
  text: $('text', HTMLInputElement),
  label: $('label', HTMLElement),
  barFill: $('bar-fill', HTMLElement),
  probability: $('probability', HTMLElement),
  tokens: $('tokens', HTMLElement),
  method: $('method', HTMLElement),
  attention: $('attention', HTMLElement),
  attentionLayer: $('attention-layer', HTMLSelectElement),
  attentionGrid: $('attention-grid', HTMLElement),
  projection: $('projection', HTMLSelectElement),
  mapSearch: $('map-search', HTMLInputElement),
  mapReset: $('map-reset', HTMLButtonElement),
  mapZoomIn: $('map-zoom-in', HTMLButtonElement),
  mapZoomOut: $('map-zoom-out', HTMLButtonElement),
  map: $('map', HTMLCanvasElement),
  mapNote: $('map-note', HTMLElement),
  word: $('word', HTMLInputElement),
  k: $('k', HTMLInputElement),
  neighbours: $('neighbours', HTMLElement),
  neighboursShare: $('neighbours-share', HTMLElement),
  wordA: $('word-a', HTMLInputElement),
  wordB: $('word-b', HTMLInputElement),
  knownWords: $('known-words', HTMLDataListElement),
  pairSimilarity: $('pair-similarity', HTMLElement),
  download: $('download', HTMLButtonElement),
  open: $('open', HTMLInputElement),
  fileStatus: $('file-status', HTMLElement),
};

const ARCHITECTURES = {
  bag: 'bag of words (exact explanations)',
  mlp: 'bag + hidden layer',
  attention: 'attention (a small transformer encoder)',
};
/** The map shows at most this many words, the most frequent. */
const MAP_WORDS = 1500;
/** A patience (epochs without a better held-out score) no run reaches. */
const NEVER_STOP = 1_000_000;

/**
 * The words of a model with their vectors and scores, ready for the map and the neighbours.
 * @typedef {NonNullable<Awaited<ReturnType<typeof prepareWords>>>} Words
 */

/**
 * The model in use (trained here or opened from a file).
 * @type {import('sentiwasm').TextClassifier | undefined}
 */
let model;
/**
 * Word vectors of the model in use and their scores (see prepareWords); undefined while they are worked out.
 * @type {Words | undefined}
 */
let words;
/**
 * The file chosen or dropped as training data.
 * @type {File | undefined}
 */
let droppedFile;
/**
 * Aborts the training under way.
 * @type {AbortController | undefined}
 */
let training;
/**
 * The examples held out of the last training run (none for a model opened from a file).
 * @type {import('sentiwasm').LabelledText[]}
 */
let heldOut = [];
/**
 * The epoch whose weights the last run kept, per member.
 * @typedef {{ member: number; epoch: number; validLoss: number; validAccuracy: number }} Kept
 */
/** @type {Kept[]} */
let kept = [];

const charts = new TrainingCharts(
  $('loss-chart', HTMLElement),
  $('accuracy-chart', HTMLElement),
  $('chart-note', HTMLElement),
  $('chart-view', HTMLElement),
);
const wordMap = new WordMap(ui.map, (word) => pickWord(word));
// For the browser tests and the curious: the app's state, read-only.
Object.assign(window, {
  sentiwasmApp: {
    get model() {
      return model;
    },
    get words() {
      return words;
    },
    get heldOut() {
      return heldOut;
    },
    get kept() {
      return kept;
    },
    map: wordMap,
    charts,
  },
});

ui.corpusSize.textContent = String(defaultCorpus().length);
ui.arch.replaceChildren(...architectures().map((a) => new Option(ARCHITECTURES[a] ?? a, a)));
ui.train.disabled = false;
ui.status.textContent = 'Choose the data and press Train.';

// ---- 1. Data and training ------------------------------------------------------------------

/**
 * The value of the checked radio button of a group (index.html checks one in each).
 * @param {string} name
 */
function checked(name) {
  const input = document.querySelector(`input[name="${name}"]:checked`);
  return input instanceof HTMLInputElement ? input.value : '';
}
/**
 * An error's message, whatever was thrown.
 * @param {unknown} error
 */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

const source = () => checked('source');
for (const radio of document.querySelectorAll('input[name="source"]')) {
  radio.addEventListener('change', () => {
    ui.pasteBox.hidden = source() !== 'paste';
    ui.dropZone.hidden = source() !== 'file';
    ui.dataStatus.textContent = '';
    if (source() === 'paste' && ui.lines.value.trim() === '') ui.lines.value = samplePaste();
  });
}

/** @param {File | undefined} file */
function chooseFile(file) {
  droppedFile = file;
  ui.dataFileName.textContent = file ? `${file.name}, ${(file.size / 1024).toFixed(1)} KB` : '';
  ui.dataStatus.textContent = '';
}
ui.dataFile.addEventListener('change', () => chooseFile(ui.dataFile.files?.[0]));
for (const type of ['dragenter', 'dragover']) {
  ui.dropZone.addEventListener(type, (e) => {
    e.preventDefault();
    ui.dropZone.classList.add('over');
  });
}
ui.dropZone.addEventListener('dragleave', () => ui.dropZone.classList.remove('over'));
ui.dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  ui.dropZone.classList.remove('over');
  chooseFile(e.dataTransfer?.files?.[0]);
});

async function chosenData() {
  if (source() === 'builtin') return builtinData();
  if (source() === 'paste') return pastedData(ui.lines.value);
  if (!droppedFile) throw new Error('Drop a data file, or choose one, first.');
  return fileData(droppedFile);
}

ui.train.addEventListener('click', async () => {
  ui.train.disabled = true;
  ui.status.className = '';
  ui.dataStatus.className = 'hint';
  let data;
  try {
    data = await chosenData();
  } catch (error) {
    // The readers' own message: the file, the line, what is wrong and what to do.
    ui.dataStatus.className = 'hint error';
    ui.dataStatus.textContent = messageOf(error);
    ui.status.textContent = 'Fix the data, then press Train again.';
    ui.train.disabled = false;
    return;
  }
  training = new AbortController();
  ui.stop.disabled = false;
  ui.status.textContent = `Training on ${data.what}…`;
  ui.progress.hidden = false;
  ui.meterFill.style.width = '0';
  ui.summary.textContent = '';
  heldOut = data.validation ?? [];
  kept = [];
  showKept();
  charts.reset();
  const started = performance.now();
  let last;
  try {
    const epochs = ui.epochs.value.trim() === '' ? undefined : Number(ui.epochs.value);
    const result = await trainWithReport(data.examples, {
      // The choices were made from architectures(), so one of them is chosen.
      arch: architectures().find((a) => a === ui.arch.value),
      epochs,
      validation: data.validation,
      // With held-out data, run every epoch and keep the best: on the small built-in corpus the
      // loss sits on a plateau for the first epochs, where early stopping would give up on a model
      // about to learn. A patience no run reaches never stops, yet puts back the weights of the
      // best epoch (patience 0 would keep the last epoch's). The best is the one of highest
      // held-out accuracy, what the chart shows: the held-out loss of the mlp and attention
      // models rises from their first epochs on while their accuracy still climbs.
      patience: data.validation ? NEVER_STOP : undefined,
      bestBy: 'accuracy',
      // threads: 'auto' (the default) trains on the cores where that pays, on a cross-origin
      // isolated page only (see vite.config.js); elsewhere on one thread.
      worker: true,
      signal: training.signal,
      batchEvery: 10,
      onBatch: (b) => void (ui.meterFill.style.width = `${((100 * b.step) / b.totalSteps).toFixed(1)}%`),
      onEpoch: (r) => {
        last = r;
        charts.add(r);
        showSummary(r, performance.now() - started);
      },
    });
    kept = keptEpochs(result.epochs);
    await setModel(result.model);
    ui.meterFill.style.width = '100%';
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    ui.status.textContent = result.stopped
      ? `Stopped after ${result.epochs.length} epochs on ${data.what} (${seconds} s); the model is the best so far. Type below.`
      : `Trained on ${data.what} in ${seconds} s on ${result.threads === 1 ? 'one thread' : `${result.threads} threads`}. Type below.`;
    if (last) showSummary(last, performance.now() - started);
    showKept();
  } catch (error) {
    ui.status.className = 'error';
    ui.status.textContent = `Training failed: ${messageOf(error)}`;
  } finally {
    training = undefined;
    ui.stop.disabled = true;
    ui.train.disabled = false;
  }
});

ui.stop.addEventListener('click', () => {
  ui.status.textContent = 'Stopping…';
  training?.abort();
});

for (const radio of document.querySelectorAll('input[name="chart-view"]')) {
  radio.addEventListener('change', () => charts.setView(checked('chart-view')));
}

/**
 * The epoch each member's weights come from, as training puts it back: the one of highest
 * held-out accuracy, the lower loss among equals (the first of epochs equal in both); none
 * without held-out data (the last epoch stays).
 * @param {import('sentiwasm').EpochReport[]} reports
 * @returns {Kept[]}
 */
function keptEpochs(reports) {
  /** @type {Map<number, Kept>} */
  const best = new Map();
  /**
   * @param {Kept} r
   * @param {Kept} b
   */
  const beats = (r, b) =>
    r.validAccuracy !== b.validAccuracy ? r.validAccuracy > b.validAccuracy : r.validLoss < b.validLoss;
  for (const { member = 1, epoch, validLoss, validAccuracy } of reports) {
    if (validLoss === undefined || validAccuracy === undefined) continue;
    const r = { member, epoch, validLoss, validAccuracy };
    const b = best.get(member);
    if (!b || beats(r, b)) best.set(member, r);
  }
  return [...best.values()];
}

/** Says which epoch the model's weights come from, and its held-out accuracy. */
function showKept() {
  ui.kept.textContent =
    kept.length === 0
      ? ''
      : `The model keeps the epoch of highest held-out accuracy: ${kept
          .map(
            (k) =>
              `${kept.length > 1 ? `member ${k.member}, ` : ''}epoch ${k.epoch} (held-out accuracy ${(100 * k.validAccuracy).toFixed(1)} %)`,
          )
          .join('; ')}.`;
}

/**
 * @param {import('sentiwasm').EpochReport} r
 * @param {number} ms
 */
function showSummary(r, ms) {
  /** @param {number} x */
  const pct = (x) => `${(100 * x).toFixed(1)} %`;
  const parts = [
    `${r.member ? `member ${r.member}, ` : ''}epoch ${r.epoch}`,
    `loss ${r.trainLoss.toFixed(4)}`,
    `train accuracy ${pct(r.trainAccuracy)}`,
  ];
  if (r.validLoss !== undefined && r.validAccuracy !== undefined)
    parts.push(`held-out loss ${r.validLoss.toFixed(4)}`, `held-out accuracy ${pct(r.validAccuracy)}`);
  parts.push(`${(ms / 1000).toFixed(2)} s`);
  ui.summary.textContent = parts.join(' · ');
}

// ---- The model in use ----------------------------------------------------------------------

/**
 * Shows a new model everywhere. The word map's preparation (every word's vector and score, the
 * principal components) takes a good part of a second for a large vocabulary, so it runs in
 * steps with a turn of the event loop between them: the page never freezes for it.
 * @param {import('sentiwasm').TextClassifier} next
 */
async function setModel(next) {
  model?.dispose();
  model = next;
  words = undefined;
  for (const el of [
    ui.text,
    ui.word,
    ui.wordA,
    ui.wordB,
    ui.download,
    ui.mapSearch,
    ui.mapReset,
    ui.mapZoomIn,
    ui.mapZoomOut,
  ])
    el.disabled = false;
  document.body.classList.add('has-model');
  for (const el of document.querySelectorAll('.target-name')) el.textContent = targetLabel(next);
  await breathe();
  updatePrediction();
  await breathe();
  const ready = await prepareWords(next);
  if (model !== next) return;
  words = ready;
  if (ready) suggestWords(next, ready);
  await drawMap();
  updateNeighbours();
  updatePair();
}

/** Resolves on a later turn of the event loop, after input and paints waiting for it. */
function breathe() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The class whose probability the colours show: the second of two (e.g. positive), else the predicted one.
 * @param {import('sentiwasm').TextClassifier} model
 */
function targetLabel(model) {
  return model.labels.length === 2 ? model.labels[1] : 'the predicted class';
}

// ---- 2. One sentence -----------------------------------------------------------------------

function updatePrediction() {
  if (model) showExplanation(model, ui.text.value, ui, pickWord);
}
ui.text.addEventListener('input', updatePrediction);
ui.attentionLayer.addEventListener('change', updatePrediction);

/**
 * A word chosen on the map or in a sentence: its neighbours, and the map finds it.
 * @param {string} word
 */
function pickWord(word) {
  ui.word.value = word;
  ui.mapSearch.value = word.startsWith('not:') ? '' : word;
  wordMap.search(ui.mapSearch.value);
  updateNeighbours();
}

// ---- 3. The word map -----------------------------------------------------------------------

/**
 * The words of a model (not the negated forms), most frequent first, with their vectors stacked
 * and centred, and each shown word's probability of the target class, read alone.
 * @param {import('sentiwasm').TextClassifier} next
 */
async function prepareWords(next) {
  const vocabulary = next.featurizer.vocabulary;
  const entries = next
    .words()
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .flatMap((word) => {
      const vector = next.wordVector(word);
      return vector ? [{ word, vector, count: vocabulary.count(vocabulary.id(word)) }] : [];
    })
    .sort((a, b) => b.count - a.count);
  const list = entries.map((e) => e.word);
  const stacked = stackVectors(entries.map((e) => e.vector));
  const centred = centre(stacked);
  const target = next.labels.length === 2 ? next.labels[1] : undefined;
  const shown = list.slice(0, MAP_WORDS);
  const scores = new Float32Array(shown.length);
  for (let start = 0; start < shown.length; start += 150) {
    await breathe();
    // A newer model came meanwhile: this one's words are no longer wanted.
    if (next !== model) return undefined;
    next.predictBatch(shown.slice(start, start + 150)).forEach((p, i) => {
      scores[start + i] = target === undefined ? Math.max(...Object.values(p.probabilities)) : p.probabilities[target];
    });
  }
  // The shown words' covariance, for the map's principal components: in parts too.
  const { dim } = stacked;
  const cov = new Float64Array(dim * dim);
  for (let start = 0; start < shown.length; start += 250) {
    await breathe();
    accumulateCovariance(cov, centred, dim, start, Math.min(start + 250, shown.length));
  }
  mirror(cov, dim);
  // How much of the variation the first principal direction holds: its eigenvalue over the trace.
  const [first] = principalDirections(cov, dim, 1);
  /** @param {Float64Array} u */
  const variance = (u) => u.reduce((s, ua, a) => s + ua * u.reduce((t, ub, b) => t + cov[a * dim + b] * ub, 0), 0);
  let trace = 0;
  for (let d = 0; d < dim; d++) trace += cov[d * dim + d];
  const firstShare = trace > 0 ? variance(first) / trace : 0;
  return { list, index: new Map(list.map((w, i) => [w, i])), stacked, centred, shown, scores, cov, firstShare };
}

async function drawMap() {
  const data = words;
  if (!data || !model) return;
  const n = data.shown.length;
  const { dim } = data.stacked;
  const mapRows = data.centred.subarray(0, n * dim);
  const projection = ui.projection.value === 'sentiment' ? 'sentiment' : 'pca';
  const directions = mapDirections(mapRows, n, dim, data.scores, projection, data.cov);
  await breathe();
  if (data !== words) return;
  const { x, y } = project(mapRows, n, dim, directions);
  const points = data.shown.map((word, i) => ({ word, x: x[i], y: y[i], score: data.scores[i] }));
  const target = targetLabel(model);
  /** @type {[string, string]} */
  const names =
    projection === 'sentiment'
      ? [`sentiment axis → ${target}`, 'next principal component']
      : ['first principal component →', 'second principal component'];
  wordMap.targetName = target;
  wordMap.setPoints(points, names);
  // A word searched for before (say, before training again) is found and zoomed to on the new map.
  if (ui.mapSearch.value.trim() !== '') wordMap.search(ui.mapSearch.value);
  ui.mapNote.textContent =
    `${n === data.list.length ? `All ${n} words` : `The ${n} most frequent words of ${data.list.length}`}, from their centred vectors (the mean word vector subtracted); each axis scaled to fill the map, and stretched near the centre (linear near the mean word, logarithmic far from it) so that the crowd of words there spreads out. ` +
    `Green: the model scores the word alone as ${target}; red: not; paler: closer to 50 %. ` +
    (projection === 'sentiment'
      ? `The horizontal axis runs from the mean of the red words to the mean of the green ones; the vertical one is the largest remaining variation.`
      : `The axes are the two directions of largest variation; their signs are arbitrary, turned so that green words lie to the right on average.`) +
    ' Scroll, pinch or press + to zoom (more names appear as there is room for them), drag to pan, click a word for its neighbours.';
}
ui.projection.addEventListener('change', drawMap);
ui.mapSearch.addEventListener('input', () => wordMap.search(ui.mapSearch.value));
ui.mapReset.addEventListener('click', () => wordMap.reset());
ui.mapZoomIn.addEventListener('click', () => wordMap.zoom(1.5));
ui.mapZoomOut.addEventListener('click', () => wordMap.zoom(1 / 1.5));

// ---- 4. Nearest words ----------------------------------------------------------------------

/**
 * Offers the model's own words: the word boxes list the shown words (most frequent first), and a
 * box holding a word this model does not know (say "good" after training on Chinese) gets one it
 * does: the most frequent word it scores strongly positive (strongly negative for the second of
 * the pair). A word the model knows stays as it is.
 * @param {import('sentiwasm').TextClassifier} next
 * @param {Words} data
 */
function suggestWords(next, data) {
  ui.knownWords.replaceChildren(...data.shown.map((w) => new Option('', w)));
  /** @param {(score: number) => boolean} keep */
  const strongly = (keep) => data.shown.find((w, i) => /\p{L}/u.test(w) && keep(data.scores[i]));
  const positive = strongly((s) => s >= 0.8) ?? strongly((s) => s > 0.5) ?? data.shown[0];
  const negative = strongly((s) => s <= 0.2) ?? strongly((s) => s < 0.5) ?? data.shown[1] ?? positive;
  /** @type {[HTMLInputElement, string | undefined][]} */
  const boxes = [
    [ui.word, positive],
    [ui.wordA, positive],
    [ui.wordB, negative],
  ];
  for (const [box, word] of boxes) {
    if (word !== undefined && !next.wordVector(box.value.trim())) box.value = word;
  }
}

/**
 * A word's centred vector and raw vector, or an error message naming it.
 * @param {string} word
 * @returns {{ raw: Float32Array; centred: Float32Array; error?: undefined } | { raw?: undefined; centred?: undefined; error: string }}
 */
function vectorsOf(word) {
  const data = words;
  const raw = model?.wordVector(word);
  if (!data || !raw) return { error: `The model does not know the word "${word}".` };
  return { raw, centred: minus(raw, data.stacked.mean) };
}

function updateNeighbours() {
  if (!words) return;
  const word = ui.word.value.trim();
  if (word === '') return ui.neighbours.replaceChildren();
  const { raw, centred, error } = vectorsOf(word);
  if (error !== undefined) {
    const li = document.createElement('li');
    li.className = 'unknown';
    li.textContent = error;
    return ui.neighbours.replaceChildren(li);
  }
  const data = words;
  const k = Math.max(1, Math.min(50, Number(ui.k.value) || 8));
  const { dim, n, rows } = data.stacked;
  const found = nearestRows(centred, data.centred, n, dim, k, data.index.get(word) ?? -1);
  ui.neighboursShare.textContent =
    `In this model ${(100 * data.firstShare).toFixed(0)} % of the words' variation lies along one direction (the first principal component on the map)` +
    (data.firstShare > 0.5
      ? ': the similarities say above all whether two words sit on the same side of it (near 1) or on opposite sides (near −1), so the neighbours of a word all read close to 1 and their order says little more.'
      : '.');
  ui.neighbours.replaceChildren(
    ...found.map(({ index, similarity }) => {
      const li = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = data.list[index];
      name.addEventListener('click', () => pickWord(data.list[index]));
      const value = document.createElement('span');
      value.className = 'similarity';
      value.textContent = similarity.toFixed(3);
      value.title = 'cosine similarity of the centred vectors';
      const plain = document.createElement('span');
      plain.className = 'similarity raw';
      plain.textContent = cosine(raw, rows.subarray(index * dim, (index + 1) * dim)).toFixed(3);
      plain.title = 'cosine similarity of the raw vectors';
      li.append(name, value, plain);
      return li;
    }),
  );
}
ui.word.addEventListener('input', updateNeighbours);
ui.k.addEventListener('input', updateNeighbours);

function updatePair() {
  if (!words) return;
  const a = vectorsOf(ui.wordA.value.trim());
  const b = vectorsOf(ui.wordB.value.trim());
  if (a.error !== undefined || b.error !== undefined) {
    ui.pairSimilarity.className = 'error';
    ui.pairSimilarity.textContent = a.error ?? b.error ?? '';
    ui.pairSimilarity.dataset.centred = '';
    return;
  }
  ui.pairSimilarity.className = '';
  ui.pairSimilarity.textContent = `cosine similarity, centred: ${cosine(a.centred, b.centred).toFixed(3)} (raw: ${cosine(a.raw, b.raw).toFixed(3)})`;
  ui.pairSimilarity.dataset.centred = cosine(a.centred, b.centred).toFixed(4);
}
ui.wordA.addEventListener('input', updatePair);
ui.wordB.addEventListener('input', updatePair);

// ---- 5. Model files ------------------------------------------------------------------------

ui.download.addEventListener('click', () => {
  if (!model) return;
  // toBytes writes a fresh array of its own, never a view of shared memory, as a Blob requires.
  const bytes = /** @type {Uint8Array<ArrayBuffer>} */ (model.toBytes());
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
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
    const opened = await loadModel(file);
    await setModel(opened);
    heldOut = [];
    kept = [];
    showKept();
    ui.fileStatus.textContent = `Opened ${file.name}: ${opened.config.arch} model, labels ${opened.labels.join(', ')}.`;
    ui.status.textContent = `Using the model from ${file.name}.`;
  } catch (error) {
    ui.fileStatus.className = 'error';
    ui.fileStatus.textContent = messageOf(error);
  } finally {
    ui.open.value = '';
  }
});
