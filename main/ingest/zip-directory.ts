/** One entry of a ZIP's central directory: the sizes the archive declares, nothing inflated. */
export interface ZipEntryInfo {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CDH_SIG = 0x02014b50;
const U32_MAX = 0xffffffff;

/** Thrown for archives whose directory cannot be read; callers map it to their own code. */
export class ZipDirectoryError extends Error {
  override name = 'ZipDirectoryError';
}

function findEocd(buf: Buffer): number {
  // The end record is 22 bytes plus a comment of at most 65,535 bytes.
  const stop = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG) return i;
  }
  throw new ZipDirectoryError('no end-of-central-directory record (not a ZIP, or truncated)');
}

/**
 * Reads a ZIP's central directory (ZIP64 included) without inflating anything, so size checks
 * against zip bombs cost microseconds whatever the archive claims to hold.
 *
 * @throws ZipDirectoryError when the directory is missing or points outside the file.
 */
export function readZipDirectory(buf: Buffer): ZipEntryInfo[] {
  if (buf.length < 22) throw new ZipDirectoryError('file too short to be a ZIP');
  const eocd = findEocd(buf);
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if ((count === 0xffff || cdSize === U32_MAX || cdOffset === U32_MAX) && eocd >= 20 && buf.readUInt32LE(eocd - 20) === ZIP64_LOCATOR_SIG) {
    const z64 = Number(buf.readBigUInt64LE(eocd - 20 + 8));
    if (z64 + 56 > buf.length || buf.readUInt32LE(z64) !== ZIP64_EOCD_SIG) throw new ZipDirectoryError('bad ZIP64 end record');
    count = Number(buf.readBigUInt64LE(z64 + 32));
    cdSize = Number(buf.readBigUInt64LE(z64 + 40));
    cdOffset = Number(buf.readBigUInt64LE(z64 + 48));
  }
  if (cdOffset + cdSize > buf.length) throw new ZipDirectoryError('central directory points outside the file');
  const entries: ZipEntryInfo[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CDH_SIG) throw new ZipDirectoryError(`bad central directory entry ${i}`);
    let compressedSize = buf.readUInt32LE(p + 20);
    let uncompressedSize = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    if (uncompressedSize === U32_MAX || compressedSize === U32_MAX) {
      // ZIP64 extended information: the 64-bit sizes, in order, for the fields that overflowed.
      let e = p + 46 + nameLen;
      const end = e + extraLen;
      while (e + 4 <= end) {
        const id = buf.readUInt16LE(e);
        const size = buf.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (uncompressedSize === U32_MAX && q + 8 <= e + 4 + size) {
            uncompressedSize = Number(buf.readBigUInt64LE(q));
            q += 8;
          }
          if (compressedSize === U32_MAX && q + 8 <= e + 4 + size) compressedSize = Number(buf.readBigUInt64LE(q));
          break;
        }
        e += 4 + size;
      }
    }
    entries.push({ name, compressedSize, uncompressedSize });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}
