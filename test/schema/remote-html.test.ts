/** Posts from other servers read as Markdown (schema/import/remote-html.ts), and what the gloss schema makes of it. */
import { describe, expect, it } from 'vitest';
import { markdownToDoc } from '../../schema/import/markdown.ts';
import { remoteHtmlToMarkdown } from '../../schema/import/remote-html.ts';
import { Projection } from '../../schema/projection.ts';

/** The document a post becomes, as JSON, and its words. */
function read(html: string) {
  const doc = markdownToDoc(remoteHtmlToMarkdown(html), 'gloss');
  return { json: JSON.stringify(doc.toJSON()), text: new Projection(doc).text };
}

describe('posts from elsewhere', () => {
  it('keeps paragraphs, line breaks, emphasis and links, as Mastodon writes them', () => {
    const html =
      '<p><span class="h-card"><a href="https://daf.example.org/ap/actors/user.ada" class="u-url mention">@<span>ada</span></a></span> I read it <em>otherwise</em>:<br />the friend is <strong>the teacher</strong>.</p><p>See <a href="https://example.com/avot?a=1&amp;b=2" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="">example.com/avot?a=1&amp;b=2</span></a></p>';
    const { json, text } = read(html);
    expect(text).toBe('@ada I read it otherwise:\nthe friend is the teacher.\nSee https://example.com/avot?a=1&b=2');
    expect(json).toContain('"href":"https://daf.example.org/ap/actors/user.ada"');
    expect(json).toContain('"href":"https://example.com/avot?a=1&b=2"');
    expect(json).toContain('{"type":"em"}');
    expect(json).toContain('{"type":"strong"}');
    expect(json).toContain('"hard_break"');
    expect(JSON.parse(json).content).toHaveLength(2);
  });

  it('reads the words literally: Markdown and HTML in them do nothing', () => {
    const { json, text } = read('<p>1. not a list *not emphasis* [not](https://a.example) &lt;b&gt;not bold&lt;/b&gt; # no heading</p>');
    expect(text).toBe('1. not a list *not emphasis* [not](https://a.example) <b>not bold</b> # no heading');
    expect(json).not.toContain('"link"');
    expect(json).not.toContain('"em"');
    expect(JSON.parse(json).content).toEqual([expect.objectContaining({ type: 'paragraph' })]);
  });

  it('drops a link to anything but a web or mail address, keeping its words, and every other tag', () => {
    const { json, text } = read('<p><a href="javascript:alert(1)">click</a> <a href="data:text/html,x">here</a> <script>alert(2)</script><img src="x" onerror="y"> <a href="mailto:ada@example.org">mail</a></p>');
    expect(text).toBe('click here alert(2) mail');
    expect(json).not.toContain('javascript');
    expect(json).not.toContain('data:');
    expect(json).toContain('"href":"mailto:ada@example.org"');
  });

  it('closes what was left open and passes over what was never opened', () => {
    expect(read('<p><em>open <a href="https://a.example">never closed</p>').text).toBe('open never closed');
    expect(read('<p>closed</em></strong></a> only</p>').text).toBe('closed only');
  });
});
