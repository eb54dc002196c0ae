// Every code block of README.md and of the manual in docs/*.md runs as written, and what its
// comments say it prints is what it prints. A new user's first hour starts there, so the examples
// are tests:
//
// - ```ts blocks are compiled against the built package's types (dist/*.d.ts) and run with node,
//   their `'sentiwasm'` imports pointing at dist/index.node.js, in a folder holding the files
//   they read. A line `console.log(EXPR); // → TEXT` is checked: what it prints must be TEXT,
//   where `…` stands for any text and runs of white space count as one space. Any other `// →`
//   is a claim nobody checks, and fails the test.
// - ```sh blocks: each command (lines split at `&&`, `# comments` dropped) that starts with
//   `npx sentiwasm` runs against the built CLI (node dist/cli/main.js) in that folder and must
//   exit with 0; `npm start` runs the same as `sentiwasm start`; the commands in NOT_RUN are
//   not run, for the reason given there, and any other command fails the test.
// - Blocks without a language (the source tree, output, other languages) are not code.
//
// The pages share one folder and run in order, README.md first, then docs/*.md by name; each
// page's commands make the files its own later commands read. The folder holds what the examples
// name: data.csv, dev.csv and test.csv made from the built-in corpus, the same as nohead.csv (no
// header row) and data.txt (fastText's lines), texts.txt and w1-reference.json (from
// test/fixtures). Data-set names are served from small local copies made from the built-in corpus
// (SENTIWASM_DATASET_SST2, SENTIWASM_DATASET_IMDB), as docs/datasets.md describes, and an empty
// cache, so nothing is downloaded and nothing outside the repository is read.

import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSplit, type CorpusExample } from '../src/data/corpus.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'dist/index.node.js');
const CLI = join(ROOT, 'dist/cli/main.js');
/** The pages whose code blocks run: the README, then the manual (docs/api/ is TypeDoc's, and has none). */
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** Commands in the pages' sh blocks that this test does not run, and why. */
const NOT_RUN: Record<string, string> = {
  'npm ci': 'installs the dependencies, which these tests already run on',
  'npm test': 'runs the tests, this one among them',
  'npm run build': 'builds dist/ and build/, which these tests already run on',
  'npm run bench:table': 'rewrites docs/benchmarks.md; test/benchmarks-table.test.ts checks that it is up to date',
  'npx vite examples/web':
    'a development server that runs until stopped; test/browser-app.test.ts builds and tests the app',
  'npm run bench': 'every benchmark: minutes of training on all of SST-2, run by the benchmark script',
  'npm run bench -- --only W2,W3': 'a benchmark, not a usage example; its figures are in bench/results',
  'npm run bench -- --only W4 --compare': 'a benchmark with the peers (fastText, PyTorch) on all of SST-2',
  'npm run bench -- --json': 'every benchmark: minutes of training on all of SST-2',
  'npm run bench -- --only W8 --compare':
    "a benchmark of many minutes (natural's classifiers train on all of SST-2), with peers installed as development dependencies",
  'npm run bench -- --only W4,W6 --compare --fasttext-wasm':
    "a benchmark of many minutes: fastText's WebAssembly build trains W4 four times, once in headless Chromium",
  'npm run bench -- --only W4,W6,W8 --compare --fasttext-wasm --json':
    'the run docs/which-to-pick.md is built from: most of an hour on a shared machine; its records are in bench/results',
  'npm run bench -- --only W4S --json':
    'a benchmark (minutes of training on all of SST-2), run by the benchmark script, not a usage example',
  'npx tsx bench/accuracy/run.ts --data sst2 --seeds 1,2,3 --configs defaults,eos':
    "a measurement of hours on the full SST-2 training file (20 folds × 3 seeds) that needs Debian's fastText; its figures are in bench/results",
  'npx tsx bench/accuracy/run.ts --data chn --seeds 1,2,3 --configs defaults':
    "a measurement of many minutes on ChnSentiCorp's training file that needs Debian's fastText; its figures are in bench/results",
  'npx tsx bench/accuracy/run.ts --data sst2 --seeds 1 --pairing diagonal --no-fasttext --configs defaults --config attention={"arch":"attention"}':
    'a measurement of many minutes on the full SST-2 training file; its figures are in bench/results',
  'npx tsx bench/accuracy/run.ts --data sst2 --seeds 1 --folds 1,2,3,4,5 --no-fasttext --configs defaults --config attention={"arch":"attention"} --config attention-pretrained={"arch":"attention","pretrain":{"epochs":5}} --json bench/results/2026-12-07-accuracy-attention-pretraining.json':
    'a measurement of most of an hour on the full SST-2 training file (pretraining and fine-tuning on five folds); its figures are in bench/results',
  'SENTIWASM_DATASET_SST2=/data/SST-2 npx sentiwasm train sst2 --dev sst2:dev --out m.bin':
    "a path on the reader's machine; this test serves SST-2 the same way, through SENTIWASM_DATASET_SST2",
};

