/**
 * How a reading group and a person's place in it are put into words, the same in the library
 * and on the group's own page.
 */
import type { GroupSummary, Role } from './api.ts';

/** How each join policy is described. */
export const joinPolicyNames: Record<GroupSummary['joinPolicy'], string> = {
  open: 'anyone may join',
  approval: 'joining needs approval',
  invite: 'by invitation',
};

/** A role with its article: "a member", "an owner". */
export function withArticle(role: Role | string): string {
  return `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
}

/** A group's facts in one line: visibility, who may join, size and the reader's place in it. */
export function groupFacts(g: GroupSummary): string {
  const facts = [g.visibility === 'public' ? 'Public' : 'Private', joinPolicyNames[g.joinPolicy]];
  if (g.memberCount !== undefined) facts.push(`${g.memberCount} ${g.memberCount === 1 ? 'member' : 'members'}`);
  if (g.membership?.state === 'pending') facts.push('your request is pending');
  else if (g.membership?.state === 'active') facts.push(`you are ${withArticle(g.membership.role)}`);
  return facts.join(' · ');
}

/** A date (and, with `time`, the time) as the reader's browser writes it: "3 Dec 2026, 14:05". */
export function dateText(iso: string, time = false): string {
  return new Date(iso).toLocaleString(undefined, time ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' });
}
