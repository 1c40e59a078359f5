/**
 * 迁移到服务器: copies a single PC's SQLite database into a new, empty PostgreSQL database losslessly —
 * every table, the audit log, frozen snapshots, accounts — then proves it: the same number of rows in every
 * table, and the same rankings (every frozen month, and the live ranking of this month and the last) when
 * read through the services on each store. The desktop's file is only read (a private in-memory copy,
 * brought to this version's schema there), and the target must be empty: nothing is ever merged.
 */
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { sql } from 'kysely'
import { allPages } from '../../../shared/paging'
import { AppError } from '../../../shared/errors'
import { addMonths, localToday, periodOf } from '../../../shared/dates'
import { LOCAL, createApp, openAppAt, type App } from '../../app'
import { LATEST_SCHEMA_VERSION } from '../../db/migrate'
import { openSqliteStore } from '../sqlite'
import { BACKUP_DIR_KEY } from '../../backup/backups'
import { copyRows, tablesToCopy } from './copy'
import { migratePostgres } from './migrate'
import { PG_MIGRATIONS } from './migrations'
import { checkServerUrl, describeUrl } from './store'
import { translatePgError } from './errors'
import type { GroupBy } from '../../../shared/rules/types'

const GROUP_BYS: readonly GroupBy[] = ['leader', 'township', 'unit']

export interface MoveProgress {
  table: string
  rows: number
}

export interface MoveReport {
  /** Rows per table, equal on both sides (checked). */
  tables: { table: string; rows: number }[]
  /** The months whose rankings were compared: frozen ones (from their snapshots) and the live ones. */
  frozenMonths: string[]
  liveMonths: string[]
  /** The desktop's chosen backup folder, not carried over (a place on that PC's disk); null: none was chosen. */
  backupFolderLeft: string | null
}

/**
 * A file that a running 专班 (desktop or browser mode) has open has its -wal and -shm beside it: what is written
 * there after the copy would be missing on the server. Refused; a -wal left by a crash is folded in by opening
 * and closing 专班 once.
 */
function refuseOpenFile(file: string): void {
  // SQLite puts them beside the file a link points to.
  const real = fs.realpathSync(file)
  if (['-wal', '-shm'].some((suffix) => fs.existsSync(file + suffix) || fs.existsSync(real + suffix)))
    throw new AppError(
      'DB_LOCKED',
      `数据库文件（${path.resolve(file)}）正在被专班使用（旁边有 -wal、-shm 文件），迁移后在本机的修改不会到服务器上。` +
        '请先关闭所有打开它的专班窗口和浏览器模式，再迁移；如果专班都已关闭仍有此提示（上次没有正常退出），请打开再关闭一次专班后重试',
    )
}

