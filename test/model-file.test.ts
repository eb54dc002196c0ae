import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from '../src/format/crc32.js';
import {
  MODEL_FORMAT_VERSION,
  MODEL_MAGIC,
  ModelFileError,
  decodeModelFile,
  encodeModelFile,
  type ModelFileContents,
  type ModelFileProblem,
} from '../src/format/model-file.js';
import { readModelFileBytes, saveModelFileAtomic } from '../src/io/save.node.js';
import { loadModel, TextClassifier, train } from '../src/index.node.js';
import { configTextModels, weightSections } from './fuzz-cases.js';
import { seededRandom } from './helpers.js';

const utf8 = new TextEncoder();

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The bytes of a typed array, to compare bit for bit (NaN payloads and -0 included). */
function bitsOf(array: ArrayBufferView): string {
  return hex(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
}

function f32FromBits(bits: number[]): Float32Array {
  return new Float32Array(new Uint32Array(bits).buffer);
}

/** The ModelFileError that `run` throws (fails the test if it throws something else or nothing). */
function refusal(run: () => unknown): ModelFileError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    return e as ModelFileError;
  }
  throw new Error('expected a ModelFileError, but nothing was thrown');
}

async function asyncRefusal(run: () => Promise<unknown>): Promise<ModelFileError> {
  try {
    await run();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    return e as ModelFileError;
  }
  throw new Error('expected a ModelFileError, but nothing was thrown');
}

/** A small model with one section of each type and a nested config. */
function sampleContents(): ModelFileContents {
  return {
    config: {
      architecture: 'bag',
      dims: { embedding: 4, hidden: [8, 2] },
      labels: ['negative', 'positive'],
      tokenizer: { lowercase: true, negation: 'mark', language: '中文' },
      training: { seed: 42, learningRate: 0.05, epochs: 3, note: null },
    },
    sections: {
      'embedding.weight': f32FromBits([
        0x3f800000, 0x80000000, 0x7fc00001, 0xffbadbad, 0x7f800001, 0x00000001, 0x7f800000, 0xff800000,
      ]),
      'vocabulary.ids': new Int32Array([0, -1, 2147483647, -2147483648, 7]),
      vocabulary: utf8.encode('good\nbad\nnot_good\n😀'),
    },
  };
}

// An independent writer of the v1 layout, straight from the comment at the top of
// model-file.ts, that lets tests build files the encoder never would (a newer version, a
// section outside the file, invalid JSON…) with a correct checksum.
interface RawSection {
  code: number;
  name: string | Uint8Array;
  payload?: Uint8Array;
  offset?: number;
  length?: number;
  reserved?: number;
}
interface RawFile {
  version?: number;
  flags?: number;
  count?: number;
  sections?: RawSection[];
  json?: string | Uint8Array;
}

function rawFile({ version = 1, flags = 0, count, sections = [], json = '{}' }: RawFile): Uint8Array {
  const align8 = (n: number) => Math.ceil(n / 8) * 8;
  const names = sections.map((s) => (typeof s.name === 'string' ? utf8.encode(s.name) : s.name));
  const jsonBytes = typeof json === 'string' ? utf8.encode(json) : json;
  let at = 32 + names.reduce((sum, name) => sum + 20 + name.length, 0);
  const jsonAt = at;
  at = align8(at + jsonBytes.length);
  const offsets = sections.map((s) => {
    const offset = at;
    at = align8(at + (s.payload?.length ?? 0));
    return offset;
  });
  const n = at + 12;
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  out.set(utf8.encode(MODEL_MAGIC), 0);
  view.setUint32(8, version, true);
  view.setUint32(12, flags, true);
  view.setBigUint64(16, BigInt(n), true);
  view.setUint32(24, count ?? sections.length, true);
  view.setUint32(28, jsonBytes.length, true);
  let p = 32;
  sections.forEach((s, i) => {
    const name = names[i]!;
    view.setUint8(p, s.code);
    view.setUint8(p + 1, name.length);
    view.setUint16(p + 2, s.reserved ?? 0, true);
    view.setBigUint64(p + 4, BigInt(s.offset ?? offsets[i]!), true);
    view.setBigUint64(p + 12, BigInt(s.length ?? s.payload?.length ?? 0), true);
    out.set(name, p + 20);
    p += 20 + name.length;
    if (s.payload) out.set(s.payload, offsets[i]!);
  });
  out.set(jsonBytes, jsonAt);
  view.setBigUint64(n - 12, BigInt(n), true);
  return reseal(out);
}

