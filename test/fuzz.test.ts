// Bounded, seeded fuzzing of everything that reads what users give it: the CSV/TSV/JSONL readers,
// the tokeniser and featurizer, and the model loader. Fixed seed and case counts, so CI sees the
// same cases every run; the generators and oracles are in test/fuzz-cases.ts, shared with the
// longer run of scripts/fuzz.ts (whose failures replay here by seed and case number).

import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../src/data/errors.js';
import { parseExamplesText, readExamples } from '../src/data/examples.js';
import { decodeModelFile, ModelFileError, type ModelFileContents } from '../src/format/model-file.js';
import { loadModel, train } from '../src/index.node.js';
import { MAX_NGRAM, resolveFeatureOptions } from '../src/text/feature-options.js';
import { Featurizer } from '../src/text/features.js';
import { MAX_RUN } from '../src/text/token-patterns.js';
import { createTokenizer, type TokenizerOptions } from '../src/text/tokenize.js';
import {
  FuzzRandom,
  checkDataCase,
  checkFeaturizerCase,
  checkModelCase,
  checkTokenizerCase,
  configTextModels,
  dataCase,
  dataErrorProblem,
  featureOptions,
  fixedDataCases,
  fuzzText,
  hugePlanModel,
  inconsistentModels,
  longLine,
  modelCase,
  modelProblems,
  pathologicalTexts,
  tokenizerOptions,
} from './fuzz-cases.js';
import { textRows } from '../src/text/text-rows.js';

const SEED = 9;

/** Runs `count` cases of a generator and returns what went wrong, one line per failing case. */
async function fuzz(count: number, run: (r: FuzzRandom, k: number) => Promise<string[]> | string[]): Promise<string[]> {
  const failures: string[] = [];
  for (let k = 0; k < count; k++) {
    const problems = await run(FuzzRandom.forCase(SEED, k), k);
    if (problems.length > 0) failures.push(`case ${k}: ${problems.join('; ')}`);
  }
  return failures;
}

