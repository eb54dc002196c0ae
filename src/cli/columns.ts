// Text columns in a terminal line up by the columns a text takes on screen, not by its length
// in UTF-16 units: a Chinese or Japanese character (and most emoji) takes two columns, a
// combining mark none, and a character outside the Basic Multilingual Plane is two UTF-16 units
// but one character.

/** Code point ranges shown two columns wide (East Asian Wide and Fullwidth, and emoji). */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo initials
  [0x2e80, 0x303e], // CJK radicals, Kangxi, CJK symbols and punctuation
  [0x3041, 0x33ff], // kana, bopomofo, Hangul compatibility Jamo, CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe30, 0xfe4f], // CJK compatibility forms
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x1f300, 0x1f64f], // pictographs and emoticons
  [0x1f900, 0x1f9ff], // supplemental pictographs
  [0x20000, 0x3fffd], // CJK extensions B and beyond
];

function isWide(codePoint: number): boolean {
  for (const [from, to] of WIDE) if (codePoint >= from && codePoint <= to) return true;
  return false;
}

/**
 * The columns `text` takes in a terminal.
 * @example
 * ```ts
 * displayWidth('good') // 4
 * displayWidth('很好') // 4
 * ```
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    if (/\p{Mn}|\p{Me}|\u200d|\ufe0f/u.test(char)) continue;
    width += isWide(char.codePointAt(0)!) ? 2 : 1;
  }
  return width;
}

/**
 * `text` followed by spaces up to `width` screen columns (as String.prototype.padEnd, by columns).
 * @example
 * ```ts
 * padEndColumns('好', 4) // '好  '
 * ```
 */
export function padEndColumns(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/**
 * Spaces up to `width` screen columns followed by `text` (as String.prototype.padStart, by columns).
 * @example
 * ```ts
 * padStartColumns('好', 4) // '  好'
 * ```
 */
export function padStartColumns(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - displayWidth(text))) + text;
}

/**
 * `text` cut to at most `width` screen columns, its last column an ellipsis when cut.
 * @example
 * ```ts
 * fitColumns('wonderful', 5) // 'wond…'
 * fitColumns('非常非常好', 5) // '非常…'
 * ```
 */
export function fitColumns(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let kept = '';
  for (const char of text) {
    if (displayWidth(kept + char) > width - 1) break;
    kept += char;
  }
  return `${kept}…`;
}
