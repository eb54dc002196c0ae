// The model file: one binary file holding a model's config, vocabulary and weights, read the
// same way in Node and in browsers (this module uses only Uint8Array, DataView and
// TextEncoder/TextDecoder; saving to disk lives in save.node.ts).
//
// Layout, format version 1. All integers little-endian, written and read through DataView.
//
//   offset      size  field
//   0           8     magic: the ASCII bytes "SENTIWSM"
//   8           4     format version, u32 (1)
//   12          4     flags, u32: 0 (no flags are defined; a reader refuses bits it does not know)
//   16          8     file length N in bytes, u64, trailer included
//   24          4     section count S, u32
//   28          4     config JSON length J in bytes, u32
//   32          ...   section table, S entries in name order, each 20 + L bytes:
//                       u8   dtype code: 1 = f32 (Float32Array), 2 = i32 (Int32Array), 3 = u8 (Uint8Array)
//                       u8   L, the name's length in UTF-8 bytes (1..255)
//                       u16  reserved, 0
//                       u64  payload offset from the start of the file (a multiple of 8)
//                       u64  payload length in bytes (a multiple of the element size)
//                       L    the name, UTF-8
//   ...         J     config JSON, UTF-8: object keys sorted (recursively), no whitespace
//   ...               zero padding to a multiple of 8; then each payload in table order, each
//                     followed by zero padding to a multiple of 8
//   N - 12      8     file length N again, u64
//   N - 4       4     CRC-32 (IEEE, see crc32.ts) of bytes [0, N - 4)
//
// Why it is laid out so:
// - Payloads start at multiples of 8, so when the file's bytes sit at an aligned address (as
//   fetch, readFile and ArrayBuffers give them) each tensor is a view into them, not a copy.
//   Unaligned input (bytes at an odd offset of a larger buffer) is copied instead.
// - Payload elements are the platform's typed-array bytes, required to be little-endian: the
//   rest of sentiwasm views WebAssembly memory (always little-endian) through typed arrays,
//   which is right only on a little-endian host, so byte-swapping here alone would buy nothing.
//   Every platform Node and browsers realistically run on is little-endian; on another one
//   encoding and decoding throw a ModelFileError instead of writing or reading wrong numbers.
// - Encoding is deterministic: the same contents give the same bytes, whatever order the
//   config's keys or the sections were added in (sections and config keys are both sorted in
//   JavaScript string order, by UTF-16 code unit), so the same seed, data and options give a
//   byte-identical model file. Sorting rather than keeping insertion order means the bytes do not
//   depend on which part of the code happened to add its section first.
// - Decoding checks, in this order: the magic; the length (header and trailer); the CRC; and
//   only then the version, the flags, the section table and the JSON. It builds the result only
//   once all of them pass, so it never returns a partly read model.
// - The first 24 bytes (magic, version, flags, length) and the 12-byte trailer keep this meaning
//   in every later format version. That lets a reader check length and checksum before trusting
//   anything else, even the version: a flipped bit in the version field is reported as damage,
//   not as "upgrade sentiwasm", and a file from a newer sentiwasm is recognised as such. The
//   length is stored twice so a cut-off file ("truncated, expected N bytes") can be told from a
//   damaged header (whose intact trailer still gives the length the file really has).

import { crc32 } from './crc32.js';
import { isRecord, messageOf } from './schema.js';

/** The first 8 bytes of every model file, as ASCII text. A string, so that no one can change it in place. */
export const MODEL_MAGIC = 'SENTIWSM';

/** The format version this sentiwasm writes, and the newest it reads. */
export const MODEL_FORMAT_VERSION = 1;

/** What a model file holds. */
export interface ModelFileContents {
  /** JSON-serialisable metadata: architecture, dims, labels, tokenizer settings, training options… */
  config: Record<string, unknown>;
  /** Named binary sections: vocabulary bytes, float32 weight tensors (as Float32Array), int32 tables (Int32Array), raw bytes (Uint8Array). */
  sections: Record<string, Float32Array | Int32Array | Uint8Array>;
}

/** A short, stable name for each way reading or saving a model file can fail. */
export type ModelFileProblem =
  | 'empty'
  | 'not-a-model-file'
  | 'truncated'
  | 'trailing-bytes'
  | 'damaged'
  | 'newer-version'
  | 'unknown-version'
  | 'unknown-flags'
  | 'malformed'
  | 'invalid-contents'
  | 'big-endian-host'
  | 'unreadable'
  | 'not-saved';

