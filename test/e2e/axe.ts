/**
 * axe-core in a page, through its shadow roots: the serious and critical violations only. The
 * page's context must bypass the CSP (`bypassCSP: true`), which rightly forbids the inline
 * script that injects axe.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One rule broken, with the nodes that break it. */
export interface Violation {
  rule: string;
  impact: string;
  help: string;
  nodes: { target: unknown; html: string; summary: string }[];
}

/** Runs axe on the page as it is now; throws if it checked nothing inside a shadow root. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: any[]; passes: any[] }> } }).axe;
    const results = await axe.run(document);
    // A target that is a list of selectors is a node inside a shadow root.
    const intoShadow = results.passes.some((p) => (p.nodes as any[]).some((n) => Array.isArray(n.target[0])));
    if (!intoShadow) throw new Error('axe checked nothing inside the shadow DOM');
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        rule: v.id as string,
        impact: v.impact as string,
        help: v.help as string,
        nodes: (v.nodes as any[]).map((n) => ({ target: n.target, html: n.html as string, summary: n.failureSummary as string })),
      }));
  });
}
