// The commands that use a saved model: eval, predict, explain, similar, export-vectors.

import { createInterface } from 'node:readline';
import { open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { loadModel } from '../io/load-model.js';
import { ModelFileError } from '../format/model-file.js';
import { ENCODER_KIND } from '../model-file/classifier-encode.js';
import { textWithoutFastTextLabels } from '../data/fasttext.js';
import { formatVectors } from '../io/vectors.js';
import {
  NEGATED_WORD_PREFIX,
  type Prediction,
  type TextClassifier,
  type TokenContribution,
} from '../classifier/classifier.js';
import { autoPredictionThreads, PredictionThreads } from '../parallel/prediction-threads.js';
import { formatReport } from '../eval/metrics.js';
import { describeSkipped, readLabelled, type DataFlags } from './data.js';
import { displayWidth, fitColumns, padEndColumns, padStartColumns } from './columns.js';
import { CliError } from './errors.js';
import { codeOf } from '../format/schema.js';

type Print = (line: string) => void;

async function openModel(path: string): Promise<TextClassifier> {
  try {
    return await loadModel(path);
  } catch (error) {
    if (error instanceof ModelFileError && error.problem.startsWith(`holds a "${ENCODER_KIND}"`))
      throw new CliError(
        `${path}: holds a pretrained encoder, which has no classes and cannot predict. Fine-tune it first: sentiwasm train DATA --arch attention --init ${path}`,
      );
    if (error instanceof ModelFileError) throw new CliError(error.message);
    throw error;
  }
}

/** Runs `use` on the model and turns a RangeError (unknown word, …) into a message for the terminal. */
async function withModel<T>(path: string, use: (model: TextClassifier) => Promise<T> | T): Promise<T> {
  const model = await openModel(path);
  try {
    return await use(model);
  } catch (error) {
    if (error instanceof RangeError) throw new CliError(error.message);
    throw error;
  } finally {
    model.dispose();
  }
}

export async function evalCommand(
  modelPath: string,
  file: string,
  flags: DataFlags & { json?: boolean; threads?: number | 'auto' },
  out: Print,
  err: Print,
): Promise<void> {
  await withModel(modelPath, async (model) => {
    const { examples, report } = await readLabelled(file, flags, model.labels);
    const skipped = describeSkipped(file, report);
    if (skipped) err(skipped);
    if (examples.length === 0) throw new CliError(`${file}: no usable examples to evaluate on`);
    const count =
      flags.threads === undefined || flags.threads === 'auto' ? autoPredictionThreads(examples.length) : flags.threads;
    const threads = await PredictionThreads.start(model, count);
    const evaluation = await threads.evaluate(examples).finally(() => threads.close());
    out(flags.json ? JSON.stringify({ ...evaluation, skipped: report.skipped }) : formatReport(evaluation));
  });
}

export interface PredictFlags {
  json?: boolean;
  /** Read texts from this file, one per line ("-" for standard input). */
  input?: string;
  /** Show the k most likely labels (default 1). */
  k?: number;
  /** Show only labels at least this probable (the most likely one is shown whatever its probability unless k is given). */
  threshold?: number;
  /** Threads to predict on (lines are then read in larger chunks, PREDICT_CHUNK per thread). */
  threads?: number;
}

/** Lines predicted together: large enough for prediction's batches, small enough to print as input arrives. */
const PREDICT_CHUNK = 512;

/**
 * `predict MODEL [text...]`, `--input FILE|-`, or lines on standard input: one output line per
 * input line, in order, blank lines included (an empty label, or "label": null in JSON), so
 * outputs line up with inputs.
 */
export async function predictCommand(
  modelPath: string,
  texts: string[],
  flags: PredictFlags,
  out: Print,
  err: Print,
): Promise<void> {
  if (flags.input !== undefined && texts.length)
    throw new CliError('give texts as arguments or --input FILE, not both', 2);
  for (const text of texts) {
    if (/\s/.test(text) || !(await isFile(text))) continue;
    err(
      `note: "${text}" is a file; this predicts the text "${text}" itself. To predict each line of the file, use --input ${text}`,
    );
  }
  await withModel(modelPath, async (model) => {
    const threads = await PredictionThreads.start(model, flags.threads ?? 1);
    try {
      await predictLines(threads, texts, flags, out);
    } finally {
      await threads.close();
    }
  });
}

/** Predicts the arguments, or the lines of --input or standard input in chunks, printing each chunk as it is done. */
async function predictLines(model: PredictionThreads, texts: string[], flags: PredictFlags, out: Print): Promise<void> {
  const chunk = PREDICT_CHUNK * model.threads;
  const show = async (batch: string[]) => {
    // Lines of a fastText file carry their labels (__label__pos …): predicted on their text, as fastText does.
    const texts = batch.filter((t) => t.trim() !== '').map(textWithoutFastTextLabels);
    const predictions = await model.predictBatch(texts);
    let next = 0;
    for (const text of batch) out(formatPrediction(text, text.trim() === '' ? undefined : predictions[next++], flags));
  };
  if (texts.length) {
    await show(texts);
    return;
  }
  const source = flags.input === undefined || flags.input === '-' ? process.stdin : await openInput(flags.input);
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  let pending: string[] = [];
  for await (const line of lines) {
    pending.push(line);
    if (pending.length >= chunk) {
      await show(pending);
      pending = [];
    }
  }
  if (pending.length) await show(pending);
}

/** One output line: "label<TAB>p<TAB>text", or with -k/--threshold "label<TAB>p" pairs before the text; JSON with --json. */
function formatPrediction(text: string, p: Prediction | undefined, flags: PredictFlags): string {
  const ranked = p ? rankLabels(p, flags) : [];
  if (flags.json) {
    const top =
      flags.k !== undefined || flags.threshold !== undefined
        ? { top: ranked.map(([label, probability]) => ({ label, probability })) }
        : {};
    return JSON.stringify({ text, label: p ? p.label : null, probabilities: p ? p.probabilities : null, ...top });
  }
  return [...ranked.flatMap(([label, prob]) => [label, prob.toFixed(4)]), ...(p ? [] : ['', '']), text].join('\t');
}

/** The labels to show, most probable first: the top k (default 1), then those under the threshold dropped. */
function rankLabels(p: Prediction, flags: PredictFlags): [string, number][] {
  const all = Object.entries(p.probabilities).sort((a, b) => b[1] - a[1]);
  const top = all.slice(0, flags.k ?? 1);
  return flags.threshold === undefined ? top : top.filter(([, prob]) => prob >= flags.threshold!);
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function openInput(path: string): Promise<NodeJS.ReadableStream> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(
      `${path}: cannot read the file (${error.code === 'ENOENT' ? 'there is no such file' : (error.code ?? error.message)}); check the path`,
    );
  });
  return handle.createReadStream({ encoding: 'utf8' });
}

