// Prediction's featurizer in WebAssembly (assembly/featurize.ts) for plain ASCII text: the text
// is copied into linear memory with TextEncoder.encodeInto, and cutting it into tokens, finding
// them, marking negation and looking up bigram rows all run there, several times faster than the
// same work in JavaScript. The token cache stays the featurizer's (textRows fills it, src/text/text-rows.ts);
// this class mirrors it into linear memory as it grows, along with the bigram rows and, with
// FeatureOptions.endOfText, the end-of-text word's form (its row and bigram residues). Text the
// WebAssembly side does not take (see its header), or that holds a token not mirrored yet, is
// left to textRows, which gives the same rows: featurizing stays exact. The core
// holds no grammar of its own: this class writes the tokeniser's (src/text/grammar.ts) into
// linear memory, a CHAR record per byte and a table of the tokens the grammar names. Its tables
// take ~4 MB of the model's linear memory plus a copy of the bigram rows' table, laid out with
// the model (its token table at the size the token cache can ever need, so it never grows).

import type { Runtime } from '../runtime/runtime.js';
import * as core from '../runtime/contract.js';
import { fnv1a32 } from './hash.js';
import type { Featurizer } from './features.js';
import { dropRepeatedRows } from './unique-rows.js';
import { GRAMMAR, type Grammar } from './grammar.js';
import { IntTable } from './int-table.js';
import type { TokenForm } from './token-cache.js';
import { fusedState, type FusedState } from './text-rows.js';

const TEXT_BYTES = 1 << 16;
const MAX_TOKENS = 1 << 12;
const MAX_ROWS = 2 * MAX_TOKENS;
/** Tokens longer than this are not mirrored (text with them is left to textRows). */
const MAX_TOKEN_BYTES = 64;
const POOL_BYTES = 1 << 20;
const NON_ASCII = /[^\x00-\x7f]/;
// No g or y flag: it keeps no state and can be shared.
const UPPER_OR_NON_ASCII = /[^\x00-\x40\x5b-\x7f]/;

export class WasmFeaturizer {
  private readonly cfg: number;
  private readonly text: number;
  private readonly out: number;
  private readonly slotChars: number;
  private readonly pool: number;
  private readonly roles: number;
  private readonly forms: number;
  private readonly tokenTable: number;
  private tokenMask = 0;
  /** Entries the token table's memory holds: the largest table the token cache can need. */
  private readonly tableRoom: number;
  private poolUsed = 0;
  /** Slots of the featurizer's token cache copied so far, and of which generation of it. */
  private mirrored = 0;
  private tableEntries = 0;
  private generation = -1;
  private readonly encoder = new TextEncoder();
  private bytes: Uint8Array | undefined;
  private ids: Int32Array | undefined;
  /** Where text is encoded before it is copied into a shared memory (see encodeInto). */
  private unshared: Uint8Array | undefined;