/** Other commands and what runs in their place. */
const RUN_AS: Record<string, string[]> = {
  'npm start': ['start'],
};

interface Block {
  lang: string;
  /** The page's line of the block's first line of code. */
  line: number;
  code: string;
}

/** The fenced code blocks of a markdown text. @example codeBlocks("x\n```sh\nls\n```\n") // [{ lang: "sh", line: 3, code: "ls\n" }] */
function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    blocks.push({ lang: open[1]!, line: start + 1, code: lines.slice(start, end).join('\n') + '\n' });
    i = end;
  }
  return blocks;
}

/** A shell line's words: quotes group and are dropped, `#` after white space starts a comment. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quoteChar: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoteChar !== undefined) {
      if (c === quoteChar) quoteChar = undefined;
      else word += c;
    } else if (c === '"' || c === "'") {
      quoteChar = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      break;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quoteChar !== undefined) throw new Error(`unclosed ${quoteChar} in: ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}

interface Command {
  line: number;
  words: string[];
}

/** The commands of an sh block, a line's `a && b` as two. */
function shellCommands(block: Block): Command[] {
  const commands: Command[] = [];
  block.code.split('\n').forEach((text, i) => {
    let words: string[] = [];
    for (const word of [...shellWords(text), '&&']) {
      if (word !== '&&') words.push(word);
      else if (words.length) {
        commands.push({ line: block.line + i, words });
        words = [];
      }
    }
  });
  return commands;
}

const CLAIM = /^(\s*)console\.log\((.*)\);\s*\/\/ → (.*)$/;

/** The code with `'sentiwasm'` imported from the built package. */
function withBuiltPackage(code: string): string {
  return code.replace(/from 'sentiwasm'/g, `from ${JSON.stringify(ENTRY)}`);
}

/**
 * The block as a module that checks its claims: `console.log(EXPR); // → TEXT` becomes a call
 * that prints EXPR as console.log would, and reports PAGE:LINE when TEXT does not match.
 */
function checkedModule(page: string, block: Block): string {
  const lines = withBuiltPackage(block.code)
    .split('\n')
    .map((text, i) => {
      const claim = CLAIM.exec(text);
      if (!claim) return text;
      const [, indent, expr, expected] = claim;
      return `${indent}__readmeCheck(${JSON.stringify(`${page}:${block.line + i}`)}, ${JSON.stringify(expected)}, ${expr});`;
    });
  const prelude = [
    "import { format as __readmeFormat } from 'node:util';",
    'function __readmeCheck(line, expected, value) {',
    '  const printed = __readmeFormat(value);',
    '  console.log(printed);',
    "  const squeeze = (s) => s.replace(/\\s+/g, ' ').trim();",
    "  const pattern = squeeze(expected).split('…').map((p) => p.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&')).join('[\\\\s\\\\S]*?');",
    "  if (!new RegExp('^' + pattern + '$').test(squeeze(printed))) {",
    '    process.exitCode = 1;',
    '    console.error(`${line}: prints ${squeeze(printed)}; the comment says ${expected}`);',
    '  }',
    '}',
  ];
  const source = prelude.join('\n') + '\n' + lines.join('\n');
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
}

const run = promisify(execFile);

