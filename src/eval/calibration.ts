// Temperature scaling (Guo et al., 2017): after training, divide every logit by one scalar
// T > 0 fitted on held-out data so that the predicted probabilities match observed
// frequencies. T > 1 softens an over-confident model, T < 1 sharpens an under-confident one;
// the argmax, and so accuracy, never changes.
//
// Shapes: n examples, C classes; logits are row-major n×C. `numClasses === 1` means one logit
// per example and a sigmoid (binary, labels 0/1).
//
// With β = 1/T the mean negative log-likelihood
//   NLL(β) = mean_i [ logsumexp(β z_i) − β z_{i,y_i} ]          (softmax)
//   NLL(β) = mean_i [ softplus(β z_i) − y_i β z_i ]             (sigmoid)
// is convex in β (a log-sum-exp of linear functions minus a linear term), with
//   NLL'(β)  = mean_i [ E_p[z_i] − z_{i,y_i} ],   NLL''(β) = mean_i Var_p[z_i] ≥ 0.
// β = e^{−u} is monotone in u = log T, so NLL is unimodal in log T: golden-section search over
// log T on [minT, maxT] is safe, and a few guarded Newton steps in β then polish the optimum.

/**
 * Options for `fitTemperature`.
 * @inline
 */
export interface FitTemperatureOptions {
  /** Smallest temperature searched (default 1e-2). */
  minT?: number;
  /** Largest temperature searched (default 1e2). */
  maxT?: number;
}

interface NllAndDerivatives {
  nll: number;
  /** d NLL / dβ */
  d1: number;
  /** d² NLL / dβ² */
  d2: number;
}

const INV_PHI = (Math.sqrt(5) - 1) / 2; // 0.618…, the golden-section ratio
const GOLDEN_TOLERANCE = 1e-6; // on log T; Newton polishes the rest
const NEWTON_STEPS = 4;

function checkInputs(logits: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, where: string): number {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`${where}: numClasses must be a positive integer, got ${numClasses}`);
  }
  const n = labels.length;
  if (logits.length !== n * numClasses) {
    throw new RangeError(
      `${where}: expected ${n}×${numClasses} = ${n * numClasses} logits for ${n} labels, got ${logits.length}`,
    );
  }
  if (n === 0) throw new RangeError(`${where}: no examples`);
  const labelCount = numClasses === 1 ? 2 : numClasses;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= labelCount) {
      throw new RangeError(`${where}: label ${y} of example ${i} is not in 0..${labelCount - 1}`);
    }
  }
  for (let k = 0; k < logits.length; k++) {
    if (!Number.isFinite(logits[k])) {
      throw new RangeError(`${where}: logit ${k} (example ${Math.floor(k / numClasses)}) is ${logits[k]}`);
    }
  }
  return n;
}

/** Mean NLL of softmax(β z) (or sigmoid(β z) when numClasses is 1) and its first two β-derivatives. */
function nllAt(
  beta: number,
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): NllAndDerivatives {
  const n = labels.length;
  let nll = 0;
  let d1 = 0;
  let d2 = 0;
  if (numClasses === 1) {
    for (let i = 0; i < n; i++) {
      const z = logits[i];
      const a = beta * z;
      // softplus(a) = log(1 + e^a), computed without overflow
      const softplus = a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
      const p = a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
      nll += softplus - labels[i] * a;
      d1 += (p - labels[i]) * z;
      d2 += p * (1 - p) * z * z;
    }
  } else {
    const C = numClasses;
    const e = new Float64Array(C); // e^{βz_c − max} of the current row
    for (let i = 0; i < n; i++) {
      const base = i * C;
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, beta * logits[base + c]);
      let sum = 0;
      let mean = 0; // Σ e_c z_c, normalised below to E_p[z]
      for (let c = 0; c < C; c++) {
        e[c] = Math.exp(beta * logits[base + c] - max);
        sum += e[c];
        mean += e[c] * logits[base + c];
      }
      mean /= sum;
      let variance = 0;
      for (let c = 0; c < C; c++) {
        const dz = logits[base + c] - mean;
        variance += e[c] * dz * dz;
      }
      variance /= sum;
      const zy = logits[base + labels[i]];
      nll += max + Math.log(sum) - beta * zy;
      d1 += mean - zy;
      d2 += variance;
    }
  }
  return { nll: nll / n, d1: d1 / n, d2: d2 / n };
}