/** A model file that cannot be read or saved; the message names the file, what is wrong and what to do. */
export class ModelFileError extends Error {
  /** The error's name. */
  override readonly name = 'ModelFileError';
  /** The file name or URL the bytes came from (or were going to), when known. */
  readonly source?: string;

  /**
   * @example
   * ```ts
   * new ModelFileError("model.bin", "truncated (expected 4096 bytes, found 1000)", "copy it again", "truncated")
   * ```
   */
  constructor(
    source: string | undefined,
    /** What is wrong. */
    readonly problem: string,
    /** What to do about it. */
    readonly hint: string,
    /** The problem's name, for programs that handle some of them. */
    readonly reason: ModelFileProblem,
    options?: ErrorOptions,
  ) {
    super(formatModelFileError(source, problem, hint), options);
    if (source !== undefined) this.source = source;
  }
}

/**
 * The message of a ModelFileError: `SOURCE: problem. hint`.
 * @example
 * ```ts
 * formatModelFileError("model.bin", "empty (0 bytes)", "save it again") // "model.bin: empty (0 bytes). save it again"
 * ```
 */
export function formatModelFileError(source: string | undefined, problem: string, hint: string): string {
  const where = source ?? 'model file';
  const end = /[.!?]$/.test(problem) ? '' : '.';
  return hint ? `${where}: ${problem}${end} ${hint}` : `${where}: ${problem}`;
}

// ---------------------------------------------------------------------------------------------
// Layout constants

/** Magic, version, flags, file length: the part every format version keeps. */
const PREFIX_BYTES = 24;
/** The v1 header: the prefix, section count, JSON length. */
const HEADER_BYTES = 32;
/** A section table entry without its name. */
const ENTRY_BYTES = 20;
/** File length (u64) and CRC-32 (u32). */
const TRAILER_BYTES = 12;
const ALIGN = 8;
const MAX_NAME_BYTES = 255;
const MAX_U32 = 0xffffffff;

type SectionArray = Float32Array | Int32Array | Uint8Array;

interface Dtype {
  code: number;
  name: string;
  size: number;
  /** The typed array over `length` elements of `buffer` from `byteOffset`. */
  view(buffer: ArrayBufferLike, byteOffset: number, length: number): SectionArray;
}

const DTYPES: readonly Dtype[] = [
  { code: 1, name: 'Float32Array', size: 4, view: (b, o, n) => new Float32Array(b, o, n) },
  { code: 2, name: 'Int32Array', size: 4, view: (b, o, n) => new Int32Array(b, o, n) },
  { code: 3, name: 'Uint8Array', size: 1, view: (b, o, n) => new Uint8Array(b, o, n) },
];

const UTF8_ENCODER = /* @__PURE__ */ new TextEncoder();
const MAGIC_BYTES: readonly number[] = Array.from(MODEL_MAGIC, (c) => c.charCodeAt(0));

function align8(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function isLittleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function requireLittleEndianHost(source: string | undefined): void {
  if (!isLittleEndianHost()) {
    throw new ModelFileError(
      source,
      'this platform is big-endian; sentiwasm model files and its WebAssembly core need a little-endian one',
      'run sentiwasm on x86, ARM, RISC-V or another little-endian platform',
      'big-endian-host',
    );
  }
}

function bytesOf(array: SectionArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Why a config value cannot be saved; thrown as a ModelFileError by encodeModelFile. */
class ConfigError extends Error {}

/**
 * `value` as JSON with every object's keys sorted, so equal configs give equal bytes whatever
 * order their keys were added in. Stricter than JSON.stringify, which would quietly turn NaN into
 * null or a Map into {}: anything that would not come back as it went in is an error naming
 * where it is. Object properties that are undefined are left out, as JSON.stringify does.
 */
function canonicalJson(value: unknown, key: string, path: string, parents: Set<object>): string | undefined {
  // Honour toJSON (a Date becomes its ISO string) as JSON.stringify does.
  if (value !== null && typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function') {
    value = value.toJSON(key);
  }
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new ConfigError(`${path} is ${value}, which JSON cannot hold`);
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (parents.has(value)) throw new ConfigError(`${path} refers back to itself`);
      parents.add(value);
      let out: string;
      if (Array.isArray(value)) {
        out =
          '[' +
          value
            .map((item, i) => {
              const json = canonicalJson(item, String(i), `${path}[${i}]`, parents);
              if (json === undefined)
                throw new ConfigError(`${path}[${i}] is undefined, which JSON would turn into null`);
              return json;
            })
            .join(',') +
          ']';
      } else {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          const kind = value.constructor?.name ?? 'a non-plain object';
          throw new ConfigError(
            `${path} is a ${kind}; a config holds only plain objects, arrays, strings, finite numbers, booleans and null` +
              (ArrayBuffer.isView(value) ? ' (put typed arrays in sections)' : ''),
          );
        }
        const parts: string[] = [];
        for (const key of Object.keys(value).sort()) {
          const json = canonicalJson(Reflect.get(value, key), key, `${path}.${key}`, parents);
          if (json !== undefined) parts.push(JSON.stringify(key) + ':' + json);
        }
        out = '{' + parts.join(',') + '}';
      }
      parents.delete(value);
      return out;
    }
    default:
      throw new ConfigError(`${path} is a ${typeof value}, which JSON cannot hold`);
  }
}

