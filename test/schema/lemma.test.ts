/** How a classical comment's quoted words are looked for (schema/import/lemma.ts). */
import { describe, expect, it } from 'vitest';
import { lemmaParts, spellings } from '../../schema/import/lemma.ts';

describe('lemmaParts', () => {
  it.each([
    ["ואהבת את ה' אלהיך וגו'", "ואהבת את ה' אלהיך"],
    ['ואהבת את ה׳ אלהיך וגו׳.', 'ואהבת את ה׳ אלהיך'],
    ["אמר רבי שמעון וכו'", 'אמר רבי שמעון'],
    ["הוא היה אומר כו':", 'הוא היה אומר'],
    ['ויאמר אלהים יהי אור וגומר', 'ויאמר אלהים יהי אור'],
    ["משה קבל תורה וכו' וגו'", 'משה קבל תורה'],
    ['משה קבל תורה מסיני.', 'משה קבל תורה מסיני'],
    // An apostrophe inside a word (the Name, a number) stays.
    ["ברוך ה'", "ברוך ה'"],
    ['Be deliberate in judgment', 'Be deliberate in judgment'],
  ])('%s → %s', (lemma, whole) => {
    expect(lemmaParts(lemma)).toEqual({ whole, range: null });
  });

  it.each([
    ['בכל לבבך עד ובכל מאדך', 'בכל לבבך', 'ובכל מאדך'],
    ['בכל לבבך ... עד ובכל מאדך.', 'בכל לבבך', 'ובכל מאדך'],
    ['בכל לבבך … עד ובכל מאדך', 'בכל לבבך', 'ובכל מאדך'],
    ["ואהבת וגו' עד מאדך", 'ואהבת', 'מאדך'],
    ["ואהבת וכו' עד ובכל מאדך וגו'", 'ואהבת', 'ובכל מאדך'],
  ])('%s → from %s to %s', (lemma, first, last) => {
    expect(lemmaParts(lemma).range).toEqual({ first, last });
  });

  it('reads "עד" at either end as a word, not a range', () => {
    expect(lemmaParts('עד שתגיע').range).toBeNull();
    expect(lemmaParts('יהי ביתך בית ועד לחכמים').range).toBeNull();
  });
});

describe('spellings', () => {
  it('spells out the abbreviated Name, with or without a prefix letter, and nothing else', () => {
    expect(spellings("ואהבת את ה' אלהיך")).toEqual(["ואהבת את ה' אלהיך", 'ואהבת את יהוה אלהיך']);
    expect(spellings('ברוך ה׳ ולה׳ הישועה')).toEqual(['ברוך ה׳ ולה׳ הישועה', 'ברוך יהוה וליהוה הישועה']);
    expect(spellings("שמע ישראל")).toEqual(['שמע ישראל']);
    // A word that merely ends in ה' is not the Name.
    expect(spellings("תורה'")).toEqual(["תורה'"]);
  });
});
