// The long fuzz run: the readers, the tokeniser and featurizer, and the model loader, fed with
// the case generators of test/fuzz-cases.ts (the same ones the bounded CI test uses) for as long
// as asked. Every case gets its own generator, FuzzRandom.forCase(seed, k), so a failure is
// replayed alone with --case k.
//
//   npx tsx scripts/fuzz.ts --seconds 60 --seed 1
//   npx tsx scripts/fuzz.ts --seed 1 --case 4711        # replay one case, printing its input
//   options: --only data|text|model   --slow-ms 2000 (a case slower than this is a failure)
//            --hang-seconds 30 (a case still running then stops the run)   --no-fixed (skip the fixed cases)
//
// A hang cannot be interrupted from the thread that hangs, so a watchdog thread watches the case
// counter and, if one case runs past --hang-seconds, prints which and ends the process.
// Exit code 0 when nothing went wrong, 1 otherwise.

import { Worker } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { train } from '../src/index.node.js';
import { decodeModelFile } from '../src/format/model-file.js';
import { parseExamplesText, readExamples } from '../src/data/examples.js';
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
  longLine,
  inconsistentModels,
  modelCase,
  pathologicalTexts,
  tokenizerOptions,
  type ModelCase,
} from '../test/fuzz-cases.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
    case: { type: 'string' },
    only: { type: 'string' },
    'slow-ms': { type: 'string', default: '2000' },
    'hang-seconds': { type: 'string', default: '30' },
    'no-fixed': { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const seed = Number(args.seed);
const slowMs = Number(args['slow-ms']);
const hangSeconds = Number(args['hang-seconds']);
const targets = (args.only ?? 'data,text,model').split(',') as Target[];
type Target = 'data' | 'text' | 'model';
for (const [name, value] of [
  ['--seconds', seconds],
  ['--seed', seed],
  ['--slow-ms', slowMs],
  ['--hang-seconds', hangSeconds],
] as const) {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number ≥ 0`);
}
if (targets.some((t) => !['data', 'text', 'model'].includes(t)))
  throw new RangeError('--only takes data, text, model or a comma-separated list of them');

// The watchdog: the main thread counts the cases it starts in progress[0], and puts the number
// of a random case in progress[1] (-1 for a fixed case).
const progress = new Int32Array(new SharedArrayBuffer(8));
const watchdog = new Worker(
  `
  const { workerData } = require('node:worker_threads');
  const progress = new Int32Array(workerData.buffer);
  let last = -1, since = Date.now();
  setInterval(() => {
    const started = Atomics.load(progress, 0);
    if (started !== last) { last = started; since = Date.now(); return; }
    if (Date.now() - since > workerData.hangMs) {
      const k = Atomics.load(progress, 1);
      require('node:fs').writeSync(2, 'HANG: ' + (k < 0 ? 'the fixed case printed last' : 'case ' + k + ' of seed ' + workerData.seed + ' (replay: --seed ' + workerData.seed + ' --case ' + k + ')') + ' has run for over ' + workerData.hangMs / 1000 + ' s\\n');
      process.kill(process.pid, 'SIGKILL');
    }
  }, 250);
`,
  { eval: true, workerData: { buffer: progress.buffer, hangMs: hangSeconds * 1000, seed } },
);

/** Tells the watchdog a case starts: random case k, or a fixed one (-1). */
function starting(k: number): void {
  Atomics.store(progress, 1, k);
  Atomics.add(progress, 0, 1);
}
watchdog.unref();

/** A failure, grouped by what went wrong (digits dropped), with the first case that showed it. */
interface Failure {
  count: number;
  first: string;
}
const failures = new Map<string, Failure>();
const counts: Record<string, number> = {};
let maxRss = 0;

function record(where: string, problems: readonly string[], ms: number, limitMs = slowMs): void {
  const all = ms > limitMs ? [...problems, `took ${ms.toFixed(0)} ms (over the ${limitMs} ms allowed)`] : problems;
  for (const problem of all) {
    const key = problem.replace(/\d+/g, '#').slice(0, 160);
    const f = failures.get(key);
    if (f) f.count++;
    else {
      failures.set(key, { count: 1, first: `${where}\n    ${problem}` });
      console.log(`FAIL ${where}\n    ${problem}`);
    }
  }
  maxRss = Math.max(maxRss, process.memoryUsage().rss);
}

async function timed(run: () => Promise<string[]> | string[]): Promise<{ problems: string[]; ms: number }> {
  const start = performance.now();
  let problems: string[];
  try {
    problems = await run();
  } catch (error) {
    problems = [`the oracle itself threw ${(error as Error)?.stack ?? error}`];
  }
  return { problems, ms: performance.now() - start };
}

// Valid models to mutate: a bag and an mlp, trained in a second on a few sentences.
const sentences = [
  { text: 'good film, loved it', label: 'pos' },
  { text: 'bad, awful waste', label: 'neg' },
  { text: 'great acting', label: 'pos' },
  { text: "didn't like it, not good", label: 'neg' },
  { text: '很好看', label: 'pos' },
];
/** Case k's target: the targets take turns whatever --only says, so a case's number names it in every run. */
const ALL_TARGETS: readonly Target[] = ['data', 'text', 'model'];
const models: { bytes: Uint8Array; contents: ReturnType<typeof decodeModelFile> }[] = [];
if (
  args.case === undefined ? targets.includes('model') : ALL_TARGETS[Number(args.case) % ALL_TARGETS.length] === 'model'
) {
  for (const arch of ['bag', 'mlp'] as const) {
    const model = await train(sentences, { arch, epochs: 2, seed: 1, dim: 8, hidden: [4], buckets: 1000 });
    const bytes = model.toBytes();
    models.push({ bytes, contents: decodeModelFile(bytes) });
    model.dispose();
  }
}

/** Case k: its target and a function that runs it. */
function caseOf(
  k: number,
  verbose: boolean,
): { target: Target; name: string; run: () => Promise<string[]> | string[] } {
  const r = FuzzRandom.forCase(seed, k);
  const target = ALL_TARGETS[k % ALL_TARGETS.length]!;
  if (target === 'data') {
    const c = dataCase(r);
    if (verbose)
      console.log(
        `options ${JSON.stringify(c.options)}\nbytes ${Buffer.from(c.bytes).toString('hex')}\nchunk lengths ${c.chunks.map((x) => x.length).join(' ')}`,
      );
    return { target, name: c.name, run: async () => (await checkDataCase(c)).problems };
  }
  if (target === 'text') {
    const options = r.chance(0.5) ? featureOptions(r) : { tokenizer: tokenizerOptions(r) };
    const text = fuzzText(r, r.chance(0.1) ? 2000 : 60);
    if (verbose) console.log(`options ${JSON.stringify(options)}\ntext ${JSON.stringify(text)}`);
    const full = 'wordNgrams' in options;
    return {
      target,
      name: `${full ? 'featurizer' : 'tokenizer'} ${JSON.stringify(options)}`,
      run: () => [
        ...checkTokenizerCase(text, options.tokenizer ?? {}),
        ...(full ? checkFeaturizerCase(text, options) : []),
      ],
    };
  }
  const base = r.pick(models);
  const c = modelCase(r, base.bytes, base.contents);
  if (verbose) console.log(`bytes ${Buffer.from(c.bytes).toString('hex')}`);
  return { target, name: `${c.name} (${base.contents.config.arch} model, as ${c.via})`, run: () => checkModelCase(c) };
}

async function fixedCases(): Promise<void> {
  // The fixed cases are large (5 MB, a million lines): they get more time than a random case.
  const step = async (where: string, run: () => Promise<string[]> | string[], limitMs = 20 * slowMs) => {
    console.log(`fixed: ${where}`);
    starting(-1);
    const { problems, ms } = await timed(run);
    record(`fixed: ${where}`, problems, ms, limitMs);
  };
  if (targets.includes('text')) {
    for (const { name, text } of pathologicalTexts(200_000))
      await step(`tokenizer on ${name} (${text.length} chars)`, () => checkTokenizerCase(text, {}));
    const line = longLine(new FuzzRandom(seed), 5_000_000);
    await step(`tokenizer on a line of ${line.length} characters`, () => checkTokenizerCase(line, {}));
    await step(`featurizer on a line of ${line.length} characters`, () =>
      checkFeaturizerCase(line, { wordNgrams: 3, subwords: [2, 4] }),
    );
  }
  if (targets.includes('data')) {
    for (const c of fixedDataCases()) {
      const bytes = new TextEncoder().encode(c.text);
      await step(
        `data: ${c.name}`,
        async () => (await checkDataCase({ name: c.name, bytes, options: c.options, chunks: [bytes] })).problems,
      );
    }
    for (const c of bigDataCases()) {
      await step(`data: ${c.name}`, c.run);
    }
  }
  if (targets.includes('model')) {
    for (const base of models) {
      const cases: ModelCase[] = [
        ...inconsistentModels(base.contents),
        ...configTextModels(base.contents),
        hugePlanModel(base.contents),
      ];
      for (const c of cases) await step(`model: ${c.name} (${base.contents.config.arch})`, () => checkModelCase(c));
    }
  }
}

/** The 5 MB line, the million labels, and a header of many equal names: each read in chunks. */
function bigDataCases(): { name: string; run: () => Promise<string[]> }[] {
  const chunked = function* (text: string, size = 65_536): Generator<string> {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  };
  const errorsOnly = async (fileName: string, read: () => Promise<unknown>): Promise<string[]> => {
    try {
      await read();
      return [];
    } catch (error) {
      const problem = dataErrorProblem(error, fileName);
      return problem === undefined ? [] : [problem];
    }
  };
  const big = 'x'.repeat(5_000_000);
  return [
    {
      name: 'a 5 MB text field in CSV',
      run: () =>
        errorsOnly('big.csv', () =>
          readExamples(chunked(`label,text\n1,"${big}"\n0,short\n`), { fileName: 'big.csv' }).collect(),
        ),
    },
    {
      name: 'a 5 MB line in JSONL',
      run: () =>
        errorsOnly('big.jsonl', () =>
          readExamples(chunked(`{"text":"${big}","label":"1"}\n`), { fileName: 'big.jsonl' }).collect(),
        ),
    },
    {
      name: 'a 5 MB line with no line break',
      run: () => errorsOnly('big.tsv', () => readExamples(chunked(big), { fileName: 'big.tsv' }).collect()),
    },
    {
      name: 'a 5 MB header line of one name repeated',
      run: () =>
        errorsOnly('names.csv', async () =>
          parseExamplesText('a,'.repeat(2_500_000) + '\n1,2\n', { fileName: 'names.csv' }),
        ),
    },
    {
      name: 'a JSONL value nested 100,000 deep',
      run: () =>
        errorsOnly('deep.jsonl', async () =>
          parseExamplesText(`{"text":"a","label":"1","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`, {
            fileName: 'deep.jsonl',
          }),
        ),
    },
    {
      name: 'a million distinct labels, streamed',
      run: () =>
        errorsOnly('labels.csv', async () => {
          const lines = function* (): Generator<string> {
            yield 'label,text\n';
            for (let i = 0; i < 1_000_000; i += 10_000) {
              let chunk = '';
              for (let j = i; j < i + 10_000; j++) chunk += `label${j},text ${j}\n`;
              yield chunk;
            }
          };
          let n = 0;
          for await (const _ of readExamples(lines(), { fileName: 'labels.csv' })) n++;
          if (n !== 1_000_000) throw new Error(`read ${n} examples, expected 1,000,000`);
        }),
    },
  ];
}

