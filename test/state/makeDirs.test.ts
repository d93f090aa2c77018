import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { makeDirs } from '../../src/state/makeDirs';
import { tempDirPerTest } from '../helpers/tempDir';

let dir = '';
const makeDirsSuite = suite('makeDirs');
tempDirPerTest(makeDirsSuite, 'mahabharatha-makedirs-', (d) => (dir = d));

const codeOf = (f: () => void): string | undefined => {
  try {
    f();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'no code';
  }
  return undefined;
};

makeDirsSuite('makes every missing directory, and is a no-op when they exist', () => {
  const deep = path.join(dir, 'a', 'b', 'c');
  makeDirs(deep);
  assert.ok(fs.statSync(deep).isDirectory());
  fs.writeFileSync(path.join(deep, 'kept'), 'x');
  makeDirs(deep);
  makeDirs(path.join(dir, 'a'));
  assert.is(fs.readFileSync(path.join(deep, 'kept'), 'utf8'), 'x');
});

makeDirsSuite('a file in the way is an error, and nothing is made past it', () => {
  fs.writeFileSync(path.join(dir, 'file'), '');
  assert.is(codeOf(() => makeDirs(path.join(dir, 'file', 'sub', 'sub'))), 'ENOTDIR');
  assert.is(codeOf(() => makeDirs(path.join(dir, 'file'))), 'ENOTDIR');
  assert.throws(() => makeDirs(path.join(dir, 'file', 'sub')), /file is in the way: it exists and is not a directory/);
  assert.equal(fs.readdirSync(dir), ['file']);
});

makeDirsSuite('a dangling symbolic link in the way is an error naming it', () => {
  const link = path.join(dir, 'link');
  fs.symlinkSync(path.join(dir, 'gone'), link);
  let message = '';
  try {
    makeDirs(path.join(link, 'sub'));
  } catch (err) {
    message = (err as Error).message;
  }
  assert.is(message, `${link} is in the way: it exists and is not a directory`);
  assert.not.ok(fs.existsSync(path.join(dir, 'gone')));
});

// Node's recursive mkdir never returns here (procfs answers ENOENT for any new child).
if (fs.existsSync('/proc/self')) {
  makeDirsSuite('a directory procfs cannot hold fails at once instead of retrying forever', () => {
    assert.is(codeOf(() => makeDirs('/proc/mahabharatha-no-such/state')), 'ENOENT');
  });
}

makeDirsSuite.run();
