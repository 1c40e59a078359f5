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
  if (bytes.subarray(0, 1024).includes('%PDF-')) return 'pdf'
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
