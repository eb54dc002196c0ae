// Matrix products in the three orientations backpropagation needs. All matrices are row-major
// f32; pointers are byte offsets; `accumulate` != 0 adds to C instead of overwriting it.
//
//   matmul_nn: C[M×N] (+)= A[M×K] · B[K×N]      (Linear backward: dX = dY · W)
//   matmul_nt: C[M×N] (+)= A[M×K] · B[N×K]ᵀ     (Linear forward:  Y = X · Wᵀ)
//   matmul_tn: C[M×N] (+)= A[K×M]ᵀ · B[K×N]     (Linear backward: dW = dYᵀ · X)
//
// Each has a scalar reference (`*_ref`) that the tests compare against.

@inline function f32at(base: usize, index: i32): f32 {
  return load<f32>(base + (<usize>index << 2));
}

@inline function v4at(base: usize, index: i32): v128 {
  return v128.load(base + (<usize>index << 2));
}

// ---------------------------------------------------------------------------------------------
// C[M×N] (+)= A[M×K] · B[K×N]
export function matmul_nn(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  const N8 = N & ~7;
  let i = 0;
  // 4 rows × 8 columns of C in 8 registers; B's row segment is loaded once per k for 4 rows.
  for (; i + 4 <= M; i += 4) {
    for (let j = 0; j < N8; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const bp = b + ((<usize>k * N + j) << 2);
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const a0 = f32x4.splat(f32at(a, i * K + k));
        const a1 = f32x4.splat(f32at(a, (i + 1) * K + k));
        const a2 = f32x4.splat(f32at(a, (i + 2) * K + k));
        const a3 = f32x4.splat(f32at(a, (i + 3) * K + k));
        c00 = f32x4.add(c00, f32x4.mul(a0, b0)); c01 = f32x4.add(c01, f32x4.mul(a0, b1));
        c10 = f32x4.add(c10, f32x4.mul(a1, b0)); c11 = f32x4.add(c11, f32x4.mul(a1, b1));
        c20 = f32x4.add(c20, f32x4.mul(a2, b0)); c21 = f32x4.add(c21, f32x4.mul(a2, b1));
        c30 = f32x4.add(c30, f32x4.mul(a3, b0)); c31 = f32x4.add(c31, f32x4.mul(a3, b1));
      }
      storeBlock(c, i * N + j, c00, c01, accumulate);
      storeBlock(c, (i + 1) * N + j, c10, c11, accumulate);
      storeBlock(c, (i + 2) * N + j, c20, c21, accumulate);
      storeBlock(c, (i + 3) * N + j, c30, c31, accumulate);
    }
    for (let r = i; r < i + 4; r++) nnScalarColumns(c, a, b, r, K, N, N8, accumulate);
  }
  for (; i < M; i++) {
    for (let j = 0; j < N8; j += 8) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      for (let k = 0; k < K; k++) {
        const bp = b + ((<usize>k * N + j) << 2);
        const a0 = f32x4.splat(f32at(a, i * K + k));
        c0 = f32x4.add(c0, f32x4.mul(a0, v128.load(bp)));
        c1 = f32x4.add(c1, f32x4.mul(a0, v128.load(bp, 16)));
      }
      storeBlock(c, i * N + j, c0, c1, accumulate);
    }
    nnScalarColumns(c, a, b, i, K, N, N8, accumulate);
  }
}

@inline function storeBlock(c: usize, index: i32, v0: v128, v1: v128, accumulate: i32): void {
  const p = c + (<usize>index << 2);
  if (accumulate) {
    v0 = f32x4.add(v0, v128.load(p));
    v1 = f32x4.add(v1, v128.load(p, 16));
  }
  v128.store(p, v0);
  v128.store(p, v1, 16);
}

function nnScalarColumns(c: usize, a: usize, b: usize, i: i32, K: i32, N: i32, from: i32, accumulate: i32): void {
  for (let j = from; j < N; j++) {
    let s: f32 = 0;
    for (let k = 0; k < K; k++) s += f32at(a, i * K + k) * f32at(b, k * N + j);
    const p = c + ((<usize>i * N + j) << 2);
    store<f32>(p, accumulate ? load<f32>(p) + s : s);
  }
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
export function matmul_nt(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  const K4 = K & ~3;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = f32x4.splat(0);
      for (let k = 0; k < K4; k += 4) {
        acc = f32x4.add(acc, f32x4.mul(v4at(a, i * K + k), v4at(b, j * K + k)));
      }
      let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) +
        f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      for (let k = K4; k < K; k++) s += f32at(a, i * K + k) * f32at(b, j * K + k);
      const p = c + ((<usize>i * N + j) << 2);
      store<f32>(p, accumulate ? load<f32>(p) + s : s);
    }
  }
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
export function matmul_tn(c: usize, a: usize, b: usize, M: i32, K: i32, N: i32, accumulate: i32): void {
  if (!accumulate) memory.fill(c, 0, (<usize>M * N) << 2);
  const N4 = N & ~3;
  // Rank-1 updates: C[i,:] += A[k,i] · B[k,:], rows of B and C read contiguously.
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < M; i++) {
      const av = f32at(a, k * M + i);
      const vs = f32x4.splat(av);
      const crow = c + ((<usize>i * N) << 2);
      const brow = b + ((<usize>k * N) << 2);
      let j = 0;
      for (; j < N4; j += 4) {
        const p = crow + (<usize>j << 2);
        v128.store(p, f32x4.add(v128.load(p), f32x4.mul(vs, v128.load(brow + (<usize>j << 2)))));
      }
      for (; j < N; j++) {
        const p = crow + (<usize>j << 2);
        store<f32>(p, load<f32>(p) + av * f32at(brow, j));
      }
    }
  }
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
