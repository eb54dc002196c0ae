// The fields of a record, as plain objects keyed by column name: header names made unique, and
// fields set and read as the record's own properties, whatever the column is called.

/**
 * Records are plain objects (V8 keeps those fast, unlike Object.create(null)); a column named
 * "__proto__" is defined as an own property instead of replacing the prototype.
 */
export function setField(record: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** Header names, trimmed; a blank name becomes columnN and a repeated one gets a _2, _3 suffix. */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  // The next suffix to try for each repeated name, so a header of n equal names takes n steps, not n².
  const nextSuffix = new Map<string, number>();
  return names.map((raw, i) => {
    let name = raw.trim() || `column${i + 1}`;
    if (seen.has(name)) {
      let k = nextSuffix.get(name) ?? 2;
      while (seen.has(`${name}_${k}`)) k++;
      nextSuffix.set(name, k + 1);
      name = `${name}_${k}`;
    }
    seen.add(name);
    return name;
  });
}

/** A record's own field (a column named "constructor" or "toString" is not the prototype's). */
export function fieldOf(fields: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}
