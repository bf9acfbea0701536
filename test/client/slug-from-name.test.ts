/** The address a new group's form offers from its name. */
import { describe, expect, it } from 'vitest';
import { slugShape } from '../../schema/api.ts';
import { slugFromName } from '../../client/slug-from-name.ts';

describe('slugFromName', () => {
  it('makes an address the server takes: lower case, accents and punctuation gone, words joined by "-"', () => {
    expect(slugFromName('Thursday Ethics Circle')).toBe('thursday-ethics-circle');
    expect(slugFromName('  Café — Über Avot!  ')).toBe('cafe-uber-avot');
    expect(slugFromName('Pirkei Avot 1:1–1:6')).toBe('pirkei-avot-1-1-1-6');
    for (const name of ['Thursday Ethics Circle', 'Café — Über Avot!', 'x'.repeat(100), 'a-'.repeat(40)]) expect(slugShape.safeParse(slugFromName(name)).success).toBe(true);
  });

  it('gives nothing for a name of no Latin letters or digits, so the organiser types one', () => {
    expect(slugFromName('פרקי אבות')).toBe('');
  });
});
