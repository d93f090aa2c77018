/**
 * A full disk, injected, for the full-disk tests where no tmpfs can be mounted (not root):
 * preloaded with `node --require`, it makes writes to files whose path matches
 * `$MAHABHARATHA_TEST_FULL_FILES` (a regular expression) fail with ENOSPC while the file
 * `$MAHABHARATHA_TEST_FULL_FLAG` exists. Creating the flag fills the disk; removing it frees it.
 */
'use strict';
const fs = require('node:fs');

const pattern = new RegExp(process.env.MAHABHARATHA_TEST_FULL_FILES || '^$');
const flag = process.env.MAHABHARATHA_TEST_FULL_FLAG || '';
const full = (file) => flag !== '' && pattern.test(String(file)) && fs.existsSync(flag);
const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

const paths = new Map();
const openSync = fs.openSync;
fs.openSync = function (file, ...rest) {
  const fd = openSync.call(this, file, ...rest);
  paths.set(fd, String(file));
  return fd;
};
const writeSync = fs.writeSync;
fs.writeSync = function (fd, ...rest) {
  if (full(paths.get(fd))) throw enospc();
  return writeSync.call(this, fd, ...rest);
};
const open = fs.promises.open;
fs.promises.open = async function (file, ...rest) {
  const handle = await open.call(this, file, ...rest);
  const writeFile = handle.writeFile;
  handle.writeFile = async function (...args) {
    if (full(file)) throw enospc();
    return writeFile.apply(this, args);
  };
  return handle;
};
