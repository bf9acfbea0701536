/**
 * Who is asking: the person making a request, as every layer sees them. Its own module, beneath
 * services and storage alike, because the rules (services/policy.ts) and their SQL twins
 * (storage/visibility-sql.ts) both take it (docs/architecture.md, "Layers").
 */
import type { Role } from './storage/database.ts';

/** A person's standing in one group. */
export interface MembershipInfo {
  role: Role;
  state: 'active' | 'pending' | 'banned';
}

/** The person making a request, or null for a visitor with no account. */
export interface Viewer {
  id: number;
  handle: string;
  displayName: string;
  /** Their standing in every group they belong to, asked to join, or were banned from. */
  memberships: ReadonlyMap<number, MembershipInfo>;
  /**
   * What the credential of this request allows: `full` (a session, a script's token) or `embed`
   * (a token handed to another site's widget: its holder's own glosses and replies, and reading).
   */
  scope: 'full' | 'embed';
  /** The bearer token this request came with, or null. */
  tokenId: number | null;
}
