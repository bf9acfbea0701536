/**
 * What every service call needs: the database, the live-event bus, and the log-in throttle.
 * One is made per running app (tests make their own).
 */
import type { DB } from '../storage/database.ts';
import type { EventBus } from './event-bus.ts';
import type { Throttle } from './throttle.ts';

export interface AppContext {
  db: DB;
  bus: EventBus;
  loginThrottle: Throttle;
}
