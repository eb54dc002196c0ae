// The word map: a scatter plot of words on a canvas, coloured by the model's score of each word
// alone, with zoom (the wheel), panning (drag), a search that finds a word and zooms to it, and
// the names of the most frequent words. Each axis is scaled to fill the canvas: the second
// direction usually spreads the words far less than the first, and at one scale they would
// sit on a line.

const POSITIVE = [34, 139, 74];
const NEGATIVE = [205, 45, 45];
/** Names drawn for at most this many words (the most frequent first), plus any that a search found. */
const LABELS = 70;

/**
 * A word on the map; `score` is the model's probability of the target class for the word alone.
 * @typedef {{ word: string; x: number; y: number; score: number }} Point
 */

export class WordMap {
  /**
   * @param {HTMLCanvasElement} canvas the <canvas> to draw on
   * @param {(word: string) => void} onPick called with a word when the user clicks near it
   */
  constructor(canvas, onPick) {
    this.canvas = canvas;
    this.onPick = onPick;
    /** @type {Point[]} */
    this.points = [];
    /** @type {Set<string>} */
    this.found = new Set();
    /**
     * The class the scores are the probability of, named when a word is hovered.
     * @type {string | undefined}
     */
    this.targetName = undefined;
    /** The data point at the centre, pixels per unit along x, and y's pixels per unit relative to x's. */
    this.view = { cx: 0, cy: 0, scale: 1, aspect: 1 };
    /** @type {[string, string]} */
    this.axisNames = ['', ''];
    canvas.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const [x, y] = this.toData(e.offsetX, e.offsetY);
        this.zoomAt(x, y, e.deltaY < 0 ? 1.25 : 0.8);
      },
      { passive: false },
    );
    /**
     * Where a drag started, and whether it has moved far enough not to be a click.
     * @type {{ x: number; y: number; cx: number; cy: number; moved: boolean } | undefined}
     */
    let drag;
    canvas.addEventListener('pointerdown', (e) => {
      drag = { x: e.offsetX, y: e.offsetY, cx: this.view.cx, cy: this.view.cy, moved: false };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!drag) return this.hover(e.offsetX, e.offsetY);
      const k = this.pixelsPerUnit();
      if (Math.abs(e.offsetX - drag.x) + Math.abs(e.offsetY - drag.y) > 3) drag.moved = true;
      this.view.cx = drag.cx - (e.offsetX - drag.x) / k;
      this.view.cy = drag.cy + (e.offsetY - drag.y) / (k * this.view.aspect);
      this.draw();
    });
    canvas.addEventListener('pointerup', (e) => {
      const click = drag && !drag.moved;
      drag = undefined;
      if (click) {
        const hit = this.nearestPoint(e.offsetX, e.offsetY);
        if (hit) this.onPick(hit.word);
      }
    });
  }

  /**
   * Shows new points: [{ word, x, y, score }], score the probability of the target class.
   * @param {Point[]} points
   * @param {[string, string]} axisNames
   */
  setPoints(points, axisNames) {
    this.points = points;
    this.axisNames = axisNames;
    this.found = new Set();
    this.canvas.dataset.points = String(points.length);
    this.reset();
  }

  /** Zooms out to show every point. */
  reset() {
    const xs = this.points.map((p) => p.x);
    const ys = this.points.map((p) => p.y);
    const [x0, x1] = [Math.min(...xs, 0), Math.max(...xs, 0)];
    const [y0, y1] = [Math.min(...ys, 0), Math.max(...ys, 0)];
    const w = Math.max(x1 - x0, 1e-9);
    const h = Math.max(y1 - y0, 1e-9);
    const { width, height } = this.canvas;
    const scale = (0.9 * width) / w;
    this.view = { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, scale, aspect: (0.9 * height) / h / scale };
    this.draw();
  }

  pixelsPerUnit() {
    return this.view.scale;
  }

  /**
   * @param {number} x
   * @param {number} y
   * @returns {[number, number]}
   */
  toScreen(x, y) {
    const k = this.pixelsPerUnit();
    return [
      this.canvas.width / 2 + (x - this.view.cx) * k,
      this.canvas.height / 2 - (y - this.view.cy) * k * this.view.aspect,
    ];
  }

  /**
   * @param {number} sx
   * @param {number} sy
   * @returns {[number, number]}
   */
  toData(sx, sy) {
    const k = this.pixelsPerUnit();
    return [
      this.view.cx + (sx - this.canvas.width / 2) / k,
      this.view.cy - (sy - this.canvas.height / 2) / (k * this.view.aspect),
    ];
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
      this.view.cx = exact.x;
      this.view.cy = exact.y;
      this.view.scale = Math.max(this.view.scale, (4 * this.canvas.width) / this.spread());
    }
    this.draw();
    return this.found.size;
  }

  spread() {
    const xs = this.points.map((p) => p.x);
    return Math.max(Math.max(...xs) - Math.min(...xs), 1e-9);
  }

  /**
   * The point drawn within 8 pixels of (sx, sy), the nearest if several.
   * @param {number} sx
   * @param {number} sy
   */
  nearestPoint(sx, sy) {
    /** @type {Point | undefined} */
    let best;
    let bestDistance = 8 * 8;
    for (const p of this.points) {
      const [px, py] = this.toScreen(p.x, p.y);
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

  draw() {
    const { canvas } = this;
    const g = canvas.getContext('2d');
    // Null only when the canvas already has a context of another kind, which this one never gets.
    if (!g) return;
    const { width, height } = canvas;
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
    g.fillStyle = '#5d6470';
    g.font = '12px system-ui, "Noto Sans CJK SC", sans-serif';
    g.textAlign = 'right';
    g.fillText(this.axisNames[0], width - 6, Math.min(Math.max(oy - 6, 14), height - 6));
    g.save();
    g.translate(Math.min(Math.max(ox + 14, 14), width - 6), 6);
    g.rotate(Math.PI / 2);
    g.textAlign = 'left';
    g.fillText(this.axisNames[1], 0, 0);
    g.restore();

    for (const p of this.points) {
      const [x, y] = this.toScreen(p.x, p.y);
      if (x < -5 || y < -5 || x > width + 5 || y > height + 5) continue;
      const strength = Math.min(1, Math.abs(p.score - 0.5) * 2);
      const [r, gr, b] = p.score >= 0.5 ? POSITIVE : NEGATIVE;
      g.fillStyle = `rgba(${r}, ${gr}, ${b}, ${(0.25 + 0.75 * strength).toFixed(3)})`;
      g.beginPath();
      g.arc(x, y, this.found.has(p.word) ? 5 : 3, 0, 2 * Math.PI);
      g.fill();
    }
    // Names: the most frequent words, then every word a search found (drawn over the rest).
    g.textAlign = 'left';
    const named = this.points.slice(0, LABELS).filter((p) => !this.found.has(p.word));
    /** @type {[Point[], string][]} */
    const layers = [
      [named, '#39404c'],
      [this.points.filter((p) => this.found.has(p.word)), '#1c3faa'],
    ];
    for (const [list, style] of layers) {
      g.fillStyle = style;
      g.font =
        style === '#1c3faa'
          ? 'bold 13px system-ui, "Noto Sans CJK SC", sans-serif'
          : '11px system-ui, "Noto Sans CJK SC", sans-serif';
      for (const p of list) {
        const [x, y] = this.toScreen(p.x, p.y);
        if (x < 0 || y < 0 || x > width || y > height) continue;
        g.fillText(p.word, x + 5, y - 4);
      }
    }
  }
}
