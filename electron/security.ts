/**
 * Electron's security checklist, in one place: a strict CSP on every response, no navigation away from the
 * app, no new windows (https links go to the system browser through one safe wrapper), no permissions, no
 * webviews.
 */
import { shell, type Session, type WebContents } from 'electron'
import { CONTENT_SECURITY_POLICY } from '../src/shared/csp'

export const APP_ORIGIN = 'app://zhuanban'

export { CONTENT_SECURITY_POLICY }

/** The only way the app opens anything outside itself: an https address, in the system browser. */
export function openExternalSafe(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (parsed.protocol !== 'https:') return false
  void shell.openExternal(parsed.toString())
  return true
}

export function isAppUrl(url: string): boolean {
  return url === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`)
}

export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    })
  })
  // The app needs no camera, microphone, notifications, geolocation …
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
}

/** `allowed`: where the window may go (the app's pages; in 县服务器 mode the server's too, connection.ts). */
export function hardenWebContents(contents: WebContents, allowed: (url: string) => boolean = isAppUrl): void {
  contents.on('will-navigate', (event, url) => {
    if (!allowed(url)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!allowed(url)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafe(url)
    return { action: 'deny' }
  })
}
