// The commands that use a saved model: eval, predict, explain, similar, export-vectors.

import { createInterface } from 'node:readline';
import { writeFile, rename, unlink } from 'node:fs/promises';
import { loadModel } from '../io/load-model.js';
import { ModelFileError } from '../format/model-file.js';
import { formatVectors } from '../io/vectors.js';
import { NEGATED_WORD_PREFIX, type TextClassifier, type TokenContribution } from '../train/classifier.js';
import { formatReport } from '../train/metrics.js';
import { describeSkipped, readLabelled, type DataFlags } from './data.js';
import { CliError } from './errors.js';

type Print = (line: string) => void;

async function openModel(path: string): Promise<TextClassifier> {
  try {
    return await loadModel(path);
  } catch (error) {
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

export async function evalCommand(modelPath: string, file: string, flags: DataFlags & { json?: boolean }, out: Print, err: Print): Promise<void> {
  await withModel(modelPath, async (model) => {
    const { examples, report } = await readLabelled(file, flags, model.labels);
    const skipped = describeSkipped(file, report);
    if (skipped) err(skipped);
    if (examples.length === 0) throw new CliError(`${file}: no usable examples to evaluate on`);
    const evaluation = model.evaluate(examples);
    out(flags.json ? JSON.stringify({ ...evaluation, skipped: report.skipped }) : formatReport(evaluation));
  });
}

export async function predictCommand(modelPath: string, texts: string[], flags: { json?: boolean }, out: Print): Promise<void> {
  await withModel(modelPath, async (model) => {
    const show = (text: string) => {
      const p = model.predict(text);
      if (flags.json) out(JSON.stringify({ text, label: p.label, probabilities: p.probabilities }));
      else out(`${p.label}\t${p.probabilities[p.label].toFixed(4)}\t${text}`);
    };
    if (texts.length) {
      texts.forEach(show);
      return;
    }
    // One prediction per line of standard input, printed as soon as the line arrives.
    const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) if (line.trim()) show(line);
  });
}

export async function explainCommand(modelPath: string, text: string, flags: { json?: boolean }, out: Print): Promise<void> {
  await withModel(modelPath, (model) => {
    const e = model.explain(text);
    if (flags.json) {
      out(JSON.stringify(e));
      return;
    }
    out(`${e.label} (score for "${e.target}": ${e.score.toFixed(3)}; ${e.method === 'exact' ? 'exact decomposition' : 'occlusion'})`);
    const labels = e.tokens.map((_, i) => tokenLabel(e.tokens, i));
    const width = Math.max(...labels.map((l) => l.length), 6);
    const scale = Math.max(...e.tokens.map((t) => Math.abs(t.contribution)), 1e-9);
    e.tokens.forEach((t, i) => {
      const bar = (t.contribution >= 0 ? '+' : '-').repeat(Math.round((Math.abs(t.contribution) / scale) * 20));
      out(`  ${labels[i].padEnd(width)} ${t.contribution >= 0 ? ' ' : ''}${t.contribution.toFixed(3).padStart(7)}  ${bar}`);
    });
    out(`  ${'(bias)'.padEnd(width)} ${e.bias >= 0 ? ' ' : ''}${e.bias.toFixed(3).padStart(7)}`);
  });
}

/**
 * Token i of an explanation for people to read: the word as written, and for a negated one the
 * negation whose scope it is in, which is the last token before it that is not negated; `note`
 * goes in the same parentheses.
 * @example tokenLabel(model.explain("not worth it").tokens, 1) // 'worth (after "not")'
 * @example tokenLabel(model.explain("not worth it").tokens, 1, "-1.20") // 'worth (after "not", -1.20)'
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

export async function similarCommand(modelPath: string, word: string, flags: { k: number; json?: boolean }, out: Print): Promise<void> {
  await withModel(modelPath, (model) => {
    const neighbours = model.nearest(word, flags.k);
    if (flags.json) out(JSON.stringify(neighbours));
    else for (const n of neighbours) out(`${n.similarity.toFixed(4)}\t${n.word}`);
  });
}

/**
 * Writes the model's word vectors as word2vec text: by default only words as users write them,
 * which is what tools that read .vec files expect; with `includeNegated` also the vectors the
 * model keeps for words in a negation's scope, spelled "not:word" (NEGATED_WORD_PREFIX).
 */
export async function exportVectorsCommand(modelPath: string, outPath: string, flags: { includeNegated?: boolean }, out: Print): Promise<void> {
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
      throw new CliError(`${outPath}: cannot write the vectors (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
    const ofThem = negated ? ` (${negated} of them negated words, spelled ${NEGATED_WORD_PREFIX}word)` : '';
    out(`wrote ${entries.length} word vectors of dimension ${model.config.dim} to ${outPath}${ofThem}`);
  });
}
