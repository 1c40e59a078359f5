/**
 * The slow parts of taking a file, off the main thread: decoding an iPhone's HEIC (libheif in WebAssembly) and
 * reading a PDF's structure (pdf-lib). On the county server the main thread answers every user; a photo being
 * decoded must not hold them up (a 12-megapixel HEIC takes a second or two). Each job runs in a worker thread of
 * its own, at most TWO at once (the others wait), and is stopped after a minute.
 *
 * The worker is a short script given as text; it loads the libraries by their resolved paths (in the desktop
 * package they are unpacked beside the asar, build/electron-builder.yml), so no separate bundle is needed.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { Worker } from 'node:worker_threads'

const TWO = 2
const TIMEOUT_MS = 60_000

/** A library's entry file, as a worker can load it (outside the asar archive in a packaged desktop). */
function entryOf(name: string): string {
  const resolved = createRequire(import.meta.url).resolve(name)
  return resolved.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`)
}

const SCRIPT = `
const { parentPort, workerData: job } = require('node:worker_threads')
;(async () => {
  if (job.kind === 'heic') {
    const convert = require(job.library)
    const out = await convert({ buffer: job.bytes, format: 'JPEG', quality: 0.92 })
    return { bytes: Buffer.from(out) }
  }
  const { PDFDocument } = require(job.library)
  const doc = await PDFDocument.load(job.bytes, { ignoreEncryption: true, updateMetadata: false })
  return { pages: doc.getPageCount() }
})().then(
  (result) => parentPort.postMessage({ ok: true, ...result }),
  (error) => parentPort.postMessage({ ok: false, message: String((error && error.message) || error) }),
)
`

let running = 0
const waiting: (() => void)[] = []

async function turn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= TWO) await new Promise<void>((resolve) => waiting.push(resolve))
  running++
  try {
    return await work()
  } finally {
    running--
    waiting.shift()?.()
  }
}

type Answer = { ok: true; bytes?: Uint8Array; pages?: number } | { ok: false; message: string }

function run(kind: 'heic' | 'pdf', bytes: Buffer): Promise<Answer> {
  return turn(
    () =>
      new Promise<Answer>((resolve) => {
        const library = entryOf(kind === 'heic' ? 'heic-convert' : 'pdf-lib')
        const worker = new Worker(SCRIPT, {
          eval: true,
          workerData: { kind, library, bytes },
          resourceLimits: { maxOldGenerationSizeMb: 512 },
        })
        const timer = setTimeout(() => {
          void worker.terminate()
          resolve({ ok: false, message: 'timeout' })
        }, TIMEOUT_MS)
        const done = (answer: Answer) => {
          clearTimeout(timer)
          resolve(answer)
          void worker.terminate()
        }
        worker.once('message', (m: Answer) => done(m))
        worker.once('error', (e) => done({ ok: false, message: e.message }))
        worker.once('exit', () => done({ ok: false, message: 'the worker stopped' }))
      }),
  )
}

/** The HEIC photo `bytes` as JPEG; null when it cannot be decoded. */
export async function heicToJpeg(bytes: Buffer): Promise<Buffer | null> {
  const answer = await run('heic', bytes)
  return answer.ok && answer.bytes ? Buffer.from(answer.bytes) : null
}

/** How many pages the PDF `bytes` has; null when it is not a readable PDF (or has no page). */
export async function pdfPages(bytes: Buffer): Promise<number | null> {
  const answer = await run('pdf', bytes)
  return answer.ok && answer.pages ? answer.pages : null
}
