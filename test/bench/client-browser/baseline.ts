/**
 * The client benchmark's baseline page: the least a browser must do to show the same thing as
 * the reader's text page. It fetches the text and its glosses from the same JSON API, builds the
 * same document, and shows it in a bare read-only ProseMirror view with every gloss highlighted
 * by an inline decoration; beside it, one column with a card for every gloss (its layer, author,
 * time, ref and quoted words, reply count and the first line of its body, as the reader's folded
 * cards show), placed by the simplest possible code: every mark's top read, then each card set
 * level with it, pushed down below the card before. No layers, no bands, no room in the text.
 * Then, like the reader, it sets `data-laid-out` and dispatches a `daf-laid-out` event. Bundled by
 * esbuild at bench time (client-render.ts) and served as /bench/baseline.js.
 */
import { EditorState } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import { textSchema } from '../../../schema/document.ts';
import { Projection } from '../../../schema/projection.ts';

interface Listed {
  id: number;
  layer: string;
  created: string;
  author: { handle: string; displayName: string | null } | null;
  body: { text: string } | null;
  replies: unknown[];
  target: { gloss: number | null; segment: string | null; exact: string };
  anchor: { start: number | null; end: number | null; exact: string | null } | null;
}

async function get<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return (await res.json()) as T;
}

const slug = encodeURIComponent(new URLSearchParams(location.search).get('slug') ?? '');
const [text, listing] = await Promise.all([get<{ doc: unknown }>(`/api/texts/${slug}`), get<{ glosses: Listed[] }>(`/api/texts/${slug}/glosses`)]);
const projection = new Projection(textSchema.nodeFromJSON(text.doc));
const decorations = DecorationSet.create(
  projection.doc,
  listing.glosses
    .filter((g) => g.target.gloss === null && g.anchor?.start != null && g.anchor.end != null)
    .map((g) =>
      Decoration.inline(projection.posAt(g.anchor!.start!), projection.posAt(g.anchor!.end!), {
        class: 'gloss-mark',
        style: '--c: #2e6f9e',
        'data-gloss': String(g.id),
      }),
    ),
);
const mount = document.querySelector<HTMLElement>('.text')!;
const view = new EditorView(mount, { state: EditorState.create({ doc: projection.doc }), editable: () => false, decorations: () => decorations });

// The cards, one per gloss on the text, in one column.
const column = document.querySelector<HTMLElement>('.column')!;
const group = Object.assign(document.createElement('div'), { className: 'group' });
const onText = listing.glosses.filter((g) => g.target.gloss === null && g.anchor?.start != null);
const cards = onText.map((g) => {
  const card = Object.assign(document.createElement('div'), { className: 'card' });
  card.dataset.id = String(g.id);
  const head = Object.assign(document.createElement('p'), { className: 'head' });
  const words = (g.anchor?.exact ?? g.target.exact).slice(0, 60);
  const replies = g.replies.length ? ` · ${g.replies.length} replies` : '';
  head.textContent = `${g.target.segment ?? ''} “${words}” · ${g.author?.displayName ?? g.author?.handle ?? ''} · ${new Date(g.created).toLocaleDateString()}${replies}`;
  const body = Object.assign(document.createElement('p'), { className: 'body', textContent: g.body?.text ?? '' });
  card.append(head, body);
  return card;
});
group.append(...cards);
column.append(group);
// Reads: where each gloss's first mark is, and each card's height; then writes only.
const origin = view.dom.getBoundingClientRect().top;
const markTop = new Map<string, number>();
for (const el of view.dom.querySelectorAll<HTMLElement>('[data-gloss]')) if (!markTop.has(el.dataset.gloss!)) markTop.set(el.dataset.gloss!, el.getBoundingClientRect().top - origin);
const wanted = cards.map((card) => ({ card, top: markTop.get(card.dataset.id!) ?? 0, height: card.offsetHeight }));
wanted.sort((a, b) => a.top - b.top);
let floor = 0;
for (const w of wanted) {
  const top = Math.max(w.top, floor);
  w.card.style.insetBlockStart = `${top}px`;
  floor = top + w.height + 8;
}
column.style.minBlockSize = `${floor}px`;
document.body.setAttribute('data-laid-out', '');
document.body.dispatchEvent(new CustomEvent('daf-laid-out', { bubbles: true, composed: true }));
