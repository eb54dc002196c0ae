import { at, rowAt } from './math';
import { adamDelta, adamDelta4, adamSqrtBc2, adamStepSize } from './adam';

// Embedding bags with sparse gradients. A batch is a flat list of row ids (i32) cut into bags by
// offsets (i32[B+1]); the host also gives each id a `slot` in a compact per-batch gradient
// buffer, so backward and the update touch only the rows the batch used (never a dense pass over
// the whole table).

// out[B×D] = mean over each bag b of table[ids[t], :], t ∈ [offsets[b], offsets[b+1]); an empty bag gives 0
export function embedding_bag_forward(out: usize, table: usize, ids: usize, offsets: usize, B: i32, D: i32): void {
  const D4 = D & ~3;
  for (let b = 0; b < B; b++) {
    const start = load<i32>(at(offsets, b));
    const end = load<i32>(at(offsets, b + 1));
    const o = rowAt(out, b, D);
    memory.fill(o, 0, <usize>D << 2);
    for (let t = start; t < end; t++) {
      const r = rowAt(table, load<i32>(at(ids, t)), D);
      let d = 0;
      for (; d < D4; d += 4) v128.store(at(o, d), f32x4.add(v128.load(at(o, d)), v128.load(at(r, d))));
      for (; d < D; d++) store<f32>(at(o, d), load<f32>(at(o, d)) + load<f32>(at(r, d)));
    }
    if (end > start) {
      const inv = f32x4.splat(<f32>1 / <f32>(end - start));
      let d = 0;
      for (; d < D4; d += 4) v128.store(at(o, d), f32x4.mul(v128.load(at(o, d)), inv));
      for (; d < D; d++) store<f32>(at(o, d), load<f32>(at(o, d)) * f32x4.extract_lane(inv, 0));
    }
  }
}

/** Scalar reference for embedding_bag_forward. */
export function embedding_bag_forward_ref(out: usize, table: usize, ids: usize, offsets: usize, B: i32, D: i32): void {
  for (let b = 0; b < B; b++) {
    const start = load<i32>(at(offsets, b));
    const end = load<i32>(at(offsets, b + 1));
    const o = rowAt(out, b, D);
    for (let d = 0; d < D; d++) store<f32>(at(o, d), 0);
    for (let t = start; t < end; t++) {
      const r = rowAt(table, load<i32>(at(ids, t)), D);
      for (let d = 0; d < D; d++) store<f32>(at(o, d), load<f32>(at(o, d)) + load<f32>(at(r, d)));
    }
    if (end > start) {
      const inv: f32 = <f32>1 / <f32>(end - start);
      for (let d = 0; d < D; d++) store<f32>(at(o, d), load<f32>(at(o, d)) * inv);
    }
  }
}

// dslots[slots[t], :] += dout[b, :] / |bag b|   for every id t of every bag b
export function embedding_bag_backward(dslots: usize, dout: usize, slots: usize, offsets: usize, B: i32, D: i32): void {
  const D4 = D & ~3;
  for (let b = 0; b < B; b++) {
    const start = load<i32>(at(offsets, b));
    const end = load<i32>(at(offsets, b + 1));
    if (end <= start) continue;
    const g = rowAt(dout, b, D);
    const s: f32 = 1 / <f32>(end - start);
    const vs = f32x4.splat(s);
    for (let t = start; t < end; t++) {
      const r = rowAt(dslots, load<i32>(at(slots, t)), D);
      let d = 0;
      for (; d < D4; d += 4) v128.store(at(r, d), f32x4.add(v128.load(at(r, d)), f32x4.mul(vs, v128.load(at(g, d)))));
      for (; d < D; d++) store<f32>(at(r, d), load<f32>(at(r, d)) + s * load<f32>(at(g, d)));
    }
  }
}

/** Scalar reference for embedding_bag_backward. */
export function embedding_bag_backward_ref(dslots: usize, dout: usize, slots: usize, offsets: usize, B: i32, D: i32): void {
  for (let b = 0; b < B; b++) {
    const start = load<i32>(at(offsets, b));
    const end = load<i32>(at(offsets, b + 1));
    if (end <= start) continue;
    const g = rowAt(dout, b, D);
    const s: f32 = 1 / <f32>(end - start);
    for (let t = start; t < end; t++) {
      const r = rowAt(dslots, load<i32>(at(slots, t)), D);
      for (let d = 0; d < D; d++) store<f32>(at(r, d), load<f32>(at(r, d)) + s * load<f32>(at(g, d)));
    }
  }
}

