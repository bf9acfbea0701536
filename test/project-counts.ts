/**
 * A vitest reporter that ends a run with one line of tests by project — `unit`, `server` (on
 * SQLite), `server-pg` (the same suites on PostgreSQL), `browser` — so a run of several says how
 * many passed on each dialect (`.ci/run` repeats the line at its end), and how long each took:
 * the time of its files' tests and hooks, summed (more than the wall clock, as files run side by
 * side). Used beside the default reporter (vitest.config.ts).
 */
import type { Reporter, TestModule } from 'vitest/node';

/** What each project's name means, in the line. */
const described: Record<string, string> = { server: 'server on SQLite', 'server-pg': 'server on PostgreSQL' };

export default class ProjectCounts implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const byProject = new Map<string, { passed: number; failed: number; skipped: number; ms: number }>();
    for (const module of modules) {
      const counts = byProject.get(module.project.name) ?? { passed: 0, failed: 0, skipped: 0, ms: 0 };
      counts.ms += module.diagnostic().duration;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      byProject.set(module.project.name, counts);
    }
    if (byProject.size === 0) return;
    const parts = [...byProject].map(([name, c]) => {
      const rest = [c.failed && `${c.failed} failed`, c.skipped && `${c.skipped} skipped`].filter(Boolean).join(', ');
      return `${described[name] ?? name}: ${c.passed} passed${rest ? ` (${rest})` : ''} in ${Math.round(c.ms / 1000)} s`;
    });
    process.stdout.write(`\nTests by project — ${parts.join('; ')}\n`);
  }
}
