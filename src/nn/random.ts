// A small seeded generator. Everything random in sentiwasm (initial weights, shuffling, dropout
// seeds) draws from one of these, so the same seed gives bit-identical results.

/** xoshiro128** (Blackman & Vigna): 128-bit state, fast, good equidistribution in 32-bit output. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @example
   * ```ts
   * const rng = new Random(42); rng.next();
   * ```
   */
  constructor(seed: number) {
    // splitmix32 spreads one seed over the four state words, so nearby seeds give unrelated streams.
    let x = seed >>> 0;
    const mix = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.s0 = mix();
    this.s1 = mix();
    this.s2 = mix();
    this.s3 = mix();
  }

  /**
   * The generator's position, to carry on from later (checkpoints).
   * @example
   * ```ts
   * const saved = rng.state();
   * ```
   */
  state(): Uint32Array {
    return Uint32Array.of(this.s0, this.s1, this.s2, this.s3);
  }

  /**
   * Moves the generator to a position that state() returned.
   * @example
   * ```ts
   * rng.setState(saved);
   * ```
   */
  setState(state: ArrayLike<number>): this {
    if (state.length !== 4) throw new RangeError(`a generator state has 4 words, got ${state.length}`);
    [this.s0, this.s1, this.s2, this.s3] = [state[0] >>> 0, state[1] >>> 0, state[2] >>> 0, state[3] >>> 0];
    return this;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** A uniform number in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles in place (Fisher–Yates) and returns the array. */
  shuffle<
    T extends {
      /** How many items there are. */
      length: number;
      [i: number]: unknown;
    },
  >(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
