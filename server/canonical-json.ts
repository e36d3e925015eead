/**
 * Canonical JSON: one text per JSON value, so that equal values hash
 * equally whatever the key order their writer used.
 */

/**
 * The canonical JSON text of a JSON value: object keys sorted (by UTF-16
 * code units, JavaScript's default order) at every depth, no whitespace,
 * strings and numbers as JSON.stringify writes them. For values parsed from
 * JSON this is the RFC 8785 (JCS) serialization.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // Strings, numbers, booleans, null. JSON.stringify turns a non-finite
    // number into null, as JSON itself must.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    if (record[key] !== undefined) {
      parts.push(`${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    }
  }
  return `{${parts.join(',')}}`;
}
