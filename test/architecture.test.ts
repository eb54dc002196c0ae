// The shape every model shares: the registry builds each architecture behind one interface; a
// model's memory is one plan laid out when it is built, printed by `sentiwasm inspect`, and
// nothing is allocated after it (prediction of any text included); the model file holds one
// section per tensor and refuses a newer schema or an unknown architecture with its own message;
// and imports between the source folders run one way.

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSplit, loadModel, train, type TextClassifier } from '../src/index.node.js';
import { decodeModelFile, encodeModelFile, ModelFileError } from '../src/format/model-file.js';
import { architectures, modelClass } from '../src/models/registry.js';
import { bagFront } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const run = promisify(execFile);
const { train: data } = builtinSplit();

const trained: Record<string, TextClassifier> = {};
beforeAll(async () => {
  for (const arch of architectures()) trained[arch] = await train(data, { arch, epochs: 10, dim: 16, seed: 4 });
});

describe('models behind one interface', () => {
  it('every registered architecture trains, predicts and saves through the same calls', async () => {
    expect(architectures()).toEqual(['bag', 'mlp', 'attention']);
    for (const arch of architectures()) {
      const model = trained[arch];
      expect(model.config.arch).toBe(arch);
      expect(model.predict('a wonderful, moving film').label).toBe('positive');
      const again = await loadModel(model.toBytes());
      expect(again.predict('a dull mess').probabilities).toEqual(model.predict('a dull mess').probabilities);
    }
  });

  it('an unknown architecture is refused by the registry with the names there are', () => {
    expect(() => modelClass('lstm')).toThrow('unknown architecture "lstm"; sentiwasm has bag, mlp, attention');
  });
});

describe('the memory plan', () => {
  it.each(['bag', 'mlp'])(
    'a loaded %s model: nothing is allocated after it is built, whatever is predicted (a 300,000-feature text too)',
    async (arch) => {
      const model = await loadModel(trained[arch].toBytes());
      const rt = model.runtime;
      expect(rt.sealed).toBe(true);
      const allocated = rt.allocated,
        byteLength = rt.byteLength;
      const long = Array.from({ length: 150_000 }, (_, i) => (i % 3 ? 'great' : 'film')).join(' ');
      model.predictBatch([
        'fine',
        'not good at all',
        '很好',
        long,
        'x'.repeat(70_000),
        ...Array.from({ length: 600 }, (_, i) => `text ${i}`),
      ]);
      model.explain('a dull, lifeless mess, not worth it');
      expect(rt.allocated).toBe(allocated);
      expect(rt.byteLength).toBe(byteLength);
      expect(() => rt.alloc(16, 64, 'late')).toThrow(
        /"late" \(16 bytes\) asked for memory after a trained model laid its memory out/,
      );
    },
  );

  it.each(['bag', 'mlp'])(
    'a %s model predicts a text longer than a batch holds from the mean of all its features (taken in parts)',
    (arch) => {
      const model = trained[arch];
      const words = ['great', 'film', 'dull', 'not', 'fun', 'plot'];
      const text = Array.from({ length: 40_000 }, (_, i) => words[(i * 7) % words.length]).join(' ');
      const rows = model.featurizer.rows(model.featurizer.tokenize(text), []);
      expect(rows.length).toBeGreaterThan(bagFront(model).embedding.capacity.maxIds);
      // The same mean, worked out in JavaScript: the rows' vectors averaged, then the head's layers.
      const front = bagFront(model);
      const D = model.config.dim;
      const table = front.embedding.values();
      const mean = new Float64Array(D);
      for (const r of rows) for (let d = 0; d < D; d++) mean[d] += table[r * D + d] / rows.length;
      front.head.loadInputs(Float32Array.from(mean), 1);
      const want = model.runtime.f32(front.head.forwardBatch(1, false), model.labels.length).slice();
      const got = model.logits([rows]);
      got.forEach((v, c) => expect(Math.abs(v - want[c])).toBeLessThan(1e-4));
    },
  );

  it('the plan names every block, in address order, without overlaps', () => {
    const plan = trained.mlp.runtime.plan();
    const names = plan.map((b) => b.name);
    for (const name of [
      'embedding.table',
      'embedding.ids',
      'head.parameters',
      'head.gradients',
      'head.adam.m',
      'step.targets',
      'featurizer.tokenTable',
    ])
      expect(names).toContain(name);
    for (let i = 1; i < plan.length; i++)
      expect(plan[i].offset).toBeGreaterThanOrEqual(plan[i - 1].offset + plan[i - 1].bytes);
  });
});

