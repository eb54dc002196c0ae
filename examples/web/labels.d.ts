// Types of labels.js, for the tests that check it (test/web-labels.test.ts) and for labels.js
// itself, whose functions take their signatures from here.

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}
export interface Candidate {
  word: string;
  x: number;
  y: number;
  width: number;
  height: number;
}
/** A name placed on the plot: its word and its box. */
export type Label = Box & { word: string };
export function placeLabels(
  candidates: readonly Candidate[],
  plotWidth: number,
  plotHeight: number,
  reserved?: readonly Box[],
  most?: number,
): Label[];
export function overlaps(a: Box, b: Box): boolean;
