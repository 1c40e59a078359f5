/**
 * Photos and documents as a phone or a scanner makes them, for the 佐证材料 tests: JPEGs with the EXIF a camera
 * writes (capture time, GPS, orientation), a PNG screenshot, PDFs whole and cut short. Made with sharp, which
 * writes EXIF through libvips (IFD0 = the image, IFD2 = EXIF, IFD3 = GPS).
 */
import sharp from 'sharp'

export interface PhotoOptions {
  width?: number
  height?: number
  /** "2026:11:21 10:32:05", as cameras write it. */
  takenAt?: string
  /** Degrees; written as the rational triples and N/S E/W references a phone writes. */
  latitude?: number
  longitude?: number
  /** EXIF orientation (6: the phone was held upright; the pixels are stored sideways). */
  orientation?: number
  colour?: { r: number; g: number; b: number }
  /** Random noise (a photo's size: noise does not compress) instead of one colour. */
  noise?: boolean
}

const dms = (degrees: number) => {
  const d = Math.floor(Math.abs(degrees))
  const m = Math.floor((Math.abs(degrees) - d) * 60)
  const s = ((Math.abs(degrees) - d) * 60 - m) * 60
  return `${d}/1 ${m}/1 ${Math.round(s * 1000)}/1000`
}

/** EXIF blocks as libvips takes them (IFD0 = the image, IFD2 = EXIF, IFD3 = GPS). */
function exifOf(options: PhotoOptions): Record<string, Record<string, string>> {
  const exif: Record<string, Record<string, string>> = { IFD0: { Make: 'TestPhone', Model: 'T1' } }
  if (options.takenAt) exif.IFD2 = { DateTimeOriginal: options.takenAt }
  if (options.latitude !== undefined && options.longitude !== undefined)
    exif.IFD3 = {
      GPSLatitudeRef: options.latitude >= 0 ? 'N' : 'S',
      GPSLatitude: dms(options.latitude),
      GPSLongitudeRef: options.longitude >= 0 ? 'E' : 'W',
      GPSLongitude: dms(options.longitude),
    }
  return exif
}

/**
 * A drawn building site (sky, a building going up, a tower crane) with `label` on it, as a phone's JPEG with the
 * EXIF asked for: what the screenshots and print samples show as a 形象进度照片.
 */
export function sitePhoto(label: string, options: PhotoOptions & { floors?: number } = {}): Promise<Buffer> {
  const floors = options.floors ?? 6
  const top = 760 - floors * 60
  const lines = Array.from(
    { length: floors },
    (_, i) => `<line x1="300" y1="${top + i * 60}" x2="820" y2="${top + i * 60}"/>`,
  )
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#7fb2e5"/><stop offset="1" stop-color="#d8e9f7"/></linearGradient></defs>
<rect width="1600" height="760" fill="url(#sky)"/><rect y="760" width="1600" height="440" fill="#a08060"/>
<rect x="300" y="${top}" width="520" height="${760 - top}" fill="#c9c4bb" stroke="#6b655c" stroke-width="6"/>
<g stroke="#6b655c" stroke-width="4">${lines.join('')}</g>
<rect x="1050" y="160" width="24" height="600" fill="#e0a020"/><rect x="700" y="160" width="700" height="22" fill="#e0a020"/>
<line x1="900" y1="182" x2="900" y2="420" stroke="#333" stroke-width="4"/>
<rect x="60" y="1040" width="${80 + label.length * 64}" height="110" fill="rgba(0,0,0,0.55)"/>
<text x="90" y="1115" font-size="64" fill="#fff" font-family="Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif">${label}</text></svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).withExif(exifOf(options)).toBuffer()
}

/** A JPEG photo with the EXIF asked for (none by default). */
export async function photo(options: PhotoOptions = {}): Promise<Buffer> {
  const { width = 640, height = 480, colour = { r: 40, g: 120, b: 200 } } = options
  const noise = options.noise ? { noise: { type: 'gaussian' as const, mean: 128, sigma: 40 } } : {}
  let image = sharp({ create: { width, height, channels: 3, background: colour, ...noise } }).jpeg({ quality: 80 })
  image = image.withExif(exifOf(options))
  let out = await image.toBuffer()
  if (options.orientation) out = await sharp(out).withMetadata({ orientation: options.orientation }).toBuffer()
  return out
}

/** A PNG screenshot (no EXIF). */
export function screenshot(width = 300, height = 200): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 250, g: 250, b: 250 } } })
    .png()
    .toBuffer()
}

/** A small whole PDF (one empty page); `note` makes it a different file (its bytes, its hash). */
export function pdf(note = ''): Buffer {
  const objects = [
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj',
  ]
  let body = `%PDF-1.4\n%${note}\n`
  const offsets: number[] = []
  for (const o of objects) {
    offsets.push(body.length)
    body += o + '\n'
  }
  const xref = body.length
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`
  body += `trailer << /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(body, 'latin1')
}

export const b64 = (bytes: Buffer): string => bytes.toString('base64')
