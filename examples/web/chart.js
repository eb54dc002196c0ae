// The live training charts, drawn with uPlot: loss and accuracy per epoch, as the worker reports
// them. A bag model of several members trains them one after another, each over all its epochs,
// so each member has lines of its own over the same epoch axis (never drawn end to end as if they
// were one run); "merged" draws the mean over the members that have reached each epoch.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * One line of a chart: its legend, a value per epoch (null where it has none), and its look.
 * @typedef {{ label: string; values: (number | null)[]; dashed: boolean; colour: string }} Line
 */
/**
 * The lines of one chart, and over how many epochs and which members they run.
 * @typedef {{ lines: Line[]; epochs: number; members: number[] }} Lines
 */
/** @typedef {'loss' | 'accuracy'} Metric */
/** @typedef {'trainLoss' | 'trainAccuracy' | 'validLoss' | 'validAccuracy'} ReportKey */

/** @type {Metric[]} */
const METRICS = ['loss', 'accuracy'];
/** The height of each chart's plot, in CSS pixels. */
const HEIGHT = 180;
const COLOURS = ['#2f5bd3', '#e08a1e', '#2a9d5b', '#b23a8a', '#6b6f7a', '#c0392b', '#16a2b8', '#8e6c2f'];

export class TrainingCharts {
  /**
   * `viewChoice`, when given, is shown only while there are several members to show apart or merged.
   * @param {HTMLElement} lossElement
   * @param {HTMLElement} accuracyElement
   * @param {HTMLElement} noteElement
   * @param {HTMLElement} [viewChoice]
   */
  constructor(lossElement, accuracyElement, noteElement, viewChoice) {
    /** @type {Record<Metric, HTMLElement>} */
    this.elements = { loss: lossElement, accuracy: accuracyElement };
    this.note = noteElement;
    this.viewChoice = viewChoice;
    /** @type {import('sentiwasm').EpochReport[]} */
    this.reports = [];
    /** 'members' (a line per member) or 'merged' (the mean over the members). */
    this.view = 'members';
    /** @type {Partial<Record<Metric, uPlot>>} */
    this.plots = {};
    this.shape = '';
    /** The animation frame a redraw waits for, if any. @type {number | undefined} */
    this.pending = undefined;
    // Each chart takes the width its box has: side by side on a wide page, one above the other on a phone.
    const resized = new ResizeObserver(() => {
      for (const metric of METRICS) {
        const plot = this.plots[metric];
        const width = widthOf(this.elements[metric]);
        if (plot && width !== plot.width) plot.setSize({ width, height: HEIGHT });
      }
    });
    for (const element of Object.values(this.elements)) resized.observe(element);
  }

  reset() {
    if (this.pending !== undefined) cancelAnimationFrame(this.pending);
    this.pending = undefined;
    this.reports = [];
    this.shape = '';
    for (const plot of Object.values(this.plots)) plot.destroy();
    this.plots = {};
    this.note.textContent = '';
  }

  /** @param {string} view */
  setView(view) {
    this.view = view;
    this.shape = '';
    this.draw();
  }

  /**
   * Adds an epoch's report; the charts are redrawn once per frame however many arrive in it.
   * @param {import('sentiwasm').EpochReport} report
   */
  add(report) {
    this.reports.push(report);
    this.schedule();
  }

  schedule() {
    this.pending ??= requestAnimationFrame(() => {
      this.pending = undefined;
      this.draw();
    });
  }

