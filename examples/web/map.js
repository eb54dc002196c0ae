// The word map: a scatter plot of words on a canvas, coloured by the model's score of each word
// alone, with zoom (the wheel), panning (drag), a search that finds a word and zooms to it, and
// the names of as many words as fit without overlapping (labels.js). Each axis is scaled to fill
// the canvas: the second direction usually spreads the words far less than the first, and at one
// scale they would sit on a line. Each axis is also stretched near the centre (see `stretch`):
// most words crowd around the mean word, a few sentiment words lie far out, and on a linear
// scale the crowd is one blob until you zoom.
//
// The canvas is drawn at the size the page gives it (times the screen's pixel ratio), so names
// keep their size on a phone, and everything here is in CSS pixels.

import { placeLabels } from './labels.js';

const POSITIVE = [34, 139, 74];
const NEGATIVE = [205, 45, 45];
const FONT_FAMILY = 'system-ui, "Noto Sans CJK SC", sans-serif';
/**
 * How a name is written: size in CSS pixels, weight ('' or 'bold ') and colour.
 * @typedef {{ size: number; weight: string; colour: string }} Font
 */
/** @type {Font} */
const LABEL_FONT = { size: 11, weight: '', colour: '#39404c' };
/** @type {Font} */
const FOUND_FONT = { size: 13, weight: 'bold ', colour: '#1c3faa' };
/** @type {Font} */
const AXIS_FONT = { size: 12, weight: '', colour: '#5d6470' };
/** Names are tried for at most this many words (the found ones, then the most frequent): enough to fill a zoomed-in view. */
const LABEL_CANDIDATES = 600;
/** At most one name per this many square pixels of plot: names packed edge to edge over the dots would hide them. */
const PIXELS_PER_LABEL = 3000;

/**
 * A signed, log-like stretch: linear within about `unit` of the centre, logarithmic beyond, so
 * that the crowd near the mean word spreads out and the far words still fit. The order of the
 * words along each axis is kept.
 * @param {number} value
 * @param {number} unit
 */
function stretch(value, unit) {
  return Math.asinh(value / unit);
}

/**
 * The median of the absolute values (the unit of `stretch`), never 0.
 * @param {number[]} values
 */
function typicalSize(values) {
  const sorted = values.map(Math.abs).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] || Math.max(...sorted, 1e-9);
}

/**
 * A word on the map; `score` is the model's probability of the target class for the word alone.
 * @typedef {{ word: string; x: number; y: number; score: number }} Point
 */
/**
 * A point as the map keeps it: x and y as given (the projection), sx and sy where it is drawn (stretched).
 * @typedef {Point & { sx: number; sy: number }} MapPoint
 */
/** @typedef {import('./labels.js').Box} Box */
/** @typedef {import('./labels.js').Label} Label */