export async function explainCommand(
  modelPath: string,
  text: string,
  flags: { json?: boolean; attention?: boolean },
  out: Print,
): Promise<void> {
  await withModel(modelPath, (model) => {
    if (flags.attention) return printAttention(model, text, flags, out);
    const e = model.explain(text);
    if (flags.json) {
      out(JSON.stringify(e));
      return;
    }
    out(
      `${e.label} (score for "${e.target}": ${e.score.toFixed(3)}; ${e.method === 'exact' ? 'exact decomposition' : e.method === 'occlusion' ? 'occlusion' : 'gradient × input'})`,
    );
    const labels = e.tokens.map((_, i) => tokenLabel(e.tokens, i));
    const width = Math.max(...labels.map(displayWidth), 6);
    const scale = Math.max(...e.tokens.map((t) => Math.abs(t.contribution)), 1e-9);
    e.tokens.forEach((t, i) => {
      const bar = (t.contribution >= 0 ? '+' : '-').repeat(Math.round((Math.abs(t.contribution) / scale) * 20));
      out(`  ${padEndColumns(labels[i], width)} ${t.contribution.toFixed(3).padStart(7)}  ${bar}`);
    });
    out(`  ${padEndColumns('(bias)', width)} ${e.bias.toFixed(3).padStart(7)}`);
  });
}

