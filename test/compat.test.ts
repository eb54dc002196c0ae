// Model files written by sentiwasm 0.1.0 (test/fixtures, made with that release's code) load and
// predict exactly as they did then.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/index.node.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const recorded = JSON.parse(readFileSync(fixture('v0.1.0-predictions.json'), 'utf8')) as {
  probes: string[];
  models: Record<string, { predictions: { text: string; label: string; probabilities: Record<string, number> }[] }>;
};

describe('model files of sentiwasm 0.1.0', () => {
  it.each(Object.keys(recorded.models))(
    'the %s model loads and predicts what it predicted then, to 1e-6',
    async (name) => {
      const model = await loadModel(readFileSync(fixture(`v0.1.0-${name}.bin`)));
      for (const want of recorded.models[name].predictions) {
        const got = model.predict(want.text);
        expect(got.label, want.text).toBe(want.label);
        for (const [label, p] of Object.entries(want.probabilities))
          expect(Math.abs(got.probabilities[label] - p), `${want.text}: ${label}`).toBeLessThan(1e-6);
      }
      model.dispose();
    },
  );
});