// dslots[targets[u], :] += src[u, :]   for u < U: another thread's row gradients merged into
// this one's (data-parallel training), row u of theirs landing in slot targets[u] of ours
export function add_rows(dslots: usize, src: usize, targets: usize, U: i32, D: i32): void {
  const D4 = D & ~3;
  for (let u = 0; u < U; u++) {
    const r = rowAt(dslots, load<i32>(at(targets, u)), D);
    const g = rowAt(src, u, D);
    let d = 0;
    for (; d < D4; d += 4) v128.store(at(r, d), f32x4.add(v128.load(at(r, d)), v128.load(at(g, d))));
    for (; d < D; d++) store<f32>(at(r, d), load<f32>(at(r, d)) + load<f32>(at(g, d)));
  }
}

/** Scalar reference for add_rows. */
export function add_rows_ref(dslots: usize, src: usize, targets: usize, U: i32, D: i32): void {
  for (let u = 0; u < U; u++) {
    const r = rowAt(dslots, load<i32>(at(targets, u)), D);
    const g = rowAt(src, u, D);
    for (let d = 0; d < D; d++) store<f32>(at(r, d), load<f32>(at(r, d)) + load<f32>(at(g, d)));
  }
}

// table[rows[u], :] −= lr · (dslots[u, :] + wd · table[rows[u], :])   for u < U (plain SGD with
// weight decay, applied lazily: only to the rows a batch used)
export function sgd_rows(table: usize, dslots: usize, rows: usize, U: i32, D: i32, lr: f32, weightDecay: f32): void {
  const D4 = D & ~3;
  const vlr = f32x4.splat(lr);
  const keep: f32 = 1 - lr * weightDecay;
  const vkeep = f32x4.splat(keep);
  for (let u = 0; u < U; u++) {
    const p = rowAt(table, load<i32>(at(rows, u)), D);
    const g = rowAt(dslots, u, D);
    let d = 0;
    for (; d < D4; d += 4) v128.store(at(p, d), f32x4.sub(f32x4.mul(vkeep, v128.load(at(p, d))), f32x4.mul(vlr, v128.load(at(g, d)))));
    for (; d < D; d++) store<f32>(at(p, d), keep * load<f32>(at(p, d)) - lr * load<f32>(at(g, d)));
  }
}

/** Scalar reference for sgd_rows. */
export function sgd_rows_ref(table: usize, dslots: usize, rows: usize, U: i32, D: i32, lr: f32, weightDecay: f32): void {
  const keep: f32 = 1 - lr * weightDecay;
  for (let u = 0; u < U; u++) {
    const p = rowAt(table, load<i32>(at(rows, u)), D);
    const g = rowAt(dslots, u, D);
    for (let d = 0; d < D; d++) store<f32>(at(p, d), keep * load<f32>(at(p, d)) - lr * load<f32>(at(g, d)));
  }
}

// Lazy Adam on the used rows (torch.optim.SparseAdam): moments of rows a batch did not touch
// stay as they are; `step` is the global step count, from 1.
export function adam_rows(table: usize, m: usize, v: usize, dslots: usize, rows: usize, U: i32, D: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, step: i32): void {
  const stepSize = adamStepSize(lr, beta1, step);
  const sqrtBc2 = adamSqrtBc2(beta2, step);
  for (let u = 0; u < U; u++) {
    const row = load<i32>(at(rows, u));
    const p = rowAt(table, row, D);
    const mp = rowAt(m, row, D);
    const vp = rowAt(v, row, D);
    const g = rowAt(dslots, u, D);
    let d = 0;
    for (; d + 4 <= D; d += 4) {
      v128.store(at(p, d), f32x4.sub(v128.load(at(p, d)), adamDelta4(at(mp, d), at(vp, d), v128.load(at(g, d)), beta1, beta2, eps, stepSize, sqrtBc2)));
    }
    for (; d < D; d++) {
      const delta = adamDelta(at(mp, d), at(vp, d), load<f32>(at(g, d)), beta1, beta2, eps, stepSize, sqrtBc2);
      store<f32>(at(p, d), load<f32>(at(p, d)) - delta);
    }
  }
}

/** Scalar reference for adam_rows. */
export function adam_rows_ref(table: usize, m: usize, v: usize, dslots: usize, rows: usize, U: i32, D: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, step: i32): void {
  const stepSize = adamStepSize(lr, beta1, step);
  const sqrtBc2 = adamSqrtBc2(beta2, step);
  for (let u = 0; u < U; u++) {
    const row = load<i32>(at(rows, u));
    const p = rowAt(table, row, D);
    const mp = rowAt(m, row, D);
    const vp = rowAt(v, row, D);
    const g = rowAt(dslots, u, D);
    for (let d = 0; d < D; d++) {
      const delta = adamDelta(at(mp, d), at(vp, d), load<f32>(at(g, d)), beta1, beta2, eps, stepSize, sqrtBc2);
      store<f32>(at(p, d), load<f32>(at(p, d)) - delta);
    }
  }
}