function* inChunks(text: string, size = 65_536): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** Milliseconds `run` takes. */
async function timed(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

describe('the data readers under fuzzing', () => {
  it('read 1,500 random files (random bytes, soup, mutated CSV/TSV/JSONL, JSON values per line) in memory, whole and in random chunks, throwing only DataErrors that name the file and line', async () => {
    const failures = await fuzz(1500, async (r) => {
      const c = dataCase(r);
      return (await checkDataCase(c)).problems.map((p) => `${c.name}: ${p}`);
    });
    expect(failures).toEqual([]);
  });

  it.each(fixedDataCases())(
    'read $name every way, ending in examples or a DataError naming the file',
    async ({ text, options }) => {
      const bytes = new TextEncoder().encode(text);
      const { problems } = await checkDataCase({
        name: '',
        bytes,
        options,
        chunks: Array.from(bytes, (b) => Uint8Array.of(b)),
      });
      expect(problems).toEqual([]);
    },
  );

  it.each([
    {
      what: 'a 5 MB quoted text field in CSV',
      file: 'big.csv',
      text: `label,text\n1,"${'x'.repeat(5_000_000)}"\n0,short\n`,
      examples: 2,
    },
    {
      what: 'a 5 MB JSONL line',
      file: 'big.jsonl',
      text: `{"text":"${'y'.repeat(5_000_000)}","label":"1"}\n`,
      examples: 1,
    },
    {
      what: 'a 5 MB TSV line with no line break after it',
      file: 'big.tsv',
      text: `label\ttext\n1\t${'z'.repeat(5_000_000)}`,
      examples: 1,
    },
  ])('reads $what in 64 KB chunks in bounded time', async ({ file, text, examples }) => {
    let n = 0;
    const ms = await timed(async () => {
      for await (const e of readExamples(inChunks(text), { fileName: file })) n += e.text.length > 0 ? 1 : 0;
    });
    expect(n).toBe(examples);
    expect(ms).toBeLessThan(5000);
  });

  it('refuses a 5 MB line of one column name with a DataError whose message stays short', async () => {
    const error = await readExamples(inChunks('x'.repeat(5_000_000) + '\n1\n'), { fileName: 'wide.csv' })
      .collect()
      .catch((e: unknown) => e);
    expect(dataErrorProblem(error, 'wide.csv')).toBeUndefined();
    expect((error as DataError).message.length).toBeLessThan(1000);
  });

  it('streams a million rows with a million distinct labels, holding no more than a chunk', async () => {
    function* rows(): Generator<string> {
      yield 'label,text\n';
      for (let i = 0; i < 1_000_000; i += 10_000) {
        let chunk = '';
        for (let j = i; j < i + 10_000; j++) chunk += `label${j},text ${j}\n`;
        yield chunk;
      }
    }
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let n = 0;
    const labels = new Set<string>();
    for await (const e of readExamples(rows(), { fileName: 'labels.csv' })) {
      if (++n % 100_000 === 0) {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        labels.add(e.label);
      }
    }
    expect(n).toBe(1_000_000);
    expect(labels.size).toBe(10);
    // A million examples kept would be well over 100 MB; what is alive at any time is a chunk or two.
    expect(peak - before).toBeLessThan(100 * 2 ** 20);
  });

  it('reads a header only, an empty file and a lone byte order mark as a DataError for the whole file (line 0)', async () => {
    for (const text of ['label,text\n', '', '\uFEFF', '\n\n']) {
      const error = await readExamples(new TextEncoder().encode(text), { fileName: 'empty.csv' })
        .collect()
        .catch((e: unknown) => e);
      expect(dataErrorProblem(error, 'empty.csv')).toBeUndefined();
      expect((error as DataError).reason).toBe('empty-file');
      expect((error as DataError).line).toBe(0);
    }
  });

  // Found by fuzzing.
  const enc = (text: string) => new TextEncoder().encode(text);
  const errorOf = (work: () => unknown) => {
    try {
      work();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('a header of 2.5 million equal names is made unique in linear time', () => {
    const started = performance.now();
    const error = errorOf(() =>
      parseExamplesText(`${Array(2_500_000).fill('a').join(',')}\n`, { fileName: 'wide.csv' }),
    );
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(dataErrorProblem(error, 'wide.csv')).toBeUndefined();
  });

  it('a JSONL field nested 100,000 deep is a DataError, not a RangeError from JSON.stringify', () => {
    const line = `{"text":"a","label":"1","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const error = errorOf(() => parseExamplesText(`${line}\n`, { fileName: 'deep.jsonl' }));
    expect(dataErrorProblem(error, 'deep.jsonl')).toBeUndefined();
    expect((error as DataError).line).toBe(1);
  });

  it('parseExamplesText reports the first bad row before a quote left open at the end, as readExamples does', async () => {
    const text = '\uFEFF"\r\n"\0"\uFEFF\r""\n,\r\r\n"';
    const inMemory = errorOf(() => parseExamplesText(text, { fileName: 'fixed.csv' })) as DataError;
    const streamed = (await readExamples(text, { fileName: 'fixed.csv' })
      .collect()
      .catch((e: unknown) => e)) as DataError;
    expect(inMemory.message).toBe(streamed.message);
  });

  it('the guessed format does not depend on where chunks are cut when the input starts with a blank line', async () => {
    const whole = await readExamples([enc('\nlabel\ttext\n1\tgood film\n')], { fileName: 'data' }).collect();
    const cut = await readExamples([enc('\nlab'), enc('el\ttext\n1\tgood film\n')], { fileName: 'data' }).collect();
    expect(cut.examples).toEqual(whole.examples);
    expect(whole.examples.map((e) => e.text)).toEqual(['good film']);
  });

  it('a header with a column named "constructor" and a row without it is a DataError, not a TypeError', () => {
    const error = errorOf(() => parseExamplesText('a,constructor\n1\n', { fileName: 'a.csv' }));
    expect(dataErrorProblem(error, 'a.csv')).toBeUndefined();
  });
});

describe('the tokeniser and featurizer under fuzzing', () => {
  it('cut 2,000 random texts (every script, emoji, marks, lone surrogates, controls, URLs, runs) with random option sets into non-empty tokens, the same on the ASCII fast path and the regex path', async () => {
    const failures = await fuzz(2000, (r) => {
      const options = tokenizerOptions(r);
      const text = fuzzText(r, r.chance(0.05) ? 1000 : 60);
      return checkTokenizerCase(text, options).map(
        (p) => `${JSON.stringify(options)} ${JSON.stringify(text.slice(0, 200))}: ${p}`,
      );
    });
    expect(failures).toEqual([]);
  });

  it('featurizes 1,500 random texts with random feature options: textRows gives the rows of rows(tokenize(text)), all inside the table', async () => {
    const failures = await fuzz(1500, (r) => {
      const options = featureOptions(r);
      const text = fuzzText(r);
      return checkFeaturizerCase(text, options).map(
        (p) => `${JSON.stringify(options)} ${JSON.stringify(text.slice(0, 200))}: ${p}`,
      );
    });
    expect(failures).toEqual([]);
  });

  it.each(pathologicalTexts(100_000))(
    'tokenises $name (a line of about 200,000 characters) in linear time, with both paths agreeing',
    ({ text }) => {
      const start = performance.now();
      expect(checkTokenizerCase(text, {})).toEqual([]);
      // Three passes over 200,000 characters; the quadratic regexes this pins took minutes.
      expect(performance.now() - start).toBeLessThan(3000);
    },
  );

  it('tokenises and featurizes a 5 MB line of random text in bounded time', () => {
    const line = longLine(new FuzzRandom(SEED), 5_000_000);
    const tokenize = createTokenizer({ negation: true });
    // Longer n-grams and subwords over 5 MB are the fuzz script's (its fixed cases); here the defaults.
    const featurizer = Featurizer.fit([tokenize('good film')], { tokenizer: { negation: true } });
    const start = performance.now();
    const tokens = tokenize(line);
    const rows = textRows(featurizer, line, []);
    expect(tokens.length).toBeGreaterThan(100_000);
    expect(rows.every((row) => row >= 0 && row < featurizer.rowCount)).toBe(true);
    expect(performance.now() - start).toBeLessThan(15_000);
  });

  it('cuts a run of more than MAX_RUN characters without whitespace into pieces instead of overflowing the regex stack', () => {
    // 6.4 million kana threw "Maximum call stack size exceeded" from RegExp.exec before.
    const tokens = createTokenizer({ cjk: 'char' })('カ'.repeat(3 * MAX_RUN + 5));
    expect(tokens.length).toBe(3 * MAX_RUN + 5);
    const word = createTokenizer({ normalize: false })('ā'.repeat(2 * MAX_RUN + 1));
    expect(word).toEqual(['ā'.repeat(MAX_RUN), 'ā'.repeat(MAX_RUN), 'ā']);
  });

  it.each<{ options: unknown; error: RegExp }>([
    { options: null, error: /^tokenizer options must be an object, got null$/ },
    { options: { mode: 'chars' }, error: /^tokenizer option mode must be "word" or "char", got "chars"$/ },
    { options: { cjk: 'segment' }, error: /^tokenizer option cjk must be "word" or "char", got "segment"$/ },
    { options: { lowercase: 'yes' }, error: /^tokenizer option lowercase must be true or false, got "yes"$/ },
    { options: { negation: 1 }, error: /^tokenizer option negation must be true or false, got 1$/ },
    {
      options: { locale: 'not a locale!' },
      error: /^tokenizer option locale "not a locale!" is not a BCP 47 language tag/,
    },
    { options: { locale: 42 }, error: /^tokenizer option locale must be a string such as "tr", got 42$/ },
  ])('createTokenizer($options) refuses the options at once, naming the one that is wrong', ({ options, error }) => {
    expect(() => createTokenizer(options as TokenizerOptions)).toThrow(error);
  });

  it.each([
    {
      options: { wordNgrams: MAX_NGRAM + 1 },
      error: `wordNgrams must be an integer from 1 to ${MAX_NGRAM}, got ${MAX_NGRAM + 1}`,
    },
    { options: { cjkCharNgrams: 1e9 }, error: `cjkCharNgrams must be an integer from 0 to ${MAX_NGRAM}` },
    { options: { subwords: [3, 1000] as [number, number] }, error: 'subwords must be [min, max] with 1 ≤ min ≤ max' },
    { options: { subwords: 3 as unknown as [number, number] }, error: 'subwords must be [min, max], got 3' },
    { options: { buckets: 2 ** 27 }, error: 'buckets must be an integer from 1 to 67108864, got 134217728' },
    {
      options: { tokenizer: { mode: 'x' } as unknown as TokenizerOptions },
      error: 'tokenizer option mode must be "word" or "char", got "x"',
    },
  ])(
    'resolveFeatureOptions refuses $options, whose featurizing would be unbounded or fail later',
    ({ options, error }) => {
      expect(() => resolveFeatureOptions(options)).toThrow(error);
    },
  );
});

describe('the model loader under fuzzing', () => {
  const models: { arch: string; bytes: Uint8Array; contents: ModelFileContents }[] = [];
  beforeAll(async () => {
    const sentences = [
      { text: 'good film, loved it', label: 'pos' },
      { text: 'bad, awful waste', label: 'neg' },
      { text: 'great acting', label: 'pos' },
      { text: "didn't like it, not good", label: 'neg' },
      { text: '很好看', label: 'pos' },
    ];
    for (const arch of ['bag', 'mlp'] as const) {
      const model = await train(sentences, { arch, epochs: 2, seed: 1, dim: 8, hidden: [4], buckets: 1000 });
      const bytes = model.toBytes();
      models.push({ arch, bytes, contents: decodeModelFile(bytes) });
      model.dispose();
    }
  });

  it('refuses the bag model cut at every length with a ModelFileError naming the file', async () => {
    const { bytes } = models[0]!;
    const failures: string[] = [];
    for (let n = 0; n < bytes.length; n++) {
      const problems = await checkModelCase({
        name: `cut at ${n}`,
        bytes: bytes.slice(0, n),
        mustRefuse: true,
        says: n === 0 ? 'empty' : 'truncated',
      });
      if (problems.length) failures.push(`cut at ${n}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses the mlp model with any one of its bits flipped, as damaged', () => {
    const { bytes } = models[1]!;
    let refused = 0;
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = bytes.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      try {
        decodeModelFile(flipped, 'flipped.bin');
      } catch (error) {
        if (error instanceof ModelFileError && error.message.startsWith('flipped.bin: ')) refused++;
      }
    }
    expect(refused).toBe(bytes.length * 8);
  });

  it('turns 250 random changes (random bytes, cuts, flipped bits with and without a recomputed checksum, config and section values replaced) into a ModelFileError naming the file or a whole, working model', async () => {
    const failures = await fuzz(250, async (r, k) => {
      const base = models[k % models.length]!;
      const c = modelCase(r, base.bytes, base.contents);
      return (await checkModelCase(c)).map((p) => `${c.name} (${base.arch}, as ${c.via}): ${p}`);
    });
    expect(failures).toEqual([]);
  });

  it('refuses each of ~70 inconsistent model files (checksum right, contents wrong) before building anything, with a message that says what is wrong', async () => {
    const failures: string[] = [];
    for (const { arch, contents } of models) {
      for (const c of [...inconsistentModels(contents), ...configTextModels(contents)]) {
        const problems = await checkModelCase(c, `${arch}.bin`);
        if (problems.length) failures.push(`${c.name} (${arch}): ${problems.join('; ')}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses a bag model whose per-row class scores would need more than 4 GiB with a ModelFileError, before laying out any memory', async () => {
    expect(await checkModelCase(hugePlanModel(models[0]!.contents), 'huge.bin')).toEqual([]);
  });

  it('loads the valid models, which predict, explain and save again', async () => {
    for (const { bytes } of models) {
      const model = await loadModel(bytes, { name: 'valid.bin' });
      expect(
        modelProblems(model, [...pathologicalTexts(2000).map((t) => t.text), fuzzText(new FuzzRandom(SEED), 500)]),
      ).toEqual([]);
      model.dispose();
    }
  });

  it('refuses a download cut off mid-body, or a server that refuses the connection, with a ModelFileError naming the URL', async () => {
    const { bytes } = models[0]!;
    const server = createServer((_, res) => {
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, bytes.length >> 1));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.bin`;
    const dropped = await loadModel(url).catch((e: unknown) => e);
    await new Promise((resolve) => server.close(resolve));
    const refused = await loadModel(url).catch((e: unknown) => e);
    for (const error of [dropped, refused]) {
      expect(error).toBeInstanceOf(ModelFileError);
      expect((error as ModelFileError).reason).toBe('unreadable');
      expect((error as Error).message).toMatch(
        new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read the file \\(`),
      );
    }
  });

  it.each([{ source: null }, { source: 42 }, { source: {} }, { source: [1, 2] }])(
    'refuses $source as a model source with a TypeError saying what it takes (API misuse)',
    async ({ source }) => {
      await expect(loadModel(source as never)).rejects.toThrow(
        /^loadModel takes a model file's bytes \(Uint8Array, ArrayBuffer\), a Blob, a Response, a URL or a path, not /,
      );
    },
  );

  it('loads the model files of sentiwasm 0.1.0 (test/fixtures) through every check', async () => {
    for (const name of ['v0.1.0-bag.bin', 'v0.1.0-mlp.bin']) {
      const model = await loadModel(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)), { name });
      expect(modelProblems(model)).toEqual([]);
      model.dispose();
    }
  });
});
