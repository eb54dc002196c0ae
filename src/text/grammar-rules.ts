// The tokeniser's grammar, written once, as data: the words and marks it splits, joins and
// rewrites, and the words that open and close a negation scope. Three things cut text by it,
// and none of them holds a word list of its own:
// - the regex path (src/text/tokenize.ts) builds its patterns from RULES (token-patterns.ts);
// - the ASCII scanner (src/text/ascii-scanner.ts) reads the tables compileGrammar (./grammar.ts)
//   builds from them once;
// - prediction's featurizer in WebAssembly (assembly/featurize.ts) reads the same tables, which
//   the host writes into linear memory (src/text/wasm-featurizer.ts): a CHAR record per byte,
//   and the tokens the grammar names (GrammarToken) in a hash table.
// A rule changed here changes what all three produce (test/grammar.test.ts checks each rule on
// each path, and a changed grammar too).
// The rules are here; ./grammar.ts compiles them into the tables and sets the three read.

/** The rules, as plain data. Tokens are lowercase here; the tokeniser matches letters in any case unless a rule says otherwise. */
export interface GrammarRules {
  /** Apostrophes inside words and before clitics; the first is the one tokens are written with. */
  apostrophes: string;
  /** Clitics split off the end of a word after its last apostrophe: "it's" → "it" "'s". */
  clitics: readonly string[];
  /** The negative clitic: one letter, an apostrophe, the rest. The letter goes with it: "doesn't" → "does" "n't". */
  negativeClitic: string;
  /** Runs of letters after an apostrophe that begins a token, kept with it: SST-2's "it 's", "'em". */
  leadingClitics: readonly string[];
  /** Decades after such an apostrophe ("'70s", "'99"): this many digits, then the suffix or not, as typed (case kept). */
  decade: { digits: number; suffix: string };
  /** The negative clitic typed apart from its word ("didn ' t", "didn`t"): blanks around one of these apostrophes. */
  spacedNegativeClitic: { blanks: string; apostrophes: string };
  /** Words split without an apostrophe: [word, its first token (a prefix of it), the second token]. */
  splits: readonly (readonly [word: string, stem: string, rest: string])[];
  /** Words that keep a period after them as part of the token ("mr.", "vs."). */
  abbreviations: readonly string[];
  /** That period; also the one between initials ("u.s."). */
  abbreviationMark: string;
  /** Marks that join the parts of one word: "fifteen-year-old", "and/or". */
  wordJoiners: string;
  /** Marks between the digit groups of one number: "3.5", "1,000", "10:30", "1/2". */
  numberSeparators: string;
  /** Tokens cut whole where they start, whatever follows, and written as another (letters in any case). */
  forms: Readonly<Record<string, string>>;
  /** Single characters written as another. */
  singles: Readonly<Record<string, string>>;
  /** Runs of these marks are one token; a run of one mark with a length in `lengths` is written as `as`. */
  runs: readonly { marks: string; as?: string; lengths?: readonly [min: number, max: number] }[];
  /** Emoticons made of letters: a token unless a letter or digit follows ("xd" but "xdx"). */
  wordEmoticons: readonly string[];
  /** How URLs begin (case-sensitive); a URL runs to the end of its run of visible characters. */
  urlPrefixes: readonly string[];
  /** A hashtag or mention: one of these, then letters, digits and "_". */
  hashtagMarks: string;
  /** ASCII marks of emoticons ("^_^", "<3", "=)", "-_-"): text with one is cut by the regex alone. */
  emoticonMarks: string;
  /** Marks that begin emoticons (":)", ";-)") unless a blank or the end follows them. */
  emoticonLeads: string;
  /** Words after which markNegation prefixes `negatedPrefix` to tokens, up to a clause end. */
  negations: readonly string[];
  negatedPrefix: string;
  /** A clause end closes a negation scope: a run of these marks, or one of `clauseEnds`. */
  clauseEndMarks: string;
  clauseEnds: readonly string[];
}

/** Penn Treebank's canonical form (which SST-2 uses), and how people type what it writes otherwise. */
export const RULES: GrammarRules = {
  apostrophes: "'’",
  clitics: ['s', 're', 've', 'll', 'd', 'm'],
  negativeClitic: "n't",
  leadingClitics: ['s', 're', 've', 'll', 'd', 'm', 'em', 'til', 'tis', 'twas'],
  decade: { digits: 2, suffix: 's' },
  spacedNegativeClitic: { blanks: ' \t', apostrophes: "'’`" },
  // Penn Treebank splits the first six; the rest are how people type n't without an apostrophe.
  splits: [
    ['cannot', 'can', 'not'],
    ['gonna', 'gon', 'na'],
    ['wanna', 'wan', 'na'],
    ['gotta', 'got', 'ta'],
    ['gimme', 'gim', 'me'],
    ['lemme', 'lem', 'me'],
    ...[
      'dont',
      'didnt',
      'doesnt',
      'isnt',
      'wasnt',
      'arent',
      'werent',
      'couldnt',
      'shouldnt',
      'wouldnt',
      'havent',
      'hasnt',
      'hadnt',
      'aint',
      'mustnt',
      'neednt',
      'mightnt',
    ].map((w) => [w, w.slice(0, -2), "n't"] as const),
  ],
  // As in SST-2 ("mr.", "vs."). "no." is left out: too often a sentence end.
  abbreviations: [
    'mr',
    'mrs',
    'ms',
    'dr',
    'vs',
    'etc',
    'jr',
    'sr',
    'inc',
    'st',
    'prof',
    'ltd',
    'co',
    'corp',
    'mt',
    'messrs',
  ],
  abbreviationMark: '.',
  wordJoiners: '-/',
  numberSeparators: '.,:/',
  forms: {
    '-lrb-': '(',
    '-rrb-': ')',
    '-lsb-': '[',
    '-rsb-': ']',
    '-lcb-': '{',
    '-rcb-': '}', // Penn Treebank's brackets
    '``': '"',
    "''": '"', // its double quotes
  },
  singles: {
    '"': '"',
    '“': '"',
    '”': '"',
    '„': '"',
    '«': '"',
    '»': '"',
    '`': "'",
    '‘': "'",
    '’': "'",
    '‚': "'",
    '‹': "'",
    '›': "'",
    '—': '--',
    '―': '--',
  },
  // Runs longer than the lengths given stay as typed: the tokeniser has always cut them so.
  runs: [
    { marks: '.', as: '...', lengths: [2, 5] },
    { marks: '-', as: '--', lengths: [2, 5] },
    { marks: '!?' },
    { marks: '*' },
  ],
  wordEmoticons: ['xd'],
  urlPrefixes: ['http://', 'https://', 'www.'],
  hashtagMarks: '#@',
  emoticonMarks: '_<>=^',
  emoticonLeads: ':;',
  negations: [
    'not',
    'no',
    'never',
    "n't",
    'nothing',
    'nobody',
    'none',
    'noone',
    'nowhere',
    'neither',
    'nor',
    'without',
    'hardly',
    'barely',
    'scarcely',
    // Chinese negators are separate words in Intl.Segmenter's output.
    '不',
    '没',
    '没有',
    '别',
    '无',
    '未',
    '非',
  ],
  negatedPrefix: 'NOT_',
  clauseEndMarks: '.,;:!?',
  clauseEnds: ['--', '。', '，', '、', '；', '：', '！', '？'],
};
