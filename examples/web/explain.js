// What the model makes of one sentence: the probability, each word coloured by its contribution,
// and, for the attention model, the attention weights as a grid (row i: where word i looks).

/**
 * The page's elements that show an explanation.
 * @typedef {{
 *   label: HTMLElement;
 *   probability: HTMLElement;
 *   barFill: HTMLElement;
 *   method: HTMLElement;
 *   tokens: HTMLElement;
 *   attention: HTMLElement;
 *   attentionLayer: HTMLSelectElement;
 *   attentionGrid: HTMLElement;
 * }} ExplanationView
 */

/** @type {Record<import('sentiwasm').Explanation['method'], string>} */
const METHODS = {
  exact: 'exact: the contributions and the bias add up to the score',
  occlusion: 'by occlusion: how much the score drops without the word',
  'gradient×input': "by gradient × input: a first-order estimate of each word's share of the score",
};

/**
 * Fills the prediction line and the word chips; `onWord` is called with a clicked word.
 * @param {import('sentiwasm').TextClassifier} model
 * @param {string} text
 * @param {ExplanationView} ui
 * @param {(word: string) => void} onWord
 */
export function showExplanation(model, text, ui, onWord) {
  if (text.trim() === '') {
    ui.label.textContent = '–';
    ui.label.dataset.label = '';
    ui.probability.textContent = '';
    ui.barFill.style.width = '0';
    ui.tokens.replaceChildren();
    ui.attention.hidden = true;
    return;
  }
  const explanation = model.explain(text);
  const p = model.predict(text).probabilities[explanation.label];
  ui.method.textContent = METHODS[explanation.method] ?? explanation.method;
  ui.label.textContent = String(explanation.label);
  ui.label.dataset.label = String(explanation.label);
  ui.probability.textContent = `${(100 * p).toFixed(1)} %`;
  ui.barFill.style.width = `${(100 * p).toFixed(1)}%`;
  ui.barFill.dataset.label = String(explanation.label);
  const scale = Math.max(...explanation.tokens.map((t) => Math.abs(t.contribution)), 1e-9);
  ui.tokens.replaceChildren(
    ...explanation.tokens.map(({ token, negated, contribution }) => {
      const chip = document.createElement('span');
      chip.className = 'token';
      // A word in a negation's scope has a vector of its own: shown struck through, looked up as not:word.
      chip.textContent = token;
      if (negated) chip.classList.add('negated');
      const strength = Math.abs(contribution) / scale;
      // Green pushes towards the target class, red away from it; stronger colour, bigger push.
      const hue = contribution >= 0 ? 140 : 0;
      chip.style.background = `hsla(${hue}, 70%, 45%, ${(0.08 + 0.72 * strength).toFixed(3)})`;
      chip.style.color = strength > 0.6 ? 'white' : '';
      chip.dataset.contribution = contribution.toFixed(4);
      chip.title = `${token}${negated ? ' (after a negation)' : ''}: ${contribution >= 0 ? '+' : ''}${contribution.toFixed(3)}`;
      chip.addEventListener('click', () => onWord(negated ? `not:${token}` : token));
      return chip;
    }),
  );
  showAttention(model, text, ui);
}

/**
 * @param {import('sentiwasm').TextClassifier} model
 * @param {string} text
 * @param {ExplanationView} ui
 */
function showAttention(model, text, ui) {
  const weights = model.attentionWeights?.(text);
  ui.attention.hidden = !weights;
  if (!weights) return;
  const layers = weights.layers.length;
  if (ui.attentionLayer.options.length !== layers) {
    ui.attentionLayer.replaceChildren(...weights.layers.map((_, i) => new Option(String(i + 1), String(i))));
    ui.attentionLayer.value = String(layers - 1);
  }
  const heads = weights.layers[Number(ui.attentionLayer.value) || 0];
  const n = weights.tokens.length;
  // The mean over the heads: each row still sums to 1.
  const mean = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => heads.reduce((s, h) => s + h[i][j], 0) / heads.length),
  );
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  head.insertCell().textContent = '';
  for (const t of weights.tokens) head.insertCell().textContent = t;
  const body = table.createTBody();
  mean.forEach((row, i) => {
    const tr = body.insertRow();
    const th = document.createElement('th');
    th.textContent = weights.tokens[i];
    tr.append(th);
    for (const w of row) {
      const td = tr.insertCell();
      td.textContent = w.toFixed(2);
      td.dataset.weight = w.toFixed(4);
      td.style.background = `rgba(47, 91, 211, ${Math.min(1, w).toFixed(3)})`;
      td.style.color = w > 0.5 ? 'white' : '';
    }
  });
  ui.attentionGrid.replaceChildren(table);
}
