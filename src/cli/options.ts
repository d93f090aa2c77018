/**
 * The options each command's action receives from commander (camelCase of the flags), shared by
 * the parser (`main.ts`) and the command modules it loads.
 */

export interface StatusOptions {
  feature?: string;
  stateDir?: string;
  naiveTz?: string;
  json?: boolean;
  watch?: boolean;
  level?: number;
  color: boolean;
  interval?: number;
  stallAfter?: number;
  broker?: string;
  check?: boolean;
  task?: string;
  serve?: number;
  host?: string;
}

export interface RushOptions {
  graph: string;
  workers: number;
  feature?: string;
  retries: number;
  stateDir?: string;
  resume?: boolean;
  cwd?: string;
  broker?: string;
  claimTimeout: number;
  metricsPort?: number;
  host?: string;
}

export interface DemoOptions {
  workers: number;
  stateDir?: string;
}