async function node(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd, env, maxBuffer: 64 << 20 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const pages = PAGES.map((page) => ({ page, blocks: codeBlocks(readFileSync(join(ROOT, page), 'utf8')) }));
const dir = mkdtempSync(join(tmpdir(), 'sentiwasm-readme-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  SENTIWASM_CACHE: join(dir, 'cache'),
  SENTIWASM_DATASET_SST2: join(dir, 'stand-in/sst2'),
  SENTIWASM_DATASET_IMDB: join(dir, 'stand-in/imdb'),
  SENTIWASM_DATASETS: '',
  SENTIWASM_DEBUG: '1',
};

function csvField(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** The files the examples read, in `dir`, all made from the built-in corpus and test/fixtures. */
function makeFixtures(): void {
  const { train, dev } = builtinSplit();
  const rows = (examples: CorpusExample[]) => examples.map((e) => `${e.label},${csvField(e.text)}\n`).join('');
  writeFileSync(join(dir, 'data.csv'), `label,text\n${rows(train)}`);
  writeFileSync(join(dir, 'dev.csv'), `label,text\n${rows(dev)}`);
  writeFileSync(join(dir, 'test.csv'), `label,text\n${rows(dev)}`);
  writeFileSync(join(dir, 'nohead.csv'), rows(train));
  writeFileSync(join(dir, 'data.txt'), train.map((e) => `__label__${e.label} ${e.text}\n`).join(''));
  writeFileSync(join(dir, 'texts.txt'), 'What a lovely film\n\nnot worth the money\n');
  copyFileSync(join(ROOT, 'test/fixtures/w1-reference.json'), join(dir, 'w1-reference.json'));
  const binary = (e: CorpusExample) => (e.label === 'positive' ? '1' : '0');
  // SST-2 as GLUE's two files (sentence TAB label, no quoting), the built-in corpus for its rows.
  const sst2 = join(dir, 'stand-in/sst2');
  mkdirSync(sst2, { recursive: true });
  const glue = (examples: CorpusExample[]) =>
    'sentence\tlabel\n' + examples.map((e) => `${e.text.replace(/\s+/g, ' ')}\t${binary(e)}\n`).join('');
  writeFileSync(join(sst2, 'train.tsv'), glue(train));
  writeFileSync(join(sst2, 'dev.tsv'), glue(dev));
  // IMDB as the JSONL files its archive is made into.
  const imdb = join(dir, 'stand-in/imdb');
  mkdirSync(imdb, { recursive: true });
  const reviews = (n: number) =>
    train
      .slice(0, n)
      .map((e) => JSON.stringify({ text: e.text, label: binary(e), rating: 0 }) + '\n')
      .join('');
  writeFileSync(join(imdb, 'train.jsonl'), reviews(40));
  writeFileSync(join(imdb, 'test.jsonl'), reviews(20));
}

beforeAll(() => {
  if (!existsSync(CLI) || !existsSync(ENTRY)) throw new Error('dist/ is missing: run `npm run build` first');
  makeFixtures();
});

/** A page's path as a file name: docs/cli.md → docs-cli. */
const slug = (page: string) => page.replace(/\.md$/, '').replace(/\//g, '-');

describe('the pages', () => {
  it('README.md and every page of docs/ are read', () => {
    expect(PAGES[0]).toBe('README.md');
    expect(PAGES).toContain('docs/cli.md');
    expect(pages[0]!.blocks.length).toBeGreaterThan(3);
  });

  it('README.md is a front door: at most 250 lines, the manual in docs/', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(250);
  });

  it('no page names a path outside the repository (a clone has only the repository)', () => {
    const outside = /\.\.\/shared|(^|[\s(`'"])shared\/|\/work\//;
    const found = PAGES.flatMap((page) =>
      readFileSync(join(ROOT, page), 'utf8')
        .split('\n')
        .map((text, i) => ({ text, line: i + 1 }))
        .filter(({ text }) => outside.test(text))
        .map(({ line, text }) => `${page}:${line}: ${text.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it('every ts block of every page compiles against the published types', () => {
    const files = pages.flatMap(({ page, blocks }) =>
      blocks
        .filter((b) => b.lang === 'ts')
        .map((b) => {
          const path = join(dir, `${slug(page)}-${b.line}.mts`);
          writeFileSync(path, withBuiltPackage(b.code));
          return path;
        }),
    );
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules/@types')],
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const block = d.file ? /([\w-]+)-(\d+)\.mts$/.exec(d.file.fileName) : null;
      const page = block ? PAGES.find((p) => slug(p) === block[1]) : undefined;
      const line = page && where ? `${page}:${Number(block![2]) + where.line}` : (d.file?.fileName ?? '');
      return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(errors).toEqual([]);
  });
});

for (const { page, blocks } of pages) {
  describe(page, () => {
    it('has code blocks of known kinds only: ts, sh, and plain text', () => {
      expect(
        blocks.filter((b) => !['ts', 'sh', ''].includes(b.lang)).map((b) => `${page}:${b.line} ${b.lang}`),
      ).toEqual([]);
    });

    it('every "// →" claim in a ts block is on a line the test checks', () => {
      const unchecked = blocks
        .filter((b) => b.lang === 'ts')
        .flatMap((b) => b.code.split('\n').map((text, i) => ({ text, line: b.line + i })))
        .filter(({ text }) => text.includes('// →') && !CLAIM.test(text))
        .map(({ line, text }) => `${page}:${line}: ${text.trim()}`);
      expect(unchecked).toEqual([]);
    });

    for (const block of blocks) {
      if (block.lang === 'ts') {
        it(`${page}:${block.line}: the ts block runs and prints what its comments say`, async () => {
          const path = join(dir, `${slug(page)}-${block.line}.mjs`);
          writeFileSync(path, checkedModule(page, block));
          const { stdout, stderr, code } = await node([path], dir, env);
          expect({ code, stderr: stderr.trim() }, stdout).toEqual({ code: 0, stderr: '' });
        });
      }
      if (block.lang === 'sh') {
        for (const command of shellCommands(block)) {
          const text = command.words.join(' ');
          const reason = NOT_RUN[text];
          if (reason !== undefined) {
            it.skip(`${page}:${command.line}: ${text} (not run: ${reason})`, () => {});
            continue;
          }
          it(`${page}:${command.line}: ${text}`, async () => {
            const [program, tool, ...args] = command.words;
            const cliArgs = RUN_AS[text] ?? (program === 'npx' && tool === 'sentiwasm' ? args : undefined);
            if (cliArgs === undefined)
              throw new Error(
                `${page}:${command.line}: the test does not know how to run "${text}": add it to NOT_RUN or RUN_AS`,
              );
            const { stdout, stderr, code } = await node([CLI, ...cliArgs], dir, env);
            expect(code, `${stderr}\n${stdout}`).toBe(0);
          });
        }
      }
    }
  });
}