/** Recomputes the checksum after a test has edited a file on purpose. */
function reseal(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(bytes.length - 4, zlibCrc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

/** Bit-at-a-time CRC-32, the definition itself, to check the table-driven one against. */
function referenceCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

describe('crc32', () => {
  it.each([
    { input: '', crc: 0 },
    { input: 'a', crc: 0xe8b7be43 },
    { input: '123456789', crc: 0xcbf43926 },
    { input: 'The quick brown fox jumps over the lazy dog', crc: 0x414fa339 },
  ])('crc32 of "$input" is the IEEE check value', ({ input, crc }) => {
    expect(crc32(utf8.encode(input))).toBe(crc);
  });

  it('matches the bit-at-a-time definition and zlib for every length 0..100, at odd offsets too', () => {
    const rand = seededRandom(1);
    const data = Uint8Array.from({ length: 203 }, () => Math.floor(rand() * 256));
    for (let length = 0; length <= 100; length++) {
      for (const start of [0, 1, 3]) {
        const bytes = data.subarray(start, start + length);
        expect(crc32(bytes)).toBe(referenceCrc32(bytes));
        expect(crc32(bytes)).toBe(zlibCrc32(bytes));
      }
    }
  });

  it('continues a running CRC: crc32(b, crc32(a)) is the CRC of a then b', () => {
    const bytes = utf8.encode('sentiment classifiers in WebAssembly, checked byte by byte');
    for (const split of [0, 1, 7, 8, 9, 30, bytes.length]) {
      expect(crc32(bytes.subarray(split), crc32(bytes.subarray(0, split)))).toBe(crc32(bytes));
    }
  });
});

describe('model file round trip', () => {
  it('gives back the config and every f32, i32 and u8 section bit for bit (NaN payloads, -0, infinities, subnormals)', () => {
    const contents = sampleContents();
    const decoded = decodeModelFile(encodeModelFile(contents), 'model.bin');
    expect(decoded.config).toEqual(contents.config);
    expect(Object.keys(decoded.sections).sort()).toEqual(Object.keys(contents.sections).sort());
    for (const [name, array] of Object.entries(contents.sections)) {
      const back = decoded.sections[name]!;
      expect(back.constructor).toBe(array.constructor);
      expect(bitsOf(back)).toBe(bitsOf(array));
    }
  });

  it.each([
    { what: 'no sections and an empty config', contents: { config: {}, sections: {} } },
    {
      what: 'empty sections of each type',
      contents: {
        config: { a: 1 },
        sections: { f: new Float32Array(0), i: new Int32Array(0), u: new Uint8Array(0), w: new Float32Array([1]) },
      },
    },
    {
      what: 'all 256 byte values',
      contents: { config: {}, sections: { bytes: Uint8Array.from({ length: 256 }, (_, i) => i) } },
    },
    {
      what: 'odd-length u8 sections between f32 ones',
      contents: {
        config: {},
        sections: { a: new Float32Array([1, 2, 3]), b: new Uint8Array([1, 2, 3]), c: new Float32Array([4]) },
      },
    },
    {
      what: 'unicode section names and config strings',
      contents: { config: { clé: 'naïve 😀', '': [[]] }, sections: { 'poids.😀': new Float32Array([0.1]) } },
    },
    {
      what: 'a section named __proto__',
      contents: {
        config: JSON.parse('{"__proto__": {"x": 1}}'),
        sections: Object.fromEntries([['__proto__', new Int32Array([5])]]),
      },
    },
  ])('round-trips $what', ({ contents }) => {
    const decoded = decodeModelFile(encodeModelFile(contents as ModelFileContents));
    expect(decoded.config).toEqual(contents.config);
    expect(Object.keys(decoded.sections).sort()).toEqual(Object.keys(contents.sections).sort());
    for (const [name, array] of Object.entries(contents.sections)) {
      expect(Object.prototype.hasOwnProperty.call(decoded.sections, name)).toBe(true);
      expect(bitsOf(decoded.sections[name]!)).toBe(bitsOf(array as ArrayBufferView));
    }
  });

  it('round-trips a large random f32 tensor bit for bit', () => {
    const rand = seededRandom(7);
    const bits = Uint32Array.from({ length: 100_000 }, () => Math.floor(rand() * 2 ** 32));
    const weights = new Float32Array(bits.buffer);
    const decoded = decodeModelFile(encodeModelFile({ config: {}, sections: { w: weights } }));
    expect(bitsOf(decoded.sections.w!)).toBe(bitsOf(bits));
  });

  it('accepts an ArrayBuffer, a Node Buffer and a Uint8Array alike', () => {
    const bytes = encodeModelFile(sampleContents());
    const fromBuffer = decodeModelFile(Buffer.from(bytes));
    const fromArrayBuffer = decodeModelFile(bytes.slice().buffer);
    for (const decoded of [fromBuffer, fromArrayBuffer]) {
      expect(decoded.config).toEqual(sampleContents().config);
      expect(bitsOf(decoded.sections['embedding.weight']!)).toBe(
        bitsOf(sampleContents().sections['embedding.weight']!),
      );
    }
  });

  it('makes views into aligned input instead of copies', () => {
    const bytes = encodeModelFile(sampleContents());
    const decoded = decodeModelFile(bytes);
    for (const array of Object.values(decoded.sections)) expect(array.buffer).toBe(bytes.buffer);
  });

  it.each([1, 2, 3, 5, 8])('decodes a copy of the file at byte offset %i of a larger buffer', (offset) => {
    const bytes = encodeModelFile(sampleContents());
    const big = new Uint8Array(bytes.length + 16);
    big.set(bytes, offset);
    const decoded = decodeModelFile(big.subarray(offset, offset + bytes.length));
    expect(decoded.config).toEqual(sampleContents().config);
    for (const [name, array] of Object.entries(sampleContents().sections)) {
      expect(decoded.sections[name]).toBeInstanceOf(array.constructor);
      expect(bitsOf(decoded.sections[name]!)).toBe(bitsOf(array));
    }
  });
});

describe('model file bytes are deterministic', () => {
  it('gives identical bytes for equal contents with differently ordered config keys and sections', () => {
    const a = encodeModelFile({
      config: { b: 1, a: { y: [1, { q: 2, p: 3 }], x: 'x' }, c: null },
      sections: { z: new Float32Array([1, 2]), a: new Int32Array([3]), m: new Uint8Array([4]) },
    });
    const b = encodeModelFile({
      config: { c: null, a: { x: 'x', y: [1, { p: 3, q: 2 }] }, b: 1 },
      sections: { m: new Uint8Array([4]), a: new Int32Array([3]), z: new Float32Array([1, 2]) },
    });
    expect(hex(a)).toBe(hex(b));
  });

  it('gives identical bytes when the same contents are encoded twice', () => {
    expect(hex(encodeModelFile(sampleContents()))).toBe(hex(encodeModelFile(sampleContents())));
  });

  it('leaves out undefined config properties, as JSON does', () => {
    expect(hex(encodeModelFile({ config: { a: 1, b: undefined }, sections: {} }))).toBe(
      hex(encodeModelFile({ config: { a: 1 }, sections: {} })),
    );
  });

  it('writes exactly the documented layout (format version 1 is frozen: changing these bytes needs a new version)', () => {
    const bytes = encodeModelFile({
      config: { b: 1, a: [true, null, 'é'] },
      sections: { w: new Float32Array([1, -0]), ids: new Int32Array([-1]), v: new Uint8Array([7]) },
    });
    const expected = [
      '53454e544957534d',
      '01000000',
      '00000000',
      'a400000000000000',
      '03000000',
      '1c000000', // magic, version, flags, length 164, 3 sections, JSON 28 bytes
      '02',
      '03',
      '0000',
      '8000000000000000',
      '0400000000000000',
      '696473', // i32 "ids" at 128, 4 bytes
      '03',
      '01',
      '0000',
      '8800000000000000',
      '0100000000000000',
      '76', // u8 "v" at 136, 1 byte
      '01',
      '01',
      '0000',
      '9000000000000000',
      '0800000000000000',
      '77', // f32 "w" at 144, 8 bytes
      hex(utf8.encode('{"a":[true,null,"é"],"b":1}')),
      '000000', // config JSON, keys sorted, padded to 128
      'ffffffff',
      '00000000', // ids, padded
      '07',
      '00000000000000', // v, padded
      '0000803f',
      '00000080', // w: 1, -0
      'a400000000000000', // length again
    ].join('');
    expect(hex(bytes.subarray(0, bytes.length - 4))).toBe(expected);
    expect(new DataView(bytes.buffer).getUint32(bytes.length - 4, true)).toBe(
      zlibCrc32(bytes.subarray(0, bytes.length - 4)),
    );
  });

  it('is what an independent writer of the documented layout produces', () => {
    const bytes = rawFile({
      json: '{"a":1}',
      sections: [
        { code: 3, name: 'a', payload: new Uint8Array([1, 2, 3]) },
        { code: 1, name: 'b', payload: Uint8Array.from([0x00, 0x00, 0x80, 0x3f]) },
      ],
    });
    expect(
      hex(encodeModelFile({ config: { a: 1 }, sections: { b: new Float32Array([1]), a: new Uint8Array([1, 2, 3]) } })),
    ).toBe(hex(bytes));
  });
});

describe('encoding refuses contents that would not come back as they went in', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  it.each([
    { what: 'NaN in the config', contents: { config: { lr: NaN }, sections: {} }, message: 'config.lr is NaN' },
    {
      what: 'Infinity in the config',
      contents: { config: { a: [1, Infinity] }, sections: {} },
      message: 'config.a[1] is Infinity',
    },
    { what: 'a Map in the config', contents: { config: { m: new Map() }, sections: {} }, message: 'config.m is a Map' },
    {
      what: 'a typed array in the config',
      contents: { config: { w: new Float32Array(2) }, sections: {} },
      message: 'put typed arrays in sections',
    },
    {
      what: 'a cycle in the config',
      contents: { config: cyclic, sections: {} },
      message: 'config.self refers back to itself',
    },
    {
      what: 'undefined in a config array',
      contents: { config: { a: [undefined] }, sections: {} },
      message: 'config.a[0] is undefined',
    },
    { what: 'a bigint in the config', contents: { config: { n: 1n }, sections: {} }, message: 'config.n is a bigint' },
    {
      what: 'a function in the config',
      contents: { config: { f: () => 1 }, sections: {} },
      message: 'config.f is a function',
    },
    {
      what: 'a config that is an array',
      contents: { config: [], sections: {} },
      message: 'config is a Array, not an object',
    },
    {
      what: 'a Float64Array section',
      contents: { config: {}, sections: { w: new Float64Array(2) } },
      message: 'section "w" is a Float64Array',
    },
    {
      what: 'a Uint8ClampedArray section',
      contents: { config: {}, sections: { w: new Uint8ClampedArray(2) } },
      message: 'section "w" is a Uint8ClampedArray',
    },
    {
      what: 'a plain-array section',
      contents: { config: {}, sections: { w: [1, 2] } },
      message: 'section "w" is a Array',
    },
    {
      what: 'an empty section name',
      contents: { config: {}, sections: { '': new Uint8Array(1) } },
      message: 'section name "" is 0 bytes long',
    },
    {
      what: 'a section name over 255 bytes',
      contents: { config: {}, sections: { ['é'.repeat(128)]: new Uint8Array(1) } },
      message: 'is 256 bytes long',
    },
  ])('refuses $what', ({ contents, message }) => {
    const error = refusal(() => encodeModelFile(contents as unknown as ModelFileContents));
    expect(error.reason).toBe('invalid-contents');
    expect(error.message).toContain('cannot encode the model: ');
    expect(error.message).toContain(message);
  });

  it('stores a Date in the config as its ISO string, as JSON does', () => {
    const when = new Date(Date.UTC(2024, 0, 2));
    expect(decodeModelFile(encodeModelFile({ config: { when }, sections: {} })).config).toEqual({
      when: '2024-01-02T00:00:00.000Z',
    });
  });
});

describe('decoding refuses damaged and foreign files with a message naming the file', () => {
  const good = encodeModelFile(sampleContents());
  const bigger = encodeModelFile({
    config: { note: 'x'.repeat(300) },
    sections: { w: new Float32Array(200).fill(0.25), ids: new Int32Array(50).fill(-3) },
  });

  function expectRefused(
    bytes: Uint8Array,
    reason: ModelFileProblem,
    message: string,
    source = 'model.bin',
  ): ModelFileError {
    const error = refusal(() => decodeModelFile(bytes, source));
    expect(error.reason).toBe(reason);
    expect(error.source).toBe(source);
    expect(error.message.startsWith(`${source}: `)).toBe(true);
    expect(error.message).toContain(message);
    return error;
  }

  it.each([
    { xor: 0x01, file: 'the sample model', bytes: good },
    { xor: 0x80, file: 'the sample model', bytes: good },
    { xor: 0xff, file: 'a model with a long config and large sections', bytes: bigger },
  ])(
    'refuses $file with any single byte flipped (xor $xor), header, table, JSON, payload and trailer alike',
    ({ xor, bytes }) => {
      for (let i = 0; i < bytes.length; i++) {
        const damaged = bytes.slice();
        damaged[i]! ^= xor;
        if (i < 8) {
          expectRefused(damaged, 'not-a-model-file', 'not a sentiwasm model file (wrong magic number');
        } else {
          expectRefused(
            damaged,
            'damaged',
            'damaged (checksum mismatch): the file was changed or truncated after it was saved',
          );
        }
      }
    },
  );

  it('refuses a model cut off at every length, saying how long it should be', () => {
    for (let m = 0; m < good.length; m++) {
      const cut = good.slice(0, m);
      if (m === 0) expectRefused(cut, 'empty', 'empty (0 bytes)');
      else if (m < 24) expectRefused(cut, 'truncated', `truncated (expected at least 36 bytes, found ${m})`);
      else expectRefused(cut, 'truncated', `truncated (expected ${good.length} bytes, found ${m})`);
    }
  });

  it('refuses a model cut off at the same lengths when the copy sits at an odd offset', () => {
    const big = new Uint8Array(bigger.length + 1);
    big.set(bigger, 1);
    for (let m = 24; m < bigger.length; m += 7) {
      expectRefused(big.subarray(1, 1 + m), 'truncated', `truncated (expected ${bigger.length} bytes, found ${m})`);
    }
  });

  it.each([
    {
      what: 'a PNG image',
      bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
      says: 'it looks like a PNG image',
    },
    {
      what: 'a JSON file',
      bytes: utf8.encode('{"architecture": "bag", "weights": [0.1, 0.2]}\n'),
      says: 'it looks like JSON text',
    },
    { what: 'a tiny JSON file', bytes: utf8.encode('{}'), says: 'it looks like JSON text' },
    {
      what: 'an HTML error page',
      bytes: utf8.encode('<!DOCTYPE html><title>404 Not Found</title>'),
      says: 'error page',
    },
    { what: 'a gzip file', bytes: Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), says: 'gzip-compressed' },
    { what: 'a zip archive', bytes: utf8.encode('PK\u0003\u0004rest of the archive'), says: 'zip archive' },
    {
      what: 'a WebAssembly module',
      bytes: Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
      says: 'WebAssembly module',
    },
    { what: 'plain text', bytes: utf8.encode('positive\tI loved it\n'), says: 'wrong magic number)' },
    { what: 'one byte', bytes: Uint8Array.from([0x42]), says: 'wrong magic number)' },
  ])('refuses $what as not a model file, saying what it looks like', ({ bytes, says }) => {
    const error = expectRefused(bytes, 'not-a-model-file', 'model.bin: not a sentiwasm model file (wrong magic number');
    expect(error.message).toContain(says);
  });

  it('refuses a zero-length file as empty', () => {
    expectRefused(new Uint8Array(0), 'empty', 'model.bin: empty (0 bytes), not a model');
    expectRefused(new Uint8Array(new ArrayBuffer(0)), 'empty', 'empty (0 bytes)', 'https://example.com/m.bin');
  });

  it('refuses a model with bytes appended after its end', () => {
    const joined = new Uint8Array(good.length * 2);
    joined.set(good, 0);
    joined.set(good, good.length);
    expectRefused(
      joined,
      'trailing-bytes',
      `has ${good.length} extra bytes after the end of the model (expected ${good.length} bytes, found ${good.length * 2})`,
    );
    const padded = new Uint8Array(good.length + 3);
    padded.set(good);
    expectRefused(padded, 'trailing-bytes', 'has 3 extra bytes');
  });

  it.each([
    {
      version: 2,
      reason: 'newer-version',
      message: 'made by format version 2, this sentiwasm reads version 1. upgrade sentiwasm',
    },
    { version: 3, reason: 'newer-version', message: 'made by format version 3, this sentiwasm reads version 1' },
    { version: 0, reason: 'unknown-version', message: 'has format version 0, which no sentiwasm has written' },
  ] as const)('refuses a well-formed file of format version $version', ({ version, reason, message }) => {
    expectRefused(rawFile({ version }), reason, message);
    const patched = good.slice();
    new DataView(patched.buffer).setUint32(8, version, true);
    expectRefused(reseal(patched), reason, message);
  });

  it('refuses a file with flags it does not know', () => {
    expectRefused(rawFile({ flags: 4 }), 'unknown-flags', 'uses features this sentiwasm does not know (flags 0x4)');
  });

  const f32 = (n: number) => new Uint8Array(n * 4);
  it.each<{ what: string; file: RawFile; message: string }>([
    {
      what: 'a section pointing past the end of the file',
      file: { sections: [{ code: 1, name: 'w', payload: f32(2), offset: 4096 }] },
      message: 'section "w" (bytes 4096 to 4104) points outside the payload area',
    },
    {
      what: 'a section running into the trailer',
      file: { sections: [{ code: 1, name: 'w', payload: f32(2), length: 16 }] },
      message: 'points outside the payload area',
    },
    {
      what: 'a section pointing into the header',
      file: { sections: [{ code: 1, name: 'w', payload: f32(2), offset: 0 }] },
      message: 'points outside the payload area',
    },
    {
      what: 'a section with an offset too large for a number',
      file: { sections: [{ code: 3, name: 'w', payload: f32(1), offset: Number.MAX_SAFE_INTEGER + 1 }] },
      message: 'points outside the payload area',
    },
    {
      what: 'a section not starting at a multiple of 8',
      file: { sections: [{ code: 3, name: 'w', payload: f32(4), offset: 60, length: 4 }] },
      message: 'section "w" (bytes 60 to 64) does not start at a multiple of 8',
    },
    {
      what: 'an f32 section whose length is not a multiple of 4',
      file: { sections: [{ code: 1, name: 'w', payload: new Uint8Array(6) }] },
      message: 'section "w" is 6 bytes long, not a multiple of 4 (the size of one Float32Array element)',
    },
    {
      what: 'an i32 section whose length is not a multiple of 4',
      file: { sections: [{ code: 2, name: 'ids', payload: new Uint8Array(5) }] },
      message: 'not a multiple of 4 (the size of one Int32Array element)',
    },
    {
      what: 'two sections with the same name',
      file: {
        sections: [
          { code: 1, name: 'w', payload: f32(1) },
          { code: 1, name: 'w', payload: f32(1) },
        ],
      },
      message: 'two sections are named "w"',
    },
    {
      what: 'overlapping sections',
      file: {
        sections: [
          { code: 3, name: 'a', payload: f32(4) },
          { code: 3, name: 'b', payload: f32(1), offset: 88 },
        ],
      },
      message: 'sections "a" and "b" overlap',
    },
    {
      what: 'an unknown element type',
      file: { sections: [{ code: 9, name: 'w', payload: f32(1) }] },
      message: 'section "w" has unknown element type code 9',
    },
    {
      what: 'reserved bytes set in the table',
      file: { sections: [{ code: 1, name: 'w', payload: f32(1), reserved: 1 }] },
      message: 'section "w" has reserved bytes set',
    },
    {
      what: 'an empty section name',
      file: { sections: [{ code: 1, name: '', payload: f32(1) }] },
      message: 'section 0 has an empty name',
    },
    {
      what: 'a section name that is not UTF-8',
      file: { sections: [{ code: 1, name: Uint8Array.from([0xff, 0xfe]), payload: f32(1) }] },
      message: 'the name of section 0 is not valid UTF-8',
    },
    {
      what: 'more sections than the table holds',
      file: { count: 1000, sections: [{ code: 1, name: 'w', payload: f32(1) }] },
      message: 'the section table of 1000 entries does not fit in the file',
    },
    {
      what: 'a table that runs into the config',
      file: { count: 2, json: '{"a":"' + 'x'.repeat(40) + '"}', sections: [{ code: 1, name: 'w', payload: f32(1) }] },
      message: 'has unknown element type code 123',
    },
    { what: 'invalid JSON', file: { json: '{"dim": 4,' }, message: 'the config is not valid JSON' },
    {
      what: 'JSON that is not UTF-8',
      file: { json: Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) },
      message: 'the config is not valid JSON',
    },
    { what: 'a JSON array as config', file: { json: '[1,2]' }, message: 'the config is not a JSON object' },
    { what: 'a JSON null as config', file: { json: 'null' }, message: 'the config is not a JSON object' },
    { what: 'an empty config', file: { json: '' }, message: 'the config is not valid JSON' },
  ])('refuses a file with a correct checksum but $what', ({ file, message }) => {
    const error = expectRefused(rawFile(file), 'malformed', message);
    expect(error.message).toContain('model.bin: malformed: ');
  });

  it('accepts what the independent writer makes when nothing is wrong', () => {
    const decoded = decodeModelFile(
      rawFile({
        json: '{"dim":4}',
        sections: [
          { code: 1, name: 'w', payload: f32(2) },
          { code: 3, name: 'v', payload: new Uint8Array(3) },
        ],
      }),
    );
    expect(decoded.config).toEqual({ dim: 4 });
    expect(decoded.sections.w).toEqual(new Float32Array(2));
    expect(decoded.sections.v).toEqual(new Uint8Array(3));
  });

  it('names a generic "model file" when no source is given', () => {
    const error = refusal(() => decodeModelFile(good.subarray(0, 100)));
    expect(error.source).toBeUndefined();
    expect(error.message).toMatch(/^model file: truncated \(expected \d+ bytes, found 100\)/);
  });

  it('refuses input that is not bytes', () => {
    const error = refusal(() => decodeModelFile('model.bin' as unknown as Uint8Array, 'model.bin'));
    expect(error.message).toContain('cannot decode a string as a model file');
  });

  it('exports the magic and the version it writes', () => {
    expect(MODEL_MAGIC).toBe('SENTIWSM');
    expect(utf8.encode(MODEL_MAGIC).length).toBe(8);
    expect(MODEL_FORMAT_VERSION).toBe(1);
    expect(new DataView(good.buffer).getUint32(8, true)).toBe(MODEL_FORMAT_VERSION);
  });
});

