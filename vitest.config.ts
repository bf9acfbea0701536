import { configDefaults, defineConfig } from 'vitest/config';

/** The API over a real database and the command line: the suites both dialects run. */
const serverSuites = ['test/server/**/*.test.ts', 'test/cli/**/*.test.ts'];

/**
 * Four projects, so the edit loop runs only what it needs (docs/contributing.md): `unit` (pure
 * code: schema/, the client's logic, the layering check) in seconds; `server` (the API over a
 * real SQLite file, the command line) in a few minutes; `server-pg` (the same suites on
 * PostgreSQL, each test app on a database of its own on the server at `DAF_TEST_PG_URL`; less
 * the `*.sqlite.test.ts` files, which test what only SQLite has: docs/postgres.md §5); `browser`
 * (Chromium over a real server; `vite build` first). `npm test` runs all four, `server-pg` when
 * PostgreSQL answers (test/run-tests.ts). Each run ends with its tests by project
 * (test/project-counts.ts).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/project-counts.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/schema/**/*.test.ts', 'test/client/**/*.test.ts', 'test/architecture/**/*.test.ts'] } },
      { extends: true, test: { name: 'server', include: serverSuites, env: { DAF_TEST_DIALECT: 'sqlite' } } },
      {
        extends: true,
        test: {
          name: 'server-pg',
          include: serverSuites,
          exclude: [...configDefaults.exclude, '**/*.sqlite.test.ts'],
          env: { DAF_TEST_DIALECT: 'postgres' },
          globalSetup: ['test/helpers/pg-template.ts'],
        },
      },
      { extends: true, test: { name: 'browser', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
