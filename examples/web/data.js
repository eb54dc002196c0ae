// Where the training examples come from: the built-in corpus (with its held-out split), lines
// pasted into the page, or a dropped file. Pasted lines and files go through the library's
// readers, the same as `sentiwasm train FILE` uses: CSV, TSV, JSONL and fastText, found from
// the file's extension or the first line, with the same messages for a bad row (file, line,
// what is wrong, what to do); a seeded tenth of them is held out (holdout.js).

import { builtinCorpus, builtinSplit, readExamples } from 'sentiwasm';
import { holdOut } from './holdout.js';

/**
 * Examples to train on, held-out ones where there are any, and what they are, in words.
 * @typedef {{
 *   examples: import('sentiwasm').LabelledText[];
 *   validation?: import('sentiwasm').LabelledText[];
 *   what: string;
 * }} TrainingChoice
 */

/**
 * The built-in corpus: its training part, and its dev part held out to show accuracy on unseen sentences.
 * @returns {TrainingChoice}
 */
export function builtinData() {
  const { train, dev } = builtinSplit();
  return {
    examples: train,
    validation: dev,
    what: `the built-in corpus (${train.length} to train, ${dev.length} held out)`,
  };
}

/** A few lines to start from when pasting: the English half of the corpus as TSV. */
export function samplePaste() {
  return ['label\ttext', ...builtinCorpus.english.map((e) => `${e.label}\t${e.text.replace(/\s+/g, ' ')}`)].join('\n');
}

/**
 * Examples read from text pasted into the page (the format guessed from its first line).
 * @param {string} text
 * @returns {Promise<TrainingChoice>}
 */
export async function pastedData(text) {
  if (text.trim() === '') throw new Error('Paste some labelled lines first (CSV, TSV, JSONL or fastText).');
  const examples = await readAll(new TextEncoder().encode(text), 'the pasted text');
  return withHeldOut(examples, (parts) => `${examples.length} pasted examples${parts ? ` (${parts})` : ''}`);
}

/**
 * Examples read from a File (a file input or a drop); the format from its extension, else its
 * first line. Read as a stream, chunk by chunk, so that a large file does not hold up the page.
 * @param {File} file
 * @returns {Promise<TrainingChoice>}
 */
export async function fileData(file) {
  const examples = await readAll(file.stream(), file.name);
  return withHeldOut(examples, (parts) => `${file.name} (${examples.length} examples${parts ? `: ${parts}` : ''})`);
}

/**
 * The examples less a held-out tenth, which validates each epoch (none is held out of a handful
 * of examples); `describe` names the data, given the parts' sizes when there are two.
 * @param {import('sentiwasm').LabelledText[]} examples
 * @param {(parts?: string) => string} describe
 * @returns {TrainingChoice}
 */
function withHeldOut(examples, describe) {
  const { train, heldOut } = holdOut(examples);
  if (heldOut.length === 0) return { examples, what: describe() };
  return {
    examples: train,
    validation: heldOut,
    what: describe(`${train.length} to train, ${heldOut.length} held out`),
  };
}

/**
 * @param {import('sentiwasm').ChunkSource} source
 * @param {string} fileName
 */
async function readAll(source, fileName) {
  /** @type {import('sentiwasm').LabelledText[]} */
  const examples = [];
  for await (const e of readExamples(source, { fileName })) examples.push({ text: e.text, label: e.label });
  if (examples.length === 0) throw new Error(`${fileName}: no examples in it`);
  return examples;
}
