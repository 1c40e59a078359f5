/** Reading a printed PDF back: its text (pdftotext) and where each word sits (pdftotext -bbox). */
import { execFileSync } from 'node:child_process'

export interface Word {
  page: number
  text: string
  xMin: number
  yMin: number
  xMax: number
  yMax: number
}
export interface PdfPage {
  width: number
  height: number
  words: Word[]
  text: string
}

export const MM = 72 / 25.4

export function readPdf(file: string): PdfPage[] {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  const pages: PdfPage[] = []
  for (const m of html.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)) {
    const words = [
      ...m[3]!.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g),
    ].map((w) => ({
      page: pages.length + 1,
      xMin: Number(w[1]),
      yMin: Number(w[2]),
      xMax: Number(w[3]),
      yMax: Number(w[4]),
      text: w[5]!,
    }))
    pages.push({ width: Number(m[1]), height: Number(m[2]), words, text: words.map((w) => w.text).join(' ') })
  }
  return pages
}

/**
 * Words that stand outside the text block: the page number in the bottom margin is the one allowed.
 * Horizontally the word's box is used; vertically its centre, because pdftotext's boxes for CJK fonts are
 * much taller than the glyphs (they follow the font's ascent and descent, about 2.5 em for Noto CJK).
 */
export function outsideMargins(
  pages: PdfPage[],
  margins: (p: PdfPage) => { top: number; right: number; bottom: number; left: number },
  tolerance = 2,
): Word[] {
  const out: Word[] = []
  pages.forEach((p, i) => {
    const m = margins(p)
    for (const w of p.words) {
      const y = (w.yMin + w.yMax) / 2
      const isPageNumber = y > p.height - m.bottom && (w.text === `${i + 1}` || /^[—–-]+$/.test(w.text))
      if (isPageNumber) continue
      if (w.xMin < m.left - tolerance || w.xMax > p.width - m.right + tolerance || y < m.top || y > p.height - m.bottom)
        out.push(w)
    }
  })
  return out
}

/** Project codes (XM-001 …) in the order they appear, page by page, top to bottom. */
export function codesInOrder(pages: PdfPage[]): string[] {
  return pages.flatMap((p) =>
    p.words
      .filter((w) => /^XM-\d+/.test(w.text))
      .sort((a, b) => a.yMin - b.yMin || a.xMin - b.xMin)
      .map((w) => /^XM-\d+/.exec(w.text)![0]),
  )
}

/** Whether the page has these words side by side on one line (a table's header row). */
export function hasRow(page: PdfPage, cells: string[]): boolean {
  const found = cells.map((c) => page.words.filter((w) => w.text === c))
  if (found.some((f) => f.length === 0)) return false
  return found[0]!.some((first) => found.every((f) => f.some((w) => Math.abs(w.yMin - first.yMin) < 3)))
}
