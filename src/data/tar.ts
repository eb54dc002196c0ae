// A streaming reader of tar archives (POSIX ustar, with the GNU long-name and pax extensions),
// for unpacking the IMDB data set (aclImdb_v1.tar.gz, 84 MB gzipped, ~100,000 files) chunk by
// chunk without holding the archive in memory.
//
// Written here rather than taken from npm: tar is 512-byte headers each followed by the file's
// bytes padded to 512, and what a data set needs (regular files, long names) fits in this file.
// fflate, which unzips the .zip data sets, has no tar reader, and the npm tar readers (tar,
// tar-stream) bring Node stream shims and several dependencies with them for features (writing,
// links, permissions) that nothing here uses. No Node APIs: this module also runs in browsers.
//
// Header layout (offsets in bytes; numbers are octal ASCII, or base-256 when the first byte has
// its high bit set, as GNU tar writes sizes of 8 GB and more):
//
//   0 name[100]  100 mode[8]  108 uid[8]  116 gid[8]  124 size[12]  136 mtime[12]
//   148 chksum[8]  156 typeflag[1]  157 linkname[100]  257 magic[6] "ustar"  263 version[2]
//   265 uname[32]  297 gname[32]  329 devmajor[8]  337 devminor[8]  345 prefix[155]
//
// Type flags: '0' or NUL a regular file, '5' a directory, 'L' (GNU) the next entry's long name,
// 'x' (pax) key=value records for the next entry (path=, size=), 'g' (pax) global records.

const BLOCK = 512;

/** One member of the archive. `data` is present for regular files the reader was asked to keep. */
export interface TarEntry {
  name: string;
  type: 'file' | 'directory' | 'other';
  size: number;
  data?: Uint8Array;
}

/** Decides, from its name and size, whether a regular file's bytes are kept. */
export type TarFilter = (name: string, size: number) => boolean;

/** The archive is not a tar file, or ends in the middle of a member. */
export class TarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarError';
  }
}

const ascii = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** A NUL-terminated text field. Names are UTF-8 in practice (GNU tar and pax both write them so). */
function text(block: Uint8Array, offset: number, length: number): string {
  let end = offset;
  while (end < offset + length && block[end] !== 0) end++;
  return utf8.decode(block.subarray(offset, end));
}

/** A numeric field: octal ASCII, or big-endian base-256 when the high bit of the first byte is set. */
function number(block: Uint8Array, offset: number, length: number): number {
  if (block[offset] & 0x80) {
    let value = block[offset] & 0x7f;
    for (let i = offset + 1; i < offset + length; i++) value = value * 256 + block[i];
    return value;
  }
  const digits = ascii
    .decode(block.subarray(offset, offset + length))
    .replace(/[\0 ]+$/, '')
    .trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits))
    throw new TarError(`not a tar archive (a header field holds ${JSON.stringify(digits)})`);
  return parseInt(digits, 8);
}

/** The header checksum: the sum of its bytes with the checksum field itself read as spaces. */
function checksumOk(block: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
  return sum === number(block, 148, 8);
}

function isZero(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** pax extended records: "<length> <key>=<value>\n", repeated. */
function paxRecords(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  const body = utf8.decode(data);
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(' ', at);
    if (space < 0) break;
    const length = Number(body.slice(at, space));
    if (!(length > 0)) break;
    // The length counts bytes; the records that matter (path, size) are short, so reading the
    // line up to its newline is exact for them whatever the encoding of the others.
    const end = body.indexOf('\n', space);
    if (end < 0) break;
    const record = body.slice(space + 1, end);
    const eq = record.indexOf('=');
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at = end + 1;
  }
  return records;
}

/**
 * Reads a tar archive pushed to it in chunks of any size, returning the members each chunk
 * completes. Files the filter rejects are skipped without being copied.
 * @example
 * ```ts
 * const reader = new TarReader((name) => name.endsWith('.txt')); for (const e of reader.push(chunk)) console.log(e.name, e.data?.length); reader.end();
 * ```
 */
