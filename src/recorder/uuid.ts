import { UUID } from '@lumino/coreutils';

/**
 * A random (v4) UUID: the platform's `crypto.randomUUID` where there is
 * one (browsers on secure origins, Node), several times cheaper than
 * building it from random bytes in JS, which the recorder does for every
 * event on the main thread.
 */
export const uuid4: () => string =
  typeof globalThis.crypto?.randomUUID === 'function'
    ? () => globalThis.crypto.randomUUID()
    : () => UUID.uuid4();
