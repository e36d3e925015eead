/**
 * Preloaded (node --require) into a server process by the disk-full tests
 * where a small tmpfs cannot be mounted: while the file named by
 * TRAIL_TEST_DISK_FULL exists, an append to a file handle writes the first
 * half of its bytes, then fails with ENOSPC, as a full disk does.
 */
'use strict';
const fs = require('node:fs');

const flag = process.env.TRAIL_TEST_DISK_FULL;
if (flag) {
  void fs.promises.open(__filename, 'r').then(async handle => {
    const proto = Object.getPrototypeOf(handle);
    await handle.close();
    const appendFile = proto.appendFile;
    proto.appendFile = async function (data, options) {
      if (!fs.existsSync(flag)) {
        return appendFile.call(this, data, options);
      }
      const bytes = Buffer.from(data);
      await appendFile.call(this, bytes.subarray(0, bytes.length >> 1));
      const err = new Error('ENOSPC: no space left on device, write');
      err.code = 'ENOSPC';
      err.errno = -28;
      err.syscall = 'write';
      throw err;
    };
  });
}
