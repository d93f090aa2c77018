import { firstValueFrom, from, toArray } from 'rxjs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeInputs, decodeLineInput } from '../../src/pipeline/decodeInputs';

const LINE = '{"timestamp":"2026-01-27T08:00:00.000Z","type":"worker_ready","data":{"worker_id":2},"producer":"p","seq":4}';

const Decode = suite('decodeInputs');

Decode('a valid line becomes an event keeping its line and position', () => {
  assert.equal(decodeLineInput({ kind: 'line', line: LINE, offset: 120 }), {
    kind: 'event',
    event: { type: 'worker_ready', ts: Date.UTC(2026, 0, 27, 8), data: { workerId: 2 }, producer: 'p', seq: 4 },
    offset: 120,
    line: LINE,
  });
});

Decode('a bad line becomes a rejection with its reason, detail, line and position (never a throw)', () => {
  const cases: Array<[string, string]> = [
    ['{"timestamp": ', 'invalid_json'],
    ['[1]', 'not_an_object'],
    ['{"type":"worker_ready"}', 'bad_envelope'],
    ['{"timestamp":"soon","type":"worker_ready","data":{"worker_id":1}}', 'bad_timestamp'],
    ['{"timestamp":"2026-01-27T08:00:00Z","type":"worker_ready","data":{}}', 'bad_data'],
    ['{"timestamp":"2026-01-27T08:00:00Z","type":"teleported"}', 'unknown_type'],
  ];
  for (const [line, reason] of cases) {
    const input = decodeLineInput({ kind: 'line', line, offset: 9 });
    assert.is(input.kind, 'rejected', line);
    if (input.kind !== 'rejected') continue;
    assert.is(input.reason, reason, line);
    assert.is(input.line, line);
    assert.is(input.offset, 9);
    assert.ok(input.detail.length > 0);
  }
});

Decode('decodes a batch in order; inputs other than lines pass through', async () => {
  const count = { kind: 'count', counter: 'tornTail' } as const;
  const out = await firstValueFrom(from([[{ kind: 'line' as const, line: LINE, offset: 120 }, count]]).pipe(decodeInputs(), toArray()));
  assert.equal(out.length, 1);
  assert.equal(out[0]?.map((i) => i.kind), ['event', 'count']);
  assert.equal(out[0]?.[1], count);
});

Decode('naive timestamps follow the given zone', () => {
  const line = '{"timestamp":"2026-01-27T08:00:00","type":"worker_ready","data":{"worker_id":2}}';
  const input = decodeLineInput({ kind: 'line', line, offset: 1 }, { naiveTz: '+02:00' });
  assert.is(input.kind === 'event' ? input.event.ts : null, Date.UTC(2026, 0, 27, 6));
});

Decode.run();
