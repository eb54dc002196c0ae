// Data sets by name, end to end, without the internet: a local HTTP server on 127.0.0.1 serves
// small archives made here in the published layouts (SST-2's zip, aclImdb's tar.gz, the UCI zip,
// ChnSentiCorp's CSV), and the registry is pointed at it per call (the `sources` option) or per
// child process (SENTIWASM_DATASETS), never by changing anything global.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSplitCodes, DatasetError, parseDatasetSpec } from '../src/data/datasets/registry.js';
import { defaultCacheDir } from '../src/data/datasets/cache.node.js';
import { getDataset, resolveDataset } from '../src/data/datasets/manager.node.js';
import type { DatasetOptions, DatasetProgress, SourceOverride } from '../src/data/datasets/options.js';
import { readExamplesFromFile } from '../src/data/files.node.js';
import { TarError, TarReader } from '../src/data/tar.js';
import { train } from '../src/index.node.js';
import '../src/index.node.js';
import { cli } from './helpers.js';

// These tests are of the data-set manager itself, against a server and files of their own: a
// local copy given to the whole run (SENTIWASM_DATASET_*, as .ci/run gives one) or its overrides
// file must not stand in for them, in this process or in the CLIs it starts.
for (const name of Object.keys(process.env)) if (name.startsWith('SENTIWASM_DATASET')) delete process.env[name];

const root = mkdtempSync(join(tmpdir(), 'sentiwasm-datasets-'));
let caches = 0;
/** A new, empty cache folder. */
const freshCache = () => join(root, `cache-${++caches}`);

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const text = (s: string) => new TextEncoder().encode(s);

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Fixtures in the published layouts

const POSITIVE = [
  'a gorgeous , witty film',
  'the best movie of the year',
  'warm and wonderful',
  'a delight from start to finish',
  'great acting and a lovely story',
  'funny , moving and smart',
];
const NEGATIVE = [
  'a dull , lifeless mess',
  'the worst film of the year',
  'boring and far too long',
  'an awful waste of time',
  'terrible acting and a stupid plot',
  'bland , tedious and ugly',
];

function sst2Tsv(times: number): string {
  const lines = ['sentence\tlabel'];
  for (let r = 0; r < times; r++) POSITIVE.forEach((p, i) => lines.push(`${p}\t1`, `${NEGATIVE[i]}\t0`));
  return `${lines.join('\n')}\n`;
}

/** SST-2.zip as GLUE publishes it: SST-2/{train,dev,test}.tsv (test without labels) and original/. */
const SST2_ZIP = zipSync({
  'SST-2/': {},
  'SST-2/train.tsv': text(sst2Tsv(4)),
  'SST-2/dev.tsv': text(sst2Tsv(1)),
  'SST-2/test.tsv': text('index\tsentence\n0\tan unlabelled sentence\n'),
  'SST-2/original/README.txt': text('the treebank\n'),
});

/** The UCI zip: header-less `sentence<TAB>label` files in "sentiment labelled sentences/", and macOS litter. */
const UCI_ZIP = zipSync({
  'sentiment labelled sentences/amazon_cells_labelled.txt': text(
    'Good case, Excellent value.\t1\nGreat for the jawbone.\t1\nIt broke in a week.  \t0\n',
  ),
  'sentiment labelled sentences/imdb_labelled.txt': text(
    'A very, very, very slow-moving, aimless movie about a distressed, drifting young man.  \t0\nA "masterpiece".  \t1\n',
  ),
  'sentiment labelled sentences/yelp_labelled.txt': text(
    'Wow... Loved this place.\t1\nCrust is not good.\t0\nNot tasty and the texture was just nasty.\t0\nThe fries were great too.\t1\n',
  ),
  'sentiment labelled sentences/readme.txt': text('Score is either 1 (for positive) or 0 (for negative)\n'),
  '__MACOSX/sentiment labelled sentences/._yelp_labelled.txt': new Uint8Array(16),
});

