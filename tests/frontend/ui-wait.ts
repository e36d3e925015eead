/**
 * Waits until `find` returns something truthy (React and Lumino render
 * asynchronously), polling every 10 ms; fails after `timeoutMs`.
 */
export async function waitFor<T>(
  find: () => T | false | null | undefined,
  timeoutMs = 4000
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = find();
    if (value) {
      return value;
    }
    if (Date.now() - start > timeoutMs) {
      throw new Error(`Timed out waiting for ${find.toString()}`);
    }
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}