  /**
   * The lines to draw: [{ label, values by epoch, dashed, colour }] for one metric.
   * @param {Metric} metric
   * @returns {Lines}
   */
  lines(metric) {
    const members = [...new Set(this.reports.map((r) => r.member ?? 1))];
    const epochs = Math.max(0, ...this.reports.map((r) => r.epoch));
    const held = this.reports.some((r) => r.validLoss !== undefined);
    /** @type {[string, ReportKey, string, boolean][]} */
    const kinds = [['train', metric === 'loss' ? 'trainLoss' : 'trainAccuracy', 'training', false]];
    if (held) kinds.push(['valid', metric === 'loss' ? 'validLoss' : 'validAccuracy', 'held-out', true]);
    /** @type {(r: import('sentiwasm').EpochReport, key: ReportKey) => number} */
    const value = (r, key) => {
      // A run with held-out data reports its figures every epoch; NaN marks one that did not.
      const v = r[key] ?? NaN;
      return metric === 'accuracy' ? 100 * v : v;
    };
    /** @type {Line[]} */
    const lines = [];
    if (this.view === 'merged' && members.length > 1) {
      for (const [, key, name, dashed] of kinds) {
        const values = Array.from({ length: epochs }, (_, e) => {
          const at = this.reports.filter((r) => r.epoch === e + 1);
          return at.length ? at.reduce((s, r) => s + value(r, key), 0) / at.length : null;
        });
        lines.push({ label: `${name}, mean of the members at each epoch`, values, dashed, colour: COLOURS[0] });
      }
    } else {
      members.forEach((m, i) => {
        for (const [, key, name, dashed] of kinds) {
          const values = Array.from({ length: epochs }, (_, e) => {
            const r = this.reports.find((x) => (x.member ?? 1) === m && x.epoch === e + 1);
            return r ? value(r, key) : null;
          });
          lines.push({
            label: members.length > 1 ? `member ${m}, ${name}` : name,
            values,
            dashed,
            colour: COLOURS[i % COLOURS.length],
          });
        }
      });
    }
    return { lines, epochs, members };
  }

  draw() {
    if (this.reports.length === 0) return;
    const loss = this.lines('loss');
    const accuracy = this.lines('accuracy');
    const shape = `${this.view}:${loss.lines.map((l) => l.label).join('|')}`;
    if (shape !== this.shape) {
      for (const plot of Object.values(this.plots)) plot.destroy();
      this.plots = {};
      this.shape = shape;
    }
    // Making a chart is the costliest step: one per frame, so that no frame waits for both.
    const xs = Array.from({ length: loss.epochs }, (_, e) => e + 1);
    /** @type {[Metric, string, Lines][]} */
    const charts = [
      ['loss', 'loss (cross-entropy)', loss],
      ['accuracy', 'accuracy (%)', accuracy],
    ];
    for (const [name, title, metric] of charts) {
      if (!this.plots[name]) {
        this.plots[name] = this.makePlot(this.elements[name], title, metric.lines);
        this.plots[name].setData([xs, ...metric.lines.map((l) => l.values)]);
        this.schedule();
        break;
      }
      this.plots[name].setData([xs, ...metric.lines.map((l) => l.values)]);
    }
    const n = loss.members.length;
    if (this.viewChoice) this.viewChoice.hidden = n < 2;
    this.note.textContent =
      n > 1
        ? this.view === 'merged'
          ? `The model is the mean of ${n} members, trained one after another. Each point is the mean over the members that have reached that epoch.`
          : `The model is the mean of ${n} members (each learns its own share of the vector columns, with its own seed), trained one after another: each line is one member's own epochs.`
        : '';
  }

  /**
   * @param {HTMLElement} element
   * @param {string} title
   * @param {Line[]} lines
   */
  makePlot(element, title, lines) {
    return new uPlot(
      {
        title,
        width: widthOf(element),
        height: HEIGHT,
        scales: { x: { time: false } },
        axes: [{ label: 'epoch' }, {}],
        legend: { live: false },
        series: [
          { label: 'epoch' },
          ...lines.map((l) => ({
            label: l.label,
            stroke: l.colour,
            width: 2,
            dash: l.dashed ? [6, 4] : undefined,
            spanGaps: false,
            points: { show: false },
          })),
        ],
      },
      [[], ...lines.map(() => [])],
      element,
    );
  }
}

/**
 * The width a chart may take: its box's (at least enough for the axes and a few epochs).
 * @param {HTMLElement} element
 */
function widthOf(element) {
  return Math.max(200, Math.floor(element.clientWidth || 360));
}
