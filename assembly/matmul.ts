import { at, f32at, laneSum } from './math';

// Matrix products in the three orientations backpropagation needs. All matrices are row-major
// f32; pointers are byte offsets; `accumulate` != 0 adds to C instead of overwriting it.
//
//   matmul_nn: C[M×N] (+)= A[M×K] · B[K×N]      (Linear backward: dX = dY · W)
//   matmul_nt: C[M×N] (+)= A[M×K] · B[N×K]ᵀ     (Linear forward:  Y = X · Wᵀ)
//   matmul_tn: C[M×N] (+)= A[K×M]ᵀ · B[K×N]     (Linear backward: dW = dYᵀ · X)
//
// All three run the same register-blocked micro-kernel (`kernel2x16`), which adds to a 2×16 tile
// of C the product of two A values per k (splatted) and a packed row of 16 B values per k. They
// differ only in how they feed it:
//
//   nn, nt  A is read in place (two rows, contiguous along k); B is packed, 256 k × 16 columns at
//           a time, into a contiguous panel that up to 256 row pairs of A then sweep.
//   tn      A's two values per k sit a whole row apart, so a block of 80 columns of A is packed
//           into pairs first; then B panels as above (128 k × 16 columns).
//   small   With fewer than 4 rows of C nothing is packed (B would serve one or two row pairs):
//           nn and tn read B in place, nt takes dot products of rows, as it also does for fewer
//           than 10 columns (a layer with a few outputs), where a panel would be mostly padding.
//
// Each has a scalar reference (`*_ref`) that the tests compare against.
//
// The module is built twice (asconfig.json): the default build multiplies and adds in two SIMD128
// instructions; the fma build (relaxed SIMD enabled) fuses them with relaxed_madd (see `madd`),
// which measured ~1.3–1.5× faster products on this CPU, at the price of last-bit differences.
//
// Why these sizes (measured in Node 20 on x86-64 with AVX, reading V8's code with
// `node --print-wasm-code`; throughput in bench/gemm.ts):
// - The tile is 2×16 because V8 issues every load of a loop iteration before its arithmetic, so
//   the live registers are the accumulators, the loaded values and one product: 8 + (4 B rows +
//   2 A splats) + 1 = 15, exactly the xmm registers V8 allocates. Larger tiles (4×8 is the same
//   size; 6×8, 3×12 are not) spill to the stack and run 30-40% slower.
// - The inner loop is a do-while on a pointer compare: a counted `for` costs V8 a counter and an
//   extra jump per k, which measured 25% slower.
// - A 256×16 panel of B is 16 KiB: it stays in L1 (32 KiB) while A streams past it. Packing makes
//   B's rows contiguous however large N is (power-of-two strides otherwise thrash one cache set).
// - The scratch (48 KiB of packed panels and a 2×16 edge tile) is a block of the host's memory
//   plan, passed in by pointer: the kernels never allocate and keep no mutable static data, so
//   two threads over one memory, each with its own scratch block, cannot trample each other.
//   Its size comes from matmul_scratch_bytes(), so the host never restates it.
// - tn packs B once per 80-column block of A, so a larger A block means fewer repacks of B (4
//   instead of 6 for M = 256): against 48 columns it measured +3-9% on the MLP's tn shapes, but
//   an identical-code control on the same (shared, noisy) machine moved ±3%, so count it small.
// - A synthetic loop of the 2×16 kernel on L1-resident data runs at ~33 GFLOP/s when the machine
//   is quiet and ~23 when the other core is busy; the whole nn product at n = 128..256 reaches
//   about the same (31-33 quiet), so the kernel, not packing, sets the pace there. Alternatives
//   on the same synthetic loop: 4×8 with 4 broadcast loads from packed A +0-7% (noise level),
//   4×8 with one A load and shuffled splats -5%, 3×12 -8%, 4×12 -12%; unrolling k by 2 makes V8
//   hoist 12 loads and spill (measured slower). Without FMA (relaxed SIMD is off in Node 20) a
//   k-step needs 16 arithmetic ops besides 6 loads whatever the tile.
// - n = 512 and 1024 (nn) stay ~21: neither a smaller row block (mc·lda ≤ 256 KiB: 8-27% slower)
//   nor a larger one (MC_N = 1024: within noise) nor KC_N = 128 helped measurably.

