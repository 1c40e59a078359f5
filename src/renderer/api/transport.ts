/**
 * Picks how the renderer reaches the main side: the preload's bridge in the desktop app, HTTP with the
 * launch token in browser mode, HTTP with an anti-forgery token on the county server (no launch token there:
 * the login is the guard). Nothing else in the renderer knows which one it is.
 */
import { TOKEN_HEADER, type Bridge, type LiveListener, type Outcome } from '../../shared/bridge'
import type { DataChange } from '../../shared/changes'

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

/** The county server's anti-forgery token header (src/main/http/server-host.ts). */
export const CSRF_HEADER = 'x-csrf-token'

const unreachable = (server: boolean): Outcome<unknown> => ({
  ok: false,
  error: {
    code: 'UNREACHABLE',
    message: server
      ? '无法连接专班县服务器。请检查网络，稍后重试；如果一直无法连接，请联系县重点项目办的系统管理员'
      : '无法连接专班后台服务。请确认启动专班的命令行窗口仍在运行，然后刷新页面',
  },
})

/**
 * The contract over HTTP. With a launch token (browser mode) each call carries it; without (the county
 * server) each call carries the anti-forgery token, fetched before the first call and again, once, when the
 * server says it is stale (a restart of the browser's cookies, a long-open page).
 */
export function httpBridge(token: string, fetcher: typeof fetch = fetch): Bridge {
  const server = token === ''
  let csrf: Promise<string> | null = null
  const fetchCsrf = () =>
    fetcher('/api/csrf', { headers: { accept: 'application/json' } })
      .then((response) => response.json() as Promise<{ token: string }>)
      .then((answer) => answer.token)

  async function send(name: string, input: unknown): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (server) headers[CSRF_HEADER] = await (csrf ??= fetchCsrf())
    else headers[TOKEN_HEADER] = token
    return fetcher(`/api/call/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(input ?? {}),
    })
  }

  async function attempt(name: string, input: unknown): Promise<Outcome<unknown>> {
    let response: Response
    try {
      response = await send(name, input)
    } catch {
      csrf = null
      return unreachable(server)
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
  }

  return {
    async invoke(name, input): Promise<Outcome<unknown>> {
      const outcome = await attempt(name, input)
      if (!server || outcome.ok || outcome.error.code !== 'CSRF') return outcome
      csrf = null
      return attempt(name, input)
    },
    subscribe: (listener, onConnection) =>
      streamChanges(server ? {} : { [TOKEN_HEADER]: token }, listener, fetcher, undefined, onConnection),
  }
}

/** How long to wait before opening the stream of changes again after it broke (or before a login). */
export const RECONNECT_MS = 3000

/**
 * Live updates over HTTP: `GET /api/events` (server-sent events, read through fetch so that browser mode's
 * token header goes with it), opened again after any break. The stream starts with the data version: one
 * that moved while the stream was down is passed on as a change naming no project (reload everything shown).
 */
export function streamChanges(
  headers: Record<string, string>,
  listener: LiveListener,
  fetcher: typeof fetch = fetch,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  onConnection: (connected: boolean) => void = () => {},
): () => void {
  let stopped = false
  let connected = false
  const say = (now: boolean) => {
    if (now !== connected) onConnection((connected = now))
  }
  let abort: AbortController | null = null
  let known: number | null = null

  function handle(block: string) {
    const lines = block.split('\n')
    const data = lines
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6))
      .join('\n')
    if (!data) return
    const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message'
    try {
      if (event === 'hello') {
        say(true)
        const { version } = JSON.parse(data) as { version: number }
        if (known !== null && version !== known) listener({ version, projectIds: null, by: null })
        known = version
      } else {
        const change = JSON.parse(data) as DataChange
        known = change.version
        listener(change)
      }
    } catch {
      // Not an event of ours: skipped.
    }
  }

  async function run() {
    while (!stopped) {
      abort = new AbortController()
      try {
        const response = await fetcher('/api/events', { headers, signal: abort.signal })
        if (response.ok && response.body) {
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
          let buffer = ''
          for (;;) {
            const { value, done } = await reader.read()
            if (done) break
            buffer += value
            let cut
            while ((cut = buffer.indexOf('\n\n')) >= 0) {
              handle(buffer.slice(0, cut))
              buffer = buffer.slice(cut + 2)
            }
          }
        }
        // (Any answer, a 401 while nobody is logged in too, says the server is there.)
      } catch {
        // No answer, or the stream broke off: the server is not reachable now (unless we stopped).
        if (!stopped) say(false)
      }
      if (stopped) break
      await wait(RECONNECT_MS)
    }
  }
  void run()
  return () => {
    stopped = true
    abort?.abort()
  }
}

export function pickTransport(win: Window = window): Bridge {
  return win.zhuanban ?? httpBridge(takeToken(win))
}
