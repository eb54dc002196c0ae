import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createTokenizer, isNegation, markNegation, tokenize } from '../src/text/index.js';
import { corpus } from './corpora.js';

const SST2_TRAIN = corpus('sst2');

describe('tokenize: English words, numbers and punctuation', () => {
  it.each([
    ['plain words are lowercased', 'A Charming Film', ['a', 'charming', 'film']],
    ['punctuation is split off', 'Good, not great.', ['good', ',', 'not', 'great', '.']],
    [
      'decimals and thousands stay whole',
      'It cost $3.5 or 1,000 dollars',
      ['it', 'cost', '$', '3.5', 'or', '1,000', 'dollars'],
    ],
    ['fractions, times and 24/7 stay whole', '1/2 of 24/7 at 10:30pm', ['1/2', 'of', '24/7', 'at', '10:30pm']],
    ['a number at the end of a sentence loses the period', 'born in 2002.', ['born', 'in', '2002', '.']],
    ['hyphenated words stay whole', 'a fifteen-year-old sci-fi fan', ['a', 'fifteen-year-old', 'sci-fi', 'fan']],
    ['slashed pairs stay whole', 'writer/director and/or star', ['writer/director', 'and/or', 'star']],
    ['repeated ! and ? are one token', 'Really?! Wow!!!', ['really', '?!', 'wow', '!!!']],
    [
      'any run of dots, and the ellipsis character, become ...',
      'wait.... what… no..',
      ['wait', '...', 'what', '...', 'no', '...'],
    ],
    ['double hyphen and em dash become --', 'a -- b — c', ['a', '--', 'b', '--', 'c']],
    ['titles keep their period', 'Mr. Smith vs. Dr. Who', ['mr.', 'smith', 'vs.', 'dr.', 'who']],
    [
      'initials and acronyms keep their periods',
      'E.T. in the U.S. with j. lo',
      ['e.t.', 'in', 'the', 'u.s.', 'with', 'j.', 'lo'],
    ],
    ['accented letters are letters', 'Naïve café résumé', ['naïve', 'café', 'résumé']],
    ['fullwidth forms are folded (NFKC)', 'ＦＵＬＬ！', ['full', '!']],
    ['hashtags and mentions stay whole', '#love it @bob', ['#love', 'it', '@bob']],
    [
      'URLs stay whole without trailing punctuation',
      'see http://x.org/a?b=1. ok',
      ['see', 'http://x.org/a?b=1', '.', 'ok'],
    ],
    ['symbols are single tokens', 'A & B *** $', ['a', '&', 'b', '***', '$']],
    ['empty text gives no tokens', '', []],
    ['whitespace-only text gives no tokens', ' \t\n  ', []],
    ['zero-width and control characters vanish', 'a\u200bb\u0007', ['a', 'b']],
  ])('%s', (_name, text, expected) => {
    expect(tokenize(text)).toEqual(expected);
  });
});

