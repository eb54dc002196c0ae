// Types of vectors.js, for the tests that check its arithmetic (test/web-vectors.test.ts).

export interface Stacked {
  rows: Float32Array;
  mean: Float64Array;
  n: number;
  dim: number;
}
export function stackVectors(vectors: ArrayLike<number>[]): Stacked;
export function centre(stacked: Stacked): Float32Array;
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number;
export function minus(vector: ArrayLike<number>, mean: ArrayLike<number>): Float32Array;
export function nearestRows(
  query: ArrayLike<number>,
  rows: Float32Array,
  n: number,
  dim: number,
  k: number,
  skip?: number,
): { index: number; similarity: number }[];
export function accumulateCovariance(
  cov: Float64Array,
  centred: Float32Array,
  dim: number,
  from: number,
  to: number,
): Float64Array;
export function mirror(cov: Float64Array, dim: number): Float64Array;
export function covariance(centred: Float32Array, n: number, dim: number): Float64Array;
export function principalDirections(
  cov: Float64Array,
  dim: number,
  count?: number,
  iterations?: number,
): Float64Array[];
export function withoutDirection(cov: Float64Array, dim: number, u: ArrayLike<number>): Float64Array;
export function removeComponent<T extends Float32Array | Float64Array>(v: T, u: ArrayLike<number>): T;
export function project(
  centred: Float32Array,
  n: number,
  dim: number,
  directions: ArrayLike<number>[],
): { x: Float32Array; y: Float32Array };
export function sentimentAxis(
  centred: Float32Array,
  n: number,
  dim: number,
  scores: ArrayLike<number>,
): Float64Array | undefined;
export function mapDirections(
  centred: Float32Array,
  n: number,
  dim: number,
  scores: ArrayLike<number>,
  projection: 'pca' | 'sentiment',
  cov?: Float64Array,
): Float64Array[];
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number;