/** aclImdb_v1.tar.gz made by the system's tar: aclImdb/{train,test}/{pos,neg}/<id>_<stars>.txt, plus what the recipe leaves out. */
function makeImdbTarGz(): Uint8Array {
  const dir = join(root, 'imdb-src');
  const reviews: [string, string][] = [
    ['train/pos/10_9.txt', 'A wonderful film.<br /><br />Loved it.'],
    ['train/pos/2_8.txt', 'Great fun, “truly” great.'],
    ['train/neg/5_1.txt', 'Awful.\tJust awful.'],
    ['train/neg/0_3.txt', 'Boring and long.'],
    ['train/unsup/0_0.txt', 'unlabelled'],
    ['test/pos/0_10.txt', 'Superb.'],
    ['test/neg/1_2.txt', 'Dreadful.'],
    ['README', 'Large Movie Review Dataset v1.0'],
    [`train/unsup/${'x'.repeat(120)}_0.txt`, 'a long name, in a GNU long-name record'],
  ];
  for (const [path, body] of reviews) {
    mkdirSync(join(dir, 'aclImdb', path, '..'), { recursive: true });
    writeFileSync(join(dir, 'aclImdb', path), body);
  }
  const tar = join(root, 'aclImdb_v1.tar.gz');
  execFileSync('tar', ['-czf', tar, '-C', dir, 'aclImdb']);
  return new Uint8Array(readFileSync(tar));
}

/** ChnSentiCorp_htl_all.csv's shape: header label,review and exactly 7,766 reviews, some quoted; those at `empty` empty, as one is as published. */
function makeChnSentiCorpCsv(empty: readonly number[] = []): Uint8Array {
  const rows = ['label,review'];
  for (let i = 0; i < 7766; i++)
    rows.push(empty.includes(i) ? '0,' : i % 3 === 0 ? `0,"房间很差,服务""一般"" ${i}"` : `1,很好的酒店 ${i}`);
  return text(`${rows.join('\n')}\n`);
}

/** The rows of ChnSentiCorp_htl_all.csv that the fixed split puts in each part (0 train, 1 dev, 2 test). */
function chnSentiCorpCodes(): Uint8Array {
  const recipe = parseDatasetSpec('chnsenticorp')!.source.recipe;
  if (recipe.kind !== 'csv-split') throw new Error('chnsenticorp is cut by a csv-split recipe');
  return decodeSplitCodes(recipe.codes, recipe.rows);
}

// ---------------------------------------------------------------------------------------------
// The server

interface Route {
  body: Uint8Array;
  /** drop: the first request gets half the body, then the connection is cut; no-range: Range is ignored. */
  mode?: 'drop' | 'drop-no-range';
}

const routes = new Map<string, Route>();
const requests: { path: string; range?: string }[] = [];
let server: Server;
let base = '';

const countOf = (path: string) => requests.filter((r) => r.path === path).length;

function serve(path: string, route: Route): string {
  routes.set(path, route);
  return `${base}${path}`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push({ path, range: req.headers.range });
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const body = route.body;
    if (route.mode && countOf(path) === 1) {
      // Promise the whole file, send half, cut the connection.
      res.writeHead(200, { 'content-length': body.length, etag: '"v1"' });
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && route.mode !== 'drop-no-range') {
      const start = Number(range[1]);
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        etag: '"v1"',
      });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { 'content-length': body.length, etag: '"v1"' });
    res.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

/** Overrides pointing a source at a path of the server, with the fixture's size and SHA-256. */
function pointAt(
  id: string,
  path: string,
  body: Uint8Array,
  route: Omit<Route, 'body'> = {},
  published: Uint8Array = body,
): Record<string, SourceOverride> {
  return { [id]: { url: serve(path, { body, ...route }), bytes: published.length, sha256: sha256(published) } };
}

/** The environment of a CLI run: its own cache, and the registry pointed at the server through a file. */
function cliEnv(cache: string, sources: Record<string, SourceOverride>): Record<string, string> {
  const file = join(root, `sources-${++caches}.json`);
  writeFileSync(file, JSON.stringify(sources));
  return { SENTIWASM_CACHE: cache, SENTIWASM_DATASETS: file };
}

// ---------------------------------------------------------------------------------------------

