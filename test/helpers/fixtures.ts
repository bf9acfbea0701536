/**
 * Fixtures: what a suite's tests use that hooks make and unmake, so that a test file asks for
 * it in one line and cannot forget to close it or to check it. Each `use…` function is called in
 * a `describe` (or at the top of a file) and registers the hooks there; what it returns is a
 * stand-in, read inside the suite's tests and hooks only, that always means the value in use
 * (so `const server = useServer()` and then `server.url` in a test).
 *
 * Here: `useFixture` and `standIn`, the parts the others are made of; `useTempDir`, a folder;
 * `useServer`, a real Daf server on a port. The app without a port is `useTestApp`
 * (test-app.ts); the browser and its pages are in test/e2e/browser.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import { startServer, type RunningServer } from '../../server/main.ts';

/** Whether a fixture's value is made for each test (`each`) rather than once for the suite. */
export interface FixtureScope {
  each?: boolean;
}

/** A fixture's value in use, and the means to close it early or replace it. */
export interface Fixture<T> {
  /** The value in use; throws outside the tests and hooks of the suite that asked for it. */
  get(): T;
  /** Whether there is a value in use. */
  isOpen(): boolean;
  /** Closes the value in use (if any) and opens another, with `open` or the fixture's own. */
  reopen(open?: () => Promise<T>): Promise<void>;
  /** Closes the value in use, if any. */
  close(): Promise<void>;
}

/**
 * A value opened before the suite's tests (before each test, with `each`) and closed after
 * them, failed tests included; `what` names it in the error of a read outside the suite.
 */
export function useFixture<T>(what: string, open: () => Promise<T>, close: (value: T) => Promise<void>, { each = false }: FixtureScope = {}): Fixture<T> {
  let current: { value: T } | null = null;
  const fixture: Fixture<T> = {
    get() {
      if (!current) throw new Error(`${what} is there only inside the tests and hooks of the suite that asked for it`);
      return current.value;
    },
    isOpen: () => current !== null,
    async reopen(make = open) {
      await fixture.close();
      current = { value: await make() };
    },
    async close() {
      const was = current;
      current = null;
      if (was) await close(was.value);
    },
  };
  (each ? beforeEach : beforeAll)(() => fixture.reopen());
  (each ? afterEach : afterAll)(() => fixture.close());
  return fixture;
}

/**
 * An object that stands for a fixture's value in use: a property of `own` is its own, any other
 * is read from (or written to) the value in use, its methods called on that value.
 */
export function standIn<T extends object, Own extends object = object>(fixture: Pick<Fixture<T>, 'get' | 'isOpen'>, own = {} as Own): T & Own {
  return new Proxy(own, {
    get(target, key) {
      if (key in target) return Reflect.get(target, key);
      // Not a promise, and quiet to whatever inspects it outside a test (a reporter, a debugger).
      if (key === 'then' || (typeof key === 'symbol' && !fixture.isOpen())) return undefined;
      const value = fixture.get();
      const property = Reflect.get(value, key, value);
      return typeof property === 'function' ? property.bind(value) : property;
    },
    set(target, key, property) {
      if (key in target) return Reflect.set(target, key, property);
      return Reflect.set(fixture.get(), key, property);
    },
    has: (target, key) => key in target || (fixture.isOpen() && key in fixture.get()),
  }) as T & Own;
}

/** A fresh folder in the system's temporary folder. */
const makeTempDir = async (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** Deletes a folder and all it holds. */
const removeDir = async (dir: string) => fs.rmSync(dir, { recursive: true, force: true });

/** A temporary folder, deleted with all it holds after the suite (after each test, with `each`). */
export function useTempDir(prefix: string, scope: FixtureScope = {}): { readonly path: string } {
  const dir = useFixture(`useTempDir('${prefix}')`, () => makeTempDir(prefix), removeDir, scope);
  return {
    get path() {
      return dir.get();
    },
  };
}

/** What `startServer` takes, but the database and the port. */
type ServerOptions = Omit<Parameters<typeof startServer>[0], 'dbPath' | 'port'>;

/**
 * A real Daf server (`startServer`) on a free port of 127.0.0.1, on a fresh database in a
 * temporary folder: made for the suite, or for each test with `each`. `prepare`, if given,
 * writes the database file first (the server then opens it as it finds it). With the demo
 * unless `demo: false`, as `startServer` is. The app logs a 500 with console.error: none may
 * happen while the server runs. The folder is deleted once the server has stopped, before that
 * check (a hook that throws keeps the hooks after it from running).
 */
export function useServer({ each, prepare, ...options }: ServerOptions & FixtureScope & { prepare?: (dbPath: string) => Promise<void> } = {}): RunningServer {
  const server = useFixture(
    'useServer’s server',
    async () => {
      const dir = await makeTempDir('daf-server-');
      try {
        const dbPath = path.join(dir, 'daf.db');
        await prepare?.(dbPath);
        const running = await startServer({ dbPath, port: 0, ...options });
        return { dir, running, errorLog: vi.spyOn(console, 'error') };
      } catch (e) {
        await removeDir(dir);
        throw e;
      }
    },
    async ({ dir, errorLog, running }) => {
      try {
        await running.close();
        await removeDir(dir);
        expect(errorLog.mock.calls).toEqual([]);
      } finally {
        errorLog.mockRestore();
      }
    },
    { each },
  );
  return standIn({ get: () => server.get().running, isOpen: server.isOpen }, { close: server.close });
}
