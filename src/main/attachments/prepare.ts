/**
 * A received file made ready to keep: its kind checked by content (content.ts), a photo turned upright and kept
 * at most ATTACHMENT_LIMITS.imageSide px (HEIC as JPEG), a thumbnail, and what the camera recorded — capture
 * time and place — read before anything is re-encoded. Runs before the write transaction (sharp works off the
 * main thread); nothing here touches the database.
 *
 * Libraries: sharp (libvips: decode, rotate, resize, encode; refuses a decompression bomb by its pixel count),
 * heic-convert (libheif in WebAssembly: sharp's prebuilt libvips has no HEVC decoder) and pdf-lib (a PDF's
 * structure), both in a worker thread (off-thread.ts), exifr (EXIF and GPS).
 */
import crypto from 'node:crypto'
import exifr from 'exifr'
import sharp from 'sharp'
import { ATTACHMENT_LIMITS, type AttachmentInfo } from '../../shared/attachments'
import { AppError } from '../../shared/errors'
import { heifPixels, requireWholePdf, sniff } from './content'
import { heicToJpeg, pdfPages } from './off-thread'

/** A file ready to keep: what the list shows of it (shared/attachments.ts), and its bytes. */
export type PreparedFile = Pick<
  AttachmentInfo,
  'mime' | 'sha256' | 'width' | 'height' | 'takenAt' | 'latitude' | 'longitude' | 'converted'
> & { content: Buffer; thumb: Buffer | null }

/** Pixels a photo may have (a 108-megapixel phone camera fits; a crafted 30,000 × 30,000 PNG does not). */
const MAX_PIXELS = 120_000_000
/**
 * Pixels a HEIC may declare: an iPhone's 48-megapixel photo fits. Lower than for JPEG, as HEIC is decoded whole
 * in WebAssembly memory (about 4 bytes a pixel) before its size can be reduced.
 */
const MAX_HEIC_PIXELS = 50_000_000

/**
 * The file `bytes` named `name`, ready to keep. INVALID_INPUT (in Chinese, naming the file and what to do) for an
 * empty or too large file, a kind not taken, a damaged image or a PDF cut short.
 */
export async function prepareFile(name: string, bytes: Buffer): Promise<PreparedFile> {
  if (bytes.length === 0) throw new AppError('INVALID_INPUT', `「${name}」是空文件，请重新选择`)
  if (bytes.length > ATTACHMENT_LIMITS.fileBytes)
    throw new AppError(
      'INVALID_INPUT',
      `「${name}」超过${ATTACHMENT_LIMITS.fileBytes / 1024 / 1024}MB，请压缩后上传（照片可用手机的“小尺寸”或截图，PDF可分成几个文件）`,
    )
  const kind = sniff(bytes)
  if (!kind)
    throw new AppError(
      'INVALID_INPUT',
      `「${name}」不是照片或PDF：佐证材料只收JPEG、PNG、HEIC格式的照片和PDF文件（按文件内容判断，与扩展名无关）`,
    )
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex')
  if (kind === 'pdf') {
    requireWholePdf(bytes, name)
    if ((await pdfPages(bytes)) === null)
      throw new AppError(
        'INVALID_INPUT',
        `「${name}」不是可以打开的PDF文件（文件结构已损坏或没有页面），请重新导出或扫描后上传`,
      )
    return {
      mime: 'application/pdf',
      content: bytes,
      thumb: null,
      sha256,
      width: null,
      height: null,
      takenAt: null,
      latitude: null,
      longitude: null,
      converted: false,
    }
  }
  const camera = await cameraFacts(bytes)
  let image = bytes
  if (kind === 'heic') {
    const pixels = heifPixels(bytes)
    if (pixels === null) throw damaged(name)
    if (pixels > MAX_HEIC_PIXELS) throw tooManyPixels(name, MAX_HEIC_PIXELS)
    const jpeg = await heicToJpeg(bytes)
    if (!jpeg) throw damaged(name)
    image = jpeg
  }
  try {
    const source = () => sharp(image, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).rotate()
    const side = ATTACHMENT_LIMITS.imageSide
    const resized = source().resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
    const kept =
      kind === 'png'
        ? await resized.png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true })
        : await resized.jpeg({ quality: 82 }).toBuffer({ resolveWithObject: true })
    const thumb = await sharp(kept.data)
      .resize({ width: ATTACHMENT_LIMITS.thumbSide, height: ATTACHMENT_LIMITS.thumbSide, fit: 'inside' })
      .jpeg({ quality: 75 })
      .toBuffer()
    return {
      mime: kind === 'png' ? 'image/png' : 'image/jpeg',
      content: kept.data,
      thumb,
      sha256,
      width: kept.info.width,
      height: kept.info.height,
      ...camera,
      converted: kind === 'heic',
    }
  } catch (error) {
    if (error instanceof AppError) throw error
    if (/pixel limit/i.test(String(error))) throw tooManyPixels(name, MAX_PIXELS)
    throw damaged(name)
  }
}

function tooManyPixels(name: string, limit: number): AppError {
  return new AppError('INVALID_INPUT', `「${name}」的像素过多（超过${limit / 10_000}万像素），请缩小后上传`)
}

function damaged(name: string): AppError {
  return new AppError('INVALID_INPUT', `「${name}」已损坏或不完整，无法作为照片打开，请用原图重新上传`)
}

/**
 * Capture time and place as the camera wrote them. The time is kept as the camera's own clock said it
 * ("2026:11:21 10:32:05" → "2026-11-21 10:32"), never moved through this computer's time zone; a value that is
 * not a real date and time, or a place outside the globe, is left out rather than guessed.
 */
async function cameraFacts(bytes: Buffer): Promise<Pick<PreparedFile, 'takenAt' | 'latitude' | 'longitude'>> {
  const none = { takenAt: null, latitude: null, longitude: null }
  let tags: Record<string, unknown> | undefined
  try {
    tags = await exifr.parse(bytes, { reviveValues: false, gps: true, tiff: true, exif: true, xmp: false })
  } catch {
    return none // no readable EXIF: a screenshot, a scan, an edited photo
  }
  if (!tags) return none
  const raw = String(tags.DateTimeOriginal ?? tags.CreateDate ?? '')
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2})/.exec(raw)
  let takenAt: string | null = null
  if (m) {
    const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number]
    const date = new Date(Date.UTC(y, mo - 1, d))
    if (y >= 1990 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60)
      takenAt = `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}`
  }
  const gps = await gpsOf(bytes)
  return { takenAt, ...gps }
}

async function gpsOf(bytes: Buffer): Promise<{ latitude: number | null; longitude: number | null }> {
  try {
    const gps = await exifr.gps(bytes)
    const { latitude, longitude } = gps ?? {}
    if (
      typeof latitude === 'number' &&
      typeof longitude === 'number' &&
      Number.isFinite(latitude) &&
      Number.isFinite(longitude) &&
      Math.abs(latitude) <= 90 &&
      Math.abs(longitude) <= 180 &&
      !(latitude === 0 && longitude === 0) // a phone without a fix writes 0, 0
    )
      return { latitude: Math.round(latitude * 1e6) / 1e6, longitude: Math.round(longitude * 1e6) / 1e6 }
  } catch {
    // no GPS block
  }
  return { latitude: null, longitude: null }
}
