import { describe, expect, it } from 'vitest';
import { seededRandom as mulberry32 } from './helpers.js';
import { applyTemperature, fitTemperature, temperatureNll } from '../src/eval/calibration.js';

function gaussian(random: () => number): number {
  const u = 1 - random(); // (0, 1], keeps log finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * Logits z ~ N(0, scale²) per class, labels drawn from softmax(z / T0) (sigmoid(z / T0) when
 * numClasses is 1): a model whose logits are miscalibrated by exactly T0.
 */
function sample(n: number, numClasses: number, trueT: number, scale: number, seed: number) {
  const random = mulberry32(seed);
  const logits = new Float32Array(n * numClasses);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < numClasses; c++) logits[i * numClasses + c] = scale * gaussian(random);
    const u = random();
    if (numClasses === 1) {
      labels[i] = u < 1 / (1 + Math.exp(-logits[i] / trueT)) ? 1 : 0;
      continue;
    }
    const row = Array.from(logits.subarray(i * numClasses, (i + 1) * numClasses), (z) => z / trueT);
    const max = Math.max(...row);
    const weights = row.map((z) => Math.exp(z - max));
    let r = u * weights.reduce((a, b) => a + b, 0);
    let y = 0;
    while (y < numClasses - 1 && r >= weights[y]) r -= weights[y++];
    labels[i] = y;
  }
  return { logits, labels };
}

describe('fitTemperature recovers the temperature the labels were drawn with (n = 20000)', () => {
  it.each([
    { numClasses: 3, trueT: 2, scale: 3, seed: 11 },
    { numClasses: 3, trueT: 0.5, scale: 1, seed: 12 },
    { numClasses: 2, trueT: 1.7, scale: 3, seed: 13 },
    { numClasses: 5, trueT: 3, scale: 4, seed: 14 },
    { numClasses: 1, trueT: 2.5, scale: 4, seed: 15 },
    { numClasses: 1, trueT: 0.6, scale: 2, seed: 16 },
  ])('C = $numClasses, T0 = $trueT', ({ numClasses, trueT, scale, seed }) => {
    const { logits, labels } = sample(20000, numClasses, trueT, scale, seed);
    const T = fitTemperature(logits, labels, numClasses);
    expect(Math.abs(T / trueT - 1)).toBeLessThan(0.05);
  });
});

describe('fitTemperature returns about 1 for data that is already calibrated', () => {
  it.each([
    { numClasses: 3, seed: 21 },
    { numClasses: 2, seed: 22 },
    { numClasses: 1, seed: 23 },
  ])('C = $numClasses', ({ numClasses, seed }) => {
    const { logits, labels } = sample(20000, numClasses, 1, 2, seed);
    expect(fitTemperature(logits, labels, numClasses)).toBeCloseTo(1, 1);
  });
});

describe('fitTemperature minimises the NLL', () => {
  it.each([
    { numClasses: 3, trueT: 2.2, seed: 31 },
    { numClasses: 3, trueT: 0.7, seed: 32 },
    { numClasses: 1, trueT: 1.8, seed: 33 },
  ])('calibrated NLL ≤ uncalibrated NLL, and ≤ NLL at nearby T (C = $numClasses)', ({ numClasses, trueT, seed }) => {
    const { logits, labels } = sample(5000, numClasses, trueT, 2, seed);
    const T = fitTemperature(logits, labels, numClasses);
    const best = temperatureNll(logits, labels, numClasses, T);
    expect(best).toBeLessThanOrEqual(temperatureNll(logits, labels, numClasses, 1));
    for (const factor of [0.99, 1.01, 0.9, 1.1]) {
      expect(best).toBeLessThanOrEqual(temperatureNll(logits, labels, numClasses, T * factor));
    }
  });

  it('the NLL of applyTemperature(logits, T) at T = 1 equals the NLL at T', () => {
    const { logits, labels } = sample(1000, 3, 2, 2, 41);
    const T = fitTemperature(logits, labels, 3);
    expect(temperatureNll(applyTemperature(logits, T), labels, 3, 1)).toBeCloseTo(
      temperatureNll(logits, labels, 3, T),
      5,
    );
  });

  it('stops at the smallest temperature when the data are perfectly separable', () => {
    // Every label agrees with its logit's sign, so the NLL keeps falling as T → 0.
    const logits = new Float32Array([2, -1, 3, -2, 1, -3]);
    const labels = [1, 0, 1, 0, 1, 0];
    expect(fitTemperature(logits, labels, 1)).toBeCloseTo(1e-2, 6);
  });
});

describe('temperatureNll', () => {
  it.each([
    {
      name: 'softmax, two classes',
      logits: [2, 0, 0, 2],
      labels: [0, 1],
      numClasses: 2,
      T: 1,
      expected: Math.log(1 + Math.exp(-2)),
    },
    {
      name: 'softmax at T = 2 halves the logits',
      logits: [2, 0, 0, 2],
      labels: [0, 1],
      numClasses: 2,
      T: 2,
      expected: Math.log(1 + Math.exp(-1)),
    },
    {
      name: 'sigmoid agrees with two-class softmax on [0, z]',
      logits: [2, -2],
      labels: [1, 0],
      numClasses: 1,
      T: 1,
      expected: Math.log(1 + Math.exp(-2)),
    },
    { name: 'uniform logits give log C', logits: [0, 0, 0], labels: [2], numClasses: 3, T: 0.3, expected: Math.log(3) },
  ])('$name', ({ logits, labels, numClasses, T, expected }) => {
    expect(temperatureNll(logits, labels, numClasses, T)).toBeCloseTo(expected, 12);
  });
});

describe('applyTemperature', () => {
  it.each([
    { logits: [2, -1], T: 2, expected: [1, -0.5] },
    { logits: [0.5, 3], T: 0.5, expected: [1, 6] },
  ])('divides $logits by $T', ({ logits, T, expected }) => {
    expect(Array.from(applyTemperature(new Float32Array(logits), T))).toEqual(expected);
  });

  it('returns a new array and leaves the input alone', () => {
    const logits = new Float32Array([4, 2]);
    const out = applyTemperature(logits, 2);
    expect(out).not.toBe(logits);
    expect(Array.from(logits)).toEqual([4, 2]);
  });
});

describe('input checks name the problem', () => {
  it.each([
    {
      name: 'wrong logit count',
      call: () => fitTemperature(new Float32Array(5), [0, 1], 3),
      message: /expected 2×3 = 6 logits for 2 labels, got 5/,
    },
    {
      name: 'label out of range',
      call: () => fitTemperature(new Float32Array(4), [0, 2], 2),
      message: /label 2 of example 1 is not in 0..1/,
    },
    {
      name: 'binary label not 0/1',
      call: () => fitTemperature(new Float32Array(2), [0, 3], 1),
      message: /label 3 of example 1 is not in 0..1/,
    },
    {
      name: 'non-finite logit',
      call: () => fitTemperature(new Float32Array([0, NaN]), [0], 2),
      message: /logit 1 \(example 0\) is NaN/,
    },
    { name: 'no examples', call: () => fitTemperature(new Float32Array(0), [], 2), message: /no examples/ },
    {
      name: 'non-positive temperature',
      call: () => applyTemperature(new Float32Array(1), 0),
      message: /temperature must be a finite number > 0/,
    },
  ])('$name', ({ call, message }) => {
    expect(call).toThrow(message);
  });
});
