// The arithmetic behind the word map and the neighbour lists, on plain arrays so that it reads
// (and is tested) apart from the page. In a two-class model every word vector shares one large
// common direction, so raw cosine similarities all read near 1; subtracting the mean vector
// (centring) first leaves what tells words apart.
//
// The signatures are declared once, in vectors.d.ts (which the tests import); each function here
// takes its own from there with @type, so that the type checker holds the code to them.

/** @typedef {typeof import('./vectors.js')} Api */

/**
 * The words' vectors as one row-major Float32Array [n × dim], and their mean [dim].
 * @type {Api['stackVectors']}
 */
export function stackVectors(vectors) {
  const n = vectors.length;
  const dim = n ? vectors[0].length : 0;
  const rows = new Float32Array(n * dim);
  const mean = new Float64Array(dim);
  vectors.forEach((v, i) => {
    rows.set(v, i * dim);
    for (let d = 0; d < dim; d++) mean[d] += v[d] / n;
  });
  return { rows, mean, n, dim };
}

/**
 * The rows with the mean subtracted, as a new array.
 * @type {Api['centre']}
 */
export function centre({ rows, mean, n, dim }) {
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) out[i * dim + d] = rows[i * dim + d] - mean[d];
  return out;
}

/** @type {Api['cosine']} */
export function cosine(a, b) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let d = 0; d < a.length; d++) {
    dot += a[d] * b[d];
    na += a[d] * a[d];
    nb += b[d] * b[d];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * vector − mean, as a new array.
 * @type {Api['minus']}
 */
export function minus(vector, mean) {
  return Float32Array.from(vector, (x, d) => x - mean[d]);
}

/**
 * The k rows most similar to `query` by cosine (rows given row-major [n × dim]), skipping the
 * index `skip`: [{ index, similarity }], most similar first.
 * @type {Api['nearestRows']}
 */
export function nearestRows(query, rows, n, dim, k, skip = -1) {
  const scores = [];
  for (let i = 0; i < n; i++) {
    if (i === skip) continue;
    scores.push({ index: i, similarity: cosine(query, rows.subarray(i * dim, (i + 1) * dim)) });
  }
  scores.sort((x, y) => y.similarity - x.similarity);
  return scores.slice(0, k);
}

/**
 * Adds rows [from, to) of centred rows [n × dim] into the covariance's upper triangle (the sum of
 * outer products; scale does not matter for its directions). Called in parts, so that a page can
 * breathe between them; `mirror` completes the matrix after the last part.
 * @type {Api['accumulateCovariance']}
 */
export function accumulateCovariance(cov, centred, dim, from, to) {
  for (let i = from; i < to; i++) {
    const off = i * dim;
    for (let a = 0; a < dim; a++) {
      const x = centred[off + a];
      if (x === 0) continue;
      for (let b = a; b < dim; b++) cov[a * dim + b] += x * centred[off + b];
    }
  }
  return cov;
}

/**
 * Copies the upper triangle of a dim × dim matrix onto the lower one.
 * @type {Api['mirror']}
 */
export function mirror(cov, dim) {
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) cov[a * dim + b] = cov[b * dim + a];
  return cov;
}

/**
 * The covariance (sum of outer products) of centred rows [n × dim], in one go.
 * @type {Api['covariance']}
 */
export function covariance(centred, n, dim) {
  return mirror(accumulateCovariance(new Float64Array(dim * dim), centred, dim, 0, n), dim);
}

/**
 * The leading eigenvectors of a covariance matrix (dim × dim; dim is small: 64 by default), by
 * power iteration with deflation. Each has unit length.
 * @type {Api['principalDirections']}
 */
