/**
 * Preloaded (node --require) into a server process by the log's disk-full
 * test where a small tmpfs cannot be mounted: while the file named by
 * TRAIL_TEST_DISK_FULL exists, a FileHandle write writes the first half of
 * its bytes and then fails with ENOSPC, as a full disk does, and
 * fs.promises.writeFile fails with ENOSPC.
 */
'use strict';
const fs = require('node:fs');

const flag = process.env.TRAIL_TEST_DISK_FULL;

function enospc() {
  const err = new Error('ENOSPC: no space left on device, write');
  err.code = 'ENOSPC';
  err.errno = -28;
  err.syscall = 'write';
  return err;
}

if (flag) {
  const writeFile = fs.promises.writeFile;
  fs.promises.writeFile = async function (...args) {
    if (fs.existsSync(flag)) {
      throw enospc();
    }
    return writeFile.apply(this, args);
  };
  void fs.promises.open(__filename, 'r').then(async handle => {
    const proto = Object.getPrototypeOf(handle);
    await handle.close();
    const write = proto.write;
    proto.write = async function (data, offset, length, position) {
      if (!fs.existsSync(flag) || !Buffer.isBuffer(data)) {
        return write.call(this, data, offset, length, position);
      }
      const half = Math.max(1, (length ?? data.length) >> 1);
      await write.call(this, data, offset ?? 0, half, position);
      throw enospc();
    };
  });
}
