/**
 * Per-account storage quotas: how many texts a person may own and how many bytes of text
 * versions they may write. Without them one account uploading large texts (each up to the
 * per-version limit, revised again and again) could fill the disk everyone shares.
 */
import { AppError } from '../errors.ts';
import type { DB } from '../storage/database.ts';
import { accountUsage } from '../storage/texts.ts';

/** The limits one account's texts live within. */
export interface StorageQuotas {
  /** Texts a person may own. */
  textsPerAccount: number;
  /**
   * Bytes of text versions a person may write, counted as stored: the document JSON, the
   * plain-text projection and the segment map, in UTF-8. Old versions count too: they are kept.
   */
  bytesPerAccount: number;
}

/** Bytes in a mebibyte, for quotas given in MiB. */
export const mebibyte = 1024 * 1024;

/**
 * The defaults: room for a scholar's library (a thousand texts, or a 1 MB text revised a
 * hundred times) that still keeps one account from filling a small server's disk.
 */
export const defaultQuotas: StorageQuotas = { textsPerAccount: 1000, bytesPerAccount: 256 * mebibyte };

/** The bytes a version takes in storage (UTF-8), counted against its writer's quota. */
export function versionBytes(row: { doc: string; projection: string; segments: string }): number {
  return Buffer.byteLength(row.doc) + Buffer.byteLength(row.projection) + Buffer.byteLength(row.segments);
}

/**
 * Throws 413 `quota_exceeded` when adding `add` to what the account already stores would pass
 * its quota. Call it inside the transaction that writes, before writing, so nothing is left
 * half-written. `null` quotas (the command line's local account) are never checked.
 */
export async function checkQuota(
  trx: DB,
  quotas: StorageQuotas | null,
  userId: number,
  add: { texts: number; bytes: number },
): Promise<void> {
  if (quotas === null) return;
  const used = await accountUsage(trx, userId);
  if (add.texts > 0 && used.texts + add.texts > quotas.textsPerAccount) {
    throw new AppError('quota_exceeded', 413, `An account may own at most ${quotas.textsPerAccount} texts`);
  }
  if (used.bytes + add.bytes > quotas.bytesPerAccount) {
    const mib = (n: number) => (n / mebibyte).toFixed(1);
    throw new AppError(
      'quota_exceeded',
      413,
      `This would store ${mib(used.bytes + add.bytes)} MiB of texts for your account; the limit is ${mib(quotas.bytesPerAccount)} MiB`,
    );
  }
}
