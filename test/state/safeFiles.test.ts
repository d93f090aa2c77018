/**
 * DESIGN §8: files we write never follow a symlink and are only ever regular files. Each planted
 * target (symlink, FIFO, device) is refused with a clear error and left exactly as it was.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RuntimeError } from '../../src/cli/exit';
import { metricsExportCommand } from '../../src/cli/metricsExport';
import { writeFileAtomic, writeFileAtomicSync } from '../../src/state/atomicWrite';
import { eventsPath, rejectedPath, statePath } from '../../src/state/layout';
import { lockPath } from '../../src/state/runLock';
import { appendNoFollow, openAppendSync, readNoFollowSync, UnsafeFileError } from '../../src/state/safeFiles';
import { readStateFile } from '../../src/state/stateManager';
import { copyGraph, listTree, runCli } from '../orchestrator/cliHarness';
import { tempDirPerTest } from '../helpers/tempDir';
import { GOLDEN_DIR } from '../views/textRuns';

const safe = suite('safe file writes');
let dir = '';
tempDirPerTest(safe, 'mahabharatha-safe-', (d) => (dir = d));

/** A file someone wants overwritten, and a symlink to it at `link`. */
function plantLink(link: string): string {
  const victim = path.join(dir, 'victim.txt');
  fs.writeFileSync(victim, 'precious\n');
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(victim, link);
  return victim;
}

function assertUntouched(link: string, victim: string): void {
  assert.ok(fs.lstatSync(link).isSymbolicLink(), `${link} is still a symlink`);
  assert.is(fs.readlinkSync(link), victim);
  assert.is(fs.readFileSync(victim, 'utf8'), 'precious\n');
}

const mkfifo = (file: string): void => {
  execFileSync('mkfifo', [file]);
};