/**
 * Mean negative log-likelihood of the labels under softmax(logits / T) (sigmoid when numClasses is 1).
 * @example
 * ```ts
 * temperatureNll(new Float32Array([2, 0, 0, 2]), [0, 1], 2, 1) // ≈ 0.127
 * ```
 */
export function temperatureNll(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
  temperature = 1,
): number {
  checkInputs(logits, labels, numClasses, 'temperatureNll');
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`temperatureNll: temperature must be a finite number > 0, got ${temperature}`);
  }
  return nllAt(1 / temperature, logits, labels, numClasses).nll;
}

/**
 * Fits the temperature T > 0 minimising the mean NLL of softmax(logits / T) (sigmoid when numClasses is 1); clamps to [minT, maxT].
 * @example
 * ```ts
 * const T = fitTemperature(validationLogits, validationLabels, 2); const calibrated = applyTemperature(testLogits, T);
 * ```
 */
export function fitTemperature(
  logits: Float32Array | Float64Array | ArrayLike<number>,
  labels: Int32Array | ArrayLike<number>,
  numClasses: number,
  options: FitTemperatureOptions = {},
): number {
  checkInputs(logits, labels, numClasses, 'fitTemperature');
  const minT = options.minT ?? 1e-2;
  const maxT = options.maxT ?? 1e2;
  if (!(minT > 0 && maxT > minT && Number.isFinite(maxT))) {
    throw new RangeError(`fitTemperature: need 0 < minT < maxT < ∞, got minT=${minT}, maxT=${maxT}`);
  }
  const f = (u: number): number => nllAt(Math.exp(-u), logits, labels, numClasses).nll;

  // Golden-section search over u = log T (NLL is unimodal in u).
  let lo = Math.log(minT);
  let hi = Math.log(maxT);
  let x1 = hi - INV_PHI * (hi - lo);
  let x2 = lo + INV_PHI * (hi - lo);
  let f1 = f(x1);
  let f2 = f(x2);
  while (hi - lo > GOLDEN_TOLERANCE) {
    if (f1 <= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - INV_PHI * (hi - lo);
      f1 = f(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + INV_PHI * (hi - lo);
      f2 = f(x2);
    }
  }
  // Newton polish in β, where NLL is convex; a step is kept only if it stays inside the
  // bracket and does not raise the NLL, so a flat or boundary optimum is left as found.
  let beta = Math.exp(-(lo + hi) / 2);
  let current = nllAt(beta, logits, labels, numClasses);
  for (let step = 0; step < NEWTON_STEPS; step++) {
    if (!(current.d2 > 0)) break;
    const next = beta - current.d1 / current.d2;
    if (!(next >= 1 / maxT && next <= 1 / minT)) break;
    const candidate = nllAt(next, logits, labels, numClasses);
    if (candidate.nll > current.nll) break;
    beta = next;
    current = candidate;
  }
  return 1 / beta;
}

/**
 * Divides every logit by T, returning a new Float32Array (softmax of it is the calibrated probability).
 * @example
 * ```ts
 * applyTemperature(new Float32Array([2, -1]), 2) // Float32Array [1, -0.5]
 * ```
 */
export function applyTemperature(logits: ArrayLike<number>, temperature: number): Float32Array {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`applyTemperature: temperature must be a finite number > 0, got ${temperature}`);
  }
  const out = new Float32Array(logits.length);
  for (let k = 0; k < logits.length; k++) out[k] = logits[k] / temperature;
  return out;
}
