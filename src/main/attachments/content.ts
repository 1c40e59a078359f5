/**
 * What a received file is, by its first bytes (never by its name: a phone's "photo.jpg" may be a PNG, a renamed
 * .docx is not evidence). The four kinds 佐证材料 takes; everything else is refused with what is taken.
 */
import { AppError } from '../../shared/errors'

export type ReceivedKind = 'jpeg' | 'png' | 'pdf' | 'heic'

/** HEIF brands a phone writes for a still photo (iPhone: heic; some Android: heix, mif1). */
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'])

/** The kind of `bytes`, or null when it is none of the four. */
export function sniff(bytes: Buffer): ReceivedKind | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png'
  // At the very start, as every scanner and office program writes it (a page or a program with "%PDF-" somewhere
  // in its first bytes is not a PDF).
  if (bytes.length >= 5 && bytes.toString('latin1', 0, 5) === '%PDF-') return 'pdf'
  if (
    bytes.length >= 12 &&
    bytes.toString('latin1', 4, 8) === 'ftyp' &&
    HEIF_BRANDS.has(bytes.toString('latin1', 8, 12))
  )
    return 'heic'
  return null
}

/**
 * A PDF must be whole: its end marker within the last 2 KB (a download cut short has none, and would open as
 * an empty or broken document when it is needed as evidence). Throws INVALID_INPUT naming the file.
 */
export function requireWholePdf(bytes: Buffer, name: string): void {
  if (!bytes.subarray(Math.max(0, bytes.length - 2048)).includes('%%EOF'))
    throw new AppError(
      'INVALID_INPUT',
      `「${name}」不是完整的PDF文件（文件末尾缺失，可能未下载完整），请重新获取后再上传`,
    )
}

/**
 * The most pixels any image of a HEIF file declares (its 'ispe' properties, inside the top-level 'meta' box: the
 * width and height of each item, the whole picture's among them), read before anything is decoded; null when the
 * file declares none (then it cannot be decoded either).
 */
export function heifPixels(bytes: Buffer): number | null {
  let offset = 0
  while (offset + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(offset)
    const type = bytes.toString('latin1', offset + 4, offset + 8)
    if (size === 1 && offset + 16 <= bytes.length) size = Number(bytes.readBigUInt64BE(offset + 8))
    else if (size === 0) size = bytes.length - offset
    if (size < 8) return null
    if (type === 'meta') return largestExtent(bytes.subarray(offset, Math.min(bytes.length, offset + size)))
    offset += size
  }
  return null
}

function largestExtent(meta: Buffer): number | null {
  let most: number | null = null
  // 'ispe', then version and flags (4 bytes), the width and the height (4 bytes each).
  for (let at = meta.indexOf('ispe'); at >= 0 && at + 16 <= meta.length; at = meta.indexOf('ispe', at + 4))
    most = Math.max(most ?? 0, meta.readUInt32BE(at + 8) * meta.readUInt32BE(at + 12))
  return most
}
