/**
 * The requirements a run installed with `%pip install` (as the analysis
 * found them, written as in the cell), merged: one per package, the last
 * one installed (what the environment ended with), at the place the
 * package first appeared.
 */

/** The distribution a requirement names, normalised as PEP 503 does; the whole text for a URL, a path or an option. */
export function requirementKey(requirement: string): string {
  const text = requirement.trim();
  const name =
    /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@ ]|$)/.exec(
      text
    );
  if (!name || text.startsWith('-') || /^[a-z+]+:\/\//i.test(text)) {
    return text;
  }
  return name[1].toLowerCase().replace(/[-_.]+/g, '-');
}

export function mergeRequirements(requirements: readonly string[]): string[] {
  const merged = new Map<string, string>();
  for (const requirement of requirements) {
    const text = requirement.trim();
    if (!text) {
      continue;
    }
    // Map keeps the first insertion's place when a key is set again.
    merged.set(requirementKey(text), text);
  }
  return [...merged.values()];
}
