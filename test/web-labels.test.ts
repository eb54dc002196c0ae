// Where the web app's word map writes its names (examples/web/labels.js): no two overlap, none
// leaves the plot or covers a reserved box, the most important come first, and a name with no
// room is left out rather than drawn over another.

import { describe, expect, it } from 'vitest';
import { overlaps, placeLabels, type Box, type Candidate } from '../examples/web/labels.js';
import { seededRandom } from './helpers.js';

function within(box: Box, width: number, height: number): boolean {
  return box.left >= 0 && box.top >= 0 && box.left + box.width <= width && box.top + box.height <= height;
}

/** n names of random widths at random points of a width × height plot. */
function scatter(n: number, width: number, height: number, seed = 1): Candidate[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    word: `w${i}`,
    x: rand() * width,
    y: rand() * height,
    width: 15 + rand() * 60,
    height: 14,
  }));
}

describe("the word map's names", () => {
  it.each([
    ['a phone', 330, 330, 1500],
    ['a desktop', 800, 460, 1500],
    ['a few words', 800, 460, 10],
  ])('on %s, no two placed names overlap and none leaves the plot', (_, width, height, n) => {
    const placed = placeLabels(scatter(n, width, height), width, height);
    expect(placed.length).toBeGreaterThan(Math.min(n, 5) - 1);
    expect(placed.filter((a) => !within(a, width, height)).map((a) => a.word)).toEqual([]);
    const overlapping = placed.flatMap((a, i) =>
      placed.slice(i + 1).flatMap((b) => (overlaps(a, b) ? [`${a.word} and ${b.word}`] : [])),
    );
    expect(overlapping).toEqual([]);
  });

  it('places the first candidates first: a crowd keeps the earlier name and drops the later one', () => {
    const crowd: Candidate[] = [
      { word: 'amazing', x: 100, y: 100, width: 50, height: 14 },
      { word: 'fantastic', x: 102, y: 101, width: 55, height: 14 },
      { word: 'wonderful', x: 101, y: 103, width: 60, height: 14 },
      { word: 'great', x: 99, y: 99, width: 30, height: 14 },
      { word: 'excellent', x: 100, y: 102, width: 55, height: 14 },
    ];
    const placed = placeLabels(crowd, 400, 300).map((l) => l.word);
    expect(placed[0]).toBe('amazing');
    // Four places around a point (right, left, above, below) hold at most four names of one crowd.
    expect(placed.length).toBeLessThan(crowd.length);
  });

  it('moves a name at the right edge to the left of its point instead of cutting it', () => {
    const [label] = placeLabels([{ word: 'beautiful', x: 395, y: 50, width: 52, height: 14 }], 400, 100);
    expect(label.left + label.width).toBeLessThanOrEqual(400);
    expect(label.left + label.width).toBeLessThan(395);
  });

  it('keeps clear of reserved boxes (the axis titles)', () => {
    const title = { left: 250, top: 280, width: 148, height: 18 };
    const placed = placeLabels(scatter(400, 400, 300), 400, 300, [title]);
    expect(placed.some((l) => overlaps(l, title))).toBe(false);
  });

  it('places no more than asked for, the first ones', () => {
    const placed = placeLabels(scatter(400, 800, 460), 800, 460, [], 12);
    expect(placed).toHaveLength(12);
    expect(placed.map((l) => l.word)).toEqual(
      placeLabels(scatter(400, 800, 460), 800, 460)
        .slice(0, 12)
        .map((l) => l.word),
    );
  });

  it('leaves out a name too wide for the plot', () => {
    expect(placeLabels([{ word: 'long', x: 50, y: 50, width: 120, height: 14 }], 100, 100)).toEqual([]);
  });
});
