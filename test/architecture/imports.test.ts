/**
 * The layers hold (docs/architecture.md): routes → services → storage on the server, `schema/`
 * pure and shared, the client apart. Every import of every source file is read with TypeScript's
 * own pre-processor (not a regular expression) and checked: storage never imports services or
 * routes, services never import routes, `schema/` imports neither `server/` nor `client/`, the
 * client never imports `server/` (not even its types), and no cycle of imports that run exists
 * anywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const folders = ['server', 'schema', 'client'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** One import of a source file: the file it names (from the root), and whether only types come through it. */
interface Edge {
  target: string;
  typeOnly: boolean;
}

/** Each source file's imports and re-exports of other source files, parsed by TypeScript. */
function importGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of folders.flatMap(sourceFiles)) {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.Latest, false);
    const edges = new Map<string, boolean>();
    const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
      if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.') || !specifier.text.endsWith('.ts')) return;
      const target = path.normalize(path.join(path.dirname(file), specifier.text));
      edges.set(target, (edges.get(target) ?? true) && typeOnly);
    };
    const visit = (node: ts.Node) => {
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
        const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && named !== null && named.length > 0 && named.every((e) => e.isTypeOnly)));
        add(node.moduleSpecifier, typeOnly);
      } else if (ts.isExportDeclaration(node)) {
        add(node.moduleSpecifier, node.isTypeOnly);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(node.arguments[0], false); // import('./x.ts'): loaded at run time
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    graph.set(file, [...edges].map(([target, typeOnly]) => ({ target, typeOnly })));
  }
  return graph;
}

const graph = importGraph();
const layerOf = (file: string) => {
  const [top, second] = file.split(path.sep);
  return top === 'server' ? `server/${second?.endsWith('.ts') ? '' : second}` : top;
};

/** The imports from files under `from` into files under `to` (folder prefixes). */
function crossings(from: string, to: string): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) {
    if (!file.startsWith(from)) continue;
    for (const { target } of targets) if (target.startsWith(to)) out.push(`${file} → ${target}`);
  }
  return out;
}

/**
 * Every cycle of imports that run (type-only imports are erased before the code runs, so they
 * cannot leave a module half-initialised: a lit controller may name its host's type), each once,
 * as the files around it.
 */
function cycles(): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const { target: next, typeOnly } of graph.get(file) ?? []) {
      if (typeOnly || !graph.has(next)) continue;
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          found.push(cycle);
        }
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

describe('the layers', () => {
  it('reads the whole tree', () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(layerOf(path.join('server', 'storage', 'groups.ts'))).toBe('server/storage');
  });

  it('keeps storage below services and routes', () => {
    expect([...crossings('server/storage/', 'server/services/'), ...crossings('server/storage/', 'server/routes/')]).toEqual([]);
  });

  it('keeps services below routes', () => {
    expect(crossings('server/services/', 'server/routes/')).toEqual([]);
  });

  it('keeps schema/ pure: no server, no client', () => {
    expect([...crossings('schema/', 'server/'), ...crossings('schema/', 'client/')]).toEqual([]);
  });

  it('keeps the client off the server', () => {
    expect(crossings('client/', 'server/')).toEqual([]);
  });

  it('has no cycle of imports that run', () => {
    expect(cycles().map((c) => c.join(' → '))).toEqual([]);
  });
});
