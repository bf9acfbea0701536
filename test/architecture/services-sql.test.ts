/**
 * Services run no SQL of their own (docs/architecture.md): every query is a function of
 * `server/storage/`, which the services call with their executor (the database, or the
 * transaction `write` opened). Every `.ts` file under `server/services/` is read with
 * TypeScript's own parser (not a regular expression) and fails the test if it builds a query:
 * a call of one of Kysely's query starters (`selectFrom`, `updateTable`, `deleteFrom`,
 * `insertInto`, `replaceInto`, `mergeInto`, `selectNoFrom`, `withRecursive`, or `with` given a
 * name), whether on a handle (`trx.selectFrom(…)`) or destructured from an expression builder
 * (`({ selectFrom }) => selectFrom(…)`); the `sql` template tag or any member of `sql`; or any
 * value imported from `kysely` (its types may be imported). Opening a transaction
 * (`ctx.db.transaction()`, as `write` does) is no query, and is allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const servicesDir = path.join('server', 'services');

/** The names of Kysely's methods that start a query. */
const queryStarters = new Set(['selectFrom', 'updateTable', 'deleteFrom', 'insertInto', 'replaceInto', 'mergeInto', 'selectNoFrom', 'withRecursive']);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The name a call is made through: `f(…)` → f, `a.b.f(…)` → f; null for anything else. */
function calleeName(call: ts.CallExpression): string | null {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return null;
}

/** Whether an expression is the identifier `sql`, or a member of it (`sql.raw`, `sql.join`, …). */
function isSqlTag(node: ts.Expression): boolean {
  if (ts.isIdentifier(node)) return node.text === 'sql';
  return ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'sql';
}

/** Each place in `source` (named `file`) where it builds SQL, as `file:line: what`. */
function sqlBuiltIn(file: string, source: string): string[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const report = (node: ts.Node, what: string) => {
    const { line } = tree.getLineAndCharacterOfPosition(node.getStart(tree));
    found.push(`${file}:${line + 1}: ${what}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text === 'kysely') {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const values =
        !clause || clause.isTypeOnly
          ? []
          : [
              ...(clause.name ? [clause.name.text] : []),
              ...(named && ts.isNamespaceImport(named) ? [`* as ${named.name.text}`] : []),
              ...(named && ts.isNamedImports(named) ? named.elements.filter((e) => !e.isTypeOnly).map((e) => e.name.text) : []),
            ];
      if (values.length > 0 || !clause) report(node, `imports ${values.length ? values.join(', ') : 'kysely for its effects'} from kysely`);
    } else if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      const first = node.arguments[0];
      if (name !== null && queryStarters.has(name)) report(node, `calls ${name}`);
      // `with` is also Array.prototype.with (an index, then a value); Kysely's takes a name first.
      else if (name === 'with' && first !== undefined && (ts.isStringLiteralLike(first) || ts.isTemplateExpression(first))) report(node, 'calls with');
      else if (isSqlTag(node.expression)) report(node, `calls ${node.expression.getText(tree)}`);
    } else if (ts.isTaggedTemplateExpression(node) && isSqlTag(node.tag)) {
      report(node, 'writes a sql`…` template');
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

describe('services run no SQL of their own', () => {
  it('reads every service', () => {
    const files = sourceFiles(servicesDir);
    expect(files.length).toBeGreaterThan(25);
    expect(files).toContain(path.join(servicesDir, 'write.ts'));
  });

  it('finds each way of building a query (the rule is not blind)', () => {
    const source = [
      "import { sql, type Kysely } from 'kysely';",
      "import type { Transaction } from 'kysely';",
      "const a = await trx.selectFrom('gloss').selectAll().execute();",
      "await w.trx.updateTable('gloss').set({}).execute();",
      "await db.deleteFrom('event').execute();",
      "await db.insertInto('flag').values({}).execute();",
      'const b = db.selectNoFrom((eb) => eb.val(1));',
      "const c = db.withRecursive('below(id)', (q) => q);",
      "const d = db.with('kept', (q) => q);",
      "const e = rows.where(({ not, exists, selectFrom }) => not(exists(selectFrom('gloss'))));",
      'await sql`DELETE FROM search_index`.execute(trx);',
      'const f = sql<number>`1`;',
      "const g = sql.raw('1');",
      'const h = [1, 2].with(0, 3);',
      'const t = await ctx.db.transaction().execute(async (trx) => trx);',
    ].join('\n');
    const lines = sqlBuiltIn('example.ts', source).map((f) => f.replace(/^example\.ts:/, ''));
    expect(lines).toEqual([
      '1: imports sql from kysely',
      '3: calls selectFrom',
      '4: calls updateTable',
      '5: calls deleteFrom',
      '6: calls insertInto',
      '7: calls selectNoFrom',
      '8: calls withRecursive',
      '9: calls with',
      '10: calls selectFrom',
      '11: writes a sql`…` template',
      '12: writes a sql`…` template',
      '13: calls sql.raw',
    ]);
  });

  it('finds no query built in server/services/ (it belongs in server/storage/)', () => {
    const found = sourceFiles(servicesDir).flatMap((file) => sqlBuiltIn(file, fs.readFileSync(path.join(root, file), 'utf8')));
    expect(found).toEqual([]);
  });
});
