// Warnings about training data that is likely a mistake: labels that are one label spelled two
// ways, a class too small to learn beside large ones, a featurizer left with no words, a
// training split that lost a large share of its rows. Each is one sentence that names what it
// saw and what to do; training goes on (TrainOptions.onWarning, TrainResult.warnings), and the
// CLI's --strict makes them errors.

/** A class smaller than this share of the largest one is too rare to learn next to it. */
const RARE_SHARE = 0.01;
/** A class with fewer examples than this, next to one with RARE_NEXT_TO or more, is too rare too. */
const RARE_COUNT = 5;
const RARE_NEXT_TO = 20;
/** A training split that keeps less than this share of the rows given is worth a word. */
const KEPT_SHARE = 0.75;

/**
 * Pairs of labels that are likely one label spelled two ways: the same but for case, spaces or
 * punctuation ("Positive", "positive "), one a shortening of the other ("pos", "positive"), or
 * one or two letters apart in words long enough for that to be a slip ("postive", "positive";
 * one letter from 4 letters, two from 7). Numbers are never compared: "1" and "2" are classes.
 * @example similarLabels(["Positive", "positive", "neg"]) // [["Positive", "positive", "differ only in case or spacing"]]
 */
export function similarLabels(labels: readonly string[]): [string, string, string][] {
  const pairs: [string, string, string][] = [];
  const words = labels.filter((l) => !Number.isFinite(Number(l)));
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j < words.length; j++) {
      const reason = likeness(words[i], words[j]);
      if (reason) pairs.push([words[i], words[j], reason]);
    }
  }
  return pairs;
}

function likeness(a: string, b: string): string | undefined {
  const na = a.toLowerCase().replace(/[\s\p{P}]+/gu, '');
  const nb = b.toLowerCase().replace(/[\s\p{P}]+/gu, '');
  if (na === nb) return 'differ only in case or spacing';
  const [short, long] = na.length <= nb.length ? [na, nb] : [nb, na];
  if (short.length >= 3 && long.startsWith(short)) return `"${short}" shortens "${long}"`;
  const letters = editDistance(na, nb);
  const allowed = short.length >= 7 ? 2 : short.length >= 4 ? 1 : 0;
  if (letters <= allowed) return `differ by ${letters === 1 ? 'one letter' : 'two letters'}`;
  return undefined;
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

/** The labels that similarLabels pairs, gathered into groups (a pair of pairs sharing a label is one group). */
function likeGroups(labels: readonly string[]): string[][] {
  const group = new Map<string, string[]>();
  for (const [a, b] of similarLabels(labels)) {
    const ga = group.get(a) ?? [a];
    const gb = group.get(b) ?? [b];
    if (ga === gb) continue;
    const merged = [...ga, ...gb];
    for (const l of merged) group.set(l, merged);
  }
  return [...new Set(group.values())].map((g) => labels.filter((l) => g.includes(l)));
}

/** The warnings about the training labels and their counts. */
export function labelCountWarnings(counts: Readonly<Record<string, number>>): string[] {
  const warnings: string[] = [];
  const groups = likeGroups(Object.keys(counts));
  if (groups.length) {
    const named = groups.map((g) => g.map((l) => `"${l}"`).join(', ')).join('; ');
    warnings.push(
      `labels that look like one label spelled in different ways: ${named}. ` +
        'Each is learned as a class of its own: if they mean the same, write them the same way in the data',
    );
  }
  const largest = Math.max(...Object.values(counts));
  const rare = Object.entries(counts).filter(
    ([, n]) => n > 0 && (n < largest * RARE_SHARE || (n < RARE_COUNT && largest >= RARE_NEXT_TO)),
  );
  if (rare.length) {
    const named = rare
      .slice(0, 5)
      .map(([label, n]) => `"${label}" (${n})`)
      .join(', ');
    warnings.push(
      `${rare.length === 1 ? 'a label has' : `${rare.length} labels have`} very few examples next to the largest (${largest}): ${named}${rare.length > 5 ? ', …' : ''}. ` +
        'A classifier seldom predicts so rare a class: gather more examples of it, merge it into another, or weight classes (classWeights, --class-weights auto)',
    );
  }
  return warnings;
}

/**
 * A warning when training keeps under three quarters of the rows it was given: rows held out for
 * validation and rows skipped as unusable, counted together.
 * @example keptRowsWarning({ given: 1000, heldOut: 300 }) // "training uses 700 of the 1000 rows …"
 */
export function keptRowsWarning(rows: { given: number; heldOut?: number; skipped?: number }): string | undefined {
  const heldOut = rows.heldOut ?? 0;
  const skipped = rows.skipped ?? 0;
  const kept = rows.given - heldOut - skipped;
  if (rows.given === 0 || kept >= rows.given * KEPT_SHARE) return undefined;
  const lost = [
    heldOut ? `${heldOut} held out for validation` : '',
    skipped ? `${skipped} skipped as unusable` : '',
  ].filter(Boolean);
  return (
    `training uses ${kept} of the ${rows.given} rows (${lost.join(', ')}). ` +
    (skipped > heldOut
      ? 'Check why so many rows cannot be used (the columns, the format, the encoding)'
      : 'Hold out a smaller fraction, or validate on a file of its own (validation, --dev)')
  );
}
