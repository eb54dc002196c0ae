// Types of labels.js, for the tests that check it (test/web-labels.test.ts).

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
export function placeLabels(
  candidates: readonly Candidate[],
  plotWidth: number,
  plotHeight: number,
  reserved?: readonly Box[],
  most?: number,
): (Box & { word: string })[];
export function overlaps(a: Box, b: Box): boolean;
