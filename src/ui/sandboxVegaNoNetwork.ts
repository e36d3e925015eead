/**
 * Removes the network APIs from the global scope of the Vega worker. The
 * worker imports this module first, so it runs before Vega loads.
 */
function removeNetwork(): string[] {
  const scope = self as unknown as Record<string, unknown>;
  const removed: string[] = [];
  for (const name of [
    'fetch',
    'XMLHttpRequest',
    'WebSocket',
    'EventSource',
    'importScripts',
    'Image',
    'Request'
  ]) {
    try {
      Object.defineProperty(scope, name, {
        value: undefined,
        writable: false,
        configurable: false
      });
      removed.push(name);
    } catch {
      // Not there, or not removable, in this scope.
    }
  }
  return removed;
}

/** The network APIs removed (done once, when the module loads). */
export const NETWORK_REMOVED: readonly string[] = removeNetwork();
