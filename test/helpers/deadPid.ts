/**
 * A pid that belongs to no process, without starting one: above the largest pid Linux can hand out
 * (PID_MAX_LIMIT, 2^22) and macOS's (99,998), so `kill(pid, 0)` always fails with ESRCH.
 */
export const DEAD_PID = 2 ** 22 + 1;
