/**
 * Picks how the renderer reaches the main side: the preload's bridge in the desktop app, HTTP with the
 * launch token in browser mode. Nothing else in the renderer knows which one it is.
 */
import { TOKEN_HEADER, type Bridge, type Outcome } from '../../shared/bridge'

const TOKEN_KEY = 'zhuanban.token'

/** Reads the token from "#token=…" once, keeps it for this tab, and takes it out of the address bar. */
export function takeToken(win: Window): string {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(win.location.hash)
  if (match) {
    win.sessionStorage.setItem(TOKEN_KEY, match[1]!)
    win.history.replaceState(null, '', win.location.pathname + win.location.search)
    return match[1]!
  }
  return win.sessionStorage.getItem(TOKEN_KEY) ?? ''
}

export function httpBridge(token: string, fetcher: typeof fetch = fetch): Bridge {
  return {
    async invoke(name, input): Promise<Outcome<unknown>> {
      let response: Response
      try {
        response = await fetcher(`/api/call/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
          body: JSON.stringify(input ?? {}),
        })
      } catch {
        return {
          ok: false,
          error: {
            code: 'INTERNAL',
            message: '无法连接专班后台服务。请确认启动专班的命令行窗口仍在运行，然后刷新页面',
          },
        }
      }
      try {
        return (await response.json()) as Outcome<unknown>
      } catch {
        return {
          ok: false,
          error: {
            code: 'INTERNAL',
            message: `专班后台服务返回了无法识别的内容（HTTP ${response.status}），请刷新页面重试`,
          },
        }
      }
    },
  }
}

export function pickTransport(win: Window = window): Bridge {
  return win.zhuanban ?? httpBridge(takeToken(win))
}