describe('tokenize: raw and SST-2 style text give the same tokens', () => {
  it.each([
    ["doesn't", "does n't", ['does', "n't"]],
    ["can't", "ca n't", ['ca', "n't"]],
    ["won't", "wo n't", ['wo', "n't"]],
    ["ain't", "ai n't", ['ai', "n't"]],
    ["It's", "it 's", ['it', "'s"]],
    ["I've", "i 've", ['i', "'ve"]],
    ["we'll", "we 'll", ['we', "'ll"]],
    ["they're", "they 're", ['they', "'re"]],
    ["I'd", "i 'd", ['i', "'d"]],
    ["I'm", "i 'm", ['i', "'m"]],
    ["didn ' t", "did n't", ['did', "n't"]],
    ["didn 't", "did n't", ['did', "n't"]],
    ['didn’t (curly apostrophe)', "did n't", ['did', "n't"]],
    ['It’s', "it 's", ['it', "'s"]],
    ["DOESN'T", "does n't", ['does', "n't"]],
    ["shouldn't've", "should n't 've", ['should', "n't", "'ve"]],
    ['cannot', 'can not', ['can', 'not']],
    ['gonna', 'gon na', ['gon', 'na']],
    ['dont (no apostrophe)', "do n't", ['do', "n't"]],
    ["the film's end", "the film 's end", ['the', 'film', "'s", 'end']],
    ["the 1920's", "the 1920 's", ['the', '1920', "'s"]],
    ['"quoted"', "`` quoted ''", ['"', 'quoted', '"']],
    ['“quoted”', "`` quoted ''", ['"', 'quoted', '"']],
    ['‘single’', "` single '", ["'", 'single', "'"]],
    ['(aside)', '-lrb- aside -rrb-', ['(', 'aside', ')']],
    ['[x] {y}', '-lsb- x -rsb- -lcb- y -rcb-', ['[', 'x', ']', '{', 'y', '}']],
  ])('%s', (raw, sst, expected) => {
    const name = raw.replace(/ \(.*\)$/, '');
    expect(tokenize(name)).toEqual(expected);
    expect(tokenize(sst)).toEqual(expected);
  });

  it.each([
    ['names with apostrophes stay whole', "O'Fallon's raison d'etre", ["o'fallon", "'s", 'raison', "d'etre"]],
    ['a plural possessive keeps its apostrophe as a token', "the students' work", ['the', 'students', "'", 'work']],
    [
      "'em, 'til and '70s keep their leading apostrophe",
      "get 'em 'til the '70s",
      ['get', "'em", "'til", 'the', "'70s"],
    ],
  ])('%s', (_name, text, expected) => {
    expect(tokenize(text)).toEqual(expected);
  });

  it.skipIf(!SST2_TRAIN)('SST-2 train sentences come back as their own tokens, apart from quote marks', () => {
    const lines = readFileSync(SST2_TRAIN!, 'utf8').split('\n').slice(1, 5001).filter(Boolean);
    const canonical = (t: string) => (t === '``' || t === "''" ? '"' : t === '`' ? "'" : t);
    let same = 0;
    for (const line of lines) {
      const sentence = line.slice(line.indexOf('\t') + 1);
      const theirs = sentence.trim().split(/ +/).map(canonical);
      if (tokenize(sentence).join(' ') === theirs.join(' ')) same++;
    }
    // The rest are "rock 'n' roll" and similar oddities of the treebank.
    expect(same / lines.length).toBeGreaterThan(0.995);
  });
});

describe('tokenize: emoji and emoticons', () => {
  it.each([
    ['each emoji is a token', 'love it😍😍', ['love', 'it', '😍', '😍']],
    ['skin tones stay with their emoji', 'ok 👍🏽', ['ok', '👍🏽']],
    ['ZWJ sequences are one token', 'family 👨‍👩‍👧', ['family', '👨‍👩‍👧']],
    ['variation selectors stay with their emoji', 'I ❤️ it', ['i', '❤️', 'it']],
    ['flags are one token', 'go 🇫🇷', ['go', '🇫🇷']],
    ['keycaps are one token', '1️⃣ place', ['1️⃣', 'place']],
    ['smileys', ':) :-) :( :-( ;) =)', [':)', ':-)', ':(', ':-(', ';)', '=)']],
    ['letter emoticons are lowercased like words', ':D :P xD', [':d', ':p', 'xd']],
    ['hearts and faces', "<3 </3 ^_^ -_- :'( T_T", ['<3', '</3', '^_^', '-_-', ":'(", 't_t']],
    ['repeated mouths stay together', 'lol :)))', ['lol', ':)))']],
    ['a letter emoticon does not eat a word', 'note:people', ['note', ':', 'people']],
  ])('%s', (_name, text, expected) => {
    expect(tokenize(text)).toEqual(expected);
  });
});

