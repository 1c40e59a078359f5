/**
 * Serves the built renderer as app://zhuanban/… instead of file://, so the page has an origin of its own and
 * no file-system reach; requests outside the renderer folder are refused.
 */
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

/** The file a request maps to, or null when it would leave the renderer folder. */
export function resolveAppFile(rendererDir: string, requestUrl: string): string | null {
  const url = new URL(requestUrl)
  if (url.host !== 'zhuanban') return null
  const relative = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html'
  const file = path.resolve(rendererDir, relative)
  const root = path.resolve(rendererDir)
  return file === root || file.startsWith(root + path.sep) ? file : null
}

export function serveRenderer(rendererDir: string): void {
  protocol.handle(SCHEME, (request) => {
    const file = resolveAppFile(rendererDir, request.url)
    if (!file) return new Response('Not found', { status: 404 })
    return net.fetch(pathToFileURL(file).toString())
  })
}
