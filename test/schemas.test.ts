import Ajv, { ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as E from 'fp-ts/Either';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { eventSchema, schemaFiles, stateSchema } from '../scripts/generate-schemas';
import { EVENT_ALIASES, EVENT_TYPES } from '../src/events/codecs';
import { decodeLine, encodeEvent } from '../src/events/decode';
import { FeatureMetrics } from '../src/metrics/types';
import { decodeStateBytes, StateManager } from '../src/state/stateManager';
import { withTempDir } from './helpers/tempDir';

const ROOT = path.resolve(__dirname, '..');
const STATE_FIXTURES = path.join(__dirname, 'fixtures', 'state');
const EVENT_FIXTURES = path.join(__dirname, 'fixtures', 'events');

/** Strict ajv (unknown keywords are errors) that also fails on its own warnings. */
function compile(schema: object): ValidateFunction {
  const warnings: string[] = [];
  const log = (...args: unknown[]): void => {
    warnings.push(args.map(String).join(' '));
  };
  const ajv = new Ajv({ strict: true, allErrors: true, logger: { log, warn: log, error: log } });
  const validate = ajv.compile(schema);
  assert.equal(warnings, [], 'ajv warnings');
  return validate;
}

const lines = (file: string): string[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

const jsonFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => path.join(dir, n));

const drift = suite('generated schemas');

drift('the committed schema files are what `npm run schemas` generates', () => {
  for (const [file, text] of Object.entries(schemaFiles())) {
    const committed = fs.readFileSync(path.join(ROOT, file), 'utf8');
    assert.ok(committed === text, `${file} is out of date with the codecs: run \`npm run schemas\` and commit it`);
  }
});

drift('both schemas compile under strict draft-07 without warnings', () => {
  compile(stateSchema());
  compile(eventSchema());
});

drift('the event schema lists every type and alias', () => {
  const typeEnum = ((eventSchema().properties as Record<string, { enum: string[] }>).type as { enum: string[] }).enum;
  assert.equal([...typeEnum].sort(), [...EVENT_TYPES, ...Object.keys(EVENT_ALIASES)].sort());
  assert.is((eventSchema().allOf as unknown[]).length, EVENT_TYPES.length);
});

drift.run();

// ---------------------------------------------------------------------------------------------

const state = suite('state.schema.json');
const validateState = compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'state.schema.json'), 'utf8')) as object);

/** What our reader makes of a state file: rejected, or accepted with its metrics readable (or absent). */
function readerAccepts(bytes: Buffer): boolean {
  const decoded = decodeStateBytes(bytes);
  if (E.isLeft(decoded)) return false;
  const metrics = decoded.right.metrics;
  return metrics === undefined || metrics === null || E.isRight(FeatureMetrics.decode(metrics));
}

const validStateFiles = [path.join(STATE_FIXTURES, 'upstream-feature.json'), ...jsonFiles(path.join(STATE_FIXTURES, 'schema', 'valid'))];

state('accepts the valid fixtures (upstream, seed-era metrics, ours in full), as the reader does', () => {
  assert.ok(validStateFiles.length >= 4);
  for (const file of validStateFiles) {
    const bytes = fs.readFileSync(file);
    const ok = validateState(JSON.parse(bytes.toString('utf8')));
    assert.ok(ok, `${path.basename(file)}: ${JSON.stringify(validateState.errors)}`);
    assert.ok(readerAccepts(bytes), `${path.basename(file)}: the reader rejects what the schema accepts`);
  }
});

state('rejects each invalid fixture, as the reader does', () => {
  const files = jsonFiles(path.join(STATE_FIXTURES, 'schema', 'invalid'));
  assert.ok(files.length >= 10);
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    assert.not.ok(validateState(JSON.parse(bytes.toString('utf8'))), `${path.basename(file)} should be invalid`);
    assert.not.ok(readerAccepts(bytes), `${path.basename(file)}: the reader accepts what the schema rejects`);
  }
});

