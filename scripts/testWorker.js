/**
 * A worker of scripts/test.js: runs the test files it is sent, one at a time, with uvu in this
 * process (started with `-r tsx/cjs`), printing uvu's report of each and then the end-of-file mark
 * with 1 when a test of the file failed, else 0.
 */
'use strict';
globalThis.UVU_DEFER = 1;
const uvu = require('uvu');

const { MARK } = require('./testProtocol');

async function runFile(file, name) {
  globalThis.UVU_QUEUE.length = 0;
  globalThis.UVU_QUEUE.push([name]);
  globalThis.UVU_INDEX = 0;
  process.exitCode = 0;
  try {
    require(file);
    await uvu.exec();
  } catch (err) {
    process.stdout.write(`\n${name} did not load: ${(err && err.stack) || err}\n`);
    process.exitCode = 1;
  }
  const failed = process.exitCode !== 0;
  process.exitCode = 0;
  return failed;
}

process.on('message', (message) => {
  // Exits even when a test left a timer or a socket open (stdout to a pipe is written synchronously).
  if (message.stop) process.exit(0);
  void runFile(message.file, message.name).then((failed) => {
    process.stdout.write(`${MARK}${failed ? 1 : 0}\n`);
  });
});