if (args.case !== undefined) {
  const k = Number(args.case);
  const c = caseOf(k, true);
  console.log(`case ${k} of seed ${seed}: ${c.target}: ${c.name}`);
  starting(k);
  const { problems, ms } = await timed(c.run);
  console.log(problems.length ? problems.join('\n') : 'no problems', `(${ms.toFixed(0)} ms)`);
  process.exit(problems.length ? 1 : 0);
}

const start = performance.now();
if (!args['no-fixed']) await fixedCases();
let k = 0;
for (; (performance.now() - start) / 1000 < seconds; k++) {
  if (!targets.includes(ALL_TARGETS[k % ALL_TARGETS.length]!)) continue;
  starting(k);
  const c = caseOf(k, false);
  counts[c.target] = (counts[c.target] ?? 0) + 1;
  const { problems, ms } = await timed(c.run);
  if (problems.length || ms > slowMs)
    record(`case ${k} of seed ${seed} (replay: --seed ${seed} --case ${k}): ${c.target}: ${c.name}`, problems, ms);
  if (k % 1000 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss);
}

console.log(
  `\n${Object.values(counts).reduce((a, b) => a + b, 0)} random cases in ${((performance.now() - start) / 1000).toFixed(1)} s (${Object.entries(
    counts,
  )
    .map(([t, n]) => `${n} ${t}`)
    .join(', ')}), largest resident memory ${(maxRss / 2 ** 20).toFixed(0)} MB`,
);
if (failures.size === 0) console.log('no failures');
else {
  console.log(`${failures.size} kinds of failure:`);
  for (const f of failures.values()) console.log(`- ${f.count}× ${f.first}`);
}
process.exit(failures.size ? 1 : 0);
