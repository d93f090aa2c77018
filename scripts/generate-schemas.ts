/**
 * Generates `schemas/state.schema.json` and `schemas/event.schema.json` from the codecs
 * (`npm run schemas`). The files are never edited by hand; test/schemas.test.ts regenerates them in
 * memory and fails when the committed ones differ.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as t from 'io-ts';
import { JsonSchema, toJsonSchema } from '../src/codecs/jsonSchema';
import { EVENT_ALIASES, EVENT_TYPES, EventData, EventEnvelope, EventType } from '../src/events/codecs';
import { TIMESTAMP_PATTERN } from '../src/events/timestamp';
import { FeatureMetrics, LevelMetrics, MetricsSource, TaskMetrics, WorkerMetrics } from '../src/metrics/types';
import { ExecutionLogEntry, LevelState, StateFile, TaskState, WorkerState } from '../src/state/codecs';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** Custom codecs with no `_tag`: their schema, by codec name. */
const NAMED: Readonly<Record<string, JsonSchema>> = {
  WorkerId: {
    description: 'A worker id: an integer ≥ 0 (a numeric string is accepted too).',
    anyOf: [
      { type: 'integer', minimum: 0 },
      { type: 'string', pattern: '^\\d+$' },
    ],
  },
  // Epoch ms in code, an ISO string in the file (the metrics' stamps).
  EpochMsFromIso: { type: 'string' },
};

const TIMESTAMP: JsonSchema = {
  type: 'string',
  pattern: TIMESTAMP_PATTERN,
  description: 'ISO-8601: UTC (`Z` or `+00:00`), another offset, or naive (read as local time unless --naive-tz says otherwise).',
};

/** Named parts of the state file, emitted once under `definitions` and referenced elsewhere. */
const STATE_DEFINITIONS: ReadonlyArray<readonly [string, t.Mixed]> = [
  ['task', TaskState],
  ['worker', WorkerState],
  ['level', LevelState],
  ['execution_log_entry', ExecutionLogEntry],
  ['metrics', FeatureMetrics],
  ['worker_metrics', WorkerMetrics],
  ['level_metrics', LevelMetrics],
  ['task_metrics', TaskMetrics],
  ['metrics_source', MetricsSource],
];

export function stateSchema(): JsonSchema {
  const refs = new Map<t.Mixed, string>(STATE_DEFINITIONS.map(([name, codec]) => [codec, `#/definitions/${name}`]));
  const options = { named: NAMED, refs };
  const definitions: Record<string, JsonSchema> = {};
  for (const [name, codec] of STATE_DEFINITIONS) {
    // A definition is written out in full; only the codecs inside it become references.
    const inner = new Map(refs);
    inner.delete(codec);
    definitions[name] = toJsonSchema(codec, { ...options, refs: inner });
  }
  const root = toJsonSchema(StateFile, options);
  const properties = root.properties as Record<string, JsonSchema>;
  // The decoder keeps `metrics` loose (a stale dict must not make the whole state unreadable);
  // what we write, and what `getMetrics()` accepts, is the FeatureMetrics dict.
  properties.metrics = {
    description: "The feature's metrics (the seed's FeatureMetrics dict), or null before they are computed.",
    anyOf: [{ $ref: '#/definitions/metrics' }, { type: 'null' }],
  };
  return {
    $schema: DRAFT_07,
    title: 'MAHABHARATHA state file ({feature}.json)',
    description:
      "Upstream's state file format with our additions. Generated from src/state/codecs.ts and src/metrics/types.ts by `npm run schemas`; do not edit. Unknown keys are allowed and kept.",
    ...root,
    definitions,
  };
}

const aliasesOf = (type: EventType): string[] =>
  Object.entries(EVENT_ALIASES)
    .filter(([, canonical]) => canonical === type)
    .map(([alias]) => alias);

export function eventSchema(): JsonSchema {
  const options = { named: NAMED };
  const envelope = toJsonSchema(EventEnvelope, options);
  const properties = envelope.properties as Record<string, JsonSchema>;
  const aliases = Object.keys(EVENT_ALIASES);
  properties.timestamp = TIMESTAMP;
  properties.type = {
    type: 'string',
    enum: [...EVENT_TYPES, ...aliases],
    description: `Event type. Aliases accepted on input: ${Object.entries(EVENT_ALIASES)
      .map(([alias, canonical]) => `${alias} → ${canonical}`)
      .join(', ')}.`,
  };
  properties.seq = { ...properties.seq, description: 'Strictly increasing per producer; with `producer`, makes the event idempotent.' };
  properties.data = { type: 'object', description: 'The payload of the event type (snake_case); unknown keys are allowed.' };
  const perType = EVENT_TYPES.map((type): JsonSchema => {
    const data = toJsonSchema(EventData[type] as t.Mixed, options);
    const then: JsonSchema = { type: 'object', properties: { data } };
    // The decoder reads a missing `data` as `{}`: it is only needed when the payload has required keys.
    if (Array.isArray(data.required) && data.required.length > 0) then.required = ['data'];
    return {
      if: { type: 'object', properties: { type: { enum: [type, ...aliasesOf(type)] } }, required: ['type'] },
      then,
    };
  });
  return {
    $schema: DRAFT_07,
    title: 'MAHABHARATHA lifecycle event (one line of {feature}-events.jsonl)',
    description:
      "The wire envelope and, per event type, its `data`. Generated from src/events/codecs.ts by `npm run schemas`; do not edit. Upstream worker-log lines ({ts, event, worker_id, task_id, ...}) are lifted into this envelope by the decoder and are not described here.",
    ...envelope,
    allOf: perType,
  };
}

/** The schema files, relative to the project root, with their content. */
export function schemaFiles(): Record<string, string> {
  const render = (schema: JsonSchema): string => `${JSON.stringify(schema, null, 2)}\n`;
  return {
    'schemas/state.schema.json': render(stateSchema()),
    'schemas/event.schema.json': render(eventSchema()),
  };
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  for (const [file, text] of Object.entries(schemaFiles())) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
    process.stdout.write(`wrote ${file}\n`);
  }
}
