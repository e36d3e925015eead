/**
 * What an execute request tells the recorder besides its code: whether its
 * cell opted out of recording (an excluded tag), its cell id and the
 * notebook path, each as the record schemas accept them.
 */

/** Whether the request's cell tags include an excluded one. */
export function hasExcludedTag(
  tags: unknown,
  excluded: ReadonlySet<string>
): boolean {
  if (excluded.size === 0 || !Array.isArray(tags)) {
    return false;
  }
  for (const tag of tags) {
    if (typeof tag === 'string' && excluded.has(tag)) {
      return true;
    }
  }
  return false;
}

/** The request's cell id (at most 200 characters), or null without one. */
export function cellIdOf(cellId: unknown): string | null {
  return typeof cellId === 'string' && cellId !== ''
    ? cellId.slice(0, 200)
    : null;
}

/** A notebook path the schema accepts (1 to 4096 characters). */
export function notebookPathOf(path: unknown): string {
  const text = typeof path === 'string' ? path : '';
  return text === '' ? '(unknown)' : text.slice(0, 4096);
}
