/**
 * Preloaded (node --require) into a server process by the disk-full tests
 * where a small tmpfs cannot be mounted (support/disk-full.ts): while the
 * file named by TRAIL_TEST_DISK_FULL exists, the calls named in
 * TRAIL_TEST_DISK_FULL_CALLS (comma-separated) fail with ENOSPC, as on a
 * full disk:
 * - `appendFile`: a FileHandle append writes the first half of its bytes,
 *   then fails;
 * - `write`: a FileHandle write of a Buffer writes the first half of its
 *   bytes, then fails (a write of a string is left alone);
 * - `writeFile`: fs.promises.writeFile fails and writes nothing.
 */
'use strict';
const fs = require('node:fs');

const flag = process.env.TRAIL_TEST_DISK_FULL;
const calls = new Set(
  (process.env.TRAIL_TEST_DISK_FULL_CALLS ?? '').split(',').filter(Boolean)
);
const known = new Set(['appendFile', 'write', 'writeFile']);
for (const name of calls) {
  if (!known.has(name)) {
    throw new Error(`inject-enospc: unknown call '${name}'`);
  }
}

function enospc() {
  const err = new Error('ENOSPC: no space left on device, write');
  err.code = 'ENOSPC';
  err.errno = -28;
  err.syscall = 'write';
  return err;
}

const full = () => fs.existsSync(flag);

if (flag && calls.has('writeFile')) {
  const writeFile = fs.promises.writeFile;
  fs.promises.writeFile = async function (...args) {
    if (full()) {
      throw enospc();
    }
    return writeFile.apply(this, args);
  };
}

if (flag && (calls.has('appendFile') || calls.has('write'))) {
  void fs.promises.open(__filename, 'r').then(async handle => {
    const proto = Object.getPrototypeOf(handle);
    await handle.close();
    if (calls.has('appendFile')) {
      const appendFile = proto.appendFile;
      proto.appendFile = async function (data, options) {
        if (!full()) {
          return appendFile.call(this, data, options);
        }
        const bytes = Buffer.from(data);
        await appendFile.call(this, bytes.subarray(0, bytes.length >> 1));
        throw enospc();
      };
    }
    if (calls.has('write')) {
      const write = proto.write;
      proto.write = async function (data, offset, length, position) {
        if (!full() || !Buffer.isBuffer(data)) {
          return write.call(this, data, offset, length, position);
        }
        const half = Math.max(1, (length ?? data.length) >> 1);
        await write.call(this, data, offset ?? 0, half, position);
        throw enospc();
      };
    }
  });
}
