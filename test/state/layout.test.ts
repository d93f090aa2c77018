import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listFeatures } from '../../src/state/layout';
import { makeTempDir, removeTempDir } from '../helpers/tempDir';

const Features = suite('listFeatures');

/** A state file of `tasks` tasks, far longer than the head that is read, `feature` first as ours and upstream's are. */
const bigState = (feature: string, tasks = 2000): string =>
  JSON.stringify(
    { feature, started_at: '2026-01-27T08:45:34.512733', tasks: Object.fromEntries(Array.from({ length: tasks }, (_, i) => [`T-${i}`, { status: 'complete', worker_id: i % 3 }])) },
    null,
    2,
  );

Features('lists a large state file by the feature its head names, and ignores other JSON files', () => {
  const dir = makeTempDir('layout-');
  try {
    fs.writeFileSync(path.join(dir, 'auth.json'), bigState('auth'));
    fs.writeFileSync(path.join(dir, 'billing.json'), bigState('billing', 5));
    // Large JSON files that are not the state of the feature they are named after.
    fs.writeFileSync(path.join(dir, 'notes.json'), JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => ({ i, feature: 'notes' })) }));
    fs.writeFileSync(path.join(dir, 'copy.json'), bigState('auth'));
    fs.writeFileSync(path.join(dir, 'list.json'), JSON.stringify(Array.from({ length: 2000 }, () => ({ feature: 'list' }))));
    fs.writeFileSync(path.join(dir, 'small.json'), JSON.stringify({ feature: 'other' }));
    // A small corrupt state file still names its feature.
    fs.writeFileSync(path.join(dir, 'broken.json'), '{"feature": "broken", "tasks": {');
    fs.writeFileSync(path.join(dir, 'deploy-events.jsonl'), '');
    assert.ok(fs.statSync(path.join(dir, 'auth.json')).size > 64 * 1024);
    assert.equal(listFeatures(dir).map((f) => f.feature).sort(), ['auth', 'billing', 'broken', 'deploy']);
    const auth = listFeatures(dir).find((f) => f.feature === 'auth');
    assert.equal({ hasState: auth?.hasState, hasEvents: auth?.hasEvents }, { hasState: true, hasEvents: false });
  } finally {
    removeTempDir(dir);
  }
});

Features.run();