export class TarReader {
  /** Bytes of the header being assembled. */
  private header = new Uint8Array(BLOCK);
  private headerFill = 0;
  /** The member whose data is being read, its bytes left to read and the padding after them. */
  private current: TarEntry | undefined;
  private kind: 'keep' | 'skip' | 'longname' | 'pax' | 'paxglobal' = 'skip';
  private buffer: Uint8Array | undefined;
  private filled = 0;
  private remaining = 0;
  private padding = 0;
  /** A GNU long name or pax record set that applies to the next member. */
  private nextName: string | undefined;
  private nextSize: number | undefined;
  private ended = false;

  constructor(private readonly keep: TarFilter = () => true) {}

  /** Feeds the next bytes of the archive; returns the members they complete. */
  push(chunk: Uint8Array): TarEntry[] {
    const out: TarEntry[] = [];
    let at = 0;
    while (at < chunk.length && !this.ended) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - at);
        if (this.buffer) this.buffer.set(chunk.subarray(at, at + take), this.filled);
        this.filled += take;
        this.remaining -= take;
        at += take;
        if (this.remaining === 0) this.finishMember(out);
        continue;
      }
      if (this.padding > 0) {
        const skip = Math.min(this.padding, chunk.length - at);
        this.padding -= skip;
        at += skip;
        continue;
      }
      const take = Math.min(BLOCK - this.headerFill, chunk.length - at);
      this.header.set(chunk.subarray(at, at + take), this.headerFill);
      this.headerFill += take;
      at += take;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.startMember(out);
      }
    }
    return out;
  }

  /** Says the archive is complete; throws when it stopped in the middle of a member. */
  end(): void {
    if (this.remaining > 0 || this.headerFill > 0) {
      throw new TarError(
        `the archive ends in the middle of ${this.current ? JSON.stringify(this.current.name) : 'a header'} (truncated download?)`,
      );
    }
  }

  private startMember(out: TarEntry[]): void {
    const block = this.header;
    // Two zero blocks end the archive; one is enough to stop reading (what follows is padding).
    if (isZero(block)) {
      this.ended = true;
      return;
    }
    if (!checksumOk(block))
      throw new TarError('not a tar archive, or a damaged one (a header checksum does not match)');
    const type = String.fromCharCode(block[156] || 48);
    const magic = ascii.decode(block.subarray(257, 262));
    const prefix = magic === 'ustar' ? text(block, 345, 155) : '';
    const stored = text(block, 0, 100);
    const name = this.nextName ?? (prefix ? `${prefix}/${stored}` : stored);
    const size = this.nextSize ?? number(block, 124, 12);
    const headerSize = number(block, 124, 12);
    this.nextName = undefined;
    this.nextSize = undefined;
    const entry: TarEntry = {
      name,
      type: type === '0' || type === '7' ? 'file' : type === '5' ? 'directory' : 'other',
      size,
    };
    this.current = entry;
    if (type === 'L' || type === 'x' || type === 'g') {
      this.kind = type === 'L' ? 'longname' : type === 'x' ? 'pax' : 'paxglobal';
      this.buffer = new Uint8Array(headerSize);
    } else if (entry.type === 'file' && this.keep(name, size)) {
      this.kind = 'keep';
      this.buffer = new Uint8Array(size);
    } else {
      this.kind = 'skip';
      this.buffer = undefined;
    }
    // Directories, links and devices carry no data whatever their size field says.
    const dataSize =
      type === '5' || type === '1' || type === '2' || type === '3' || type === '4' || type === '6'
        ? 0
        : this.kind === 'longname' || this.kind === 'pax' || this.kind === 'paxglobal'
          ? headerSize
          : size;
    this.filled = 0;
    this.remaining = dataSize;
    this.padding = (BLOCK - (dataSize % BLOCK)) % BLOCK;
    if (dataSize === 0) this.finishMember(out);
  }

  private finishMember(out: TarEntry[]): void {
    const entry = this.current!;
    switch (this.kind) {
      case 'longname':
        this.nextName = utf8.decode(this.buffer!).replace(/\0+$/, '');
        break;
      case 'pax': {
        const records = paxRecords(this.buffer!);
        if (records.has('path')) this.nextName = records.get('path');
        if (records.has('size')) this.nextSize = Number(records.get('size'));
        break;
      }
      case 'paxglobal':
        break;
      case 'keep':
        out.push({ ...entry, data: this.buffer });
        break;
      default:
        out.push(entry);
    }
    this.buffer = undefined;
    this.current = undefined;
  }
}
