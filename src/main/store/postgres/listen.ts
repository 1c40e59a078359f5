/**
 * The app server's ear on the database: one connection of its own (not the pool's) LISTENing on the changes
 * channel, each notification handed to the store's ChangeFeed (store/changes.ts). The connection is opened when
 * the first page subscribes, and opened again after it drops (a server restart, a restore that swapped the
 * database): a change may have been missed meanwhile, so the first thing after a reconnect is a change that
 * names no project (every open page reloads what it shows).
 */
import pg from 'pg'
import { CHANGES_CHANNEL, ChangeFeed, parseChange } from '../changes'

const RECONNECT_MS = 1000

export interface Listener {
  start(): void
  /** Ends the connection (and any reconnect); `start` may open it again. */
  stop(): Promise<void>
}

export function listenForChanges(url: string, feed: ChangeFeed, onDrop: (error: Error) => void): Listener {
  let client: pg.Client | null = null
  let wanted = false
  let timer: NodeJS.Timeout | null = null
  let dropped = false

  async function connect(): Promise<void> {
    timer = null
    if (!wanted || client) return
    const next = new pg.Client({ connectionString: url })
    client = next
    const lost = (error?: Error) => {
      if (client !== next) return
      client = null
      dropped = true
      if (error) onDrop(error)
      next.end().catch(() => {})
      if (wanted) timer ??= setTimeout(() => void connect(), RECONNECT_MS)
    }
    next.on('error', lost)
    next.on('end', () => lost())
    next.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL) return
      const change = parseChange(message.payload)
      if (change) feed.emit(change)
    })
    try {
      await next.connect()
      await next.query(`LISTEN ${CHANGES_CHANNEL}`)
      if (dropped) {
        dropped = false
        const { rows } = await next.query<{ version: string }>('SELECT version FROM data_version WHERE id = 1')
        feed.emit({ version: Number(rows[0]?.version ?? 0), projectIds: null, by: null })
      }
    } catch (error) {
      lost(error as Error)
    }
  }

  return {
    start() {
      wanted = true
      void connect()
    },
    async stop() {
      wanted = false
      if (timer) clearTimeout(timer)
      timer = null
      const current = client
      client = null
      await current?.end().catch(() => {})
    },
  }
}
