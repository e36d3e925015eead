// jsdom lacks structuredClone, which fake-indexeddb needs to store values.
// Node's own implementation (via v8 serialization) is the same algorithm.
if (typeof globalThis.structuredClone !== 'function') {
  const v8 = require('v8');
  globalThis.structuredClone = value => v8.deserialize(v8.serialize(value));
}
