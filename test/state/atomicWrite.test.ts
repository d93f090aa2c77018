import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listTemps, removeStaleTemps, tempPathFor, writeFileAtomic, writeFileAtomicSync } from '../../src/state/atomicWrite';
import { DEAD_PID } from '../helpers/deadPid';
import { tempDirInContext } from '../helpers/tempDir';

interface Ctx {
  dir: string;
}

const temp = suite('tempPathFor');

temp('names a hidden temp file in the same directory, unique per call', () => {
  const a = tempPathFor('/some/dir/f.json');
  const b = tempPathFor('/some/dir/f.json');
  assert.is(path.dirname(a), '/some/dir');
  assert.match(path.basename(a), new RegExp(`^\\.f\\.json\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
  assert.is.not(a, b);
});

temp.run();

const write = suite<Ctx>('writeFileAtomic');
tempDirInContext(write, 'mhb-atomic-');

write('creates a file', async ({ dir }) => {
  const file = path.join(dir, 'f.json');
  assert.is(await writeFileAtomic(file, '{"a":1}\n'), true);
  assert.is(fs.readFileSync(file, 'utf8'), '{"a":1}\n');
});

write('replaces a file and leaves no temp file', async ({ dir }) => {
  const file = path.join(dir, 'f.json');
  fs.writeFileSync(file, 'old');
  await writeFileAtomic(file, Buffer.from('new bytes'));
  assert.is(fs.readFileSync(file, 'utf8'), 'new bytes');
  assert.equal(fs.readdirSync(dir), ['f.json']);
});

write('replaces the file by rename: an open reader keeps the old content', async ({ dir }) => {
  const file = path.join(dir, 'f.json');
  fs.writeFileSync(file, 'old');
  const fd = fs.openSync(file, 'r');
  try {
    await writeFileAtomic(file, 'new');
    const buffer = Buffer.alloc(3);
    fs.readSync(fd, buffer, 0, 3, 0);
    assert.is(buffer.toString(), 'old');
    assert.is(fs.readFileSync(file, 'utf8'), 'new');
  } finally {
    fs.closeSync(fd);
  }
});

write("keeps the replaced file's permissions", async ({ dir }) => {
  const file = path.join(dir, 'f.json');
  fs.writeFileSync(file, 'old');
  fs.chmodSync(file, 0o600);
  await writeFileAtomic(file, 'new');
  assert.is(fs.statSync(file).mode & 0o777, 0o600);
  writeFileAtomicSync(file, 'newer');
  assert.is(fs.statSync(file).mode & 0o777, 0o600);
});

write('skips the rename when shouldCommit says no, and cleans up', async ({ dir }) => {
  const file = path.join(dir, 'f.json');
  fs.writeFileSync(file, 'kept');
  assert.is(await writeFileAtomic(file, 'dropped', { shouldCommit: () => false }), false);
  assert.is(fs.readFileSync(file, 'utf8'), 'kept');
  assert.equal(fs.readdirSync(dir), ['f.json']);
});

write('a failed rename rejects, keeps the target and removes the temp file', async ({ dir }) => {
  const target = path.join(dir, 'f.json');
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(target, 'inside'), 'x');
  let error: unknown;
  await writeFileAtomic(target, 'data').catch((err: unknown) => {
    error = err;
  });
  assert.ok(error instanceof Error);
  assert.ok(fs.statSync(target).isDirectory());
  assert.equal(fs.readdirSync(dir), ['f.json']);
});

write('a missing directory rejects with ENOENT', async ({ dir }) => {
  let code: string | undefined;
  await writeFileAtomic(path.join(dir, 'nope', 'f.json'), 'x').catch((err: NodeJS.ErrnoException) => {
    code = err.code;
  });
  assert.is(code, 'ENOENT');
});

write('concurrent writes each land whole: the file is one of them', async ({ dir }) => {
  const file = path.join(dir, 'f.json');
  const contents = Array.from({ length: 10 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(100_000 + i) }));
  await Promise.all(contents.map((c) => writeFileAtomic(file, c)));
  assert.ok(contents.includes(fs.readFileSync(file, 'utf8')));
  assert.equal(fs.readdirSync(dir), ['f.json']);
});

write.run();

const writeSync = suite<Ctx>('writeFileAtomicSync');
tempDirInContext(writeSync, 'mhb-atomic-');

writeSync('creates and replaces a file, leaving no temp file', ({ dir }) => {
  const file = path.join(dir, 'f.json');
  writeFileAtomicSync(file, 'one');
  writeFileAtomicSync(file, 'two');
  assert.is(fs.readFileSync(file, 'utf8'), 'two');
  assert.equal(fs.readdirSync(dir), ['f.json']);
});

writeSync('a failed rename throws, keeps the target and removes the temp file', ({ dir }) => {
  const target = path.join(dir, 'f.json');
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(target, 'inside'), 'x');
  assert.throws(() => writeFileAtomicSync(target, 'data'));
  assert.ok(fs.statSync(target).isDirectory());
  assert.equal(fs.readdirSync(dir), ['f.json']);
});

writeSync.run();

const stale = suite<Ctx>('removeStaleTemps');
tempDirInContext(stale, 'mhb-atomic-');

stale('removes temp files of dead writers and of earlier runs with our pid', ({ dir }) => {
  const dead = path.join(dir, `.f.json.${DEAD_PID}.a1b2c3.tmp`);
  const ours = path.join(dir, `.f.json.${process.pid}.d4e5f6.tmp`);
  fs.writeFileSync(dead, 'half');
  fs.writeFileSync(ours, 'half');
  assert.equal(removeStaleTemps(dir, 'f.json').sort(), [dead, ours].sort());
  assert.equal(fs.readdirSync(dir), []);
});

stale('leaves everything that is not a temp file of this base', ({ dir }) => {
  const keep = ['f.json', 'f.json.corrupt-2026-01-27T08-45-34-512Z', `.g.json.${DEAD_PID}.a1b2c3.tmp`, '.f.json.tmp', 'notes.tmp', `.f.json.x.a1b2c3.tmp`];
  for (const name of keep) fs.writeFileSync(path.join(dir, name), 'x');
  assert.equal(removeStaleTemps(dir, 'f.json'), []);
  assert.equal(fs.readdirSync(dir).sort(), [...keep].sort());
});

stale("leaves a fresh temp file of another live process (a writer mid-rename), not an old one", ({ dir }) => {
  const live = process.ppid;
  const fresh = path.join(dir, `.f.json.${live}.aaaaaa.tmp`);
  const old = path.join(dir, `.f.json.${live}.bbbbbb.tmp`);
  fs.writeFileSync(fresh, 'x');
  fs.writeFileSync(old, 'x');
  const twoMinutesAgo = new Date(Date.now() - 120_000);
  fs.utimesSync(old, twoMinutesAgo, twoMinutesAgo);
  assert.equal(removeStaleTemps(dir, 'f.json'), [old]);
  assert.ok(fs.existsSync(fresh));
});

stale('escapes the base name: a dot in it is not a wildcard', ({ dir }) => {
  const other = path.join(dir, `.fxjson.${DEAD_PID}.a1b2c3.tmp`);
  fs.writeFileSync(other, 'x');
  assert.equal(removeStaleTemps(dir, 'f.json'), []);
});

stale('a missing directory has nothing to remove', ({ dir }) => {
  assert.equal(removeStaleTemps(path.join(dir, 'missing'), 'f.json'), []);
});

stale.run();

const list = suite<Ctx>('listTemps');
tempDirInContext(list, 'mhb-atomic-');

list('lists the temp files of a base, whoever wrote them', ({ dir }) => {
  const a = path.join(dir, `.f.json.${process.pid}.a1b2c3.tmp`);
  const b = path.join(dir, `.f.json.1.ffffff.tmp`);
  for (const f of [a, b, path.join(dir, 'f.json'), path.join(dir, `.g.json.1.ffffff.tmp`)]) fs.writeFileSync(f, 'x');
  assert.equal(listTemps(dir, 'f.json').sort(), [a, b].sort());
});

list.run();