/**
 * A JSON value as the container writes it in a config (object keys sorted): equal values give
 * equal text, whatever order their keys were added in.
 * @example
 * ```ts
 * configJson({ b: 1, a: [2] }) // '{"a":[2],"b":1}'
 * ```
 */
export function configJson(value: unknown): string | undefined {
  return canonicalJson(value, '', 'value', new Set());
}

/** The dtype of a section value, by its tag so that typed arrays from another realm (a worker, a vm context) count too. */
function dtypeOfArray(value: unknown): Dtype | undefined {
  if (!ArrayBuffer.isView(value)) return undefined;
  const tag = Reflect.get(value, Symbol.toStringTag);
  return DTYPES.find((d) => d.name === tag);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return `a ${Reflect.get(value, Symbol.toStringTag) ?? 'DataView'}`;
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}

function invalid(problem: string, hint: string): ModelFileError {
  return new ModelFileError(undefined, `cannot encode the model: ${problem}`, hint, 'invalid-contents');
}

/**
 * The bytes of a model file holding `contents` (layout at the top of this file). Deterministic:
 * equal contents give identical bytes, whatever order config keys and sections were added in.
 * Throws a ModelFileError if the config is not plain JSON (NaN, Map, cycles…) or a section is
 * not a Float32Array, Int32Array or Uint8Array.
 * @example
 * ```ts
 * const bytes = encodeModelFile({
 *   config: { architecture: "bag", dim: 2, labels: ["negative", "positive"] },
 *   sections: { "embedding.weight": new Float32Array([0.5, -1, 2, 0]), vocabulary: new TextEncoder().encode("good\nbad") },
 * });
 * ```
 */
