/**
 * A Word document (`.docx`) → HTML, which html.ts then makes a text of. mammoth does the
 * converting: it maps Word's styles to meaning (Heading 1 → `h1`, a list paragraph → `li`, bold →
 * `strong`, a hyperlink → `a`) rather than copying looks. Images are left out (a text holds words).
 *
 * A `.docx` is a zip archive, and a small zip can inflate to gigabytes. Before mammoth sees it,
 * each part is inflated here with a hard limit (node's zlib `maxOutputLength`), so a zip bomb
 * is refused after at most `maxInflatedBytes` of work, whatever its headers claim.
 */
import { inflateRawSync } from 'node:zlib';
import mammoth from 'mammoth';
import { ContentError } from '../../schema/import/content-error.ts';

/** The most a document's parts may hold once inflated, together. */
export const maxInflatedBytes = 64 * 1024 * 1024;
/** The most parts a document may have. */
const maxEntries = 5000;

/** The HTML of a `.docx` given as base64; ContentError for what is not one. */
export async function docxToHtml(base64: string): Promise<string> {
  const bytes = Buffer.from(base64, 'base64');
  checkArchive(bytes);
  let result;
  try {
    result = await mammoth.convertToHtml(
      { buffer: bytes },
      { convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })) },
    );
  } catch (e) {
    throw new ContentError(`This file is not a Word document (.docx) Daf can read: ${(e as Error).message.split('\n')[0]}`);
  }
  return result.value;
}

const notDocx = 'This file is not a Word document (.docx)';

/**
 * Walks the zip's central directory and inflates every part within the limits; ContentError
 * for what is not a zip, a zip64 or encrypted archive, or one past the limits.
 */
function checkArchive(zip: Buffer): void {
  if (zip.length < 22 || zip.readUInt32LE(0) !== 0x04034b50) throw new ContentError(notDocx);
  // The end-of-central-directory record: in the last 64 KiB + 22 bytes (its comment is at most 64 KiB).
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ContentError(notDocx);
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  if (entries > maxEntries) throw new ContentError(`This document has more than ${maxEntries} parts`);
  let budget = maxInflatedBytes;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw new ContentError(notDocx);
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const local = zip.readUInt32LE(at + 42);
    const nameLength = zip.readUInt16LE(at + 28);
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (flags & 1) throw new ContentError('This document is encrypted');
    if (compressed === 0xffffffff || local === 0xffffffff) throw new ContentError(notDocx);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) throw new ContentError(notDocx);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    if (method === 0) {
      budget -= data.length;
    } else if (method === 8) {
      try {
        budget -= inflateRawSync(data, { maxOutputLength: Math.max(1, budget) }).length;
      } catch (e) {
        if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') budget = -1;
        else throw new ContentError(notDocx);
      }
    } else {
      throw new ContentError(notDocx);
    }
    if (budget < 0) throw new ContentError(`This document holds more than ${maxInflatedBytes / 1024 / 1024} MB once unpacked`);
  }
}