export function principalDirections(cov, dim, count = 2, iterations = 60) {
  const directions = [];
  for (let c = 0; c < count; c++) {
    // A fixed, uneven start: the same map every time for the same vectors.
    let v = Float64Array.from({ length: dim }, (_, d) => 1 + ((d * 7919) % 13) / 13);
    for (let it = 0; it < iterations; it++) {
      const next = new Float64Array(dim);
      for (let a = 0; a < dim; a++) {
        let s = 0;
        for (let b = 0; b < dim; b++) s += cov[a * dim + b] * v[b];
        next[a] = s;
      }
      for (const u of directions) removeComponent(next, u);
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      v = next.map((x) => x / norm);
    }
    directions.push(v);
  }
  return directions;
}

/**
 * The covariance of the rows once their component along the unit vector u is taken out:
 * (I − uuᵀ) C (I − uuᵀ), worked out from C alone.
 * @type {Api['withoutDirection']}
 */
export function withoutDirection(cov, dim, u) {
  const cu = new Float64Array(dim);
  for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) cu[a] += cov[a * dim + b] * u[b];
  let ucu = 0;
  for (let a = 0; a < dim; a++) ucu += u[a] * cu[a];
  const out = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b < dim; b++) out[a * dim + b] = cov[a * dim + b] - cu[a] * u[b] - u[a] * cu[b] + ucu * u[a] * u[b];
  }
  return out;
}

/**
 * v minus its component along the unit vector u, in place.
 * @type {Api['removeComponent']}
 */
export function removeComponent(v, u) {
  let dot = 0;
  for (let d = 0; d < v.length; d++) dot += v[d] * u[d];
  for (let d = 0; d < v.length; d++) v[d] -= dot * u[d];
  return v;
}

/**
 * Each row's coordinates along two unit directions: Float32Array x and y.
 * @type {Api['project']}
 */
export function project(centred, n, dim, [u, w]) {
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let a = 0;
    let b = 0;
    for (let d = 0; d < dim; d++) {
      a += centred[i * dim + d] * u[d];
      b += centred[i * dim + d] * w[d];
    }
    x[i] = a;
    y[i] = b;
  }
  return { x, y };
}

/**
 * The sentiment axis: from the mean of the words the model scores on the negative side to the
 * mean of those on the positive side (probability of the target class above or below ½), as a
 * unit vector. `scores` are those probabilities, one per row.
 * @type {Api['sentimentAxis']}
 */
export function sentimentAxis(centred, n, dim, scores) {
  const axis = new Float64Array(dim);
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < n; i++)
    if (scores[i] > 0.5) pos++;
    else neg++;
  if (pos === 0 || neg === 0) return undefined;
  for (let i = 0; i < n; i++) {
    const weight = scores[i] > 0.5 ? 1 / pos : -1 / neg;
    for (let d = 0; d < dim; d++) axis[d] += weight * centred[i * dim + d];
  }
  const norm = Math.hypot(...axis);
  return norm === 0 ? undefined : axis.map((a) => a / norm);
}

/**
 * The map's two directions. 'pca': the first two principal components; 'sentiment': the sentiment
 * axis, then the first principal component of what is left once it is taken out. `cov` is the
 * rows' covariance, when it was worked out already (in parts). A principal
 * component's sign is arbitrary: each is turned so that words the model scores positive lie
 * towards its positive end on average (said under the map).
 * @type {Api['mapDirections']}
 */
export function mapDirections(centred, n, dim, scores, projection, cov = covariance(centred, n, dim)) {
  let directions;
  if (projection === 'sentiment') {
    const axis = sentimentAxis(centred, n, dim, scores);
    if (axis) directions = [axis, principalDirections(withoutDirection(cov, dim, axis), dim, 1)[0]];
  }
  directions ??= principalDirections(cov, dim, 2);
  return directions.map((u) => (correlation(project(centred, n, dim, [u, u]).x, scores) < 0 ? u.map((x) => -x) : u));
}

/**
 * Pearson correlation of two equal-length arrays (0 when either is constant).
 * @type {Api['correlation']}
 */
export function correlation(a, b) {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return va === 0 || vb === 0 ? 0 : cov / Math.sqrt(va * vb);
}