export function encodeModelFile(contents: ModelFileContents): Uint8Array {
  requireLittleEndianHost(undefined);
  const { config, sections }: Partial<ModelFileContents> = contents ?? {};
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw invalid(`config is ${describe(config)}, not an object`, "pass config: { … } with the model's settings");
  }
  if (sections === null || typeof sections !== 'object' || Array.isArray(sections)) {
    throw invalid(
      `sections is ${describe(sections)}, not an object`,
      'pass sections: { name: Float32Array | Int32Array | Uint8Array }',
    );
  }

  let json: Uint8Array;
  try {
    json = UTF8_ENCODER.encode(canonicalJson(config, '', 'config', new Set()) ?? '{}');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw invalid(
      e.message,
      'store only JSON values in config: plain objects, arrays, strings, finite numbers, booleans, null',
    );
  }
  if (json.length > MAX_U32)
    throw invalid(`the config JSON is ${json.length} bytes, more than 4 GiB`, 'move large data into sections');

  // Sorted by name (JavaScript string order), like the config's keys, so that bytes depend only on contents.
  const names = Object.keys(sections).sort();
  const entries = names.map((name) => {
    const array = sections[name];
    const dtype = dtypeOfArray(array);
    if (dtype === undefined) {
      throw invalid(
        `section "${name}" is ${describe(array)}`,
        'sections must be Float32Array, Int32Array or Uint8Array (convert others, e.g. Float32Array.from(values))',
      );
    }
    const nameBytes = UTF8_ENCODER.encode(name);
    if (nameBytes.length === 0 || nameBytes.length > MAX_NAME_BYTES) {
      throw invalid(
        `section name "${name}" is ${nameBytes.length} bytes long in UTF-8`,
        `use a name of 1 to ${MAX_NAME_BYTES} bytes`,
      );
    }
    return { dtype, nameBytes, payload: bytesOf(array), offset: 0 };
  });

  // Plan: header, table, JSON, then each payload at the next multiple of 8, then the trailer.
  let at = HEADER_BYTES;
  for (const entry of entries) at += ENTRY_BYTES + entry.nameBytes.length;
  const jsonOffset = at;
  at = align8(at + json.length);
  for (const entry of entries) {
    entry.offset = at;
    at = align8(at + entry.payload.length);
  }
  const fileLength = at + TRAILER_BYTES;

  const out = new Uint8Array(fileLength);
  const view = new DataView(out.buffer);
  out.set(MAGIC_BYTES, 0);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, 0, true);
  view.setBigUint64(16, BigInt(fileLength), true);
  view.setUint32(24, entries.length, true);
  view.setUint32(28, json.length, true);
  let p = HEADER_BYTES;
  for (const entry of entries) {
    view.setUint8(p, entry.dtype.code);
    view.setUint8(p + 1, entry.nameBytes.length);
    view.setUint16(p + 2, 0, true);
    view.setBigUint64(p + 4, BigInt(entry.offset), true);
    view.setBigUint64(p + 12, BigInt(entry.payload.length), true);
    out.set(entry.nameBytes, p + ENTRY_BYTES);
    p += ENTRY_BYTES + entry.nameBytes.length;
  }
  out.set(json, jsonOffset);
  for (const entry of entries) out.set(entry.payload, entry.offset);
  view.setBigUint64(fileLength - TRAILER_BYTES, BigInt(fileLength), true);
  view.setUint32(fileLength - 4, crc32(out.subarray(0, fileLength - 4)), true);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** What a foreign file probably is, from its first bytes, to make "wrong magic number" less cryptic. */