describe('tokenize: scripts without spaces', () => {
  it('Chinese segmentation gives multi-character words', () => {
    const tokens = tokenize('房间很大，服务也不错');
    expect(tokens.some((t) => [...t].length > 1)).toBe(true);
    expect(tokens).toContain('房间');
    expect(tokens).toContain(',');
    expect(tokens.join('').replace(',', '，')).toBe('房间很大，服务也不错');
  });

  it('Latin words inside Chinese text are still words', () => {
    expect(tokenize('CBD中心,周围没什么店铺')).toEqual(['cbd', '中心', ',', '周围', '没什么', '店铺']);
  });

  it.each([
    [
      "cjk: 'char' cuts only the Han text into characters",
      { cjk: 'char' as const },
      '我喜欢 Hello 世界',
      ['我', '喜', '欢', 'hello', '世', '界'],
    ],
    [
      "mode: 'char' cuts everything into characters",
      { mode: 'char' as const },
      'Hi 😍 你好',
      ['h', 'i', '😍', '你', '好'],
    ],
  ])('%s', (_name, options, text, expected) => {
    expect(tokenize(text, options)).toEqual(expected);
  });

  it('Japanese is segmented with kana and kanji kept in words', () => {
    const tokens = tokenize('映画はとても面白かったです');
    expect(tokens).toContain('映画');
    expect(tokens).toContain('とても');
    expect(tokens.join('')).toBe('映画はとても面白かったです');
  });

  it('Thai is segmented into words', () => {
    expect(tokenize('ฉันรักภาษาไทย')).toEqual(['ฉัน', 'รัก', 'ภาษา', 'ไทย']);
  });

  it('halfwidth katakana is folded to fullwidth', () => {
    expect(tokenize('ｶﾀｶﾅ', { cjk: 'char' })).toEqual(['カ', 'タ', 'カ', 'ナ']);
  });
});

describe('tokenize: options', () => {
  it('lowercase: false keeps case but clitics are canonical', () => {
    expect(tokenize("It's NOT OK", { lowercase: false })).toEqual(['It', "'s", 'NOT', 'OK']);
    expect(tokenize("DON'T", { lowercase: false })).toEqual(['DO', "n't"]);
  });

  it('a Turkish locale lowercases the dotted capital I', () => {
    expect(tokenize('İYİ', { locale: 'tr' })).toEqual(['iyi']);
  });

  it('tokenisers with different options do not share state', () => {
    const a = createTokenizer();
    const b = createTokenizer({ mode: 'char' });
    expect(a('ab cd')).toEqual(['ab', 'cd']);
    expect(b('ab')).toEqual(['a', 'b']);
    expect(a('ef')).toEqual(['ef']);
  });
});

describe('negation marking', () => {
  it.each([
    ['marks tokens up to the next punctuation', ['not', 'good', ',', 'fun'], ['not', 'NOT_good', ',', 'fun']],
    ["n't opens a scope", ['do', "n't", 'like', 'it', '.'], ['do', "n't", 'NOT_like', 'NOT_it', '.']],
    ['a scope runs to the end without punctuation', ['never', 'again'], ['never', 'NOT_again']],
    ['negation words themselves are not marked', ['no', 'not', 'bad'], ['no', 'not', 'NOT_bad']],
    ['Chinese negators count', ['不', '喜欢', '。'], ['不', 'NOT_喜欢', '。']],
    ['no negation, no change', ['good', 'film'], ['good', 'film']],
  ])('%s', (_name, tokens, expected) => {
    expect(markNegation(tokens)).toEqual(expected);
  });

  it('is off by default and on with negation: true', () => {
    expect(tokenize("I don't like it, but")).not.toContain('NOT_like');
    expect(tokenize("I don't like it, but", { negation: true })).toEqual([
      'i',
      'do',
      "n't",
      'NOT_like',
      'NOT_it',
      ',',
      'but',
    ]);
  });

  it('isNegation ignores case', () => {
    expect(isNegation('Never')).toBe(true);
    expect(isNegation('good')).toBe(false);
  });
});
