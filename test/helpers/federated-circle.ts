/**
 * The smallest federated world, for federation tests: ada, who owns the public group `circle`,
 * made federated, and its public layer `notes` on the text `light`, set to `federation`.
 */
import { answered as ok, type Client } from './sse-client.ts';

export async function federatedCircle(ada: Client, federation: 'publish' | 'publish+replies'): Promise<void> {
  await ok(ada.request('POST', '/api/auth/signup', { handle: 'ada', password: 'correct horse battery' }));
  await ok(ada.request('POST', '/api/groups', { slug: 'circle', name: 'Circle', visibility: 'public', joinPolicy: 'open' }));
  await ok(ada.request('PATCH', '/api/groups/circle', { federated: true }), 200);
  await ok(ada.request('POST', '/api/texts', { title: 'Light', slug: 'light', language: 'en', format: 'markdown', content: 'Let there be light, and there was light.' }));
  await ok(ada.request('POST', '/api/texts/light/layers', { name: 'Notes', slug: 'notes', visibility: 'public', group: 'circle' }));
  await ok(ada.request('PATCH', '/api/texts/light/layers/notes', { federation }), 200);
}