  private constructor(
    private readonly rt: Runtime,
    private readonly state: FusedState,
    grammar: Grammar,
  ) {
    const capacity = state.known.role.length;
    const block = (name: string, bytes: number) => rt.alloc(bytes, undefined, `featurizer.${name}`);
    this.cfg = block('config', core.CFG_WORDS * 4);
    this.text = block('text', TEXT_BYTES);
    this.out = block('rows', MAX_ROWS * 4);
    const scratch = block('scratch', MAX_TOKENS * core.TOKEN_BYTES);
    this.slotChars = block('tokenChars', capacity * 8);
    this.pool = block('tokenPool', POOL_BYTES);
    this.roles = block('tokenRoles', capacity * 4);
    this.forms = block('tokenForms', capacity * 2 * core.FORM_BYTES);
    const { slots, mask } = state.bucketRow;
    const rowTable = block('bucketRows', slots.length * 4);
    rt.i32(rowTable, slots.length).set(slots);
    const { chars, grammarTable, grammarMask, grammarBits } = writeGrammar(rt, grammar);
    // At most half full: room for every slot of the token cache, so the table never moves.
    this.tableRoom = 1 << Math.ceil(Math.log2(Math.max(1 << 12, 2 * capacity)));
    this.tokenTable = block('tokenTable', this.tableRoom * 8);
    this.newTokenTable(1 << 12);
    const cfg = new Int32Array(core.CFG_WORDS);
    cfg[core.CFG_TOKEN_TABLE] = this.tokenTable;
    cfg[core.CFG_TOKEN_MASK] = this.tokenMask;
    cfg[core.CFG_SLOT_CHARS] = this.slotChars;
    cfg[core.CFG_POOL] = this.pool;
    cfg[core.CFG_ROLES] = this.roles;
    cfg[core.CFG_FORMS] = this.forms;
    cfg[core.CFG_ROW_TABLE] = rowTable;
    cfg[core.CFG_ROW_MASK] = mask;
    cfg[core.CFG_BUCKETS] = state.buckets;
    cfg[core.CFG_TWO64_MOD] = state.two64;
    cfg[core.CFG_NEGATION] = state.negation ? 1 : 0;
    cfg[core.CFG_BIGRAMS] = state.bigrams ? 1 : 0;
    cfg[core.CFG_CHARS] = chars;
    cfg[core.CFG_GRAMMAR_TABLE] = grammarTable;
    cfg[core.CFG_GRAMMAR_MASK] = grammarMask;
    cfg[core.CFG_GRAMMAR_BITS] = grammarBits;
    cfg[core.CFG_SCRATCH] = scratch;
    cfg[core.CFG_SCRATCH_TOKENS] = MAX_TOKENS;
    if (state.endOfText)
      cfg[core.CFG_END_OF_TEXT] = writeForm(rt, block('endOfText', core.FORM_BYTES), state.endOfText);
    rt.i32(this.cfg, core.CFG_WORDS).set(cfg);
  }

  /**
   * A WebAssembly featurizer for a frozen featurizer whose options its fast path covers, else
   * undefined. It cuts text by `grammar`, the tokeniser's unless a test passes another.
   */
  static create(rt: Runtime, featurizer: Featurizer, grammar: Grammar = GRAMMAR): WasmFeaturizer | undefined {
    const state = fusedState(featurizer);
    // A core built before featurize_ascii existed (passed in as Runtime.create({ wasm })) leaves it all to textRows.
    if (typeof rt.kernels.featurize_ascii !== 'function') return undefined;
    return state ? new WasmFeaturizer(rt, state, grammar) : undefined;
  }

  /** Appends the text's rows to out and returns true, or returns false (out untouched) to leave the text to textRows. */
  rows(text: string, out: number[]): boolean {
    // The core takes lowercase ASCII: one native regex scan rules most text in, and lowercasing copies only when it must.
    const lowered = !UPPER_OR_NON_ASCII.test(text) ? text : NON_ASCII.test(text) ? undefined : text.toLowerCase();
    if (lowered === undefined || lowered.length > TEXT_BYTES) return false;
    this.sync();
    const buffer = this.rt.memory.buffer;
    if (this.bytes?.buffer !== buffer) {
      this.bytes = this.rt.u8(this.text, TEXT_BYTES);
      this.ids = this.rt.i32(this.out, MAX_ROWS);
    }
    const written = this.encodeInto(lowered, this.bytes);
    const n = this.rt.kernels.featurize_ascii(this.cfg, this.text, written, this.out, MAX_ROWS);
    if (n < 0) return false;
    const ids = this.ids!;
    const from = out.length;
    for (let i = 0; i < n; i++) out.push(ids[i]);
    if (this.state.uniqueFeatures) dropRepeatedRows(out, from);
    return true;
  }