/** The target must hold no table at all in its schema (a database created for 专班 and nothing else yet). */
async function checkEmpty(client: pg.PoolClient, where: string): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    // pg_class, not information_schema: that lists only the tables this account has rights on.
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1 LIMIT 5`,
  )
  if (rows.length)
    throw new AppError(
      'RULE',
      `目标数据库（${where}）不是空的（已有数据表 ${rows.map((r) => r.name).join('、')}${rows.length === 5 ? ' 等' : ''}），` +
        '未做任何改动。为避免两份数据混在一起，只能迁移到新建的空数据库：请服务器管理员新建一个空数据库后再试',
    )
}

/** Compares two answers of the same call; throws naming the call when they differ. */
function same(what: string, a: unknown, b: unknown): void {
  if (JSON.stringify(a) !== JSON.stringify(b))
    throw new AppError(
      'INTERNAL',
      `迁移后核对不一致：${what}在两个数据库中的结果不同。请不要使用目标数据库（删除后重建），并联系技术人员`,
    )
}

/**
 * Moves `fromFile` into the empty database at `toUrl`. `today` decides which live months are compared.
 * Throws AppErrors: the file damaged or not ours (nothing read), the target unreachable or not empty
 * (nothing written), a failure while copying (the target rolled back to empty), a difference found when
 * checking (the target is to be dropped; the message says so).
 */
export async function moveToServer(
  fromFile: string,
  toUrl: string,
  options: { today?: string; onProgress?: (p: MoveProgress) => void } = {},
): Promise<MoveReport> {
  checkServerUrl(toUrl)
  const where = describeUrl(toUrl)
  if (!fs.existsSync(fromFile))
    throw new AppError('NOT_FOUND', `找不到要迁移的数据库文件：${path.resolve(fromFile)}。请检查路径和文件名`)
  refuseOpenFile(fromFile)
  // The desktop's file, read once into memory, checked and brought to this version's schema there.
  const source = createApp(openSqliteStore(fromFile, { inMemoryCopy: true, checkIntegrity: true }))
  let target: App | null = null
  try {
    const handle = source.deps.store.file!.handle
    // The backup folder is a setting of that PC (a path on its disk): the server's backups go to the default
    // folder of the machine the app server runs on until an administrator chooses one there. Left out of the
    // in-memory copy only, so that the row counts compared below stay those of what was copied.
    const backupDir = handle.prepare('SELECT value FROM settings WHERE key = ?').get(BACKUP_DIR_KEY) as
      { value: string } | undefined
    handle.prepare('DELETE FROM settings WHERE key = ?').run(BACKUP_DIR_KEY)
    const lastPg = PG_MIGRATIONS.at(-1)!.version
    if (LATEST_SCHEMA_VERSION !== lastPg)
      throw new Error(`SQLite schema ${LATEST_SCHEMA_VERSION} and PostgreSQL schema ${lastPg} differ`)
    const pool = new pg.Pool({ connectionString: toUrl, max: 1 })
    try {
      const client = await pool.connect().catch((error: unknown) => {
        throw translatePgError(error, where) ?? error
      })
      try {
        await checkEmpty(client, where)
        await migratePostgres(client, {
          fill: async (c) => {
            let current = ''
            try {
              await copyRows(handle, c, {
                onTable: (table) => (current = table),
                onProgress: (table, rows) => options.onProgress?.({ table, rows }),
              })
            } catch (error) {
              const reason = translatePgError(error, where)?.message ?? (error as Error).message
              throw new AppError(
                'DB_MIGRATION',
                `复制数据时出错${current ? `（数据表 ${current}）` : ''}：${reason}。目标数据库已恢复为空，本机数据库文件未被修改`,
              )
            }
          },
        })
      } finally {
        client.release()
      }
    } finally {
      await pool.end().catch(() => {})
    }

    target = await openAppAt(toUrl)
    const tables: MoveReport['tables'] = []
    same('数据结构版本', await source.deps.store.schemaVersion(), await target.deps.store.schemaVersion())
    // migrations lists each store's own upgrade steps (SQLite 1–7, PostgreSQL 7 in one): compared by version above.
    for (const table of tablesToCopy(handle)) {
      const count = async (app: App) =>
        Number(
          (await sql<{ n: number }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(app.deps.db)).rows[0]!.n,
        )
      const [from, to] = [await count(source), await count(target)]
      if (from !== to)
        throw new AppError(
          'INTERNAL',
          `迁移后核对不一致：数据表 ${table} 原有 ${from} 行，目标数据库有 ${to} 行。请不要使用目标数据库（删除后重建），并联系技术人员`,
        )
      tables.push({ table, rows: to })
    }

    const frozenMonths = (await source.call('ranking.frozenMonths', {}, LOCAL)).map((m) => m.period)
    same(
      '封账月份',
      frozenMonths,
      (await target.call('ranking.frozenMonths', {}, LOCAL)).map((m) => m.period),
    )
    const thisMonth = periodOf(options.today ?? localToday())
    const liveMonths = [addMonths(thisMonth, -1), thisMonth].filter((p) => !frozenMonths.includes(p))
    for (const period of [...frozenMonths, ...liveMonths]) {
      same(
        `${period} 项目排名`,
        ...(await both(source, target, async (app) => {
          const { first, rows } = await allPages((offset, limit) =>
            app.call('ranking.projects', { period, offset, limit }, LOCAL),
          )
          return { ...first, version: 0, rows } // the two stores' data versions need not agree
        })),
      )
      for (const by of GROUP_BYS)
        same(
          `${period} 排名（${by}）`,
          ...(await both(source, target, async (app) => {
            const { first, rows } = await allPages((offset, limit) =>
              app.call('ranking.groups', { period, by, offset, limit }, LOCAL),
            )
            return { ...first, version: 0, rows }
          })),
        )
    }
    const left = backupDir ? (JSON.parse(backupDir.value) as unknown) : ''
    return { tables, frozenMonths, liveMonths, backupFolderLeft: typeof left === 'string' && left ? left : null }
  } finally {
    await source.close()
    if (target) await target.close()
  }
}

async function both<T>(a: App, b: App, fn: (app: App) => Promise<T>): Promise<[T, T]> {
  return [await fn(a), await fn(b)]
}
