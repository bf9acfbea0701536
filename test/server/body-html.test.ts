/**
 * Bodies as HTML outside the browser (server/services/body-html.ts): the gloss schema's own
 * elements, escaped text and attributes, and only safe links.
 */
import { JSDOM } from 'jsdom';
import { DOMSerializer } from 'prosemirror-model';
import { describe, expect, it } from 'vitest';
import { glossSchema } from '../../schema/document.ts';
import { markdownToDoc } from '../../schema/import/markdown.ts';
import { bodyHtml } from '../../server/services/body-html.ts';

const fromMarkdown = (markdown: string) => bodyHtml(JSON.stringify(markdownToDoc(markdown, 'gloss').toJSON()));

describe('bodyHtml', () => {
  it('writes the schema\'s elements: paragraphs, marks, lists, quotations, breaks', () => {
    expect(fromMarkdown('A *b* **c** `d`  \ne')).toBe('<p>A <em>b</em> <strong>c</strong> <code>d</code><br>e</p>');
    expect(fromMarkdown('- one\n- two\n\n3. three\n\n> said')).toBe(
      '<ul><li><p>one</p></li><li><p>two</p></li></ul><ol start="3"><li><p>three</p></li></ol><blockquote><p>said</p></blockquote>',
    );
  });

  it('writes what ProseMirror\'s own DOMSerializer writes in a browser', () => {
    const { document } = new JSDOM('').window;
    const serializer = DOMSerializer.fromSchema(glossSchema);
    for (const markdown of [
      '[**bold link**](https://example.org/) and *[em link](mailto:a@example.org)* `code`',
      '> quoted\n>\n> - in a list  \n>   with a break\n\n1. one\n2. ***two***',
      'Plain & <odd> "quotes"',
    ]) {
      const doc = markdownToDoc(markdown, 'gloss');
      const div = document.createElement('div');
      div.appendChild(serializer.serializeFragment(doc.content, { document }));
      // Compared as parsed, so that `"` escaped in text or not makes no difference.
      const mine = document.createElement('div');
      mine.innerHTML = bodyHtml(JSON.stringify(doc.toJSON()));
      expect(mine.innerHTML, markdown).toBe(div.innerHTML);
    }
  });

  it('escapes text and attributes, and writes no link the schema would not', () => {
    expect(fromMarkdown('<script>alert("x")</script> & more')).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</p>');
    expect(fromMarkdown('[q](https://example.org/?a="b"&c=<d>)')).toContain('href="https://example.org/?a=%22b%22&amp;c=%3Cd%3E"');
    // A stored document with a link the importers would have refused is still written safely.
    const doc = glossSchema.node('doc', null, [glossSchema.node('paragraph', null, [glossSchema.text('x', [glossSchema.marks.link.create({ href: 'javascript:alert(1)', title: '"t"' })])])]);
    expect(bodyHtml(JSON.stringify(doc.toJSON()))).toBe('<p><a href="#" title="&quot;t&quot;" rel="noopener noreferrer nofollow">x</a></p>');
  });
});
