// A model file's float sections as one array for a peer to read (a raw float32 file beside its
// JSON): each section's start and length in it, by the section's name (which the peers use as
// their state_dict's keys).

import { decodeModelFile } from '../../src/format/model-file.js';

export interface PackedWeights {
  /** Each float section: its start and length in `weights`. */
  index: Record<string, [number, number]>;
  weights: Float32Array;
}

/** Every Float32Array section of the model file `bytes`, back to back, in the file's order. */
export function packedWeights(bytes: Uint8Array, source?: string): PackedWeights {
  const { sections } = decodeModelFile(bytes, source);
  const index: Record<string, [number, number]> = {};
  const parts: Float32Array[] = [];
  let size = 0;
  for (const [name, value] of Object.entries(sections)) {
    if (!(value instanceof Float32Array)) continue;
    index[name] = [size, value.length];
    parts.push(value);
    size += value.length;
  }
  const weights = new Float32Array(size);
  for (let i = 0, at = 0; i < parts.length; at += parts[i].length, i++) weights.set(parts[i], at);
  return { index, weights };
}