const NR = 16; // columns of a B panel and of a C tile
const KC_N = 256; // k-block of nn/nt: the B panel is KC_N×NR floats = 16 KiB
const MC_N = 256; // rows of A that sweep each nn/nt panel (MC_N×KC_N floats = 256 KiB, half of L2)
const NARROW_N = 10; // below this many columns, nt takes dot products (see ntNarrow)
const FEW_ROWS = 4; // below this many rows, nothing is packed (ntNarrow, gemmFewRows)
const KC_T = 128; // k-block of tn: the B panel is 8 KiB ...
const MC_T = 80; // ... next to an A block of MC_T×KC_T floats = 40 KiB
/** Packed operands: nn/nt use them as one B panel; tn as an A block followed by a B panel. */
const PACK_BYTES = MC_T * KC_T * 4 + KC_T * NR * 4; // 48 KiB
/** Then a 2×16 tile for the edges of C, where a full tile would write outside the matrix. */
const EDGE_TILE_OFFSET = PACK_BYTES;
const SCRATCH_BYTES = PACK_BYTES + 2 * NR * 4;

/** Bytes of the scratch block every matmul_nn/nt/tn call takes (64-byte aligned); the host lays it out once per thread. */
export function matmul_scratch_bytes(): i32 {
  return SCRATCH_BYTES;
}

// ---------------------------------------------------------------------------------------------
// The micro-kernel: C[2×16] (+)= A[2×kc] · Bp[kc×16]
//
// a0, a1 point at A[0][0] and A[1][0] and advance by `astep` bytes per k; bp points at 16 floats
// of B[0] and advances by `bstep` bytes per k (a packed panel: 64); c is the tile's first element
// and ldc the byte stride between its two rows. kc >= 1.
@inline function kernel2x16(
  c: usize, ldc: usize, a0: usize, a1: usize, astep: usize, bp: usize, bstep: usize, kc: i32, accumulate: bool,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  const bend = bp + <usize>kc * bstep;
  do {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16), b2 = v128.load(bp, 32), b3 = v128.load(bp, 48);
    const x0 = v128.load32_splat(a0);
    const x1 = v128.load32_splat(a1);
    c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
    c02 = madd(x0, b2, c02); c03 = madd(x0, b3, c03);
    c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
    c12 = madd(x1, b2, c12); c13 = madd(x1, b3, c13);
    a0 += astep;
    a1 += astep;
    bp += bstep;
  } while (bp < bend);
  storeRow(c, c00, c01, c02, c03, accumulate);
  storeRow(c + ldc, c10, c11, c12, c13, accumulate);
}

/**
 * c + a·b per lane. The fma build (compiled with relaxed SIMD) uses relaxed_madd, which engines
 * with fused multiply-add run as one instruction, ~1.4× the kernel's throughput here; its results
 * may differ from the default build's in the last bits, so each build is reproducible on its own.
 */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

@inline function storeRow(p: usize, v0: v128, v1: v128, v2: v128, v3: v128, accumulate: bool): void {
  if (accumulate) {
    v0 = f32x4.add(v0, v128.load(p));
    v1 = f32x4.add(v1, v128.load(p, 16));
    v2 = f32x4.add(v2, v128.load(p, 32));
    v3 = f32x4.add(v3, v128.load(p, 48));
  }
  v128.store(p, v0);
  v128.store(p, v1, 16);
  v128.store(p, v2, 32);
  v128.store(p, v3, 48);
}