describe('saving model files atomically', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sentiwasm-model-file-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function freshDir(name: string): Promise<string> {
    const d = join(dir, name);
    await mkdir(d);
    return d;
  }

  const oldBytes = encodeModelFile({ config: { version: 'old' }, sections: { w: new Float32Array([1, 2, 3]) } });
  const newBytes = encodeModelFile({ config: { version: 'new' }, sections: { w: new Float32Array([4, 5, 6, 7]) } });

  it('saves a new file that reads back as the same model', async () => {
    const d = await freshDir('new');
    const path = join(d, 'model.bin');
    await saveModelFileAtomic(path, newBytes);
    expect(hex(await readModelFileBytes(path))).toBe(hex(newBytes));
    expect(decodeModelFile(await readModelFileBytes(path), path).config).toEqual({ version: 'new' });
    expect(await readdir(d)).toEqual(['model.bin']);
  });

  it('replaces an existing file and leaves no temporary file behind', async () => {
    const d = await freshDir('replace');
    const path = join(d, 'model.bin');
    await writeFile(path, oldBytes);
    await saveModelFileAtomic(path, newBytes);
    expect(hex(await readFile(path))).toBe(hex(newBytes));
    expect(await readdir(d)).toEqual(['model.bin']);
  });

  it('accepts a file: URL', async () => {
    const d = await freshDir('url');
    const url = new URL(`file://${join(d, 'model.bin')}`);
    await saveModelFileAtomic(url, newBytes);
    expect(hex(await readModelFileBytes(url))).toBe(hex(newBytes));
  });

  it('writes the complete new file beside the old one before the rename, and the old file stays until then', async () => {
    const d = await freshDir('before-rename');
    const path = join(d, 'model.bin');
    await writeFile(path, oldBytes);
    let seen: string | undefined;
    await saveModelFileAtomic(path, newBytes, {
      beforeRename: async (temp) => {
        seen = temp;
        expect(temp.startsWith(`${path}.tmp-${process.pid}-`)).toBe(true);
        expect(hex(await readFile(temp))).toBe(hex(newBytes));
        expect(hex(await readFile(path))).toBe(hex(oldBytes));
      },
    });
    expect(seen).toBeDefined();
    expect(existsSync(seen!)).toBe(false);
    expect(hex(await readFile(path))).toBe(hex(newBytes));
  });

  it('keeps the old file intact and removes the temporary file when the save fails before the rename', async () => {
    const d = await freshDir('fail');
    const path = join(d, 'model.bin');
    await writeFile(path, oldBytes);
    const cause = new Error('disk unplugged');
    const error = await asyncRefusal(() =>
      saveModelFileAtomic(path, newBytes, {
        beforeRename: () => {
          throw cause;
        },
      }),
    );
    expect(error.reason).toBe('not-saved');
    expect(error.source).toBe(path);
    expect(error.message).toContain(
      `${path}: cannot save the model (disk unplugged); the file that was there, if any, is unchanged`,
    );
    expect(error.cause).toBe(cause);
    expect(hex(await readFile(path))).toBe(hex(oldBytes));
    expect(await readdir(d)).toEqual(['model.bin']);
  });

  it.each([
    {
      what: 'the parent is a regular file',
      setup: async (d: string) => {
        await writeFile(join(d, 'file.txt'), 'keep me');
        return join(d, 'file.txt', 'model.bin');
      },
      code: 'ENOTDIR',
      left: ['file.txt'],
    },
    {
      what: 'the folder does not exist',
      setup: async (d: string) => join(d, 'missing', 'model.bin'),
      code: 'ENOENT',
      left: [],
    },
    {
      what: 'the path is a folder',
      setup: async (d: string) => {
        await mkdir(join(d, 'model.bin'));
        return join(d, 'model.bin');
      },
      code: 'EISDIR',
      left: ['model.bin'],
    },
  ])('fails with a message naming the path when $what, leaving nothing behind', async ({ setup, code, left }) => {
    const d = await freshDir(`fail-${code}`);
    const path = await setup(d);
    const error = await asyncRefusal(() => saveModelFileAtomic(path, newBytes));
    expect(error.reason).toBe('not-saved');
    expect(error.message).toContain(`${path}: cannot save the model (${code})`);
    expect((await readdir(d)).sort()).toEqual(left);
    if (code === 'ENOTDIR') expect(await readFile(join(d, 'file.txt'), 'utf8')).toBe('keep me');
  });

  it('reading a missing file names the path and says to check it', async () => {
    const path = join(dir, 'no-such-model.bin');
    const error = await asyncRefusal(() => readModelFileBytes(path));
    expect(error.reason).toBe('unreadable');
    expect(error.source).toBe(path);
    expect(error.message).toContain(`${path}: cannot read the model file: there is no such file. check the path`);
  });

  it('reading a folder names the path and says it is a folder', async () => {
    const error = await asyncRefusal(() => readModelFileBytes(dir));
    expect(error.message).toContain(`${dir}: cannot read the model file (EISDIR). ${dir} is a folder`);
  });

  it('a saved file that is later cut short is refused by name', async () => {
    const d = await freshDir('cut');
    const path = join(d, 'model.bin');
    await saveModelFileAtomic(path, newBytes);
    await writeFile(path, (await readFile(path)).subarray(0, 50));
    const error = refusal(() => decodeModelFile(new Uint8Array(0), path));
    expect(error.message).toContain(path);
    const cut = await readModelFileBytes(path);
    expect(() => decodeModelFile(cut, path)).toThrow(
      `${path}: truncated (expected ${newBytes.length} bytes, found 50)`,
    );
  });
});

