// Warnings about training data that is likely a mistake: labels that are one label spelled two
// ways, a class too small to learn beside large ones, a training split that lost a large share
// of its rows (a featurizer left with no words is checked in train-model.ts). Each is one sentence
// naming what was seen and what to do; training goes on (TrainOptions.onWarning,
// TrainResult.warnings), and the CLI's --strict makes them errors. Kept short: this code is in
// the browser's training worker, whose size has a budget.

/** A class smaller than this share of the largest one is too rare to learn next to it. */
const RARE_SHARE = 0.01;
/** A class with fewer examples than this, next to one with RARE_NEXT_TO or more, is too rare too. */
const RARE_COUNT = 5;
const RARE_NEXT_TO = 20;

/**
 * Pairs of labels that are likely one label spelled two ways: the same but for case, spaces or
 * punctuation ("Positive", "positive "), one a shortening of the other ("pos", "positive"), or
 * one or two letters apart in words long enough for that to be a slip ("postive", "positive";
 * one letter from 4 letters, two from 7). Numbers are never compared: "1" and "2" are classes.
 * @example similarLabels(["Positive", "positive", "neg"]) // [["Positive", "positive"]]
 */
export function similarLabels(labels: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  const words = labels.filter((l) => !Number.isFinite(Number(l)));
  const plain = words.map((l) => l.toLowerCase().replace(/[\s\p{P}]+/gu, ''));
  for (let i = 0; i < words.length; i++)
    for (let j = i + 1; j < words.length; j++) {
      const [a, b] = plain[i].length <= plain[j].length ? [plain[i], plain[j]] : [plain[j], plain[i]];
      const slips = a.length >= 7 ? 2 : a.length >= 4 ? 1 : 0;
      if ((a.length >= 3 && b.startsWith(a)) || a === b || editDistance(a, b) <= slips)
        pairs.push([words[i], words[j]]);
    }
  return pairs;
}

/** Levenshtein distance (labels are short). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** The warnings about the training labels and their counts. */
export function labelCountWarnings(counts: Readonly<Record<string, number>>): string[] {
  const warnings: string[] = [];
  const labels = Object.keys(counts);
  // Pairs that share a label make one group: "Positive", "positive", "pos", "postive".
  const group = new Map<string, string[]>();
  for (const [a, b] of similarLabels(labels)) {
    const ga = group.get(a) ?? [a];
    const gb = group.get(b) ?? [b];
    const merged = ga === gb ? ga : ga.concat(gb);
    for (const l of merged) group.set(l, merged);
  }
  const groups = [...new Set(group.values())].map((g) => labels.filter((l) => g.includes(l)));
  if (groups.length)
    warnings.push(
      `labels that look like one spelled differently: ${groups.map((g) => g.map((l) => `"${l}"`).join(', ')).join('; ')}. ` +
        'Each is a class of its own: if they mean the same, write them alike in the data',
    );
  const largest = Math.max(...Object.values(counts));
  const rare = Object.entries(counts).filter(
    ([, n]) => n > 0 && (n < largest * RARE_SHARE || (n < RARE_COUNT && largest >= RARE_NEXT_TO)),
  );
  if (rare.length)
    warnings.push(
      `labels with very few examples next to the largest (${largest}): ${rare.map(([l, n]) => `"${l}" (${n})`).join(', ')}. ` +
        'A class so rare is seldom predicted: gather more of it, merge it, or weight classes (classWeights, --class-weights auto)',
    );
  return warnings;
}

/**
 * A warning when training keeps under three quarters of the rows it was given: rows held out for
 * validation and rows skipped as unusable, counted together.
 * @example keptRowsWarning({ given: 1000, heldOut: 300 }) // "training uses 700 of the 1000 rows …"
 */
export function keptRowsWarning({
  given,
  heldOut = 0,
  skipped = 0,
}: {
  given: number;
  heldOut?: number;
  skipped?: number;
}) {
  const kept = given - heldOut - skipped;
  if (kept >= given * 0.75) return undefined;
  const lost = [heldOut && `${heldOut} held out for validation`, skipped && `${skipped} skipped as unusable`];
  return (
    `training uses ${kept} of the ${given} rows (${lost.filter(Boolean).join(', ')}). ` +
    (skipped > heldOut
      ? 'Check why so many cannot be used (columns, format, encoding)'
      : 'Hold out less, or validate on a file of its own (validation, --dev)')
  );
}
