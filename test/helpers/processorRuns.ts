/**
 * Running the metrics processor in tests: over what a state dir's events log holds now, to its
 * end, persisting by default; and reading the state file it saved.
 */
import * as E from 'fp-ts/Either';
import { createMetricsProcessor, type MetricsProcessor, type MetricsProcessorOptions } from '../../src/pipeline/processor';
import type { StateFile } from '../../src/state/codecs';
import { statePath } from '../../src/state/layout';
import { readStateFile } from '../../src/state/stateManager';

export type RunOptions = Omit<Partial<MetricsProcessorOptions>, 'now'> & { readonly feature: string; readonly now: number };

/** The options of a processor replaying `stateDir`'s log (to its end, persisting, warnings dropped), with `extra` on top. */
export const replayOptions = (stateDir: string, { now, ...extra }: RunOptions): MetricsProcessorOptions => ({
  stateDir,
  sources: { eventsLog: { follow: false } },
  persist: true,
  now: () => now,
  onWarning: () => undefined,
  ...extra,
});

/** Runs a processor (`replayOptions`) until it has read everything, closes it and returns it. */
export async function replayLog(stateDir: string, options: RunOptions): Promise<MetricsProcessor> {
  const processor = createMetricsProcessor(replayOptions(stateDir, options));
  await processor.ready;
  await processor.close();
  return processor;
}

/** The state file `feature` has in `stateDir`; throws when there is none, or it does not parse. */
export function savedState(stateDir: string, feature: string): StateFile {
  const read = readStateFile(statePath(stateDir, feature));
  if (E.isLeft(read)) throw new Error(`state file does not parse: ${read.left.reason}`);
  if (read.right === null) throw new Error('no state file');
  return read.right;
}