describe('data-set names', () => {
  it.each([
    ['sst2', 'sst2:train'],
    ['sst2:dev', 'sst2:dev'],
    ['SST2:Validation', 'sst2:dev'],
    ['sst2:valid', 'sst2:dev'],
    ['imdb', 'imdb:train'],
    ['imdb:test', 'imdb:test'],
    ['chnsenticorp:test', 'chnsenticorp:test'],
    ['uci-yelp', 'uci-yelp:all'],
    ['train.tsv', undefined],
    ['data/sst2', undefined],
    ['sst3', undefined],
    ['sst2.tsv', undefined],
  ])('%s names %s', (spec, id) => {
    expect(parseDatasetSpec(spec)?.id).toBe(id);
  });

  it.each([
    ['imdb:dev', /imdb has no split "dev"; its splits are train, test \(hold out part/],
    ['sst2:test', /sst2 has no split "test"; its splits are train, dev$/],
  ])('%s is refused, naming the splits there are', (spec, message) => {
    expect(() => parseDatasetSpec(spec)).toThrow(DatasetError);
    expect(() => parseDatasetSpec(spec)).toThrow(message);
  });

  it.each([
    ['linux', { SENTIWASM_CACHE: '/data/cache' }, '/data/cache'],
    ['linux', { XDG_CACHE_HOME: '/xdg' }, '/xdg/sentiwasm'],
    ['linux', {}, '/home/u/.cache/sentiwasm'],
    ['darwin', {}, '/home/u/Library/Caches/sentiwasm'],
    ['win32', { LOCALAPPDATA: '/appdata' }, '/appdata/sentiwasm/Cache'],
  ])('the cache on %s with %j is %s', (platform, env, dir) => {
    expect(defaultCacheDir(env, platform, '/home/u').replace(/\\/g, '/')).toBe(dir);
  });

  it('split codes are two bits a row, row 0 in the low bits', () => {
    expect([...decodeSplitCodes('5A==', 4)]).toEqual([0, 1, 2, 3]);
  });
});

describe('TarReader', () => {
  it.each(['gnu', 'pax', 'ustar'])(
    'reads what `tar --format=%s` writes, long names included, in chunks of any size',
    (format) => {
      const dir = join(root, `tar-${format}`);
      const deep = `${'d'.repeat(60)}/${'e'.repeat(60)}/file.txt`;
      mkdirSync(join(dir, 'top', deep, '..'), { recursive: true });
      writeFileSync(join(dir, 'top', 'a.txt'), 'alpha');
      writeFileSync(join(dir, 'top', deep), 'deep');
      writeFileSync(join(dir, 'top', 'empty.txt'), '');
      const tar = join(dir, 'x.tar');
      execFileSync('tar', [`--format=${format}`, '-cf', tar, '-C', dir, 'top']);
      const bytes = new Uint8Array(readFileSync(tar));
      for (const size of [1, 7, 512, 100_000]) {
        const reader = new TarReader((name) => name.endsWith('.txt'));
        const files = new Map<string, string>();
        for (let at = 0; at < bytes.length; at += size) {
          for (const e of reader.push(bytes.subarray(at, at + size)))
            if (e.data) files.set(e.name, new TextDecoder().decode(e.data));
        }
        reader.end();
        expect(files).toEqual(
          new Map([
            ['top/a.txt', 'alpha'],
            [`top/${deep}`, 'deep'],
            ['top/empty.txt', ''],
          ]),
        );
      }
    },
  );

  it('says so when the archive stops in the middle of a file', () => {
    const tar = new Uint8Array(readFileSync(join(root, 'tar-gnu', 'x.tar')));
    const reader = new TarReader();
    reader.push(tar.subarray(0, 512 + 3));
    expect(() => reader.end()).toThrow(TarError);
  });

  it('refuses what is not a tar archive', () => {
    expect(() => new TarReader().push(text('not a tar archive, '.repeat(40)))).toThrow(TarError);
  });
});

describe('fetching data sets from a server (127.0.0.1)', () => {
  const sst2Cache = freshCache();
  let sst2Env: Record<string, string>;
  const model = join(root, 'sst2.bin');

  beforeAll(() => {
    sst2Env = cliEnv(sst2Cache, pointAt('sst2', '/glue/SST-2.zip', SST2_ZIP));
  });

  it('`sentiwasm train sst2 --dev sst2:dev` downloads, verifies, unpacks and trains', async () => {
    const { code, stderr } = await cli(
      ['train', 'sst2', '--dev', 'sst2:dev', '--out', model, '--epochs', '5', '--no-progress'],
      { env: sst2Env },
    );
    expect(stderr).toMatch(/sst2: downloading http:\/\/127\.0\.0\.1:\d+\/glue\/SST-2\.zip/);
    expect(stderr).toMatch(/sst2: verified \(size, SHA-256\)/);
    expect(code).toBe(0);
    expect(existsSync(model)).toBe(true);
    expect(countOf('/glue/SST-2.zip')).toBe(1);
    // Only the data set's files and its manifest; nothing half-written, no archive left behind.
    expect(filesUnder(sst2Cache)).toEqual(['sst2/dev.tsv', 'sst2/manifest.json', 'sst2/train.tsv']);
    expect(readFileSync(join(sst2Cache, 'sst2/train.tsv'), 'utf8')).toBe(sst2Tsv(4));
  });

  it('the second time comes from the cache: no request reaches the server', async () => {
    const { code, stdout } = await cli(['eval', model, 'sst2:validation', '--json'], { env: sst2Env });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).accuracy).toBeGreaterThan(0.5);
    expect(countOf('/glue/SST-2.zip')).toBe(1);
    const list = await cli(['datasets', 'list'], { env: sst2Env });
    expect(list.stdout).toMatch(/^sst2\s+train 48, dev 12\s+7\.1 MiB\s+yes\s/m);
    expect(list.stdout).toMatch(/^imdb\s+train 25,000, test 25,000\s+80\.2 MiB\s+no\s/m);
  });

  it('`datasets info` shows the address, the checksums and where they come from', async () => {
    const { code, stdout } = await cli(['datasets', 'info', 'imdb'], { env: {} });
    expect(code).toBe(0);
    expect(stdout).toContain('https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz (tar.gz, 80.2 MiB)');
    expect(stdout).toMatch(/^SHA-256:\s+c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe$/m);
    expect(stdout).toMatch(/^checksums from:\s+SHA-256 and size: TensorFlow Datasets/m);
  });

  it('a connection cut half-way is resumed with a Range request', async () => {
    const progress: DatasetProgress[] = [];
    const cacheDir = freshCache();
    const sources = pointAt('sst2', '/drop/SST-2.zip', SST2_ZIP, { mode: 'drop' });
    const got = await resolveDataset('sst2', { cacheDir, sources, onProgress: (p) => progress.push(p) });
    expect(readFileSync(got.path, 'utf8')).toBe(sst2Tsv(4));
    expect(requests.filter((r) => r.path === '/drop/SST-2.zip').map((r) => r.range)).toEqual([
      undefined,
      `bytes=${SST2_ZIP.length >> 1}-`,
    ]);
    expect(progress.some((p) => p.phase === 'retry')).toBe(true);
    expect(progress.find((p) => p.phase === 'download' && p.resumedFrom)).toMatchObject({
      resumedFrom: SST2_ZIP.length >> 1,
    });
    expect(filesUnder(cacheDir)).toEqual(['sst2/dev.tsv', 'sst2/manifest.json', 'sst2/train.tsv']);
  });

  it('a server that ignores Range after a cut connection gets a clean restart', async () => {
    const cacheDir = freshCache();
    const sources = pointAt('sst2', '/drop-no-range/SST-2.zip', SST2_ZIP, { mode: 'drop-no-range' });
    const got = await resolveDataset('sst2:dev', { cacheDir, sources });
    expect(readFileSync(got.path, 'utf8')).toBe(sst2Tsv(1));
    expect(countOf('/drop-no-range/SST-2.zip')).toBe(2);
    expect(JSON.parse(readFileSync(join(cacheDir, 'sst2/manifest.json'), 'utf8')).sha256).toBe(sha256(SST2_ZIP));
  });

  it('a missing file (HTTP 404) is reported at once, without retrying', async () => {
    const cacheDir = freshCache();
    const error = await resolveDataset('sst2', {
      cacheDir,
      sources: { sst2: { url: `${base}/gone/SST-2.zip` } },
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect(String(error)).toContain(`sst2: downloading ${base}/gone/SST-2.zip failed: HTTP 404 Not Found.`);
    expect(countOf('/gone/SST-2.zip')).toBe(1);
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it('a file with another checksum is refused, naming the data set and both checksums, and nothing stays in the cache', async () => {
    const cache = freshCache();
    const damaged = SST2_ZIP.slice();
    damaged[damaged.length >> 1] ^= 0xff;
    const env = cliEnv(cache, pointAt('sst2', '/damaged/SST-2.zip', damaged, {}, SST2_ZIP));
    const { code, stdout, stderr } = await cli(['datasets', 'get', 'sst2'], { env: env });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `sst2: refused the download from ${base}/damaged/SST-2.zip: its SHA-256 is ${sha256(damaged)}, expected ${sha256(SST2_ZIP)}`,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(filesUnder(cache)).toEqual([]);
    expect(readdirSync(cache)).toEqual([]);
  });

  it('--offline with an empty cache says what to do and asks the server nothing', async () => {
    const before = requests.length;
    const cache = freshCache();
    const { code, stderr } = await cli(['train', 'sst2', '--offline', '--out', join(root, 'never.bin')], {
      env: cliEnv(cache, pointAt('sst2', '/offline/SST-2.zip', SST2_ZIP)),
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `sentiwasm: sst2:train is not in the cache (${cache}), and offline mode forbids downloading it.`,
    );
    expect(stderr).toContain('--from PATH, or SENTIWASM_DATASET_SST2=PATH');
    expect(requests.length).toBe(before);
    expect(existsSync(join(root, 'never.bin'))).toBe(false);
  });

  it('a local copy stands in for a name: the archive (verified), or a folder of split files', async () => {
    const before = requests.length;
    const archive = join(root, 'SST-2.zip');
    writeFileSync(archive, SST2_ZIP);
    const cache = freshCache();
    const env = cliEnv(cache, { sst2: { url: `${base}/nowhere`, bytes: SST2_ZIP.length, sha256: sha256(SST2_ZIP) } });
    const got = await cli(['datasets', 'get', 'sst2', '--from', archive, '--offline'], { env: env });
    expect(got.code).toBe(0);
    expect(got.stdout).toBe(
      `sst2:train\t${join(cache, 'sst2/train.tsv')}\t48 rows\nsst2:dev\t${join(cache, 'sst2/dev.tsv')}\t12 rows\n`,
    );

    // A folder holding train.tsv and dev.tsv, given through the environment.
    const folder = join(root, 'my-sst2');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'train.tsv'), sst2Tsv(2));
    writeFileSync(join(folder, 'dev.tsv'), sst2Tsv(1));
    const out = join(root, 'from-folder.bin');
    const trained = await cli(['train', 'sst2', '--dev', 'sst2:dev', '--out', out, '--epochs', '2', '--json'], {
      env: { ...cliEnv(freshCache(), {}), SENTIWASM_DATASET_SST2: folder },
    });
    expect(trained.code).toBe(0);
    expect(JSON.parse(trained.stdout).examples).toBe(24);
    expect(requests.length).toBe(before);

    // Any other file is not the archive: refused, naming what it should be.
    const wrong = await resolveDataset('sst2', { cacheDir: freshCache(), from: join(folder, 'train.tsv') }).catch(
      (e: Error) => e,
    );
    expect(wrong).toBeInstanceOf(DatasetError);
    expect(String(wrong)).toMatch(/is not SST-2\.zip as published: it is \d+ bytes long, expected 7,439,277/);
  });

  it('IMDB: the tar.gz unpacks into JSONL per split, labels 0/1, sorted by label and review number', async () => {
    const tgz = makeImdbTarGz();
    const options: DatasetOptions = {
      cacheDir: freshCache(),
      sources: pointAt('imdb', '/imdb/aclImdb_v1.tar.gz', tgz),
    };
    const [trainSplit, testSplit] = await getDataset('imdb', options);
    const lines = readFileSync(trainSplit.path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { text: 'Boring and long.', label: '0', rating: 3 },
      { text: 'Awful.\tJust awful.', label: '0', rating: 1 },
      { text: 'Great fun, “truly” great.', label: '1', rating: 8 },
      { text: 'A wonderful film.<br /><br />Loved it.', label: '1', rating: 9 },
    ]);
    expect([trainSplit.rows, testSplit.rows]).toEqual([4, 2]);
    const { examples } = await readExamplesFromFile(testSplit.path).collect();
    expect(examples.map((e) => [e.label, e.text])).toEqual([
      ['0', 'Dreadful.'],
      ['1', 'Superb.'],
    ]);

    // The unpacked archive as a local copy: the folder that holds aclImdb/, or aclImdb/ itself.
    for (const from of [join(root, 'imdb-src'), join(root, 'imdb-src', 'aclImdb')]) {
      const local = await resolveDataset('imdb', { cacheDir: freshCache(), from, offline: true });
      expect(readFileSync(local.path, 'utf8')).toBe(readFileSync(trainSplit.path, 'utf8'));
      expect(local.origin).toBe('local');
    }
  });

  it('UCI sentences: one zip, four names; header-less lines get a header; no checksum is published, so it is reported', async () => {
    const progress: DatasetProgress[] = [];
    const cacheDir = freshCache();
    const sources = { 'uci-sentences': { url: serve('/uci/sentiment+labelled+sentences.zip', { body: UCI_ZIP }) } };
    const yelp = await resolveDataset('uci-yelp', { cacheDir, sources, onProgress: (p) => progress.push(p) });
    expect(readFileSync(yelp.path, 'utf8')).toBe(
      'sentence\tlabel\nWow... Loved this place.\t1\nCrust is not good.\t0\nNot tasty and the texture was just nasty.\t0\nThe fries were great too.\t1\n',
    );
    expect(progress.find((p) => p.phase === 'unverified')).toMatchObject({ sha256: sha256(UCI_ZIP) });
    const all = await resolveDataset('uci-sentences', { cacheDir, sources });
    const { examples } = await readExamplesFromFile(all.path).collect();
    expect(examples.map((e) => e.label)).toEqual(['1', '1', '0', '0', '1', '1', '0', '0', '1']);
    expect(examples[4].text).toBe('A "masterpiece".');
    expect(countOf('/uci/sentiment+labelled+sentences.zip')).toBe(1);
  });

  it('ChnSentiCorp: the fixed split cuts the 7,766 reviews 6,212 / 777 / 777, row for row', async () => {
    const csv = makeChnSentiCorpCsv();
    const options: DatasetOptions = {
      cacheDir: freshCache(),
      sources: pointAt('chnsenticorp', '/htl/ChnSentiCorp_htl_all.csv', csv),
    };
    const splits = await getDataset('chnsenticorp', options);
    expect(splits.map((s) => [s.id, s.rows])).toEqual([
      ['chnsenticorp:train', 6212],
      ['chnsenticorp:dev', 777],
      ['chnsenticorp:test', 777],
    ]);
    const { examples: dev } = await readExamplesFromFile(splits[1].path).collect();
    expect(dev.length).toBe(777);
    const recipe = parseDatasetSpec('chnsenticorp')!.source.recipe;
    if (recipe.kind !== 'csv-split') throw new Error('chnsenticorp is cut by a csv-split recipe');
    const codes = decodeSplitCodes(recipe.codes, recipe.rows);
    const firstDev = codes.indexOf(1);
    expect(dev[0].text).toBe(firstDev % 3 === 0 ? `房间很差,服务"一般" ${firstDev}` : `很好的酒店 ${firstDev}`);
  });

  it('train("sst2") in Node resolves the name, and validation may name a split', async () => {
    const datasets: DatasetOptions = {
      cacheDir: sst2Cache,
      sources: pointAt('sst2', '/glue/SST-2.zip', SST2_ZIP),
      offline: true,
    };
    const model = await train('sst2', { validation: 'sst2:dev', epochs: 3, seed: 1, datasets });
    try {
      expect(model.labels).toEqual(['0', '1']);
      expect(model.predict('a wonderful , witty delight').label).toBe('1');
    } finally {
      model.dispose();
    }
  });

  it('ChnSentiCorp: a review empty as published is left out of its part, counted in the manifest, and `train chnsenticorp` needs no --skip-bad', async () => {
    const codes = chnSentiCorpCodes();
    const inTrain = codes.indexOf(0, 100);
    const csv = makeChnSentiCorpCsv([inTrain]);
    const cache = freshCache();
    const sources = pointAt('chnsenticorp', '/htl/empty/ChnSentiCorp_htl_all.csv', csv);
    const [trainSplit, devSplit] = await getDataset('chnsenticorp', { cacheDir: cache, sources });
    expect([trainSplit.rows, trainSplit.dropped, devSplit.rows, devSplit.dropped]).toEqual([6211, 1, 777, undefined]);
    const manifest = JSON.parse(readFileSync(join(cache, 'chnsenticorp', 'manifest.json'), 'utf8'));
    expect(manifest.files['train.csv']).toEqual({ rows: 6211, dropped: 1 });
    expect(manifest.files['dev.csv']).toEqual({ rows: 777, dropped: 0 });
    const { examples } = await readExamplesFromFile(trainSplit.path).collect();
    expect(examples.length).toBe(6211);

    const env = cliEnv(cache, sources);
    const trained = await cli(
      ['train', 'chnsenticorp', '--out', join(root, 'htl.bin'), '--epochs', '1', '--dim', '8', '--json', '--offline'],
      { env },
    );
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout).examples).toBe(6211);
    expect(trained.stderr).toContain('chnsenticorp:train: 1 row of the published data left out, its review empty');
    const info = await cli(['datasets', 'info', 'chnsenticorp'], { env });
    expect(info.stdout).toMatch(
      /^left out:\s+rows whose review is empty: train 1, dev 0, test 0 \(counted in the cache\)$/m,
    );
  }, 60_000);

  it('ChnSentiCorp: a cache unpacked before empty reviews were left out is cleaned in place, offline', async () => {
    const csv = makeChnSentiCorpCsv([chnSentiCorpCodes().indexOf(0, 200)]);
    const cache = freshCache();
    const sources = pointAt('chnsenticorp', '/htl/old/ChnSentiCorp_htl_all.csv', csv);
    await getDataset('chnsenticorp', { cacheDir: cache, sources });
    // What an older sentiwasm left: the empty row in train.csv, no count in the manifest.
    const manifestPath = join(cache, 'chnsenticorp', 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const f of Object.values(manifest.files) as { dropped?: number }[]) delete f.dropped;
    manifest.files['train.csv'].rows = 6212;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    writeFileSync(
      join(cache, 'chnsenticorp', 'train.csv'),
      `${readFileSync(join(cache, 'chnsenticorp', 'train.csv'), 'utf8')}0,\n`,
    );
    const again = await resolveDataset('chnsenticorp', { cacheDir: cache, sources, offline: true });
    expect([again.rows, again.dropped, again.origin]).toEqual([6211, 1, 'cache']);
    expect((await readExamplesFromFile(again.path).collect()).examples.length).toBe(6211);
  });

  it('ChnSentiCorp from a local folder holding train.csv with its empty review: a cleaned copy, counted, trains', async () => {
    const folder = join(root, 'my-chnsenticorp');
    mkdirSync(folder, { recursive: true });
    const lines = ['label,review'];
    for (let i = 0; i < 40; i++) lines.push(i % 2 ? `1,很好的酒店 ${i}` : `0,房间很差 ${i}`);
    lines.splice(20, 0, '0,');
    writeFileSync(join(folder, 'train.csv'), `${lines.join('\n')}\n`);
    const cache = freshCache();
    const local = await resolveDataset('chnsenticorp', { cacheDir: cache, from: folder });
    expect([local.rows, local.dropped, local.origin]).toEqual([40, 1, 'local']);
    expect(local.path.startsWith(cache)).toBe(true);
    // The folder itself is left as it was.
    expect(readFileSync(join(folder, 'train.csv'), 'utf8').split('\n')).toHaveLength(43);
    const trained = await cli(
      ['train', 'chnsenticorp', '--out', join(root, 'htl-local.bin'), '--epochs', '1', '--json'],
      {
        env: { ...cliEnv(freshCache(), {}), SENTIWASM_DATASET_CHNSENTICORP: folder },
      },
    );
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout).examples).toBe(40);
    expect(trained.stderr).toContain('chnsenticorp:train: 1 row of the published data left out, its review empty');
  });
});
