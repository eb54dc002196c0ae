// Typed reading of JSON that came from outside (a model file's config, a checkpoint, a settings
// file, a worker's message): each reader checks one value and returns it typed, or throws a
// SchemaError naming the path of the field that is wrong, so a config is checked once, where it
// is read, and the code after it needs no casts. Written here rather than taken from a library
// (zod, valibot) because the browser bundle carries it twice, in the page and in its worker,
// under a budget of a few hundred bytes; it does only what sentiwasm's configs need.

/** A value that is not what a schema asks; the message names the field's path (`config.features.minCount`). */
export class SchemaError extends TypeError {
  /** The error's name. */
  override readonly name = 'SchemaError';
}

/**
 * Reads the value at `path`: returns it typed, or throws a SchemaError naming `path`.
 * @example
 * ```ts
 * integer(1)('abc', 'config.dim') // throws 'config.dim must be a positive integer, got "abc"'
 * ```
 */
export type Schema<T> = (value: unknown, path: string) => T;

/** The type a schema reads. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/**
 * A value in a message: its JSON, cut short (a damaged file may hold megabytes there); `missing`
 * for undefined.
 * @example
 * ```ts
 * show('abc') // '"abc"'
 * ```
 */
export function show(value: unknown): string {
  let json: string | undefined;
  try {
    // String(1e999) is "Infinity", where JSON would write null.
    json = typeof value === 'number' ? String(value) : JSON.stringify(value);
  } catch {
    json = '{…}'; // nested too deep to write out
  }
  return json === undefined ? 'missing' : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new SchemaError(`${path} must be ${expected}, got ${show(value)}`);
}

/** The schema of values that pass `test`, described as `expected` in messages. */
export function is<T>(test: (value: unknown) => value is T, expected: string): Schema<T> {
  return (value, path) => (test(value) ? value : fail(path, expected, value));
}

/** Whether `value` is a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `value` is one of `values`. */
export function isOneOf<const T>(values: readonly T[], value: unknown): value is T {
  return values.some((v) => v === value);
}

/** A string. */
export const string = /* @__PURE__ */ is((v): v is string => typeof v === 'string', 'a string');
/** true or false. */
export const boolean = /* @__PURE__ */ is((v): v is boolean => typeof v === 'boolean', 'true or false');
/** A JSON value as it is, for fields read elsewhere. */
export const unknown: Schema<unknown> = (value) => value;

/** A finite number (of at least `min`, when given). */
export function number(min?: number): Schema<number> {
  return is(
    (v): v is number => typeof v === 'number' && Number.isFinite(v) && (min === undefined || v >= min),
    min === undefined ? 'a number' : `a number ≥ ${min}`,
  );
}

/** A safe integer of at least `min`. */
export function integer(min = 0): Schema<number> {
  return is((v): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min, `an integer ≥ ${min}`);
}

/** One of `values` (strings, numbers, booleans, null). */
export function oneOf<const T>(values: readonly T[]): Schema<T> {
  return is((v): v is T => isOneOf(values, v), `one of ${values.map(show).join(', ')}`);
}

/** An instance of `type` (a typed array's constructor, say). */
export function instance<T>(type: abstract new (...args: never[]) => T): Schema<T> {
  return is((v): v is T => v instanceof type, `a ${type.name}`);
}

/** `schema`'s value, or undefined when the field is missing. */
export function optional<T>(schema: Schema<T>): Schema<T | undefined> {
  return (value, path) => (value === undefined ? undefined : schema(value, path));
}

/** `schema`'s value, or null. */
export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return (value, path) => (value === null ? null : schema(value, path));
}

/** A list of at least `min` items, each read by `item`. */
export function array<T>(item: Schema<T>, min = 0): Schema<T[]> {
  return (value, path) => {
    if (!Array.isArray(value) || value.length < min) return fail(path, `a list of at least ${min}`, value);
    return value.map((v, i) => item(v, `${path}[${i}]`));
  };
}

/** An object whose every value `item` reads (a map from names to values). */
export function record<T>(item: Schema<T>): Schema<Record<string, T>> {
  return (value, path) =>
    isRecord(value)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, item(v, `${path}.${k}`)]))
      : fail(path, 'an object', value);
}

/** The keys of `S` whose schema takes undefined: they may be missing. */
type OptionalKeys<S> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];

/** What object(shape) reads: each key's type, optional where its schema takes undefined. */
export type ObjectOf<S> = {
  [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]>;
} & { [K in OptionalKeys<S>]?: Infer<S[K]> } extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

/**
 * An object with the fields `shape` reads, checked in `shape`'s order; other keys are left out,
 * and so are fields that are missing.
 * @example
 * ```ts
 * object({ dim: integer(1), hidden: optional(array(integer(1))) })(config, 'config').dim // a number
 * ```
 */
export function object<S extends Record<string, Schema<unknown>>>(shape: S): Schema<ObjectOf<S>>;
// Each field is read by its schema, so the object is what ObjectOf<S> says: the signature above
// states it once for every caller.
export function object(shape: Record<string, Schema<unknown>>): Schema<Record<string, unknown>> {
  return (value, path) => {
    if (!isRecord(value)) return fail(path, 'an object', value);
    const out: Record<string, unknown> = {};
    for (const key in shape) {
      const read = shape[key](value[key], path ? `${path}.${key}` : key);
      if (read !== undefined) out[key] = read;
    }
    return out;
  };
}

/**
 * `schema`, with the message `message(value, error)` when it refuses `value` (a TypeError or
 * RangeError, a SchemaError among them): for the messages a file format has always given.
 */
export function explain<T>(schema: Schema<T>, message: (value: unknown, error: Error) => string): Schema<T> {
  return (value, path) => {
    try {
      return schema(value, path);
    } catch (error) {
      if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
      throw new SchemaError(message(value, error));
    }
  };
}

/** What a thrown value says: an Error's message, or the value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A thrown value's `code` (Node's ENOENT, EACCES…), when it has one. */
export function codeOf(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}