  /**
   * TextEncoder.encodeInto, also into a view of a shared memory (a model trained on threads),
   * which browsers refuse to encode into: there the bytes go through a private buffer.
   */
  private encodeInto(text: string, into: Uint8Array): number {
    if (into.buffer instanceof ArrayBuffer) return this.encoder.encodeInto(text, into).written;
    if (!this.unshared || this.unshared.length < into.length)
      this.unshared = new Uint8Array(Math.max(into.length, TEXT_BYTES));
    const { written } = this.encoder.encodeInto(text, this.unshared.subarray(0, into.length));
    into.set(this.unshared.subarray(0, written));
    return written;
  }

  /** Copies the token cache's new slots (all of them again if it started over). */
  private sync(): void {
    const known = this.state.known;
    if (known.generation !== this.generation) {
      this.generation = known.generation;
      this.mirrored = 0;
      this.poolUsed = 0;
      this.newTokenTable(1 << 12);
    }
    if (this.mirrored === known.count) return;
    const rt = this.rt;
    for (let k = this.mirrored; k < known.count; k++) {
      const token = known.token(k);
      rt.i32(this.roles + 4 * k, 1)[0] = known.role[k];
      // Two FORM records per slot: the token plain, then negated.
      for (let form = 2 * k; form <= 2 * k + 1; form++) {
        writeForm(rt, this.forms + form * core.FORM_BYTES, {
          hash: known.hash[form],
          id: known.id[form],
          left: known.left[form],
          right: known.right[form],
        });
      }
      if (token.length > MAX_TOKEN_BYTES || this.poolUsed + token.length > POOL_BYTES) {
        rt.i32(this.slotChars + 8 * k, 2).set([0, 0]); // not in the table: texts with it go to textRows
        continue;
      }
      this.encodeInto(token, rt.u8(this.pool + this.poolUsed, token.length));
      rt.i32(this.slotChars + 8 * k, 2).set([this.poolUsed, token.length]);
      this.poolUsed += token.length;
      if (2 * (this.tableEntries + 1) > this.tokenMask + 1) this.growTokenTable(k);
      this.insert(known.hash[2 * k], k);
    }
    this.mirrored = known.count;
  }

  /** An empty token table of capacity entries, in the memory laid out for the largest one. */
  private newTokenTable(capacity: number): void {
    if (capacity > this.tableRoom)
      throw new Error(`the token table cannot hold ${capacity} entries (room for ${this.tableRoom})`);
    this.tokenMask = capacity - 1;
    this.tableEntries = 0;
    const slots = this.rt.i32(this.tokenTable, capacity * 2);
    for (let i = 1; i < slots.length; i += 2) slots[i] = -1;
    if (this.cfg) {
      const cfg = this.rt.i32(this.cfg, core.CFG_WORDS);
      cfg[core.CFG_TOKEN_TABLE] = this.tokenTable;
      cfg[core.CFG_TOKEN_MASK] = this.tokenMask;
    }
  }

  /** Doubles the token table and puts back the tokens of slots 0 … upTo − 1 that are in it. */
  private growTokenTable(upTo: number): void {
    const known = this.state.known;
    this.newTokenTable(2 * (this.tokenMask + 1));
    const chars = this.rt.i32(this.slotChars, 2 * upTo);
    for (let k = 0; k < upTo; k++) if (chars[2 * k + 1] > 0) this.insert(known.hash[2 * k], k);
  }

  /** Adds (hash → slot) to the token table, probing as assembly/featurize.ts does. */
  private insert(hash: number, slot: number): void {
    const slots = this.rt.i32(this.tokenTable, 2 * (this.tokenMask + 1));
    for (let i = (Math.imul(hash, core.HASH_PROBE) >>> 0) & this.tokenMask; ; i = (i + 1) & this.tokenMask) {
      if (slots[2 * i + 1] < 0) {
        slots[2 * i] = hash;
        slots[2 * i + 1] = slot;
        this.tableEntries++;
        return;
      }
    }
  }
}

