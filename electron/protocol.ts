/**
 * Serves the built renderer as app://zhuanban/… instead of file://, so the page has an origin of its own and
 * no file-system reach; requests outside the renderer folder are refused.
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { net, protocol } from 'electron'

export const SCHEME = 'app'

/** Must run before the app is ready. */
export function registerScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ])
}

/** The file a request maps to, or null when it would leave the renderer folder or cannot be read as a path. */
export function resolveAppFile(rendererDir: string, requestUrl: string): string | null {
  let url: URL
  let relative: string
  try {
    url = new URL(requestUrl)
    relative = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html'
  } catch {
    return null // malformed percent-encoding (%E0%A4%A): no such file
  }
  // A NUL cannot be in a file name (and makes the file system calls throw): no such file.
  if (url.host !== 'zhuanban' || relative.includes('\0')) return null
  const file = path.resolve(rendererDir, relative)
  const root = path.resolve(rendererDir)
  return file === root || file.startsWith(root + path.sep) ? file : null
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(SCHEME, (request) => {
    const file = resolveAppFile(rendererDir, request.url)
    // A missing file is answered, not failed: net.fetch would reject and the page see a broken request.
    if (!file || !fs.statSync(file, { throwIfNoEntry: false })?.isFile())
      return new Response('找不到该文件', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } })
    return net.fetch(pathToFileURL(file).toString())
  })
}
