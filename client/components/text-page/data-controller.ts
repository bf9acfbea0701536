import { Task, TaskStatus, initialState } from '@lit/task';
import type { ReactiveController } from 'lit';
import { textSchema } from '../../../schema/document.ts';
import { Projection } from '../../../schema/projection.ts';
import { api, failureMessage, type Gloss, type Layer, type TextVersion } from '../../api.ts';
import { keepUnchanged } from '../../layout/keep-unchanged.ts';
import type { DafTextPage } from './daf-text-page.ts';

/** The kinds of event after which the glosses and layers are read again. */
/** What a load reads: the text, its layers and glosses, and the text's projection. */
interface Loaded {
  text: TextVersion;
  layers: Layer[];
  glosses: Gloss[];
  projection: Projection;
}

const changes = ['gloss.created', 'gloss.updated', 'gloss.deleted', 'reply.created', 'reply.updated', 'reply.deleted', 'layer.created', 'layer.updated'];

/**
 * The text page's data: the text, its layers and glosses, read when the slug is set (a `Task`,
 * so that only the last slug's answer is kept), read again on the text's events and when the
 * reader signs in or out.
 */
/** How long a reader is on a text with new posts before they count as read (the server is told). */
const readAfterMs = 3000;

export class TextDataController implements ReactiveController {
  private events: EventSource | null = null;
  /**
   * The posts new to the reader on this visit (docs/notifications.md §5): those the server marked
   * `unread` when they were first listed, which keep their mark for the rest of the visit though
   * the server, once told they were read, answers them read.
   */
  private fresh = { glosses: new Set<number>(), replies: new Set<number>() };
  private readTimer: ReturnType<typeof setTimeout> | undefined;

  /** Remembers what is new in `glosses`, marks what was new before, and tells the server they are read after a while. */
  private keepFresh(glosses: Gloss[]): Gloss[] {
    let grew = false;
    const out = glosses.map((g) => {
      if (g.unread && !this.fresh.glosses.has(g.id)) (this.fresh.glosses.add(g.id), (grew = true));
      for (const r of g.replies) if (r.unread && !this.fresh.replies.has(r.id)) (this.fresh.replies.add(r.id), (grew = true));
      const replies = g.replies.map((r) => (this.fresh.replies.has(r.id) && !r.unread ? { ...r, unread: true } : r));
      const unread = g.unread || this.fresh.glosses.has(g.id);
      return unread === !!g.unread && replies.every((r, i) => r === g.replies[i]) ? g : { ...g, unread, replies };
    });
    if (grew && this.host.session.me) {
      clearTimeout(this.readTimer);
      const slug = this.host.slug;
      this.readTimer = setTimeout(() => void api.markTextRead(slug).catch(() => {}), readAfterMs);
    }
    return out;
  }
  private refreshing: Promise<void> | null = null;
  private refreshAgain: Promise<void> | null = null;

  /** The load: runs when the slug changes, and again when the text gets a new version. */
  private readonly load: Task<[string], Loaded>;

  constructor(private readonly host: DafTextPage) {
    host.addController(this);
    this.load = new Task(host, {
      args: () => [host.slug] as [string],
      task: async ([slug]): Promise<Loaded | typeof initialState> => {
        if (!slug) return initialState;
        clearTimeout(this.readTimer);
        this.fresh = { glosses: new Set(), replies: new Set() };
        const [text, layers, glosses] = await Promise.all([api.text(slug), api.layers(slug), api.glosses(slug)]);
        return { text, layers: layers.layers, glosses: glosses.glosses, projection: new Projection(textSchema.nodeFromJSON(text.doc)) };
      },
      onComplete: ({ text, layers, glosses, projection }) => {
        host.projection = projection;
        host.text = text;
        host.layers = layers;
        host.glosses = this.keepFresh(glosses);
        host.visibility.readUrl();
        host.filters.readUrl();
        // Its translations, offered beside the layers; one named in the URL is shown at once.
        host.parallels = [];
        host.parallel = null;
        const asked = new URLSearchParams(location.search).get('parallel');
        void api
          .parallels(text.slug)
          .then(({ parallels }) => {
            host.parallels = parallels;
            if (asked && parallels.some((p) => p.slug === asked)) void host.showParallel(asked);
          })
          .catch(() => {});
        document.title = `${text.title} · Daf`;
        this.listen();
      },
      onError: (e) => {
        host.error = failureMessage(e);
      },
    });
  }

  /** Is a load under way (the first, or a new version's)? */
  get loading(): boolean {
    return this.load.status === TaskStatus.PENDING;
  }

  hostConnected() {}

  hostDisconnected() {
    clearTimeout(this.readTimer);
    this.events?.close();
    this.events = null;
  }

  /**
   * Reads glosses and layers again (the server filters what this reader may see). Asked while a
   * read is running, it runs one more after it — that read's answer may predate what asked — and
   * every caller in the meantime waits for that one.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain ??= this.refreshing.then(() => {
        this.refreshAgain = null;
        return this.refresh();
      });
      return this.refreshAgain;
    }
    const { host } = this;
    this.refreshing = Promise.all([api.glosses(host.slug), api.layers(host.slug)])
      .then(([glosses, layers]) => {
        host.glosses = keepUnchanged(host.glosses, this.keepFresh(glosses.glosses));
        host.layers = keepUnchanged(host.layers, layers.layers);
        // A layer the link named and the page did not have may be readable now (after signing in).
        if (host.notices.has('layers')) host.visibility.readUrl();
      })
      .catch(() => {})
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /**
   * Someone signed in or out: what they may see and do changed, so the glosses, the layers with
   * their permissions, and the event stream (filtered per reader) are all taken anew.
   */
  onSessionChange() {
    if (!this.host.text) return;
    this.listen();
    void this.refresh();
  }

  /**
   * Follows the text's event stream: when glosses, replies or layers change, they are read
   * again and laid out anew, without a reload. Cards sit in columns beside the text, so an
   * arrival never moves the text the reader is looking at. A new version reloads the page.
   */
  private listen() {
    this.events?.close();
    this.events = api.events(this.host.slug);
    const refresh = () => void this.refresh();
    for (const kind of changes) this.events.addEventListener(kind, refresh);
    this.events.addEventListener('version.created', () => {
      this.host.dropView();
      void this.load.run();
    });
  }
}