state('accepts what StateManager writes', () =>
  withTempDir(async (dir) => {
    const m = new StateManager({ stateDir: dir, feature: 'f' });
    m.load();
    const t0 = Date.UTC(2026, 0, 27, 8);
    m.recordRunStarted(t0);
    m.recordWorkerStarted(0, t0);
    m.recordWorkerReady(0, t0 + 10);
    m.recordLevelStarted(1, t0 + 20);
    m.recordTaskCreated('T-1', 1, t0 + 20);
    m.recordTaskClaimed('T-1', 0, t0 + 30);
    m.recordTaskStarted('T-1', 0, t0 + 40);
    m.recordTaskDuration('T-1', 900);
    m.recordTaskVerificationDuration('T-1', 60);
    m.recordTaskCompleted('T-1', t0 + 1000);
    m.recordTaskCreated('T-2', 1, t0 + 20);
    m.recordTaskFailed('T-2', 'boom', t0 + 1100);
    m.recordLevelComplete(1, t0 + 1200, 'failed');
    m.recordWorkerStopped(0, t0 + 1300, 'crashed');
    m.storeMetrics({
      computedAt: '2026-01-27T08:00:01.300Z',
      totalDurationMs: 1300,
      workersUsed: 1,
      tasksTotal: 2,
      tasksCompleted: 1,
      tasksFailed: 1,
      levelsCompleted: 0,
      workerMetrics: [{ workerId: 0, initializationMs: 10, uptimeMs: 1300, tasksCompleted: 1, tasksFailed: 1, totalTaskDurationMs: 900, avgTaskDurationMs: 900 }],
      levelMetrics: [{ level: 1, durationMs: 1180, taskCount: 2, completedCount: 1, failedCount: 1, avgTaskDurationMs: 900, p50DurationMs: 900, p95DurationMs: 900 }],
      source: { eventsOffset: 0, seqHwm: {} },
    });
    await m.save();
    const written: unknown = JSON.parse(fs.readFileSync(m.file, 'utf8'));
    assert.ok(validateState(written), JSON.stringify(validateState.errors));
  }),
);

state.run();

// ---------------------------------------------------------------------------------------------

const events = suite('event.schema.json');
const validateEvent = compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'event.schema.json'), 'utf8')) as object);

events('accepts every valid fixture line, as the decoder does; they cover every type and alias', () => {
  const seen = new Set<string>();
  for (const line of lines(path.join(EVENT_FIXTURES, 'schema-valid.jsonl'))) {
    const value = JSON.parse(line) as { type: string };
    seen.add(value.type);
    assert.ok(validateEvent(value), `${line}: ${JSON.stringify(validateEvent.errors)}`);
    assert.ok(E.isRight(decodeLine(line)), `${line}: the decoder rejects what the schema accepts`);
  }
  for (const type of [...EVENT_TYPES, ...Object.keys(EVENT_ALIASES)]) assert.ok(seen.has(type), `no valid fixture of ${type}`);
});

events('rejects every invalid fixture line, as the decoder does', () => {
  const bad = lines(path.join(EVENT_FIXTURES, 'schema-invalid.jsonl'));
  assert.ok(bad.length >= 20);
  for (const line of bad) {
    assert.not.ok(validateEvent(JSON.parse(line)), `${line} should be invalid`);
    assert.ok(E.isLeft(decodeLine(line)), `${line}: the decoder accepts what the schema rejects`);
  }
});

events('accepts what encodeEvent writes', () => {
  for (const line of lines(path.join(EVENT_FIXTURES, 'schema-valid.jsonl'))) {
    const decoded = decodeLine(line);
    if (E.isLeft(decoded)) throw new Error(decoded.left.detail);
    const wire = encodeEvent(decoded.right);
    assert.ok(validateEvent(wire), `${JSON.stringify(wire)}: ${JSON.stringify(validateEvent.errors)}`);
  }
});

events.run();