safe('the atomic writer replaces a regular file but refuses a symlink, a FIFO or a device', async () => {
  const file = path.join(dir, 'a.json');
  await writeFileAtomic(file, 'one');
  await writeFileAtomic(file, 'two');
  assert.is(fs.readFileSync(file, 'utf8'), 'two');
  const link = path.join(dir, 'link.json');
  const victim = plantLink(link);
  for (const write of [() => writeFileAtomic(link, 'x'), async () => writeFileAtomicSync(link, 'x')]) {
    const err = await write().then(() => null, (e: unknown) => e);
    assert.instance(err, UnsafeFileError);
    assert.match((err as Error).message, /refusing to write .*link\.json: it is a symbolic link/);
    assertUntouched(link, victim);
  }
  const fifo = path.join(dir, 'fifo');
  mkfifo(fifo);
  const err = await writeFileAtomic(fifo, 'x').then(() => null, (e: unknown) => e);
  assert.match((err as Error).message, /it is a FIFO/);
  assert.ok(fs.lstatSync(fifo).isFIFO());
  assert.equal(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temp file left');
});

safe('appends never go through a symlink nor into a FIFO', async () => {
  const link = path.join(dir, 'log.jsonl');
  const victim = plantLink(link);
  assert.throws(() => openAppendSync(link), /refusing to write .*log\.jsonl: it is a symbolic link/);
  const err = await appendNoFollow(link, 'line\n').then(() => null, (e: unknown) => e);
  assert.instance(err, UnsafeFileError);
  assertUntouched(link, victim);
  const fifo = path.join(dir, 'fifo');
  mkfifo(fifo);
  assert.throws(() => openAppendSync(fifo), /it is a FIFO/);
  const fd = openAppendSync(path.join(dir, 'new.jsonl'));
  fs.writeSync(fd, 'ok\n');
  fs.closeSync(fd);
  assert.is(fs.readFileSync(path.join(dir, 'new.jsonl'), 'utf8'), 'ok\n');
});

safe('a symlinked state file is not read: no byte of its target is quoted', () => {
  const link = path.join(dir, 'state', 'f.json');
  const victim = plantLink(link);
  fs.writeFileSync(victim, 'SECRET-BYTES, not JSON');
  const read = readStateFile(link);
  assert.ok(read._tag === 'Left' && read.left.kind === 'io');
  assert.match(read._tag === 'Left' ? read.left.reason : '', /symbolic link/);
  assert.not.match(JSON.stringify(read), /SECRET/);
  const fifo = path.join(dir, 'state', 'g.json');
  mkfifo(fifo);
  assert.throws(() => readNoFollowSync(fifo), /it is a FIFO/);
});

function exportIo() {
  const captured = { out: '', err: '' };
  return {
    captured,
    io: { stdout: { write: (s: string) => (captured.out += s) }, stderr: { write: (s: string) => (captured.err += s) }, env: {}, now: () => Date.parse('2026-01-27T08:48:00Z') },
  };
}

function completedRun(): string {
  const stateDir = path.join(dir, 'run', '.mahabharatha', 'state');
  fs.mkdirSync(stateDir, { recursive: true });
  fs.copyFileSync(path.join(GOLDEN_DIR, 'inputs', 'run-complete.events.jsonl'), path.join(stateDir, 'worker-metrics-events.jsonl'));
  return stateDir;
}

safe('metrics export --out replaces only a regular file; - writes to stdout', async () => {
  const stateDir = completedRun();
  const link = path.join(dir, 'out.json');
  const victim = plantLink(link);
  const fifo = path.join(dir, 'out.fifo');
  mkfifo(fifo);
  for (const [out, what] of [
    [link, /it is a symbolic link; --out replaces only a regular file \(use --out - for stdout\)/],
    [fifo, /it is a FIFO/],
    ['/dev/null', /it is a device/],
  ] as const) {
    const { io } = exportIo();
    const err = await metricsExportCommand({ stateDir, out }, io).then(() => null, (e: unknown) => e);
    assert.instance(err, RuntimeError, out);
    assert.match((err as Error).message, what);
  }
  assertUntouched(link, victim);
  assert.ok(fs.lstatSync(fifo).isFIFO());
  assert.ok(fs.statSync('/dev/null').isCharacterDevice());

  const { io, captured } = exportIo();
  assert.is(await metricsExportCommand({ stateDir, out: '-' }, io), 0);
  assert.is((JSON.parse(captured.out) as { tasks_total: number }).tasks_total, 6);
  const regular = path.join(dir, 'metrics.json');
  fs.writeFileSync(regular, 'old');
  assert.is(await metricsExportCommand({ stateDir, out: regular }, exportIo().io), 0);
  assert.is((JSON.parse(fs.readFileSync(regular, 'utf8')) as { tasks_total: number }).tasks_total, 6);
});

safe('rush refuses a symlinked state, events log, quarantine or lock file, with one clear line, touching nothing', async () => {
  const graph = copyGraph('small.task-graph.json', dir);
  const stateDir = path.join(dir, 'state');
  for (const target of [statePath, eventsPath, rejectedPath, lockPath]) {
    fs.rmSync(stateDir, { recursive: true, force: true });
    const link = target(stateDir, 'small');
    const victim = plantLink(link);
    const before = listTree(stateDir);
    const run = await runCli(['rush', '--graph', graph, '--state-dir', stateDir, ...(target === statePath || target === eventsPath ? ['--resume'] : [])], { cwd: dir });
    assert.is(run.code, 1, `${path.basename(link)}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, new RegExp(`^mahabharatha: refusing to write .*${path.basename(link).replace('.', '\\.')}: it is a symbolic link, not a regular file\\n$`));
    assert.not.match(run.stderr, /\n\s+at /, 'no stack trace');
    assertUntouched(link, victim);
    assert.equal(listTree(stateDir), before, 'nothing written in the state dir');
    fs.rmSync(victim);
  }
});

safe('status does not read a symlinked events log: no line of its target is quoted', async () => {
  const stateDir = path.join(dir, 'state');
  const link = eventsPath(stateDir, 'x');
  const victim = plantLink(link);
  fs.writeFileSync(victim, 'SECRET-LINE not json\n');
  const run = await runCli(['status', '--feature', 'x', '--state-dir', stateDir], { cwd: dir });
  assert.is(run.code, 1);
  assert.match(run.stderr, /cannot read .*x-events\.jsonl: it is a symbolic link, not a regular file \(ELOOP\)/);
  assert.not.match(run.stdout + run.stderr, /SECRET/);
});

safe.run();