/** explain --attention: each layer's and head's weights as a table, row i = where token i looks. */
function printAttention(
  model: TextClassifier<string | number>,
  text: string,
  flags: { json?: boolean },
  out: Print,
): void {
  const a = model.attentionWeights(text);
  if (!a)
    throw new CliError(
      `explain --attention needs an attention model; this one is a ${model.config.arch} model (train one with --arch attention)`,
    );
  if (flags.json) {
    out(JSON.stringify(a));
    return;
  }
  const words = a.tokens.map((t, i) => (a.negated[i] ? `not:${t}` : t));
  const width = Math.min(12, Math.max(5, ...words.map(displayWidth)));
  const cell = (w: string) => padStartColumns(fitColumns(w, width), width);
  a.layers.forEach((heads, l) =>
    heads.forEach((rows, h) => {
      out(`layer ${l}, head ${h} (row: a token; columns: how much it attends to each)`);
      out(`${' '.repeat(width)} ${words.map(cell).join(' ')}`);
      rows.forEach((row, i) => out(`${cell(words[i])} ${row.map((v) => v.toFixed(2).padStart(width)).join(' ')}`));
    }),
  );
}

/**
 * Token i of an explanation for people to read: the word as written, and for a negated one the
 * negation whose scope it is in, which is the last token before it that is not negated; `note`
 * goes in the same parentheses.
 * @example
 * ```ts
 * tokenLabel(model.explain("not worth it").tokens, 1) // 'worth (after "not")'
 * ```
 * @example
 * ```ts
 * tokenLabel(model.explain("not worth it").tokens, 1, "-1.20") // 'worth (after "not", -1.20)'
 * ```
 */
export function tokenLabel(tokens: readonly TokenContribution[], i: number, note?: string): string {
  const t = tokens[i];
  const notes: string[] = [];
  if (t.negated) {
    let j = i - 1;
    while (j >= 0 && tokens[j].negated) j--;
    notes.push(j >= 0 ? `after "${tokens[j].token}"` : 'negated');
  }
  if (note !== undefined) notes.push(note);
  return notes.length ? `${t.token} (${notes.join(', ')})` : t.token;
}

/** What the numbers of `similar` (and `start`'s neighbours) mean, in one line. */
export function similarityMeaning(raw: boolean | undefined): string {
  return raw
    ? 'plain cosine similarity of the word vectors (in a model of two classes most read near 1 or −1; without --raw the mean vector is taken out first)'
    : 'cosine similarity of the word vectors once the mean vector of all words is taken out: 1 the same direction, 0 unrelated, −1 opposite (--raw: plain cosine)';
}

export async function similarCommand(
  modelPath: string,
  word: string,
  flags: { k: number; json?: boolean; raw?: boolean },
  out: Print,
  err: Print,
): Promise<void> {
  await withModel(modelPath, (model) => {
    // Words only, centred unless --raw: as the web app's word map shows them.
    const neighbours = model.nearest(word, flags.k, { centred: !flags.raw, wordsOnly: true });
    if (flags.json) out(JSON.stringify(neighbours));
    else {
      err(similarityMeaning(flags.raw));
      for (const n of neighbours) out(`${n.similarity.toFixed(4)}\t${n.word}`);
    }
  });
}

/**
 * Writes the model's word vectors as word2vec text: by default only words as users write them,
 * which is what tools that read .vec files expect; with `includeNegated` also the vectors the
 * model keeps for words in a negation's scope, spelled "not:word" (NEGATED_WORD_PREFIX).
 */
export async function exportVectorsCommand(
  modelPath: string,
  outPath: string,
  flags: { includeNegated?: boolean },
  out: Print,
): Promise<void> {
  await withModel(modelPath, async (model) => {
    const entries: [string, Float32Array][] = [];
    let negated = 0;
    for (const word of model.words({ includeNegated: flags.includeNegated })) {
      // The .vec format separates fields by spaces, so a token with a space cannot be written.
      if (/\s/.test(word)) continue;
      entries.push([word, model.wordVector(word)!]);
      if (word.startsWith(NEGATED_WORD_PREFIX)) negated++;
    }
    const temp = `${outPath}.tmp-${process.pid}`;
    try {
      await writeFile(temp, formatVectors(entries));
      await rename(temp, outPath);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw new CliError(`${outPath}: cannot write the vectors (${codeOf(error) ?? error})`);
    }
    const ofThem = negated ? ` (${negated} of them negated words, spelled ${NEGATED_WORD_PREFIX}word)` : '';
    out(`wrote ${entries.length} word vectors of dimension ${model.config.dim} to ${outPath}${ofThem}`);
  });
}
