/**
 * What scripts/test.js and its workers (scripts/testWorker.js) agree on: after each test file the
 * worker prints MARK, then 0 (all its tests passed) or 1, then a newline.
 */
'use strict';

const MARK = '\x1emahabharatha-test-file-done:';

module.exports = { MARK };