/** Adds (or writes) the top-left h×w corner of the edge tile into C at c (once per edge tile: inlined, as featurize.ts says why). */
@inline function storeEdge(edge: usize, c: usize, ldc: usize, h: i32, w: i32, accumulate: bool): void {
  for (let r = 0; r < h; r++) {
    const row = c + <usize>r * ldc;
    for (let j = 0; j < w; j++) {
      const q = row + (<usize>j << 2);
      const v = f32at(edge, r * NR + j);
      store<f32>(q, accumulate ? load<f32>(q) + v : v);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Packing B into a panel Bp[kc×16] (16 floats per k), zero past column N.

/** Bp[k][j] = B[k0+k][j0+j] for B[K×N] (nn, tn). */
function packB(dst: usize, b: usize, N: i32, k0: i32, kc: i32, j0: i32): void {
  const ld = <usize>N << 2;
  let src = b + ((<usize>k0 * N + j0) << 2);
  const w = min(NR, N - j0);
  if (w == NR) {
    for (let k = 0; k < kc; k++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      v128.store(dst, v128.load(src, 32), 32);
      v128.store(dst, v128.load(src, 48), 48);
      dst += NR * 4;
      src += ld;
    }
  } else {
    for (let k = 0; k < kc; k++) {
      for (let j = 0; j < NR; j++) store<f32>(dst + (<usize>j << 2), j < w ? f32at(src, j) : 0);
      dst += NR * 4;
      src += ld;
    }
  }
}

/** Bp[k][j] = B[j0+j][k0+k] for B[N×K] (nt): 4×4 blocks transposed in registers. */
function packBt(dst: usize, b: usize, K: i32, k0: i32, kc: i32, j0: i32, N: i32): void {
  const ld = <usize>K << 2;
  const w = min(NR, N - j0);
  let k4 = 0;
  if (w == NR) {
    k4 = kc & ~3;
    for (let g = 0; g < NR / 4; g++) {
      let src = b + ((<usize>(j0 + 4 * g) * K + k0) << 2);
      let out = dst + (<usize>g << 4);
      for (let k = 0; k < k4; k += 4) {
        const r0 = v128.load(src), r1 = v128.load(src + ld);
        const r2 = v128.load(src + 2 * ld), r3 = v128.load(src + 3 * ld);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        v128.store(out, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(out, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), NR * 4);
        v128.store(out, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 2 * NR * 4);
        v128.store(out, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 3 * NR * 4);
        src += 16;
        out += 4 * NR * 4;
      }
    }
  }
  for (let k = k4; k < kc; k++) {
    for (let j = 0; j < NR; j++) {
      store<f32>(dst + (<usize>(k * NR + j) << 2), j < w ? f32at(b, (j0 + j) * K + k0 + k) : 0);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// nn and nt: A[M×K] read in place, B packed.
//
// Loop order k-block → 256 rows of A → 16 columns of B → row pairs: each B panel is packed once
// per 256 rows and then swept by every row pair, while those rows of A (256 × 256 floats =
// 256 KiB) stay in L2 from one panel to the next.
function gemmAN(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: bool, bTransposed: bool, scratch: usize): void {
  const lda = <usize>K << 2;
  const ldc = <usize>N << 2;
  const panel = scratch;
  const edge = scratch + EDGE_TILE_OFFSET;
  for (let k0 = 0; k0 < K; k0 += KC_N) {
    const kc = min(KC_N, K - k0);
    const acc = accumulate || k0 > 0; // later k-blocks add to what the first wrote
    for (let i0 = 0; i0 < M; i0 += MC_N) {
      const iend = min(M, i0 + MC_N);
      for (let j0 = 0; j0 < N; j0 += NR) {
        if (bTransposed) packBt(panel, b, K, k0, kc, j0, N);
        else packB(panel, b, N, k0, kc, j0);
        const w = min(NR, N - j0);
        let ap = a + <usize>i0 * lda + (<usize>k0 << 2);
        let cp = c + ((<usize>i0 * N + j0) << 2);
        let i = i0;
        if (w == NR) {
          for (; i + 2 <= iend; i += 2) {
            kernel2x16(cp, ldc, ap, ap + lda, 4, panel, NR * 4, kc, acc);
            ap += 2 * lda;
            cp += 2 * ldc;
          }
        }
        // Edges: a last odd row (the kernel reads row i twice) or a last panel narrower than 16.
        for (; i < iend; i += 2) {
          const h = min(2, iend - i);
          kernel2x16(edge, NR * 4, ap, h == 2 ? ap + lda : ap, 4, panel, NR * 4, kc, false);
          storeEdge(edge, cp, ldc, h, w, acc);
          ap += 2 * lda;
          cp += 2 * ldc;
        }
      }
    }
  }
}

/**
 * nt with fewer than NARROW_N columns (a layer with one or a few outputs), where a 16-wide panel
 * would be mostly zeros, or with fewer than FEW_ROWS rows (a batch of one), where packing B would
 * cost as much as the product: each element is a dot product of two rows instead.
 */
function ntNarrow(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: bool): void {
  const lda = <usize>K << 2;
  for (let i = 0; i < M; i++) {
    const arow = a + <usize>i * lda;
    const crow = c + ((<usize>i * N) << 2);
    for (let j = 0; j < N; j++) {
      const s = rowDot(arow, b + <usize>j * lda, K);
      const q = crow + (<usize>j << 2);
      store<f32>(q, accumulate ? load<f32>(q) + s : s);
    }
  }
}

/**
 * x[0..n) · y[0..n) for a whole row of K, four independent sums of 4 lanes each so the adds
 * overlap, each a madd (fused in the fma build). Not math.ts's `dot` (one sum, for the attention
 * kernels' short heads): the two add in different orders, and each order is what the models
 * trained with it are made of (this one pins the default bag model's bytes).
 */
@inline function rowDot(x: usize, y: usize, n: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  const end = x + (<usize>n << 2);
  const end16 = x + (<usize>(n & ~15) << 2);
  while (x < end16) {
    s0 = madd(v128.load(x), v128.load(y), s0);
    s1 = madd(v128.load(x, 16), v128.load(y, 16), s1);
    s2 = madd(v128.load(x, 32), v128.load(y, 32), s2);
    s3 = madd(v128.load(x, 48), v128.load(y, 48), s3);
    x += 64;
    y += 64;
  }
  const s = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
  let total = laneSum(s);
  while (x < end) {
    total += load<f32>(x) * load<f32>(y);
    x += 4;
    y += 4;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// tn: A[K×M] packed into column pairs, B packed.
//
// Loop order k-block → 80 columns of A (packed once) → 16 columns of B (packed once per A block)
// → pairs. A pair's values for one k are A[k][i], A[k][i+1]: read in place they would be one row
// (4·M bytes) apart per k, which for M = 1024 lands every k in the same cache set.

/** Ap[p][k][0..1] = A[k0+k][i0+2p], A[k0+k][i0+2p+1] for A[K×M]; zero past column M. */
function packAt(dst: usize, a: usize, M: i32, k0: i32, kc: i32, i0: i32, mc: i32): void {
  const lda = <usize>M << 2;
  const pairBytes = <usize>kc << 3; // one pair's panel: kc × 2 floats
  const mc4 = mc & ~3;
  let src = a + ((<usize>k0 * M + i0) << 2);
  for (let k = 0; k < kc; k++) {
    let out = dst + (<usize>k << 3);
    let i = 0;
    for (; i < mc4; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      v128.store64_lane(out, v, 0);
      v128.store64_lane(out + pairBytes, v, 1);
      out += 2 * pairBytes;
    }
    for (; i < mc; i += 2) {
      store<f32>(out, f32at(src, i));
      store<f32>(out, i + 1 < mc ? f32at(src, i + 1) : 0, 4);
      out += pairBytes;
    }
    src += lda;
  }
}

function gemmAT(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: bool, scratch: usize): void {
  const ldc = <usize>N << 2;
  const ablock = scratch;
  const panel = scratch + MC_T * KC_T * 4;
  const edge = scratch + EDGE_TILE_OFFSET;
  for (let k0 = 0; k0 < K; k0 += KC_T) {
    const kc = min(KC_T, K - k0);
    const acc = accumulate || k0 > 0;
    for (let i0 = 0; i0 < M; i0 += MC_T) {
      const mc = min(MC_T, M - i0);
      packAt(ablock, a, M, k0, kc, i0, mc);
      for (let j0 = 0; j0 < N; j0 += NR) {
        packB(panel, b, N, k0, kc, j0);
        const w = min(NR, N - j0);
        let ap = ablock;
        let cp = c + ((<usize>i0 * N + j0) << 2);
        let i = 0;
        if (w == NR) {
          for (; i + 2 <= mc; i += 2) {
            kernel2x16(cp, ldc, ap, ap + 4, 8, panel, NR * 4, kc, acc);
            ap += <usize>kc << 3;
            cp += 2 * ldc;
          }
        }
        for (; i < mc; i += 2) {
          kernel2x16(edge, NR * 4, ap, ap + 4, 8, panel, NR * 4, kc, false);
          storeEdge(edge, cp, ldc, min(2, mc - i), w, acc);
          ap += <usize>kc << 3;
          cp += 2 * ldc;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// nn and tn with fewer than FEW_ROWS rows of C (a batch of one or two): B would be packed for
// only one or two row pairs, so its rows are read in place instead, 16 columns at a time.
//
// A[i][k] is at a + i·arow + k·astep: nn passes (4K, 4) bytes, tn (4, 4M).
function gemmFewRows(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: bool, arow: usize, astep: usize, scratch: usize): void {
  const edge = scratch + EDGE_TILE_OFFSET;
  const ldb = <usize>N << 2;
  const ldc = <usize>N << 2;
  const N16 = N & ~(NR - 1);
  for (let i = 0; i < M; i += 2) {
    const a0 = a + <usize>i * arow;
    const a1 = i + 1 < M ? a0 + arow : a0; // a lone last row is computed twice, stored once
    const crow = c + <usize>i * ldc;
    for (let j0 = 0; j0 < N16; j0 += NR) {
      const cp = crow + (<usize>j0 << 2);
      if (i + 1 < M) {
        kernel2x16(cp, ldc, a0, a1, astep, b + (<usize>j0 << 2), ldb, K, accumulate);
      } else {
        kernel2x16(edge, NR * 4, a0, a1, astep, b + (<usize>j0 << 2), ldb, K, false);
        storeEdge(edge, cp, ldc, 1, NR, accumulate);
      }
    }
    // The last N mod 16 columns, one dot product each down a column of B.
    for (let r = i; r < min(M, i + 2); r++) {
      const ar = a + <usize>r * arow;
      for (let j = N16; j < N; j++) {
        let s: f32 = 0;
        for (let k = 0; k < K; k++) s += load<f32>(ar + <usize>k * astep) * f32at(b, k * N + j);
        const q = c + ((<usize>r * N + j) << 2);
        store<f32>(q, accumulate ? load<f32>(q) + s : s);
      }
    }
  }
}

/** C is M×N; with K = 0 the product is zero. */
@inline function emptyProduct(c: usize, M: i32, N: i32, accumulate: i32): void {
  if (!accumulate) memory.fill(c, 0, (<usize>M * N) << 2);
}

// ---------------------------------------------------------------------------------------------
// C[M×N] (+)= A[M×K] · B[K×N]
/** Linear backward for the input gradient (dX = dY·W); called once per layer per step. */
export function matmul_nn(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32, scratch: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) return emptyProduct(c, M, N, accumulate);
  if (M < FEW_ROWS) gemmFewRows(c, a, b, M, K, N, accumulate != 0, <usize>K << 2, 4, scratch);
  else gemmAN(c, a, b, M, K, N, accumulate != 0, false, scratch);
}

/** Scalar reference for matmul_nn. */
export function matmul_nn_ref(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) s += f32at(a, i * K + k) * f32at(b, k * N + j);
      const p = c + ((<usize>i * N + j) << 2);
      store<f32>(p, accumulate ? load<f32>(p) + s : s);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// C[M×N] (+)= A[M×K] · B[N×K]ᵀ
/** Linear forward (Y = X·Wᵀ); called once per layer per step. */
export function matmul_nt(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32, scratch: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) return emptyProduct(c, M, N, accumulate);
  if (N < NARROW_N || M < FEW_ROWS) ntNarrow(c, a, b, M, K, N, accumulate != 0);
  else gemmAN(c, a, b, M, K, N, accumulate != 0, true, scratch);
}

/** Scalar reference for matmul_nt. */
export function matmul_nt_ref(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) s += f32at(a, i * K + k) * f32at(b, j * K + k);
      const p = c + ((<usize>i * N + j) << 2);
      store<f32>(p, accumulate ? load<f32>(p) + s : s);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// C[M×N] (+)= A[K×M]ᵀ · B[K×N]
/** Linear backward for the weight gradient (dW += dYᵀ·X); called once per layer per step. */
export function matmul_tn(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32, scratch: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) return emptyProduct(c, M, N, accumulate);
  if (M < FEW_ROWS) gemmFewRows(c, a, b, M, K, N, accumulate != 0, 4, <usize>M << 2, scratch);
  else gemmAT(c, a, b, M, K, N, accumulate != 0, scratch);
}

/** Scalar reference for matmul_tn. */
export function matmul_tn_ref(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) s += f32at(a, k * M + i) * f32at(b, k * N + j);
      const p = c + ((<usize>i * N + j) << 2);
      store<f32>(p, accumulate ? load<f32>(p) + s : s);
    }
  }
}
