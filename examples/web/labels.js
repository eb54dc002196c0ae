// Where the word map writes its names: greedily, in order of importance, each name takes the
// first of a few places around its point where its box stays inside the plot and clear of every
// box placed before it (and of reserved boxes such as the axis titles); a name with no such place
// is left out. Zoomed out, few names fit; zooming in makes room for more.

/** @typedef {typeof import('./labels.js')} Api */
/** @typedef {import('./labels.js').Box} Box */
/** @typedef {import('./labels.js').Label} Label */

/** A little air between two boxes, in pixels. */
const GAP = 2;

/**
 * Places labels: `candidates` are { word, x, y, width, height } (the point's position on the
 * canvas and the name's box size), most important first; `reserved` are boxes { left, top,
 * width, height } to keep clear; at most `most` are placed. Returns the placed labels as
 * { word, left, top, width, height }.
 * @example placeLabels([{ word: 'good', x: 10, y: 10, width: 30, height: 12 }], 100, 50).length; // 1
 * @type {Api['placeLabels']}
 */
export function placeLabels(candidates, plotWidth, plotHeight, reserved = [], most = Infinity) {
  /** @type {Label[]} */
  const placed = [];
  const taken = [...reserved];
  for (const c of candidates) {
    if (placed.length >= most) break;
    for (const box of placesAround(c)) {
      if (!inside(box, plotWidth, plotHeight) || taken.some((t) => overlaps(t, box))) continue;
      const label = { word: c.word, ...box };
      placed.push(label);
      taken.push(label);
      break;
    }
  }
  return placed;
}

/**
 * The places a name may take around its point, in order of preference: right, left, above, below.
 * @param {import('./labels.js').Candidate} candidate
 * @returns {Box[]}
 */
function placesAround({ x, y, width, height }) {
  const middle = y - height / 2;
  return [
    { left: x + 5, top: middle, width, height },
    { left: x - 5 - width, top: middle, width, height },
    { left: x - width / 2, top: y - 4 - height, width, height },
    { left: x - width / 2, top: y + 4, width, height },
  ];
}

/**
 * Whether a box lies inside the plot, a pixel clear of its edges.
 * @param {Box} box
 * @param {number} width
 * @param {number} height
 */
function inside(box, width, height) {
  return box.left >= 1 && box.top >= 1 && box.left + box.width <= width - 1 && box.top + box.height <= height - 1;
}

/**
 * Whether two boxes overlap, or come closer than GAP.
 * @type {Api['overlaps']}
 */
export function overlaps(a, b) {
  return (
    a.left < b.left + b.width + GAP &&
    b.left < a.left + a.width + GAP &&
    a.top < b.top + b.height + GAP &&
    b.top < a.top + a.height + GAP
  );
}