export class WordMap {
  /**
   * @param {HTMLCanvasElement} canvas the <canvas> to draw on
   * @param {(word: string) => void} onPick called with a word when the user clicks near it
   */
  constructor(canvas, onPick) {
    this.canvas = canvas;
    this.onPick = onPick;
    /** @type {MapPoint[]} */
    this.points = [];
    /** @type {Set<string>} */
    this.found = new Set();
    /**
     * The class the scores are the probability of, named when a word is hovered.
     * @type {string | undefined}
     */
    this.targetName = undefined;
    /**
     * The names drawn last, in CSS pixels.
     * @type {Label[]}
     */
    this.labels = [];
    /** The plot's size in CSS pixels. */
    this.width = canvas.clientWidth || canvas.width;
    this.height = canvas.clientHeight || canvas.height;
    /** The screen's pixels per CSS pixel, as the canvas was last sized. */
    this.ratio = 1;
    /** The (stretched) point at the centre, pixels per unit along x, and y's pixels per unit relative to x's. */
    this.view = { cx: 0, cy: 0, scale: 1, aspect: 1 };
    /** @type {[string, string]} */
    this.axisNames = ['', ''];
    /** @type {Map<string, number>} */
    this.textWidths = new Map();
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const [x, y] = this.toData(e.offsetX, e.offsetY);
        this.zoomAt(x, y, e.deltaY < 0 ? 1.25 : 0.8);
      },
      { passive: false },
    );
    // One pointer drags the map; two (fingers on a touch screen) pinch it.
    /**
     * A drag: where it started, and whether it has moved far enough not to be a click; or a
     * pinch: how far apart the two fingers were last.
     * @type {{ x: number; y: number; cx: number; cy: number; moved: boolean; pinch?: undefined } | { pinch: number; moved: true } | undefined}
     */
    let drag;
    /** @type {Map<number, { x: number; y: number }>} */
    const touching = new Map();
    const pinchWidth = () => {
      const [a, b] = [...touching.values()];
      return Math.hypot(a.x - b.x, a.y - b.y);
    };
    canvas.addEventListener('pointerdown', (e) => {
      touching.set(e.pointerId, { x: e.offsetX, y: e.offsetY });
      canvas.setPointerCapture(e.pointerId);
      if (touching.size === 2) {
        drag = { pinch: pinchWidth(), moved: true };
        return;
      }
      drag = { x: e.offsetX, y: e.offsetY, cx: this.view.cx, cy: this.view.cy, moved: false };
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!drag) return this.hover(e.offsetX, e.offsetY);
      touching.set(e.pointerId, { x: e.offsetX, y: e.offsetY });
      if (drag.pinch !== undefined) {
        if (touching.size < 2) return;
        const [a, b] = [...touching.values()];
        const width = pinchWidth();
        const [x, y] = this.toData((a.x + b.x) / 2, (a.y + b.y) / 2);
        if (drag.pinch > 0 && width > 0) this.zoomAt(x, y, width / drag.pinch);
        drag.pinch = width;
        return;
      }
      const k = this.view.scale;
      if (Math.abs(e.offsetX - drag.x) + Math.abs(e.offsetY - drag.y) > 3) drag.moved = true;
      this.view.cx = drag.cx - (e.offsetX - drag.x) / k;
      this.view.cy = drag.cy + (e.offsetY - drag.y) / (k * this.view.aspect);
      this.draw();
    });
    /** @param {PointerEvent} e */
    const release = (e) => {
      touching.delete(e.pointerId);
      const click = drag && !drag.moved && e.type === 'pointerup';
      // Lifting one finger of two ends the pinch without starting a drag.
      drag = undefined;
      if (click) {
        const hit = this.nearestPoint(e.offsetX, e.offsetY);
        if (hit) this.onPick(hit.word);
      }
    };
    canvas.addEventListener('pointerup', release);
    canvas.addEventListener('pointercancel', release);
    // The page decides the canvas's size (the CSS): its pixels follow, and the view keeps showing the same part of the map.
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  /** Matches the canvas's pixels to its size on the page, keeping what the view shows. */
  resize() {
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (width === 0 || height === 0) return;
    const ratio = window.devicePixelRatio || 1;
    if (width !== this.width || height !== this.height) {
      const grow = width / this.width;
      this.view.scale *= grow;
      this.view.aspect *= height / this.height / grow;
      this.width = width;
      this.height = height;
    }
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.ratio = ratio;
    this.draw();
  }

  /**
   * Shows new points: [{ word, x, y, score }], score the probability of the target class, most frequent first.
   * @param {Point[]} points
   * @param {[string, string]} axisNames
   */
  setPoints(points, axisNames) {
    const ux = typicalSize(points.map((p) => p.x));
    const uy = typicalSize(points.map((p) => p.y));
    this.points = points.map((p) => ({ ...p, sx: stretch(p.x, ux), sy: stretch(p.y, uy) }));
    this.axisNames = axisNames;
    this.found = new Set();
    this.canvas.dataset.points = String(points.length);
    this.reset();
  }

  /** Zooms out to show every point. */
  reset() {
    const xs = this.points.map((p) => p.sx);
    const ys = this.points.map((p) => p.sy);
    const [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 0)];
    const [y0, y1] = [Math.min(...ys, 0), Math.max(...ys, 0)];
    const w = Math.max(x1 - x0, 1e-9);
    const h = Math.max(y1 - y0, 1e-9);
    const { width, height } = this;
    const scale = (0.92 * width) / w;
    this.view = { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, scale, aspect: (0.88 * height) / h / scale };
    this.draw();
  }

  /**
   * @param {number} x
   * @param {number} y
   * @returns {[number, number]}
   */
  toScreen(x, y) {
    const k = this.view.scale;
    return [this.width / 2 + (x - this.view.cx) * k, this.height / 2 - (y - this.view.cy) * k * this.view.aspect];
  }

  /**
   * @param {number} sx
   * @param {number} sy
   * @returns {[number, number]}
   */
  toData(sx, sy) {
    const k = this.view.scale;
    return [this.view.cx + (sx - this.width / 2) / k, this.view.cy - (sy - this.height / 2) / (k * this.view.aspect)];
  }

  /**
   * Zooms by `factor` about the middle of the plot (the + and − buttons).
   * @param {number} factor
   */
  zoom(factor) {
    this.zoomAt(this.view.cx, this.view.cy, factor);
  }

  /**
   * @param {number} x
   * @param {number} y
   * @param {number} factor
   */
  zoomAt(x, y, factor) {
    // The point under the cursor stays where it is.
    this.view.cx = x + (this.view.cx - x) / factor;
    this.view.cy = y + (this.view.cy - y) / factor;
    this.view.scale *= factor;
    this.draw();
  }

  /**
   * Highlights the words that start with `query`; an exact match is centred and zoomed to. Returns how many matched.
   * @param {string} query
   */
  search(query) {
    const q = query.trim().toLowerCase();
    this.found = new Set(q ? this.points.filter((p) => p.word.toLowerCase().startsWith(q)).map((p) => p.word) : []);
    const exact = this.points.find((p) => p.word.toLowerCase() === q);
    if (exact) {
      this.view.cx = exact.sx;
      this.view.cy = exact.sy;
      this.view.scale = Math.max(this.view.scale, (4 * this.width) / this.spread());
    }
    this.draw();
    return this.found.size;
  }

  spread() {
    const xs = this.points.map((p) => p.sx);
    return Math.max(Math.max(...xs) - Math.min(...xs), 1e-9);
  }

  /**
   * The point drawn within 10 pixels of (sx, sy), the nearest if several.
   * @param {number} sx
   * @param {number} sy
   */
  nearestPoint(sx, sy) {
    /** @type {MapPoint | undefined} */
    let best;
    let bestDistance = 10 * 10;
    for (const p of this.points) {
      const [px, py] = this.toScreen(p.sx, p.sy);
      const d = (px - sx) ** 2 + (py - sy) ** 2;
      if (d < bestDistance) [best, bestDistance] = [p, d];
    }
    return best;
  }

  /**
   * @param {number} sx
   * @param {number} sy
   */
  hover(sx, sy) {
    const hit = this.nearestPoint(sx, sy);
    this.canvas.title = hit ? `${hit.word}: ${(100 * hit.score).toFixed(1)} % ${this.targetName ?? ''}` : '';
  }

  /**
   * How wide `text` is in `font`, measured once.
   * @param {CanvasRenderingContext2D} g
   * @param {string} text
   * @param {Font} font
   */
  textWidth(g, text, font) {
    const key = `${font.weight}${font.size}|${text}`;
    let width = this.textWidths.get(key);
    if (width === undefined) {
      g.font = fontOf(font);
      width = g.measureText(text).width;
      this.textWidths.set(key, width);
    }
    return width;
  }

  draw() {
    const { canvas, width, height } = this;
    const g = canvas.getContext('2d');
    // Null only when the canvas already has a context of another kind, which this one never gets.
    if (!g) return;
    g.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    g.fillStyle = '#fafbfc';
    g.fillRect(0, 0, width, height);
    // The axes through the mean word (the origin of centred vectors).
    const [ox, oy] = this.toScreen(0, 0);
    g.strokeStyle = '#d8dce3';
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(0, oy);
    g.lineTo(width, oy);
    g.moveTo(ox, 0);
    g.lineTo(ox, height);
    g.stroke();

    /** @type {{ p: MapPoint; x: number; y: number }[]} */
    const visible = [];
    for (const p of this.points) {
      const [x, y] = this.toScreen(p.sx, p.sy);
      if (x < -5 || y < -5 || x > width + 5 || y > height + 5) continue;
      visible.push({ p, x, y });
      const strength = Math.min(1, Math.abs(p.score - 0.5) * 2);
      const [r, gr, b] = p.score >= 0.5 ? POSITIVE : NEGATIVE;
      g.fillStyle = `rgba(${r}, ${gr}, ${b}, ${(0.25 + 0.75 * strength).toFixed(3)})`;
      g.beginPath();
      g.arc(x, y, this.found.has(p.word) ? 5 : 2.5, 0, 2 * Math.PI);
      g.fill();
    }

    // The axis titles sit in two corners, on a pale ground, clear of the words' names.
    const titles = this.drawAxisTitles(g);
    // Names: the words a search found first, then the most frequent, where a word the model
    // scores strongly either way counts as five times as frequent (those are what the map is
    // for); each only where it fits.
    const found = visible.filter((v) => this.found.has(v.p.word));
    const others = visible
      .map((v, rank) => ({ ...v, key: (rank + 1) * (1 - 0.8 * Math.min(1, 2 * Math.abs(v.p.score - 0.5))) }))
      .filter((v) => !this.found.has(v.p.word))
      .sort((a, b) => a.key - b.key);
    const candidates = [...found, ...others].slice(0, LABEL_CANDIDATES).map(({ p, x, y }) => {
      const font = this.found.has(p.word) ? FOUND_FONT : LABEL_FONT;
      return { word: p.word, x, y, width: this.textWidth(g, p.word, font), height: Math.round(font.size * 1.25), font };
    });
    const fonts = new Map(candidates.map((c) => [c.word, c.font]));
    const most = Math.max(found.length, Math.round((width * height) / PIXELS_PER_LABEL));
    this.labels = placeLabels(candidates, width, height, titles, most);
    g.textBaseline = 'middle';
    g.textAlign = 'left';
    g.lineJoin = 'round';
    g.lineWidth = 3;
    g.strokeStyle = 'rgba(250, 251, 252, 0.9)';
    for (const label of this.labels) {
      const font = fonts.get(label.word) ?? LABEL_FONT;
      g.font = fontOf(font);
      g.fillStyle = font.colour;
      // A pale halo keeps the name legible over the dots beneath it.
      g.strokeText(label.word, label.left, label.top + label.height / 2);
      g.fillText(label.word, label.left, label.top + label.height / 2);
    }
  }

  /**
   * Draws the axis names in the bottom-right and top-left corners; returns their boxes.
   * @param {CanvasRenderingContext2D} g
   */
  drawAxisTitles(g) {
    const { width, height } = this;
    /** @type {Box[]} */
    const boxes = [];
    g.font = fontOf(AXIS_FONT);
    g.textBaseline = 'middle';
    g.textAlign = 'left';
    const h = Math.round(AXIS_FONT.size * 1.4);
    /**
     * @param {string} text
     * @param {(width: number) => number} left where the box starts, given its width
     * @param {number} top
     */
    const place = (text, left, top) => {
      const w = g.measureText(text).width + 8;
      const box = { left: Math.max(1, left(w)), top, width: Math.min(w, width - 2), height: h };
      g.fillStyle = 'rgba(250, 251, 252, 0.85)';
      g.fillRect(box.left, box.top, box.width, box.height);
      g.fillStyle = AXIS_FONT.colour;
      g.fillText(text, box.left + 4, box.top + h / 2, box.width - 8);
      boxes.push(box);
    };
    if (this.axisNames[0]) place(this.axisNames[0], (w) => width - 2 - w, height - 2 - h);
    if (this.axisNames[1]) place(`↑ ${this.axisNames[1]}`, () => 2, 2);
    return boxes;
  }
}

/** @param {Font} font */
function fontOf(font) {
  return `${font.weight}${font.size}px ${FONT_FAMILY}`;
}
