import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runSeedExample } from '../src/nn/seed-example.js';
import { PYTORCH_SEED_INIT } from '../src/nn/seed-init.js';
import { testRuntime } from './helpers.js';

const reference = JSON.parse(readFileSync(new URL('fixtures/w1-reference.json', import.meta.url), 'utf8'));

function flat(v: number[] | number[][]): number[] {
  return (v as (number | number[])[]).flat() as number[];
}

describe('the tutorial network (W1) against PyTorch', async () => {
  const rt = await testRuntime();
  const result = runSeedExample(rt, { init: reference.init });

  it('has the loss of every epoch within 1e-6', () => {
    expect(result.losses).toHaveLength(100);
    result.losses.forEach((loss, i) => expect(Math.abs(loss - reference.losses[i]), `epoch ${i}`).toBeLessThan(1e-6));
  });

  it('has the epoch-0 gradients within 1e-6', () => {
    expect(Object.keys(result.gradients).sort()).toEqual(Object.keys(reference.grads_epoch0).sort());
    for (const [name, expected] of Object.entries(reference.grads_epoch0)) {
      const got = flat(result.gradients[name]);
      flat(expected as number[][]).forEach((g, i) => expect(Math.abs(got[i] - g), `${name}[${i}]`).toBeLessThan(1e-6));
    }
  });

  it('has the final predictions and weights within 1e-6', () => {
    result.predictions.forEach((p, i) => expect(Math.abs(p - reference.final_predictions[i])).toBeLessThan(1e-6));
    for (const [name, expected] of Object.entries(reference.final)) {
      const got = flat(result.final[name]);
      flat(expected as number[][]).forEach((w, i) => expect(Math.abs(got[i] - w), `${name}[${i}]`).toBeLessThan(1e-6));
    }
  });

  it('converges: the loss falls every epoch', () => {
    for (let i = 1; i < result.losses.length; i++) expect(result.losses[i]).toBeLessThan(result.losses[i - 1]);
  });
});

describe('the tutorial network refuses bad initial weights', async () => {
  const rt = await testRuntime();
  const good = reference.init;
  it.each([
    ['a missing key', { ...good, '2.bias': undefined }, /missing "2.bias"/],
    ['an unknown key', { ...good, '4.weight': [1] }, /unknown parameter "4.weight"/],
    ['a wrong size', { ...good, '0.bias': [1, 2, 3] }, /"0.bias" has 3 values, the model needs 5/],
    ['NaN', { ...good, '2.bias': [Number.NaN] }, /"2.bias" value 0 is not a finite number/],
  ])('names %s', (_, init, message) => {
    const cleaned = Object.fromEntries(Object.entries(init).filter(([, v]) => v !== undefined));
    expect(() => runSeedExample(rt, { init: cleaned as never, initSource: 'w.json' })).toThrow(message);
  });
});

describe('the initial weights shipped for the tutorial network', () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/w1-reference.json', import.meta.url), 'utf8'));

  it('are exactly the fixture’s PyTorch "init", number for number', () => {
    expect(fixture.dtype).toBe('float32');
    expect(PYTORCH_SEED_INIT).toEqual(fixture.init);
  });

  it('give PyTorch’s losses within 1e-6', async () => {
    const { losses } = runSeedExample(await testRuntime(), { init: PYTORCH_SEED_INIT });
    losses.forEach((loss, i) => expect(Math.abs(loss - fixture.losses[i]), `epoch ${i}`).toBeLessThan(1e-6));
  });
});
