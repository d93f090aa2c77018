import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { drawnFor, snapshotBasis } from '../../../src/views/dashboard/snapshotBasis';
import { complete, midway } from './helpers';

const drawn = suite('drawnFor');

drawn('draws a running run every frame', () => {
  const basis = snapshotBasis(midway());
  assert.is(basis.snapshot.endedAt, null);
  let draws = 0;
  for (let i = 0; i < 3; i += 1) assert.is(drawnFor(basis, 'chart:10x5', () => (draws += 1)), i + 1);
  assert.is(draws, 3);
});

drawn('draws an ended run once per snapshot and key', () => {
  const ended = complete();
  assert.is.not(ended.endedAt, null);
  const basis = snapshotBasis(ended);
  let draws = 0;
  const draw = (): number => (draws += 1);
  assert.is(drawnFor(basis, 'chart:10x5', draw), 1);
  assert.is(drawnFor(basis, 'chart:10x5', draw), 1);
  assert.is(drawnFor(basis, 'chart:20x5', draw), 2);
  assert.is(drawnFor(snapshotBasis(ended), 'chart:10x5', draw), 3, 'a new basis draws again');
  assert.is(draws, 3);
});

drawn.run();
