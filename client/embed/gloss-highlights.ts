/**
 * The highlights of a widget's glosses in its text, drawn with the CSS Custom Highlight API: no
 * element is added to the text, so the blocks stay exactly what the schema rendered and no
 * editor is needed to decorate them. There is one highlight per layer colour and one for the
 * gloss in focus, styled by a stylesheet adopted into the widget's shadow root, so each widget
 * on a page keeps its own. Browsers without the API draw nothing; each card quotes its passage.
 */
import { cssColor } from '../layer-style.ts';

/** Whether this browser has the CSS Custom Highlight API. */
export const highlightsSupported = typeof CSS !== 'undefined' && 'highlights' in CSS;

/** How strongly a highlight is tinted with its layer's colour, at rest and in focus (percent). */
const restTint = 24;
const focusTint = 50;

/** A span of text to highlight. */
export interface HighlightSpan {
  range: AbstractRange;
  /** The layer's colour, `#rrggbb`. */
  color: string;
  /** The gloss in focus (hovered or focused card). */
  active: boolean;
}

let widgets = 0;

/** One widget's highlights. */
export class GlossHighlights {
  private readonly prefix = `daf-passage-${++widgets}`;
  private readonly sheet: CSSStyleSheet | null = null;
  private names: string[] = [];

  constructor(root: ShadowRoot) {
    if (!highlightsSupported) return;
    this.sheet = new CSSStyleSheet();
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, this.sheet];
  }

  /** Replaces what is drawn with these spans. */
  draw(spans: readonly HighlightSpan[]): void {
    if (!this.sheet) return;
    this.clear();
    const byColor = new Map<string, AbstractRange[]>();
    const focused: HighlightSpan[] = [];
    for (const span of spans) {
      if (span.active) focused.push(span);
      const color = cssColor(span.color);
      const ranges = byColor.get(color);
      if (ranges) ranges.push(span.range);
      else byColor.set(color, [span.range]);
    }
    const rules: string[] = [];
    [...byColor].forEach(([color, ranges], i) => {
      const name = `${this.prefix}-${i}`;
      CSS.highlights.set(name, new Highlight(...ranges));
      this.names.push(name);
      rules.push(`::highlight(${name}) { background-color: color-mix(in srgb, ${color} ${restTint}%, transparent); }`);
    });
    if (focused.length) {
      const name = `${this.prefix}-focus`;
      const highlight = new Highlight(...focused.map((s) => s.range));
      highlight.priority = 1;
      CSS.highlights.set(name, highlight);
      this.names.push(name);
      rules.push(`::highlight(${name}) { background-color: color-mix(in srgb, ${cssColor(focused[0].color)} ${focusTint}%, transparent); }`);
    }
    this.sheet.replaceSync(rules.join('\n'));
  }

  /** Removes this widget's highlights from the page. */
  clear(): void {
    for (const name of this.names) CSS.highlights.delete(name);
    this.names = [];
  }
}