describe('a model whose weights are not all finite numbers is refused at load', () => {
  // A run that diverged saves NaN or ±Infinity weights; loaded, such a model would predict NaN
  // for every text. The file itself is sound (its checksum is right), so only loading can tell.
  let contents: ModelFileContents;
  let table: string;
  let head: string;
  beforeAll(async () => {
    const sentences = [
      { text: 'good film, loved it', label: 'pos' },
      { text: 'bad, awful waste', label: 'neg' },
      { text: 'great acting', label: 'pos' },
      { text: 'not good at all', label: 'neg' },
    ];
    const model = await train(sentences, { epochs: 2, seed: 3, dim: 8, buckets: 1000 });
    contents = decodeModelFile(model.toBytes(), 'model.bin');
    model.dispose();
    ({
      table,
      head: [head],
    } = weightSections(contents) as { table: string; head: [string] });
  });

  /** The valid model's file again, with one weight replaced (re-encoded: the checksum is right). */
  function withWeight(which: 'table' | 'head', index: number, bits: number): Uint8Array {
    const name = which === 'table' ? table : head;
    const sections = { ...contents.sections, [name]: contents.sections[name]!.slice() };
    const words = new Uint32Array(sections[name]!.buffer);
    words[index < 0 ? words.length + index : index] = bits;
    return encodeModelFile({ config: contents.config, sections });
  }

  const message = (section: string, index: number, file = 'diverged.bin') =>
    `${file}: the model's weights hold NaN or infinite values (section "${section}", index ${index}); it was saved from a run that diverged: train it again with a lower learning rate`;

  it.each([
    { value: 'NaN', which: 'head', index: 3, bits: 0x7fc00000 },
    { value: '+Infinity', which: 'head', index: 0, bits: 0x7f800000 },
    { value: '-Infinity', which: 'table', index: 5, bits: 0xff800000 },
    { value: 'a signalling NaN', which: 'table', index: 0, bits: 0x7fa00001 },
    { value: 'a negative NaN with a payload', which: 'head', index: 15, bits: 0xffbadbad },
  ] as const)(
    'refuses $value in the $which at index $index, naming the file, the section and the index',
    async ({ which, index, bits }) => {
      const error = await asyncRefusal(() => TextClassifier.fromBytes(withWeight(which, index, bits), 'diverged.bin'));
      expect(error.message).toBe(message(which === 'table' ? table : head, index));
      expect(error.source).toBe('diverged.bin');
      expect(error.reason).toBe('invalid-contents');
    },
  );

  it("names the first bad weight: the last of the table when it is the only one, the table's first before the head's", async () => {
    const last = contents.sections[table]!.length - 1;
    const error = await asyncRefusal(() =>
      TextClassifier.fromBytes(withWeight('table', -1, 0x7fc00000), 'diverged.bin'),
    );
    expect(error.message).toBe(message(table, last));
    const both = {
      ...contents.sections,
      [table]: contents.sections[table]!.slice(),
      [head]: contents.sections[head]!.slice(),
    };
    both[table]![last] = NaN;
    both[table]![7] = Infinity;
    both[head]![1] = NaN;
    const first = await asyncRefusal(() =>
      TextClassifier.fromBytes(encodeModelFile({ config: contents.config, sections: both }), 'diverged.bin'),
    );
    expect(first.message).toBe(message(table, 7));
  });

  it('refuses it through loadModel too, under the name given', async () => {
    const error = await asyncRefusal(() => loadModel(withWeight('head', 2, 0x7f800000), { name: 'run-42.bin' }));
    expect(error.message).toBe(message(head, 2, 'run-42.bin'));
  });

  it.each([
    { value: 'the largest float', bits: 0x7f7fffff, loads: false },
    { value: 'a thousand', bits: 0x447a0000, loads: true },
    { value: 'the smallest subnormal', bits: 0x00000001, loads: true },
    { value: '-0', bits: 0x80000000, loads: true },
  ])(
    'takes a weight of $value, which is finite, for what it is: loaded, or refused only if scores could overflow',
    async ({ bits, loads }) => {
      const bytes = withWeight('head', 3, bits);
      if (!loads) {
        const error = await asyncRefusal(() => TextClassifier.fromBytes(bytes, 'large.bin'));
        expect(error.message).toMatch(
          /^large\.bin: the model's weights are so large that its scores could overflow \(to [\d.e+]+\); it was saved from a run that diverged/,
        );
        return;
      }
      const model = await TextClassifier.fromBytes(bytes, 'finite.bin');
      const p = model.predict('good film').probabilities;
      expect(Object.values(p).every((v) => Number.isFinite(v))).toBe(true);
      model.dispose();
    },
  );

  it('cannot write a NaN temperature, and refuses an infinite one (1e999 in the JSON) at load', async () => {
    expect(() =>
      encodeModelFile({ config: { ...contents.config, temperature: NaN }, sections: contents.sections }),
    ).toThrow('config.temperature is NaN, which JSON cannot hold');
    const [infinite] = configTextModels(contents);
    const error = await asyncRefusal(() => TextClassifier.fromBytes(infinite!.bytes, 'hot.bin'));
    expect(error.message).toBe(
      'hot.bin: the temperature is Infinity, not a positive number (at least 0.000001). save the model again with this version of sentiwasm',
    );
  });
});