/** Writes a FORM record at `at` and returns `at`. */
function writeForm(rt: Runtime, at: number, form: TokenForm): number {
  const record = rt.i32(at, core.FORM_BYTES / 4);
  record[core.FORM_HASH / 4] = form.hash;
  record[core.FORM_ID / 4] = form.id;
  record[core.FORM_LEFT / 4] = form.left;
  record[core.FORM_RIGHT / 4] = form.right;
  return at;
}

/**
 * Writes a grammar's tables into blocks of the runtime's memory, as assembly/featurize.ts reads
 * them: a CHAR record per byte value, and the tokens the grammar names as GRAMMAR records (their
 * bytes after them) found through a [fnv1a32, record address] table laid out as IntTable's,
 * with a filter of GRAMMAR_BITS bits in front of it.
 * Two tokens with one hash would need a probe the core does not make: refused.
 */
function writeGrammar(
  rt: Runtime,
  grammar: Grammar,
): { chars: number; grammarTable: number; grammarMask: number; grammarBits: number } {
  const block = (name: string, bytes: number) => rt.alloc(bytes, undefined, `featurizer.${name}`);
  const chars = block('grammarChars', 256 * core.CHAR_BYTES);
  const charBytes = rt.u8(chars, 256 * core.CHAR_BYTES);
  const charView = new DataView(charBytes.buffer, charBytes.byteOffset, charBytes.byteLength);
  for (let c = 0; c < 256; c++) {
    charView.setUint16(c * core.CHAR_BYTES + core.CHAR_FLAGS, grammar.chars[c], true);
    charView.setUint8(c * core.CHAR_BYTES + core.CHAR_RUN, grammar.charRuns[c]);
    charView.setUint8(c * core.CHAR_BYTES + core.CHAR_FORMS, grammar.charForms[c]);
  }

  const encoder = new TextEncoder();
  const tokens = grammar.tokens.map((t) => ({
    ...t,
    bytes: encoder.encode(t.text),
    tokenBytes: encoder.encode(t.token ?? ''),
  }));
  const poolBytes = tokens.reduce((sum, t) => sum + t.bytes.length + t.tokenBytes.length, 0);
  const records = block('grammarTokens', tokens.length * core.GRAMMAR_BYTES + poolBytes);
  const table = new IntTable(tokens.length);
  const grammarBits = block('grammarBits', core.GRAMMAR_BITS / 8);
  const bits = rt.i32(grammarBits, core.GRAMMAR_BITS / 32).fill(0);
  let at = records + tokens.length * core.GRAMMAR_BYTES;
  tokens.forEach((t, k) => {
    const record = records + k * core.GRAMMAR_BYTES;
    const fields = rt.i32(record, core.GRAMMAR_BYTES / 4);
    fields[core.GRAMMAR_KIND / 4] = t.kind;
    fields[core.GRAMMAR_TEXT / 4] = at;
    fields[core.GRAMMAR_LENGTH / 4] = t.bytes.length;
    fields[core.GRAMMAR_TOKEN / 4] = at + t.bytes.length;
    fields[core.GRAMMAR_TOKEN_LENGTH / 4] = t.tokenBytes.length;
    fields[core.GRAMMAR_STEM / 4] = t.stem ?? 0;
    rt.u8(at, t.bytes.length + t.tokenBytes.length).set([...t.bytes, ...t.tokenBytes]);
    at += t.bytes.length + t.tokenBytes.length;
    const hash = fnv1a32(t.text);
    if (table.get(hash) >= 0)
      throw new Error(
        `the grammar's tokens "${t.text}" and another have one hash (${hash}): the core tells them apart by hash`,
      );
    table.set(hash, record);
    const bit = hash & (core.GRAMMAR_BITS - 1);
    bits[bit >>> 5] |= 1 << (bit & 31);
  });
  const { slots, mask } = table.layout();
  const grammarTable = block('grammarTable', slots.length * 4);
  rt.i32(grammarTable, slots.length).set(slots);
  return { chars, grammarTable, grammarMask: mask, grammarBits };
}
