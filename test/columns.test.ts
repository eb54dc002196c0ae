import { describe, expect, it } from 'vitest';
import { displayWidth, fitColumns, padEndColumns, padStartColumns } from '../src/cli/columns.js';

// The CLI's tables (explain, explain --attention) line up by screen columns, so that Chinese and
// Japanese tokens, which take two columns each, do not push the numbers after them out of line.
describe('screen columns', () => {
  it.each([
    ['good', 4],
    ['很好', 4],
    ['不错的酒店', 10],
    ['こんにちは', 10],
    ['ｆｕｌｌ', 8],
    ['café', 4],
    ['cafe\u0301', 4],
    ['👍', 2],
    ['(bias)', 6],
    ['', 0],
  ])('%j takes %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it.each([
    ['good', 6, 'good  ', '  good'],
    ['好', 4, '好  ', '  好'],
    ['很好', 3, '很好', '很好'],
  ])('%j padded to %i columns', (text, width, end, start) => {
    expect(padEndColumns(text, width)).toBe(end);
    expect(padStartColumns(text, width)).toBe(start);
  });

  it.each([
    ['wonderful', 5, 'wond…'],
    ['great', 5, 'great'],
    ['非常非常好', 5, '非常…'],
    ['非常非常好', 6, '非常…'],
  ])('%j cut to %i columns is %j', (text, width, cut) => {
    expect(fitColumns(text, width)).toBe(cut);
    expect(displayWidth(fitColumns(text, width))).toBeLessThanOrEqual(width);
  });
});
