/**
 * 佐证材料 (evidence attachments): what may be attached, the limits, and how a photo's age reads. Shared by the
 * main side (which checks every file by its content) and the renderer (which says the limits before upload).
 */
import { daysBetween, formatDateChinese, type IsoDate } from './dates'

/** What an attachment belongs to: a milestone's completion, a monthly report (形象进度照片), a problem's 办理结果. */
export const ATTACHMENT_OWNERS = ['milestone', 'report', 'problem'] as const
export type AttachmentOwner = (typeof ATTACHMENT_OWNERS)[number]
export const ATTACHMENT_OWNER_LABELS: Record<AttachmentOwner, string> = {
  milestone: '节点完成佐证',
  report: '形象进度照片',
  problem: '办理结果佐证',
}

/** The kinds kept, by content (HEIC arrives from iPhones and is kept converted to JPEG: browsers cannot show it). */
export const ATTACHMENT_KINDS = ['image/jpeg', 'image/png', 'application/pdf'] as const
export type AttachmentMime = (typeof ATTACHMENT_KINDS)[number]

export const ATTACHMENT_LIMITS = {
  /** A file as received (a phone's photo is 2–8 MB, a scanned approval PDF rarely over 10 MB). */
  fileBytes: 20 * 1024 * 1024,
  /** Files on one milestone, report or problem. */
  perOwner: 12,
  /** A photo's longest side as kept, in pixels: enough to read a site sign, about 0.5 MB as JPEG. */
  imageSide: 2048,
  /** A thumbnail's longest side, in pixels. */
  thumbSide: 320,
  /** All attachments of one database, in bytes as kept (README "佐证材料": what the backups then weigh). */
  totalBytes: 20 * 1024 * 1024 * 1024,
} as const

/** A photo taken this many days or more before it was attached reads as old (DOMAIN: evidence of that day). */
export const OLD_PHOTO_DAYS = 30

/** An attachment as listed (its bytes are fetched apart: attachment.get). */
export interface AttachmentInfo {
  id: number
  projectId: number
  owner: AttachmentOwner
  /** The milestone's, report's or problem's id. */
  ownerId: number
  name: string
  mime: AttachmentMime
  /** Bytes as kept. */
  bytes: number
  /** SHA-256 (hex) of the file as received: what the audit log records. */
  sha256: string
  width: number | null
  height: number | null
  /** The capture time the camera wrote ("YYYY-MM-DD HH:mm", its own clock), null when the file has none. */
  takenAt: string | null
  /** Where, when the file has it: decimal degrees, WGS-84 as the phone wrote them. */
  latitude: number | null
  longitude: number | null
  /** Whether the file came as HEIC (kept as JPEG). */
  converted: boolean
  addedAt: string
  addedBy: string
}

export interface AttachmentContent {
  id: number
  name: string
  mime: AttachmentMime | 'image/jpeg'
  base64: string
}

/** How a photo's capture time reads beside it: when, and whether it is old for the day it was attached. */
export function photoAge(takenAt: string | null, addedOn: IsoDate): { text: string; old: boolean; unknown: boolean } {
  if (!takenAt) return { text: '无拍摄时间（文件未记录，无法判断新旧）', old: false, unknown: true }
  const day = takenAt.slice(0, 10)
  const days = daysBetween(day, addedOn)
  const when = `拍摄于${formatDateChinese(day)}${takenAt.length > 10 ? ' ' + takenAt.slice(11, 16) : ''}`
  if (days >= OLD_PHOTO_DAYS) return { text: `${when}（上传前${days}天拍摄，非当期照片）`, old: true, unknown: false }
  if (days < 0) return { text: `${when}（晚于上传日期，相机时钟可能有误）`, old: false, unknown: true }
  return { text: when, old: false, unknown: false }
}

/** "北纬 30.1234° 东经 114.5678°" (southern / western halves named as such). */
export function placeText(latitude: number | null, longitude: number | null): string | null {
  if (latitude === null || longitude === null) return null
  const ns = latitude >= 0 ? '北纬' : '南纬'
  const ew = longitude >= 0 ? '东经' : '西经'
  return `${ns} ${Math.abs(latitude).toFixed(4)}° ${ew} ${Math.abs(longitude).toFixed(4)}°`
}

/** "1.2 MB", "356 KB" */
export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`
}

/**
 * A file's name as kept and shown: its last path part, without control characters or direction marks (a name
 * that shows as "exe.pdf" but is "\u202efdp.exe"), trimmed. Empty when nothing of it is left.
 */
export function cleanFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? ''
  // Control characters are exactly what is removed here.
  // eslint-disable-next-line no-control-regex
  return last.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '').trim()
}

const EXTENSIONS: Record<AttachmentMime, string[]> = {
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'application/pdf': ['.pdf'],
}

/** The name a file is saved under: its extension always that of the kind kept (a "PDF" is never saved as .exe). */
export function downloadName(name: string, mime: AttachmentMime): string {
  const lower = name.toLowerCase()
  if (EXTENSIONS[mime].some((ext) => lower.endsWith(ext))) return name
  return `${name.replace(/\.[^.]{1,8}$/, '')}${EXTENSIONS[mime][0]}`
}