describe('sentiwasm inspect', () => {
  it("prints the file's sections (name, dtype, shape, bytes) and the plan the model lays out, as JSON with --json", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-inspect-'));
    const file = join(dir, 'mlp.bin');
    writeFileSync(file, trained.mlp.toBytes());
    const { stdout } = await run(process.execPath, [CLI, 'inspect', file, '--json']);
    const report = JSON.parse(stdout) as {
      sections: { name: string; dtype: string; shape: number[]; bytes: number }[];
      plan: { name: string; offset: number; bytes: number }[];
    };
    const section = (name: string) => report.sections.find((s) => s.name === name);
    const rows = trained.mlp.featurizer.rowCount;
    expect(section('embedding.weight')).toEqual({
      name: 'embedding.weight',
      dtype: 'f32',
      shape: [rows, 16],
      bytes: rows * 16 * 4,
    });
    expect(section('head.0.weight')?.shape).toEqual([64, 16]);
    expect(section('head.2.bias')?.shape).toEqual([2]);
    expect(section('vocabulary')?.dtype).toBe('u8');
    expect(report.plan.find((b) => b.name === 'embedding.table')?.bytes).toBe(rows * 16 * 4);
    const text = (await run(process.execPath, [CLI, 'inspect', file])).stdout;
    expect(text).toMatch(/^sections$/m);
    expect(text).toMatch(/^ {2}head\.0\.weight +f32 +\[64 × 16\]/m);
    expect(text).toMatch(/^memory plan/m);
  });
});

describe('the model file', () => {
  it('holds one section per tensor, named as the model names them, and records its classifier schema', () => {
    const { config, sections } = decodeModelFile(trained.mlp.toBytes(), 'mlp');
    expect(config.schema).toBe(2);
    expect(Object.keys(sections).sort()).toEqual([
      'embedding.weight',
      'head.0.bias',
      'head.0.weight',
      'head.2.bias',
      'head.2.weight',
      'rowBuckets',
      'vocabulary',
    ]);
  });

  it.each<[string, (config: Record<string, unknown>) => void, RegExp]>([
    [
      'a newer classifier schema',
      (c) => (c.schema = 5),
      /written by a newer sentiwasm \(classifier schema 5; this one reads up to 4\)\. upgrade sentiwasm to load it/,
    ],
    [
      'an architecture this release does not have',
      (c) => (c.arch = 'transformer'),
      /architecture "transformer", which this sentiwasm does not have \(it has bag, mlp, attention\)\. if a newer sentiwasm wrote it, upgrade/,
    ],
  ])('%s gets its own message', async (_, change, message) => {
    const contents = decodeModelFile(trained.bag.toBytes(), 'bag');
    change(contents.config);
    const error = await loadModel(encodeModelFile(contents), { name: 'edited.bin' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('imports run one way', () => {
  // Lower folders never import higher ones:
  // assembly ← runtime ← nn ← text, data, format, eval ← models ← export ← model-file ← classifier
  //   ← fit ← parallel ← worker ← train ← tune ← io ← cli.
  // The epoch loop (fit/) is below the threads (parallel/): it is handed a way to start a team.
  // train() (train/) is the one entry to training, here or in a worker (worker/); the platform's
  // parts (Node's files, data sets, worker_threads) are installed from io/.
  const LAYERS: Record<string, number> = {
    runtime: 0,
    nn: 1,
    text: 2,
    data: 2,
    format: 2,
    eval: 2,
    models: 3,
    export: 3.5,
    'model-file': 3.6,
    classifier: 3.7,
    fit: 4,
    parallel: 4.2,
    worker: 4.3,
    train: 4.4,
    tune: 4.6,
    io: 5,
    cli: 7,
  };

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  }

  /** Every module a file imports (static, type-only and dynamic imports), as absolute paths of .ts files. */
  function importsOf(file: string): string[] {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)].map((m) =>
      resolve(dirname(file), `${m[1]}.ts`),
    );
  }

  /** The top folder of src a file is in ('' for the entry points). */
  const folderOf = (file: string) => {
    const parts = relative(SRC, file).split(/[\\/]/);
    return parts.length > 1 ? parts[0] : '';
  };

  it('every folder of src has its place in the layers', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(folders.map((e) => e.name).filter((name) => !(name in LAYERS))).toEqual([]);
  });

  it('no module imports from a folder above its own (nested folders count as their top folder)', () => {
    const wrong: string[] = [];
    for (const file of sources(SRC)) {
      const folder = folderOf(file);
      if (!(folder in LAYERS)) continue;
      for (const target of importsOf(file)) {
        const to = folderOf(target);
        if (to in LAYERS && LAYERS[to] > LAYERS[folder])
          wrong.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('no two modules of src import each other, directly or through others (type-only imports count)', () => {
    const all = sources(SRC);
    const known = new Set(all);
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const circles: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const target of importsOf(file).filter((t) => known.has(t))) {
        if (state.get(target) === 'open')
          circles.push([...path.slice(path.indexOf(target)), target].map((f) => relative(SRC, f)).join(' → '));
        else if (!state.has(target)) visit(target);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of all) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });

  it('the training folders stay small: src/train holds at most 12 files, and no file of src is over 500 lines', () => {
    expect(sources(join(SRC, 'train')).length).toBeLessThanOrEqual(12);
    // The format's specification and the built-in corpus are long by nature.
    const exempt = new Set(['format/model-file.ts', 'data/corpus.ts']);
    const long = sources(SRC)
      .map((file) => ({
        file: relative(SRC, file).split(/[\\/]/).join('/'),
        lines: readFileSync(file, 'utf8').split('\n').length,
      }))
      .filter(({ file, lines }) => lines > 500 && !exempt.has(file));
    expect(long).toEqual([]);
  });
});
