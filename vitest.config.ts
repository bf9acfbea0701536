import { defineConfig } from 'vitest/config';

/**
 * Three projects, so the edit loop runs only what it needs (docs/contributing.md):
 * `unit` (pure code: schema/, the client's logic, the layering check) in seconds; `server` (the
 * API over a real SQLite file, the command line) in a few minutes; `browser` (Chromium over a real
 * server; `vite build` first). `npm test` runs all three.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/schema/**/*.test.ts', 'test/client/**/*.test.ts', 'test/architecture/**/*.test.ts'] } },
      { extends: true, test: { name: 'server', include: ['test/server/**/*.test.ts', 'test/cli/**/*.test.ts'] } },
      { extends: true, test: { name: 'browser', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
