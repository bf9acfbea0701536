/**
 * What every service call needs: the database, the live-event bus, the clock, the rate limits and the mailer.
 * One is made per running app (tests make their own).
 */
import type { DB } from '../storage/database.ts';
import type { Background } from './background.ts';
import type { EventBus } from './event-bus.ts';
import type { LoginGuard } from './login-guard.ts';
import type { Mailer } from './mail.ts';
import type { PasswordCost } from './passwords.ts';
import type { StorageQuotas } from './quotas.ts';
import type { Throttle } from './throttle.ts';

export interface AppContext {
  db: DB;
  bus: EventBus;
  /** The clock of writes: the moment each write stores (services/write.ts). Tests may fix it. */
  clock: () => Date;
  /** Failed log-ins per handle and address, with backoff. */
  loginGuard: LoginGuard;
  /** Sign-ups per client address. */
  signupThrottle: Throttle;
  /** Unsafe API requests per signed-in person. */
  writeThrottle: Throttle;
  /** Password-reset requests per client address. */
  resetThrottle: Throttle;
  /** Password-reset requests per e-mail address asked for, known or not. */
  resetEmailThrottle: Throttle;
  /** Replies and reports taken in from each other server (docs/federation.md §6). */
  remoteThrottle: Throttle;
  /** The scrypt cost of new password hashes (and of re-hashes at log-in). */
  passwordCost: PasswordCost;
  /** What each account may store; null for the command line, whose local account has none. */
  quotas: StorageQuotas | null;
  /** Where mail goes: an SMTP server, or the server's log when there is none. */
  mailer: Mailer;
  /** Whether mail reaches anyone (`mailer.delivers`: an SMTP server is configured). Digests need it; `GET /api/me` says so. */
  mailOn: boolean;
  /** Where work no request waits for (a digest that could not be sent) is logged. */
  log: (line: string) => void;
  /** Work that goes on after its request was answered (a password-reset mail); its failures are logged. */
  background: Background;
}
