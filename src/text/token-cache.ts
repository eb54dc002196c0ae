// What the featurizer's fused prediction path knows about each lowercase ASCII token it has met:
// negation role, and for the token and its "NOT_" form the hash, vocabulary id and bigram
// residues. Tokens repeat (a few thousand distinct words make up most text), so each is worked
// out once. A token is found by its place in the scanned text, and no string is built for it,
// which costs less than slicing the token out and looking it up in a Map. Most tokens have at
// most 8 characters: their characters themselves, 7 bits each, are the key of an integer table
// (exact, nothing to compare afterwards). Longer ones are hashed, and the cached token compared.

import { fnv1a32, fnv1a32AsciiSpan } from './hash.js';
import { IntPairTable, IntTable } from './int-table.js';

/** One form of a token (plain, or negated as "NOT_" + token): its hash, vocabulary id, and bigram residues. */
export interface TokenForm {
  hash: number;
  id: number;
  right: number;
  left: number;
}

/**
 * Slot k holds a token's negation role; its two forms sit at 2k (plain) and 2k + 1 (negated).
 * Bounded: when full it starts over, so never-repeating tokens cannot grow it without end.
 */
export class TokenCache {
  static readonly CAPACITY = 1 << 16;
  /** negationRole (./grammar.ts): 1 opens a negation scope, -1 closes one, 0 neither. */
  readonly role = new Int8Array(TokenCache.CAPACITY);
  readonly hash = new Int32Array(2 * TokenCache.CAPACITY);
  readonly id = new Int32Array(2 * TokenCache.CAPACITY);
  readonly right = new Int32Array(2 * TokenCache.CAPACITY);
  readonly left = new Int32Array(2 * TokenCache.CAPACITY);
  /** Packed characters of a token of up to SHORT characters (see shortKeyLow) → slot. */
  private slotByChars = new IntPairTable();
  /**
   * fnv1a32(token) → slot, for longer tokens. A token whose hash an earlier one holds goes to
   * `collided`. Both tables grow with what they hold: a few thousand tokens fit in the caches, a
   * table sized for CAPACITY would not.
   */
  private slotByHash = new IntTable();
  private readonly collided = new Map<string, number>();
  private readonly tokens: string[] = [];
  private size = 0;
  /** How many times the cache has started over: a copy of it must start over too. */
  generation = 0;

  /** Tokens cached, in slots 0 … count − 1. */
  get count(): number {
    return this.size;
  }

  /** The token in slot k. */
  token(k: number): string {
    return this.tokens[k];
  }

  /** The slot of the token text[start, end) (ASCII), or -1 if it is not cached. */
  slotOfSpan(text: string, start: number, end: number): number {
    if (end - start <= SHORT)
      return this.slotByChars.get(shortKeyLow(text, start, end), shortKeyHigh(text, start, end));
    const k = this.slotByHash.get(fnv1a32AsciiSpan(text, start, end));
    if (k < 0) return -1;
    if (sameChars(this.tokens[k], text, start, end)) return k;
    return this.collided.size === 0 ? -1 : (this.collided.get(text.slice(start, end)) ?? -1);
  }

  /** The slot of an ASCII token, or -1 if it is not cached. */
  slotOf(token: string): number {
    if (token.length <= SHORT)
      return this.slotByChars.get(shortKeyLow(token, 0, token.length), shortKeyHigh(token, 0, token.length));
    const k = this.slotByHash.get(fnv1a32(token));
    if (k < 0) return -1;
    if (this.tokens[k] === token) return k;
    return this.collided.get(token) ?? -1;
  }

  /** Stores an ASCII token not cached yet (plain.hash is its fnv1a32); returns its slot. */
  add(token: string, role: number, plain: TokenForm, negated: TokenForm): number {
    if (this.size === TokenCache.CAPACITY) {
      this.slotByChars = new IntPairTable();
      this.slotByHash = new IntTable();
      this.collided.clear();
      this.size = 0;
      this.generation++;
    }
    const k = this.size++;
    this.tokens[k] = token;
    if (token.length <= SHORT)
      this.slotByChars.set(shortKeyLow(token, 0, token.length), shortKeyHigh(token, 0, token.length), k);
    else if (this.slotByHash.get(plain.hash) < 0) this.slotByHash.set(plain.hash, k);
    else this.collided.set(token, k);
    this.role[k] = role;
    [plain, negated].forEach((form, i) => {
      this.hash[2 * k + i] = form.hash;
      this.id[2 * k + i] = form.id;
      this.right[2 * k + i] = form.right;
      this.left[2 * k + i] = form.left;
    });
    return k;
  }
}

/** Tokens this long or shorter are keyed by their characters. */
const SHORT = 8;

/** The first 4 characters of text[start, end) (ASCII, at most SHORT long), 7 bits each. */
function shortKeyLow(text: string, start: number, end: number): number {
  let key = 0;
  for (let i = start, stop = Math.min(end, start + 4); i < stop; i++) key = (key << 7) | text.charCodeAt(i);
  return key;
}

/** Characters 5 to 8 of text[start, end), 7 bits each, and the length above them (which tells "a" from "\0a"). */
function shortKeyHigh(text: string, start: number, end: number): number {
  let key = end - start;
  for (let i = start + 4; i < end; i++) key = (key << 7) | text.charCodeAt(i);
  return key;
}

/** Whether text[start, end) is the string t. */
function sameChars(t: string, text: string, start: number, end: number): boolean {
  if (t.length !== end - start) return false;
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}
