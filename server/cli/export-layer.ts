/** `daf export-layer TEXT LAYER`: print a public layer as a W3C AnnotationCollection. */
import { DafUrls } from '../../schema/w3c.ts';
import { exportLayer } from '../services/annotation-export.ts';
import { withContext } from './open-cli-context.ts';
import { UsageError } from './usage-error.ts';

export async function exportLayerCommand({ values, positionals, db }: { values: Record<string, unknown>; positionals: string[]; db: string }) {
  if (positionals.length !== 2) throw new UsageError('export-layer takes TEXT and LAYER');
  const base = ((values['base-url'] as string | undefined) ?? process.env.DAF_BASE_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
  await withContext(db, async (ctx) => {
    // The command line exports what the public may read: a private layer is not exported.
    const collection = await exportLayer(ctx, null, positionals[0], positionals[1], new DafUrls(base));
    process.stdout.write(`${JSON.stringify(collection, null, 2)}\n`);
  });
}
