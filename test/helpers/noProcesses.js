/**
 * Preloaded by `npm run test:unit` (scripts/test.js --unit): a test that starts a process fails at
 * once, saying where it belongs. The fast loop starts none; files that do are listed in
 * scripts/test.js (PROCESS_TESTS) and run with `npm test`.
 */
'use strict';
const childProcess = require('node:child_process');

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  childProcess[name] = () => {
    throw new Error(`test:unit starts no process (${name}): list this test file in PROCESS_TESTS of scripts/test.js`);
  };
}
