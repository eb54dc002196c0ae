// The arithmetic behind the web app's word map and neighbour lists (examples/web/vectors.js):
// principal directions against a covariance whose eigenvectors are known, the covariance
// without a direction against projecting the rows first, the covariance in parts against in one
// go, the sentiment axis, and centred cosine ranking.

import { describe, expect, it } from 'vitest';
import {
  accumulateCovariance,
  centre,
  correlation,
  cosine,
  covariance,
  mapDirections,
  mirror,
  nearestRows,
  principalDirections,
  project,
  removeComponent,
  sentimentAxis,
  stackVectors,
  withoutDirection,
} from '../examples/web/vectors.js';
import { seededRandom } from './helpers.js';

/** n points in dim dimensions: spread `scales[d]` along axis d (uniform noise), rotated by nothing. */
function cloud(n: number, scales: number[], seed = 1): Float32Array[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => Float32Array.from(scales, (s) => (rand() * 2 - 1) * s));
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 1e-6): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `index ${i}`).toBeLessThan(tolerance);
}

describe("the word map's arithmetic", () => {
  it('principal directions of a cloud stretched along axes 2 then 0 are those axes, up to sign', () => {
    const stacked = stackVectors(cloud(4000, [3, 0.5, 10, 1]));
    const centred = centre(stacked);
    const [first, second] = principalDirections(covariance(centred, stacked.n, stacked.dim), stacked.dim, 2);
    expect(Math.abs(first[2])).toBeGreaterThan(0.99);
    expect(Math.abs(second[0])).toBeGreaterThan(0.99);
    expect(Math.abs(cosine(first, second))).toBeLessThan(1e-6);
  });

  it('the covariance taken in parts equals the covariance in one go', () => {
    const stacked = stackVectors(cloud(1000, [1, 2, 3, 4, 5], 3));
    const centred = centre(stacked);
    const parts = new Float64Array(25);
    for (let s = 0; s < 1000; s += 130) accumulateCovariance(parts, centred, 5, s, Math.min(s + 130, 1000));
    close(mirror(parts, 5), covariance(centred, 1000, 5), 1e-6);
  });

  it('the covariance without a direction equals that of the rows with the direction projected out', () => {
    const stacked = stackVectors(cloud(500, [1, 2, 3, 4], 5));
    const centred = centre(stacked);
    const u = Float64Array.from([1, 2, -1, 0.5]);
    const norm = Math.hypot(...u);
    const unit = u.map((x) => x / norm);
    const projected = Float32Array.from(centred);
    for (let i = 0; i < 500; i++) removeComponent(projected.subarray(i * 4, (i + 1) * 4), unit);
    close(withoutDirection(covariance(centred, 500, 4), 4, unit), covariance(projected, 500, 4), 1e-3);
  });

  it("the sentiment axis runs from the negative words' mean to the positive words' mean", () => {
    // Positive words sit at +1 on axis 1, negative ones at −1; axis 0 is noise with more spread.
    const rand = seededRandom(9);
    const scores = Array.from({ length: 400 }, (_, i) => (i % 2 ? 0.9 : 0.1));
    const vectors = scores.map((s) =>
      Float32Array.from([(rand() * 2 - 1) * 5, s > 0.5 ? 1 : -1, (rand() * 2 - 1) * 0.1]),
    );
    const stacked = stackVectors(vectors);
    const centred = centre(stacked);
    const axis = sentimentAxis(centred, 400, 3, scores)!;
    expect(axis[1]).toBeGreaterThan(0.95);
    const [x] = mapDirections(centred, 400, 3, scores, 'sentiment');
    expect(x[1]).toBeGreaterThan(0.95);
    // Principal components follow the spread (axis 0), turned so that positive words lie to the right on average.
    const [pc] = mapDirections(centred, 400, 3, scores, 'pca');
    expect(Math.abs(pc[0])).toBeGreaterThan(0.95);
    expect(correlation(project(centred, 400, 3, [pc, pc]).x, scores)).toBeGreaterThanOrEqual(0);
    expect(
      sentimentAxis(
        centred,
        400,
        3,
        scores.map(() => 0.9),
      ),
    ).toBeUndefined();
  });

  it('centred cosine tells apart words that raw cosine finds alike (one shared dominant direction)', () => {
    // Every vector is a large shared part plus a small one of its own: raw cosines are all near 1.
    const own = [
      [1, 0],
      [0.9, 0.1],
      [-1, 0],
      [-0.9, -0.1],
    ];
    const vectors = own.map(([a, b]) => Float32Array.from([100, 100, a, b]));
    const stacked = stackVectors(vectors);
    const centred = centre(stacked);
    expect(cosine(vectors[0], vectors[2])).toBeGreaterThan(0.99);
    const ranked = nearestRows(centred.subarray(0, 4), centred, 4, 4, 3, 0);
    expect(ranked.map((r) => r.index)).toEqual([1, 3, 2]);
    expect(ranked[0].similarity).toBeGreaterThan(0.9);
    expect(ranked.at(-1)!.similarity).toBeLessThan(-0.9);
  });
});
