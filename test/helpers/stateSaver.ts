/**
 * Child process for the kill test of test/state/stateManager.test.ts: saves a state file in a
 * loop until it is killed (at a crash point, `MAHABHARATHA_PAUSE_AT`). Each save stores its
 * sequence number in an unknown key (`x_save_seq`) and, once the save has returned, prints that
 * number on stdout — so the parent knows which saves were complete before the kill.
 *
 * Usage: node -r tsx/cjs test/helpers/stateSaver.ts <stateDir> <feature>
 * Even saves go through `save()` (async), odd ones through `saveSync()`: both paths get killed.
 */
import { StateManager } from '../../src/state/stateManager';

const [stateDir, feature] = process.argv.slice(2);
if (!stateDir || !feature) throw new Error('usage: stateSaver.ts <stateDir> <feature>');

/** A state of 100 tasks with every field set and a padded unknown key (about 80 kB). */
function bigState(manager: StateManager): void {
  const padding = 'x'.repeat(300);
  for (let i = 0; i < 100; i++) {
    const id = `TASK-L${1 + (i % 5)}-${String(i).padStart(4, '0')}`;
    const at = Date.UTC(2026, 0, 27, 8, 0, 0) + i * 1000;
    manager.recordTaskCreated(id, 1 + (i % 5), at);
    manager.recordTaskClaimed(id, i % 8, at + 100);
    manager.recordTaskStarted(id, i % 8, at + 200);
    manager.recordTaskCompleted(id, at + 900);
    manager.recordTaskDuration(id, 700);
    Object.assign(manager.state.tasks?.[id] ?? {}, { x_padding: padding });
  }
}

async function main(): Promise<void> {
  const manager = new StateManager({ stateDir: stateDir as string, feature: feature as string });
  manager.load();
  bigState(manager);
  const state = manager.state as Record<string, unknown>;
  for (let seq = 1; ; seq++) {
    state.x_save_seq = seq;
    if (seq % 2 === 0) await manager.save();
    else manager.saveSync();
    process.stdout.write(`${seq}\n`);
  }
}

void main();
