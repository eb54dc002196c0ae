// The uniqueFeatures option (FeatureOptions.uniqueFeatures): each of a text's rows counted once,
// a binary bag of features. Shared by the featurizer and prediction's WebAssembly featurizer.

/**
 * Keeps the first occurrence of each row in out[from…], in order (uniqueFeatures). Most texts
 * have a few dozen features, for which a scan of the rows kept so far beats a set.
 * @example
 * ```ts
 * const out = [7, 3, 7, 9, 3]; dropRepeatedRows(out, 0); out // [7, 3, 9]
 * ```
 */
export function dropRepeatedRows(out: number[], from: number): void {
  const end = out.length;
  let kept = from;
  if (end - from <= 64) {
    for (let i = from; i < end; i++) {
      const row = out[i];
      let j = from;
      while (j < kept && out[j] !== row) j++;
      if (j === kept) out[kept++] = row;
    }
  } else {
    const seen = new Set<number>();
    for (let i = from; i < end; i++) {
      const row = out[i];
      if (seen.has(row)) continue;
      seen.add(row);
      out[kept++] = row;
    }
  }
  out.length = kept;
}
