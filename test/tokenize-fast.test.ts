// The ASCII fast path of the tokeniser must cut text exactly as the regex path does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeTokenizer, type TokenizerOptions } from '../src/text/tokenize.js';
import { corpus } from './corpora.js';

const SST2 = [corpus('sst2'), corpus('sst2:dev')];
const CHNSENTICORP = [corpus('chnsenticorp'), corpus('chnsenticorp:dev')];
const lines = (files: (string | undefined)[]) => files.flatMap((file) => readFileSync(file!, 'utf8').split('\n'));

const OPTIONS: TokenizerOptions[] = [{}, { lowercase: false }, { negation: true }, { locale: 'tr' }];

function compare(texts: readonly string[], options: TokenizerOptions): void {
  const fast = makeTokenizer(options, true);
  const slow = makeTokenizer(options, false);
  for (const text of texts) {
    const a = fast(text);
    const b = slow(text);
    if (a.length !== b.length || a.some((t, i) => t !== b[i])) expect({ text, tokens: a }).toEqual({ text, tokens: b });
  }
}

describe('ASCII fast path', () => {
  it.skipIf(!SST2.every(Boolean))('matches the regex on SST-2', () => {
    const sst = lines(SST2);
    for (const o of OPTIONS) compare(sst, o);
  });

  it.skipIf(!CHNSENTICORP.every(Boolean))('matches the regex on ChnSentiCorp', () => {
    // Mostly non-ASCII (so mostly the regex path), and slow to segment: default options only.
    compare(lines(CHNSENTICORP), {});
  });

  it('matches the regex on tricky ASCII', () => {
    compare(
      [
        "it doesn't work :( but u.s. e.g. a.b.c mr. smith vs. jones",
        "didn ' t",
        "didn 't",
        'didn`t',
        "can't won't",
        '-lrb- a -RRB- -lsb- -rcb- -lxb- --- ----- ------ - -- ...... ..... .... ... . ',
        "''quoted'' ``this'' `a' 'tis 'twas 'em '70s '70S '7 '99x",
        "3.5 1,000 1,000s 10:30 1/2 and/or fifteen-year-old well- -well a/ /b x-ray's rock'n'roll o'neill's",
        "xd XD xd's xdx x.d. xd. :p ;) a;b a:b a: b; http://x.y www.z.com hxxp #tag @me <3 a=b ^_^ o_o t_t -_- x_x",
        '!!! ?!? *** *a* $5 50% a&b (a) [b] {c} a|b ~d \\e +f',
        'cannot gonna wanna gotta gimme lemme dont didnt CANNOT Dont',
        "J. R. R. Tolkien's U.S.A. e.t. a.b.1 a.1",
        '\t\x01tab\x7fdel\r\n',
        '',
        '   ',
        'a',
        "'",
        '-',
        "n't",
        'I İ Iı',
      ],
      {},
    );
  });

  it('matches the regex on random ASCII', () => {
    const alphabet = "aaaaabcdeilmnorstxXTNS0123456789    ''``\"--..,,!?*/:;()_#@<>=^&$\t\x01";
    let seed = 12345;
    const rand = (k: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % k;
    const texts: string[] = [];
    for (let i = 0; i < 20000; i++) {
      let s = '';
      const len = rand(24);
      for (let j = 0; j < len; j++) s += alphabet[rand(alphabet.length)];
      texts.push(s);
    }
    for (const o of OPTIONS) compare(texts, o);
  });
});