const LOOKALIKES: readonly { test: (b: Uint8Array) => boolean; what: string }[] = [
  { test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47]), what: 'it looks like a PNG image' },
  { test: (b) => startsWith(b, [0x1f, 0x8b]), what: 'it looks gzip-compressed; decompress it first' },
  {
    test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]),
    what: 'it looks like a zip archive; extract the model from it first',
  },
  { test: (b) => startsWith(b, [0x00, 0x61, 0x73, 0x6d]), what: 'it looks like a WebAssembly module' },
  {
    test: (b) => /^\s*</.test(asciiStart(b)),
    what: 'it looks like HTML or XML: a web server may have sent an error page instead of the file',
  },
  { test: (b) => /^\s*[{[]/.test(asciiStart(b)), what: 'it looks like JSON text' },
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function asciiStart(bytes: Uint8Array): string {
  // Skip a UTF-8 byte order mark, then read a few bytes as Latin-1: enough to see `{` or `<`.
  const from = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  return String.fromCharCode(...bytes.subarray(from, from + 64));
}

/** Reads a u64 that must fit a JavaScript number exactly (any real file length does). */
function getLength(view: DataView, at: number): number {
  const v = view.getBigUint64(at, true);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(v);
}

function checksumOk(bytes: Uint8Array, view: DataView): boolean {
  const n = bytes.length;
  return crc32(bytes.subarray(0, n - 4)) === view.getUint32(n - 4, true);
}

/**
 * Checks magic, length and checksum, in that order, before anything else is believed. Throws
 * the ModelFileError that best says what happened to the file.
 */
function checkEnvelope(bytes: Uint8Array, view: DataView, source: string | undefined): void {
  const fail = (problem: string, hint: string, reason: ModelFileProblem): never => {
    throw new ModelFileError(source, problem, hint, reason);
  };
  const n = bytes.length;
  // The container holds models and training checkpoints alike: the hints name neither.
  const again = 'save it again, or copy or download it again from where it came';
  if (n === 0) {
    fail('empty (0 bytes), not a model', `the save, copy or download that made it did not finish; ${again}`, 'empty');
  }
  // A file shorter than the magic that matches as far as it goes was cut off, not foreign.
  if (!bytes.subarray(0, MAGIC_BYTES.length).every((b, i) => b === MAGIC_BYTES[i])) {
    const lookalike = LOOKALIKES.find((l) => l.test(bytes));
    fail(
      `not a sentiwasm model file (wrong magic number${lookalike ? `; ${lookalike.what}` : ''})`,
      'give the path of a model saved by sentiwasm',
      'not-a-model-file',
    );
  }
  const smallest = PREFIX_BYTES + TRAILER_BYTES;
  if (n < PREFIX_BYTES) {
    fail(
      `truncated (expected at least ${smallest} bytes, found ${n})`,
      `the file was cut off after it was saved; ${again}`,
      'truncated',
    );
  }
  const damaged = (): never =>
    fail('damaged (checksum mismatch): the file was changed or truncated after it was saved', again, 'damaged');
  const expected = getLength(view, 16);
  // An intact trailer giving the length the file has means its end is really the end, so a
  // header that disagrees was damaged, not cut short.
  const trailerSaysWhole = n >= smallest && getLength(view, n - TRAILER_BYTES) === n;
  if (expected !== n) {
    if (!trailerSaysWhole && expected > n && Number.isFinite(expected)) {
      fail(
        `truncated (expected ${expected} bytes, found ${n})`,
        `the file was cut off after it was saved; ${again}`,
        'truncated',
      );
    }
    if (
      !trailerSaysWhole &&
      expected < n &&
      expected >= smallest &&
      getLength(view, expected - TRAILER_BYTES) === expected &&
      checksumOk(bytes.subarray(0, expected), view)
    ) {
      fail(
        `has ${n - expected} extra bytes after the end of the model (expected ${expected} bytes, found ${n})`,
        `something was appended to the file, or two files were joined; ${again}`,
        'trailing-bytes',
      );
    }
    damaged();
  }
  if (!trailerSaysWhole || !checksumOk(bytes, view)) damaged();
}

function toBytes(bytes: unknown, source: string | undefined): Uint8Array {
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isArrayBuffer(bytes)) return new Uint8Array(bytes);
  throw new ModelFileError(
    source,
    `cannot decode ${describe(bytes)} as a model file`,
    "pass the file's bytes as a Uint8Array or ArrayBuffer",
    'invalid-contents',
  );
}

/** An ArrayBuffer or SharedArrayBuffer, by its tag so that one from another realm (a worker, a vm context) counts too. */
function isArrayBuffer(value: unknown): value is ArrayBufferLike {
  const tag = Object.prototype.toString.call(value);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

interface TableEntry {
  name: string;
  dtype: Dtype;
  offset: number;
  length: number;
}

/**
 * The config and sections stored in a model file's bytes. Refuses, with a ModelFileError whose
 * message names `source` (a file name or URL), anything that is not a whole, undamaged model
 * file this version can read: empty, foreign (wrong magic number), truncated, damaged (checksum
 * mismatch), from a newer sentiwasm, or internally inconsistent. Never returns a partly read model.
 *
 * Sections are views into `bytes` (no copy) when their payloads are aligned in memory, which
 * they are when `bytes` starts at a multiple of 8; otherwise they are copies. Copy a section
 * before changing it if `bytes` must stay as it was.
 * @example
 * ```ts
 * const { config, sections } = decodeModelFile(await (await fetch(url)).arrayBuffer(), url);
 * const weights = sections["embedding.weight"] as Float32Array;
 * ```
 */
export function decodeModelFile(bytes: Uint8Array | ArrayBuffer, source?: string): ModelFileContents {
  requireLittleEndianHost(source);
  const input = toBytes(bytes, source);
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  checkEnvelope(input, view, source);

  const malformed = (problem: string): never => {
    throw new ModelFileError(
      source,
      `malformed: ${problem}`,
      'the checksum is right, so the program that wrote it is at fault; save it again with sentiwasm',
      'malformed',
    );
  };

  const version = view.getUint32(8, true);
  if (version > MODEL_FORMAT_VERSION) {
    throw new ModelFileError(
      source,
      `made by format version ${version}, this sentiwasm reads version ${MODEL_FORMAT_VERSION}`,
      'upgrade sentiwasm (npm install sentiwasm@latest) to read it',
      'newer-version',
    );
  }
  if (version < 1) {
    throw new ModelFileError(
      source,
      `has format version ${version}, which no sentiwasm has written`,
      'save it again with sentiwasm',
      'unknown-version',
    );
  }
  const flags = view.getUint32(12, true);
  if (flags !== 0) {
    throw new ModelFileError(
      source,
      `uses features this sentiwasm does not know (flags 0x${flags.toString(16)})`,
      'upgrade sentiwasm (npm install sentiwasm@latest) to read it',
      'unknown-flags',
    );
  }

  const n = input.length;
  const trailerStart = n - TRAILER_BYTES;
  if (trailerStart < HEADER_BYTES) malformed(`${n} bytes is too short for the header`);
  const count = view.getUint32(24, true);
  const jsonLength = view.getUint32(28, true);
  if (count > (trailerStart - HEADER_BYTES) / (ENTRY_BYTES + 1))
    malformed(`the section table of ${count} entries does not fit in the file`);

  const nameDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const entries: TableEntry[] = [];
  const seen = new Set<string>();
  let p = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (p + ENTRY_BYTES > trailerStart) malformed(`section table entry ${i} runs past the end of the file`);
    const code = view.getUint8(p);
    const nameLength = view.getUint8(p + 1);
    const reserved = view.getUint16(p + 2, true);
    const offset = getLength(view, p + 4);
    const length = getLength(view, p + 12);
    if (p + ENTRY_BYTES + nameLength > trailerStart)
      malformed(`section table entry ${i} runs past the end of the file`);
    if (nameLength === 0) malformed(`section ${i} has an empty name`);
    let name = '';
    try {
      name = nameDecoder.decode(input.subarray(p + ENTRY_BYTES, p + ENTRY_BYTES + nameLength));
    } catch {
      malformed(`the name of section ${i} is not valid UTF-8`);
    }
    const dtype = DTYPES.find((d) => d.code === code);
    if (dtype === undefined) return malformed(`section ${JSON.stringify(name)} has unknown element type code ${code}`);
    if (reserved !== 0) malformed(`section ${JSON.stringify(name)} has reserved bytes set`);
    if (seen.has(name)) malformed(`two sections are named ${JSON.stringify(name)}`);
    seen.add(name);
    entries.push({ name, dtype, offset, length });
    p += ENTRY_BYTES + nameLength;
  }

  const jsonEnd = p + jsonLength;
  if (jsonEnd > trailerStart)
    malformed(`the config (${jsonLength} bytes from byte ${p}) runs past the end of the file`);
  const payloadStart = align8(jsonEnd);

  for (const e of entries) {
    const where = `section ${JSON.stringify(e.name)} (bytes ${e.offset} to ${e.offset + e.length})`;
    if (e.offset < payloadStart || e.offset + e.length > trailerStart) {
      malformed(`${where} points outside the payload area (bytes ${payloadStart} to ${trailerStart})`);
    }
    if (e.offset % ALIGN !== 0) malformed(`${where} does not start at a multiple of ${ALIGN}`);
    if (e.length % e.dtype.size !== 0) {
      malformed(
        `section ${JSON.stringify(e.name)} is ${e.length} bytes long, not a multiple of ${e.dtype.size} (the size of one ${e.dtype.name} element)`,
      );
    }
  }
  // Empty sections take no room, so only the others can overlap.
  const byOffset = entries.filter((e) => e.length > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const before = byOffset[i - 1];
    const after = byOffset[i];
    if (after.offset < before.offset + before.length)
      malformed(`sections ${JSON.stringify(before.name)} and ${JSON.stringify(after.name)} overlap`);
  }

  let config: unknown;
  try {
    config = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(input.subarray(p, jsonEnd)));
  } catch (e) {
    malformed(`the config is not valid JSON (${messageOf(e)})`);
  }
  if (!isRecord(config)) return malformed('the config is not a JSON object');

  // Everything is checked; only now build the result, so a refused file never yields a partial model.
  const sections = Object.fromEntries(
    entries.map((e) => {
      const start = input.byteOffset + e.offset;
      const count = e.length / e.dtype.size;
      const array =
        start % e.dtype.size === 0
          ? e.dtype.view(input.buffer, start, count)
          : e.dtype.view(input.slice(e.offset, e.offset + e.length).buffer, 0, count);
      return [e.name, array] as const;
    }),
  );
  return { config, sections };
}
