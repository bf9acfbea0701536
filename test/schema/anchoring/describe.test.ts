import { describe, expect, it } from 'vitest';
import { contextLength, describeRange } from '../../../schema/anchoring/index.ts';

describe('describeRange', () => {
  const text = 'In the beginning God created the heaven and the earth. And the earth was without form, and void.';

  it('takes the quote and 32 code units of context each side', () => {
    const start = text.indexOf('the earth.');
    const d = describeRange(text, start, start + 10);
    expect(d.exact).toBe('the earth.');
    expect(d.prefix).toBe(text.slice(start - contextLength, start));
    expect(d.suffix).toBe(text.slice(start + 10, start + 10 + contextLength));
    expect(d.prefix.length).toBe(32);
    expect([d.start, d.end, d.segment]).toEqual([start, start + 10, null]);
  });

  it('shortens context at the edges of the text', () => {
    const d = describeRange(text, 0, 2);
    expect(d.prefix).toBe('');
    expect(describeRange(text, text.length - 5, text.length).suffix).toBe('');
  });

  it('never splits a surrogate pair in the context', () => {
    const t = '😀'.repeat(20) + 'quote' + '😀'.repeat(20);
    expect(describeRange(t, 40, 45).prefix.length).toBe(32);
    const cut = describeRange(t, 41, 46); // 32 units back from 41 is the middle of an emoji
    expect(cut.prefix.length).toBe(31);
    expect(cut.prefix.startsWith('😀')).toBe(true);
    expect(describeRange('x' + '😀'.repeat(20), 0, 1).suffix.length).toBe(32);
    const cutSuffix = describeRange('xy' + '😀'.repeat(20), 0, 1); // 'y' + 15½ emoji would split one
    expect(cutSuffix.suffix.length).toBe(31);
    expect(cutSuffix.suffix.endsWith('😀')).toBe(true);
  });

  it('records the segment containing the start', () => {
    const segments = [
      { ref: '1:1', start: 0, end: 54 },
      { ref: '1:2', start: 55, end: text.length },
    ];
    expect(describeRange(text, 7, 16, segments).segment).toBe('1:1');
    expect(describeRange(text, 60, 70, segments).segment).toBe('1:2');
    expect(describeRange(text, 40, 70, segments).segment).toBe('1:1');
    expect(describeRange(text, 54, 54, segments).segment).toBe('1:1');
    expect(describeRange(text, 7, 16, [{ ref: '2:1', start: 20, end: 30 }]).segment).toBeNull();
  });

  it('throws RangeError for offsets out of order or out of range', () => {
    expect(() => describeRange(text, 5, 4)).toThrow(/end 4/);
    expect(() => describeRange(text, -1, 4)).toThrow(/start -1/);
    expect(() => describeRange(text, 0, text.length + 1)).toThrow(RangeError);
  });
});
