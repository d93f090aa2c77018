/**
 * `connect`, loaded on first use: it pulls in ioredis (about 55 ms of start-up), which `status`
 * on a log or a state file never needs. Modules on that path take the broker from here.
 */
import type * as Connect from './connect';

const load = (): typeof Connect => require('./connect') as typeof Connect;

export const connectBroker: typeof Connect.connectBroker = (...args) => load().connectBroker(...args);
export const reachable: typeof Connect.reachable = (...args) => load().reachable(...args);
