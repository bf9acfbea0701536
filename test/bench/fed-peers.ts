/**
 * The servers elsewhere of the federation benchmark (federation.ts), in a child process of their
 * own, as they would be on other machines: `PEERS` Fedify peers (test/helpers/fedi-peer.ts) on
 * loopback, each hosting `PEOPLE` people (`reader0`, `reader1`, …) who advertise their server's
 * shared inbox, as Mastodon's accounts do, and all sign with one pair of keys. Each peer checks
 * every delivery's signatures, records only its type and object, and tells the parent at once
 * over the IPC channel:
 *
 *   parent → child  { kind: 'follow', actor }       every person of every peer follows `actor`
 *                   { kind: 'delay', ms }            each peer answers each delivery `ms` late from now on
 *   child → parent  { kind: 'ready', urls }          the peers are serving
 *                   { kind: 'followed' }             every Follow was taken (answered 2xx)
 *                   { kind: 'delayed' }              the delay is set
 *                   { kind: 'delivery', peer, type, object }
 *                   { kind: 'error', message }
 *
 * Run as `node server/cli/run-ts.js test/bench/fed-peers.ts PEERS PEOPLE`, forked (it needs the
 * channel); it ends when the channel closes.
 */
import { generateCryptoKeyPair } from '@fedify/fedify';
import { FediPeer } from '../helpers/fedi-peer.ts';

export type PeerMessage =
  | { kind: 'ready'; urls: string[] }
  | { kind: 'followed' }
  | { kind: 'delayed' }
  | { kind: 'delivery'; peer: number; type: string; object: string | null }
  | { kind: 'error'; message: string };

const tell = (message: PeerMessage): void => void process.send!(message);

const [peerCount, peopleCount] = process.argv.slice(2).map(Number);
if (!process.send || !(peerCount > 0) || !(peopleCount > 0)) throw new Error('usage: fork fed-peers.ts PEERS PEOPLE (with an IPC channel)');
const people = Array.from({ length: peopleCount }, (_, i) => `reader${i}`);
// One RSA and one Ed25519 pair for every person (each under their own key id): making 50 RSA pairs
// of 4,096 bits takes minutes of a busy machine, and what is measured is Daf's side.
const keys = [await generateCryptoKeyPair('RSASSA-PKCS1-v1_5'), await generateCryptoKeyPair('Ed25519')];
const peers: FediPeer[] = [];
let delayMs = 0;
for (let p = 0; p < peerCount; p++) {
  peers.push(
    await FediPeer.start({ people, json: false, keys, inboxDelayMs: () => delayMs, onDelivery: (d) => tell({ kind: 'delivery', peer: p, type: d.type, object: d.object ?? null }) }),
  );
}

process.on('message', (message: { kind: 'follow'; actor: string } | { kind: 'delay'; ms: number }) => {
  if (message.kind === 'delay') {
    delayMs = message.ms;
    tell({ kind: 'delayed' });
    return;
  }
  if (message.kind !== 'follow') return;
  // The peers side by side, each one's people one after another (each Follow is sent at once and answered 202).
  const following = peers.map(async (peer) => {
    for (const who of people) await peer.follow(message.actor, who);
  });
  Promise.all(following).then(
    () => tell({ kind: 'followed' }),
    (e: Error) => tell({ kind: 'error', message: `follow: ${e.message}` }),
  );
});
// The parent's going ends this process (the channel closes).
process.on('disconnect', () => {
  void Promise.all(peers.map((p) => p.close())).finally(() => process.exit(0));
});
tell({ kind: 'ready', urls: peers.map((p) => p.url) });
