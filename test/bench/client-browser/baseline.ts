/**
 * The client benchmark's baseline page: the least a browser must do to show the same thing as
 * the reader's text page. It fetches the text and its glosses from the same JSON API, builds the
 * same document, and shows it in a bare read-only ProseMirror view with every gloss highlighted
 * by an inline decoration; no columns, no cards, no layers. Then, like the reader, it sets
 * `data-laid-out` and dispatches a `daf-laid-out` event. Bundled by esbuild at bench time
 * (client-render.ts) and served as /bench/baseline.js.
 */
import { EditorState } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import { textSchema } from '../../../schema/document.ts';
import { Projection } from '../../../schema/projection.ts';

interface Listed {
  id: number;
  target: { gloss: number | null };
  anchor: { start: number | null; end: number | null } | null;
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
new EditorView(mount, { state: EditorState.create({ doc: projection.doc }), editable: () => false, decorations: () => decorations });
document.body.setAttribute('data-laid-out', '');
document.body.dispatchEvent(new CustomEvent('daf-laid-out', { bubbles: true, composed: true }));
