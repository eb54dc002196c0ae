// CRC-32 (IEEE 802.3: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF), the
// checksum of zlib, gzip, PNG and zip, so any of their tools can cross-check a model file.
//
// Written here rather than taken from a package because it is twenty lines, the browser bundle
// should not grow a dependency for it, and `node:zlib`'s crc32 exists only in Node and only
// from 20.15. Slicing-by-8 (eight 256-entry tables, eight bytes per step) keeps checking a
// model of tens of megabytes well under the time it takes to read it; the tables are built on
// first use so that importing this module does no work.

let tables: Uint32Array | undefined;

/** tables[k * 256 + b]: the CRC of byte b followed by k zero bytes; k = 0 is the classic table. */
function crcTables(): Uint32Array {
  if (tables !== undefined) return tables;
  const t = new Uint32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + b];
      t[k * 256 + b] = t[prev & 0xff] ^ (prev >>> 8);
    }
  }
  tables = t;
  return t;
}

/**
 * The CRC-32 (IEEE, as in zlib and PNG) of `bytes`, as an unsigned 32-bit number. Pass the CRC
 * of the bytes before as `initial` to continue it: `crc32(b, crc32(a))` is the CRC of a then b.
 * @example
 * ```ts
 * crc32(new TextEncoder().encode("123456789")) // 0xcbf43926
 * ```
 * @example
 * ```ts
 * crc32(second, crc32(first)) === crc32(concat(first, second)) // true
 * ```
 */
export function crc32(bytes: Uint8Array, initial = 0): number {
  const t = crcTables();
  let c = ~initial >>> 0;
  const n = bytes.length;
  let i = 0;
  // Eight bytes per step: fold the first four into the running CRC, look all eight up at once.
  for (const end = n - (n % 8); i < end; i += 8) {
    const lo = (c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    c =
      t[7 * 256 + (lo & 0xff)] ^
      t[6 * 256 + ((lo >>> 8) & 0xff)] ^
      t[5 * 256 + ((lo >>> 16) & 0xff)] ^
      t[4 * 256 + (lo >>> 24)] ^
      t[3 * 256 + bytes[i + 4]] ^
      t[2 * 256 + bytes[i + 5]] ^
      t[1 * 256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
