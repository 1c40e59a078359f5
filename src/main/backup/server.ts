/**
 * Backups of the county server's database (PostgreSQL), made and restored by the app server itself so that
 * 设置 → 数据备份 works as on the office PC: `pg_dump --format=custom` of the store's database into the backup
 * folder on the machine 专班 runs on (the `backup_dir` setting, else <data folder>/server-backups/<database>),
 * named like SQLite's backups but ending in .dump (backups.ts), owned by the database's name and identity
 * (`database_id`) as there, kept by the same retention (retention.ts).
 *
 * A restore never touches the live database until the backup has proved itself: pg_restore into a fresh
 * database <live>_restore_<stamp> on the same server, opened as a store (older backups migrated, newer ones
 * refused), integrity-checked, its identity compared with the live one's. Only then the swap: the App's pool
 * closed, the other sessions on live ended, live renamed to <live>_before_<stamp> and the fresh one to live,
 * the pool reopened. Then the old database, which nobody can write to any more, is dumped (pre-restore: the
 * undo, with every write any app server had acknowledged) and dropped. Any failure before the swap drops the
 * fresh database and changes nothing.
 *
 * The client tools: ZHUANBAN_PG_BIN (a folder), else the newest /usr/lib/postgresql/<version>/bin (Debian's
 * layout, where several versions may sit side by side), else the PATH. pg_dump must be at least the server's
 * major version; it says so itself, and the message says what to install.
 */
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import type { Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import type { Database } from '../db/schema'
import { DATA_FOLDER_NAME, defaultAppDataDir } from '../paths'
import type { ServerDatabase, Store } from '../store/port'
import { openPostgresStore } from '../store/postgres/store'
import {
  BACKUP_DIR_KEY,
  belongsTo,
  checkWritableDir,
  DATABASE_ID_KEY,
  listBackups,
  nameHint,
  newDatabaseId,
  parseBackupName,
  stamp,
  TAG_LENGTH,
  type BackupInfo,
  type BackupOwner,
  type BackupReason,
} from './backups'
import { backupsToKeep, CLOCK_TOLERANCE_MS, type BackupFile } from './retention'

export type PgTool = 'pg_dump' | 'pg_restore'

/** Where Debian (and Ubuntu) put each installed PostgreSQL version's programs: <root>/<version>/bin. */
export const DEBIAN_PG_ROOT = '/usr/lib/postgresql'

const isFile = (file: string) => {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

function missingTool(tool: PgTool, why: string): AppError {
  return new AppError(
    'RULE',
    `服务器备份需要 PostgreSQL 客户端工具 ${tool}（备份用 pg_dump，恢复用 pg_restore），${why}。` +
      '请在运行专班的这台电脑上安装与数据库服务器同一或更新主版本的 PostgreSQL 客户端' +
      '（Debian/Ubuntu：apt-get install postgresql-client；Windows：PostgreSQL 安装程序中的 Command Line Tools），' +
      '或用环境变量 ZHUANBAN_PG_BIN 指定这些程序所在的文件夹',
  )
}

/**
 * The program `tool`: in ZHUANBAN_PG_BIN when it is set (and only there: a folder named on purpose that lacks
 * it is an error, not a reason to use another version), else in the newest <debianRoot>/<version>/bin, else
 * on the PATH. Throws the Chinese error naming what to install.
 */
export function findPgTool(tool: PgTool, env: NodeJS.ProcessEnv = process.env, debianRoot = DEBIAN_PG_ROOT): string {
  const name = process.platform === 'win32' ? `${tool}.exe` : tool
  if (env.ZHUANBAN_PG_BIN) {
    const file = path.join(env.ZHUANBAN_PG_BIN, name)
    if (isFile(file)) return file
    throw missingTool(tool, `环境变量 ZHUANBAN_PG_BIN 指定的文件夹「${env.ZHUANBAN_PG_BIN}」中没有 ${name}`)
  }
  let versions: string[] = []
  try {
    versions = fs
      .readdirSync(debianRoot)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
  } catch {
    // not Debian's layout
  }
  for (const version of versions) {
    const file = path.join(debianRoot, version, 'bin', name)
    if (isFile(file)) return file
  }
  const pathVar = env.PATH ?? env.Path ?? ''
  for (const dir of pathVar.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name)
    if (isFile(file)) return file
  }
  throw missingTool(tool, '本机没有找到')
}

/** libpq's connection parameters (what pg_dump accepts in a URI's query; node-postgres knows a few others). */
const LIBPQ_PARAMS = new Set([
  'host',
  'hostaddr',
  'port',
  'dbname',
  'user',
  'connect_timeout',
  'client_encoding',
  'options',
  'application_name',
  'fallback_application_name',
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
  'sslmode',
  'sslcert',
  'sslkey',
  'sslrootcert',
  'sslcrl',
  'sslcompression',
  'requiressl',
  'gssencmode',
  'krbsrvname',
  'target_session_attrs',
  'channel_binding',
  'service',
  'passfile',
])

/** The store's URL with another database name (the server's `postgres` database, a fresh one). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${encodeURIComponent(database)}`
  return u.toString()
}

/**
 * How the client tools reach `url`: the URI without its password (a command line is visible to every user of
 * the machine) and without node-postgres's own parameters (libpq refuses those), the password in PGPASSWORD.
 */
export function toolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url)
  const env: NodeJS.ProcessEnv = { ...process.env, PGCONNECT_TIMEOUT: process.env.PGCONNECT_TIMEOUT ?? '15' }
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password)
  u.password = ''
  const ssl = u.searchParams.get('ssl')
  for (const key of [...u.searchParams.keys()]) if (!LIBPQ_PARAMS.has(key)) u.searchParams.delete(key)
  if (ssl && ssl !== 'false' && ssl !== '0' && !u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'require')
  return { dbname: u.toString(), env }
}

/** Runs a client tool; resolves with its output, rejects with what it wrote to stderr. */
function runTool(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'))
      else {
        const text = Buffer.concat(err).toString('utf8').trim()
        reject(
          Object.assign(new Error(text || `${path.basename(file)} 异常退出（${signal ?? code}）`), { stderr: text }),
        )
      }
    })
  })
}

/** The last lines of a tool's complaint, for a message (never the whole of a long restore log). */
const gist = (error: unknown) => {
  const text = (error as { stderr?: string }).stderr || (error as Error).message
  return text.split(/\r?\n/).filter(Boolean).slice(-3).join('；')
}

/** The ServerDatabase of a PostgreSQL store; a Chinese refusal on a SQLite file. */
export function serverOf(store: Store): ServerDatabase {
  if (store.server) return store.server
  throw new AppError('INTERNAL', '服务器备份只适用于服务器数据库')
}

/** A folder name for the database (anything a file system refuses, made "_"). */
const folderName = (database: string) =>
  [...database].map((c) => (c < ' ' || '<>:"/\\|?*'.includes(c) ? '_' : c)).join('') || '_'

/** Where a server database's backups go when no folder was chosen: <data folder>/server-backups/<database>. */
export function defaultServerBackupDir(database: string, appDataDir: string = defaultAppDataDir()): string {
  return path.join(appDataDir, DATA_FOLDER_NAME, 'server-backups', folderName(database))
}

async function readSetting(db: Kysely<Database>, key: string): Promise<unknown> {
  try {
    const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst()
    return row ? (JSON.parse(row.value) as unknown) : null
  } catch {
    return null
  }
}

/**
 * The chosen folder (`backup_dir`, as on SQLite) or the default. A chosen folder that is not a full path on
 * this machine (one chosen on the office PC before the data moved to the server, `D:\专班备份` on Linux) is
 * ignored: the default is used.
 */
export async function serverBackupDir(store: Store): Promise<string> {
  const chosen = await readSetting(store.db, BACKUP_DIR_KEY)
  if (typeof chosen === 'string' && chosen && path.isAbsolute(chosen)) return chosen
  return defaultServerBackupDir(serverOf(store).database)
}

/** The database's identity (settings `database_id`), null when it has none. */
export async function readServerDatabaseId(db: Kysely<Database>): Promise<string | null> {
  const id = await readSetting(db, DATABASE_ID_KEY)
  return typeof id === 'string' && /^[0-9a-f]{32}$/.test(id) ? id : null
}

/** Gives the database `id` (a new one by default) unless it has one; returns the one it has then. */
export async function adoptServerDatabaseId(
  db: Kysely<Database>,
  id: string = newDatabaseId(),
): Promise<string | null> {
  await db
    .insertInto('settings')
    .values({ key: DATABASE_ID_KEY, value: JSON.stringify(id) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  return readServerDatabaseId(db)
}

/** The open server database's backups are those of its name and identity. */
export async function serverBackupOwner(store: Store): Promise<BackupOwner> {
  return { hint: nameHint(serverOf(store).database), id: await readServerDatabaseId(store.db) }
}

/** The database's own backups in `dir`, newest first. */
export async function listServerBackups(store: Store, dir?: string): Promise<BackupInfo[]> {
  return listBackups(dir ?? (await serverBackupDir(store)), await serverBackupOwner(store), 'dump')
}

/** A free file name in `dir` for a dump made now, marked with the database's name and identity. */
function targetFor(dir: string, owner: BackupOwner, reason: BackupReason, now: Date) {
  const nameAt = (date: Date) =>
    `zhuanban-${owner.hint ? `${owner.hint}-` : ''}${stamp(date)}-${reason}${owner.id ? `-${owner.id.slice(0, TAG_LENGTH)}` : ''}.dump`
  let name = nameAt(now)
  // Two backups in the same second (a manual one right after an automatic one) must not overwrite each other.
  for (let i = 1; fs.existsSync(path.join(dir, name)); i++) name = nameAt(new Date(now.getTime() + i * 1000))
  return { name, target: path.join(dir, name) }
}

function dumpFailed(error: unknown): AppError {
  const text = gist(error)
  if ((error as { code?: string }).code === 'ENOENT') return missingTool('pg_dump', '找到的程序无法运行')
  if (/No space left|ENOSPC|disk full/i.test(text))
    return new AppError('DB_FULL', '磁盘空间不足，备份未完成。请清理磁盘或换一个备份位置')
  if (/server version mismatch|aborting because of server version/i.test(text))
    return new AppError(
      'RULE',
      `本机的 pg_dump 比数据库服务器的版本旧，无法备份（${text}）。` +
        '请安装与服务器同一或更新主版本的 PostgreSQL 客户端，或用环境变量 ZHUANBAN_PG_BIN 指定其所在文件夹',
    )
  return new AppError('DB_UNREADABLE', `备份失败：${text}。请检查备份文件夹的写入权限和数据库服务器的连接`)
}

/**
 * A pg_dump of the database into its backup folder (written under a temporary name, renamed when complete: a
 * dump cut short by a full disk or a crash is never listed). A damaged database is not backed up (except just
 * before a restore replaces it); the identity is written first except before an import (as on SQLite: a
 * refused import leaves the database exactly as it was).
 */
export async function createServerBackup(
  store: Store,
  reason: BackupReason,
  now: Date = new Date(),
  dir?: string,
  /** Dump this database of the same server instead (a restore's undo: the live one renamed aside). */
  fromUrl?: string,
): Promise<BackupInfo> {
  const server = serverOf(store)
  const pgDump = findPgTool('pg_dump')
  if (reason !== 'pre-restore') {
    const check = await store.integrityCheck()
    if (!check.ok)
      throw new AppError(
        'DB_DAMAGED',
        `数据库检查发现问题（${check.summary}），未备份：有问题的副本不能用来恢复，已有的备份都保持不变。请联系服务器管理员`,
      )
  }
  const folder = dir ?? (await serverBackupDir(store))
  checkWritableDir(folder)
  if (reason !== 'pre-import') await adoptServerDatabaseId(store.db)
  const { name, target } = targetFor(folder, await serverBackupOwner(store), reason, now)
  // A dot first: never a backup's name, so never listed, counted or restored while it is being written.
  const partial = path.join(folder, `.${name}.${process.pid}.partial`)
  const { dbname, env } = toolConnection(fromUrl ?? server.url)
  try {
    // Readable by the server's account only: a dump holds every row, the accounts' password hashes too. (Made
    // before pg_dump writes into it, which keeps the mode.)
    fs.writeFileSync(partial, '', { mode: 0o600 })
    await runTool(pgDump, ['--format=custom', '--no-password', `--file=${partial}`, `--dbname=${dbname}`], env)
    fs.renameSync(partial, target)
  } catch (error) {
    fs.rmSync(partial, { force: true })
    throw dumpFailed(error)
  }
  return listBackups(folder, undefined, 'dump').find((b) => b.name === name)!
}

/** Deletes the database's automatic dumps beyond the retention (the same as SQLite's); returns what it removed. */
export async function pruneServerBackups(store: Store, now: Date = new Date(), dir?: string): Promise<string[]> {
  const all = await listServerBackups(store, dir)
  const keep = backupsToKeep(
    all.map((b): BackupFile => ({ name: b.name, at: b.at, automatic: b.reason === 'auto' })),
    undefined,
    now,
  )
  const removed = all.filter((b) => !keep.has(b.name))
  for (const b of removed) fs.rmSync(b.path, { force: true })
  return removed.map((b) => b.name)
}

/** The day's backup (as backups.ts ensureDailyBackup): unless one was made within the last day; then pruned. */
export async function ensureDailyServerBackup(store: Store, now: Date = new Date()): Promise<BackupInfo | null> {
  await adoptServerDatabaseId(store.db)
  const dir = await serverBackupDir(store)
  const recent = (await listServerBackups(store, dir)).some((b) => {
    const age = now.getTime() - new Date(b.at).getTime()
    return age >= -CLOCK_TOLERANCE_MS && age < 86_400_000
  })
  if (recent) return null
  const made = await createServerBackup(store, 'auto', now, dir)
  await pruneServerBackups(store, now, dir)
  return made
}

// ——— restore ———

/** PostgreSQL's identifiers are at most 63 bytes: longer ones are cut (silently), which could name another. */
const MAX_IDENTIFIER_BYTES = 63

/** <live>_<what>_<UTC time>_<random>, the live name shortened (whole characters) to fit. */
function sideName(live: string, what: 'restore' | 'before' | 'failed', now: Date): string {
  const suffix = `_${what}_${now.toISOString().replace(/\D/g, '').slice(0, 14)}_${crypto.randomBytes(2).toString('hex')}`
  let base = live
  while (Buffer.byteLength(base + suffix) > MAX_IDENTIFIER_BYTES) base = [...base].slice(0, -1).join('')
  return base + suffix
}

const ident = (name: string) => pg.escapeIdentifier(name)
const sqlState = (error: unknown) => (error as { code?: string }).code

/** A connection to the server's maintenance database (`postgres`, else `template1`), for work on the others. */
async function maintenance(url: string): Promise<pg.Client> {
  let last: unknown
  for (const database of ['postgres', 'template1']) {
    const client = new pg.Client({ connectionString: withDatabase(url, database) })
    try {
      await client.connect()
      client.on('error', (error) => console.error(`数据库连接中断：${error.message}`))
      return client
    } catch (error) {
      last = error
      await client.end().catch(() => {})
    }
  }
  throw new AppError(
    'DB_UNREADABLE',
    `恢复需要连接数据库服务器的维护数据库 postgres，连接失败：${(last as Error).message}`,
  )
}

async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`)
}

/** A new empty database with the live one's encoding and locale (template0: nothing in it yet). */
async function createFresh(admin: pg.Client, live: string, fresh: string): Promise<void> {
  const { rows } = await admin.query<{
    encoding: string
    collate: string
    ctype: string
    provider: string | null
    icu: string | null
  }>(
    `SELECT pg_encoding_to_char(encoding) AS encoding, datcollate AS collate, datctype AS ctype,
            to_jsonb(d) ->> 'datlocprovider' AS provider,
            coalesce(to_jsonb(d) ->> 'daticulocale', to_jsonb(d) ->> 'datlocale') AS icu
     FROM pg_database d WHERE datname = $1`,
    [live],
  )
  const d = rows[0]
  const options = d
    ? ` ENCODING ${pg.escapeLiteral(d.encoding)} LC_COLLATE ${pg.escapeLiteral(d.collate)} LC_CTYPE ${pg.escapeLiteral(d.ctype)}` +
      (d.provider === 'i' && d.icu ? ` LOCALE_PROVIDER icu ICU_LOCALE ${pg.escapeLiteral(d.icu)}` : '')
    : ''
  try {
    await admin.query(`CREATE DATABASE ${ident(fresh)} TEMPLATE template0${options}`)
  } catch (error) {
    if (sqlState(error) === '42501')
      throw new AppError(
        'DB_READONLY',
        '服务器备份的恢复要先在服务器上新建一个数据库来检查备份，但数据库账号没有建库权限（CREATEDB），未恢复，数据库未被修改。' +
          '请服务器管理员为专班的数据库账号授予 CREATEDB 权限（ALTER ROLE 账号 CREATEDB）后重试',
      )
    throw error
  }
}

/** Whether the backup is the database's own: as checkSameDatabase on SQLite (restore.ts), with the server's words. */
function checkSameServerDatabase(name: string, backupId: string | null, owner: BackupOwner, live: string): void {
  const parsed = parseBackupName(name, 'dump')
  if (owner.id && backupId ? owner.id === backupId : parsed !== null && belongsTo(parsed, owner)) return
  const why =
    owner.id && backupId
      ? `属于另一个数据库，不是数据库「${live}」的备份`
      : `无法确认是数据库「${live}」的备份（备份中没有数据库标识，文件名也不是该数据库的备份名）`
  throw new AppError(
    'RULE',
    `备份「${name}」${why}，未恢复，数据库未被修改。请选择本数据库的备份。` +
      '如确要用它建立数据库，请服务器管理员用 pg_restore 恢复到一个新的数据库',
  )
}

/**
 * The restored copy, checked as a database to be opened: 专班's (it has the migrations record), not from a
 * newer version (older ones are migrated now, as at an open), passing the integrity check, the live
 * database's own. Returns the identity it carries (null: made before identities).
 */
async function checkRestored(freshUrl: string, name: string, owner: BackupOwner, live: string): Promise<string | null> {
  const probe = new pg.Client({ connectionString: freshUrl })
  await probe.connect()
  try {
    const { rows } = await probe.query<{ t: string | null }>(`SELECT to_regclass('migrations')::text AS t`)
    if (!rows[0]?.t)
      throw new AppError('DB_NOT_DATABASE', `备份「${name}」不是专班的数据库备份，不能用来恢复，数据库未被修改`)
  } finally {
    await probe.end().catch(() => {})
  }
  let restored: Store
  try {
    restored = await openPostgresStore(freshUrl, { poolSize: 2 })
  } catch (error) {
    if (error instanceof AppError && error.code === 'DB_TOO_NEW')
      throw new AppError('DB_TOO_NEW', `备份「${name}」由更新版本的专班创建，请先升级专班再恢复。数据库未被修改`)
    if (error instanceof AppError && error.code === 'DB_MIGRATION')
      throw new AppError(
        'DB_MIGRATION',
        `备份「${name}」无法升级到本版本的数据结构，未恢复，数据库未被修改。请联系技术人员`,
      )
    if (error instanceof AppError)
      throw new AppError(error.code, `备份「${name}」不能用来恢复：${error.message}。数据库未被修改`)
    throw error
  }
  try {
    const check = await restored.integrityCheck()
    if (!check.ok)
      throw new AppError(
        'DB_NOT_DATABASE',
        `备份「${name}」已损坏（${check.summary}），不能用来恢复，数据库未被修改。请选择另一个备份`,
      )
    const backupId = await readServerDatabaseId(restored.db)
    checkSameServerDatabase(name, backupId, owner, live)
    return backupId
  } finally {
    await restored.close()
  }
}

/** Gives the (not yet opened) restored database the identity `id`. */
/** The data version of the database at `url` (store/data-version.ts). */
async function versionAt(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ version: string }>('SELECT version FROM data_version WHERE id = 1')
    return rows[0] ? Number(rows[0].version) : 0
  } finally {
    await client.end().catch(() => {})
  }
}

async function adoptOn(url: string, id: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
      DATABASE_ID_KEY,
      JSON.stringify(id),
    ])
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Renames live → `before` and `fresh` → live, the other sessions on live ended first (those of the same role:
 * the App's others, other app servers; a session of another role, an administrator's psql, blocks the
 * rename and is reported). Puts live back when the second rename fails.
 */
async function renameInto(admin: pg.Client, live: string, fresh: string, before: string): Promise<void> {
  const deadline = Date.now() + 5_000
  for (;;) {
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = $1 AND pid <> pg_backend_pid() AND pg_has_role(usesysid, 'MEMBER')`,
      [live],
    )
    try {
      await admin.query(`ALTER DATABASE ${ident(live)} RENAME TO ${ident(before)}`)
      break
    } catch (error) {
      // 55006: still in use (an ended session not gone yet, or one that reconnected meanwhile): again, briefly.
      if (sqlState(error) === '55006' && Date.now() < deadline) {
        await sleep(100)
        continue
      }
      if (sqlState(error) === '55006')
        throw new AppError(
          'DB_LOCKED',
          `服务器上还有其他程序（如管理员的数据库工具）连接着数据库「${live}」，无法替换，未恢复，数据库未被修改。请先断开这些连接后重试`,
        )
      if (sqlState(error) === '42501')
        throw new AppError(
          'DB_READONLY',
          `恢复要把数据库「${live}」改名替换，需要专班的数据库账号是它的所有者并有建库权限（CREATEDB），未恢复，数据库未被修改。请联系服务器管理员`,
        )
      throw error
    }
  }
  try {
    await admin.query(`ALTER DATABASE ${ident(fresh)} RENAME TO ${ident(live)}`)
  } catch (error) {
    await admin.query(`ALTER DATABASE ${ident(before)} RENAME TO ${ident(live)}`)
    throw error
  }
}

/**
 * Replaces the store's database with the dump `chosen` (one of its own backups, listed); returns the
 * pre-restore backup of what it replaced and the replaced data's version (store/data-version.ts). The caller (the App) runs it with no other call in flight, and
 * audits it in the restored database.
 */
export async function restoreServerBackup(
  store: Store,
  chosen: BackupInfo,
  now: Date = new Date(),
): Promise<{ kept: BackupInfo; replacedVersion: number }> {
  const server = serverOf(store)
  const live = server.database
  const pgRestore = findPgTool('pg_restore')
  findPgTool('pg_dump') // the pre-restore backup needs it: refused now rather than after the work
  const tool = toolConnection(server.url)
  try {
    await runTool(pgRestore, ['--list', chosen.path], tool.env)
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') throw missingTool('pg_restore', '找到的程序无法运行')
    throw new AppError(
      'DB_NOT_DATABASE',
      `备份「${chosen.name}」已损坏或不是 pg_dump 的备份文件（${gist(error)}），不能用来恢复，数据库未被修改。请选择另一个备份`,
    )
  }
  const owner = await serverBackupOwner(store)
  const fresh = sideName(live, 'restore', now)
  const freshUrl = withDatabase(server.url, fresh)
  const admin = await maintenance(server.url)
  try {
    await createFresh(admin, live, fresh)
    try {
      try {
        await runTool(
          pgRestore,
          [
            '--no-password',
            // Objects owned by the app's account, as migrations made them; no grants to roles this server may lack.
            '--no-owner',
            '--no-acl',
            '--exit-on-error',
            '--single-transaction',
            `--dbname=${toolConnection(freshUrl).dbname}`,
            chosen.path,
          ],
          tool.env,
        )
      } catch (error) {
        throw new AppError(
          'DB_NOT_DATABASE',
          `备份「${chosen.name}」无法恢复（${gist(error)}），可能已损坏，数据库未被修改。请选择另一个备份`,
        )
      }
      const backupId = await checkRestored(freshUrl, chosen.name, owner, live)
      // A copy from before identities takes the live database's (given it by that backup if it had none): the
      // backups, the one just made included, stay its own.
      const lineage = backupId ? null : await readServerDatabaseId(store.db)
      if (lineage) await adoptOn(freshUrl, lineage)
    } catch (error) {
      await dropDatabase(admin, fresh).catch((e: unknown) => console.error(e))
      throw error
    }
    const before = sideName(live, 'before', now)
    let swapped = false
    try {
      await server.swap(async () => {
        await renameInto(admin, live, fresh, before)
        swapped = true
      })
    } catch (error) {
      if (!swapped) {
        // Nothing was replaced (the renames are undone inside): the fresh copy goes, live is as it was, and so
        // the backup of it just made goes too (the folder as it was: a refused restore leaves no trace).
        await dropDatabase(admin, fresh).catch((e: unknown) => console.error(e))
        throw error
      }
      // Swapped, but the restored database did not open: the old one is put back under its name.
      const failed = sideName(live, 'failed', now)
      try {
        // live (the restored one) → failed, before → live.
        await server.swap(() => renameInto(admin, live, before, failed))
        await dropDatabase(admin, failed).catch((e: unknown) => console.error(e))
      } catch (undo) {
        console.error(undo)
        throw new AppError(
          'DB_UNREADABLE',
          `恢复后的数据库无法打开，原来的数据库也未能换回（原数据库已改名为「${before}」保存在服务器上）。请联系服务器管理员`,
        )
      }
      const reason = error instanceof AppError ? error.message : (error as Error).message
      throw new AppError(
        'DB_UNREADABLE',
        `恢复后的数据库无法打开（${reason}），已换回原来的数据库，数据未被修改。请联系服务器管理员`,
      )
    }
    // The replaced data's version, read now that no app server can write to it: the restored data is given a
    // later one (services/backups.ts), so no app server reuses a computation of the replaced data.
    const replacedVersion = await versionAt(withDatabase(server.url, before)).catch((e: unknown) => {
      console.error(e)
      return 0
    })
    // The undo: a dump of the old database, made now that it is renamed aside — every write any app server had
    // acknowledged is in it, and none can reach it any more (its name is the restored one's now). A dump made
    // before the swap would miss the writes that landed between the dump and the rename.
    let kept: BackupInfo
    try {
      kept = await createServerBackup(store, 'pre-restore', now, undefined, withDatabase(server.url, before))
    } catch (error) {
      throw new AppError(
        'DB_FULL',
        `已恢复备份「${chosen.name}」，但恢复前的数据未能另存为备份文件（${error instanceof AppError ? error.message : (error as Error).message}）。` +
          `恢复前的数据库仍完整地保存在服务器上，名为「${before}」，请联系服务器管理员备份或删除它`,
      )
    }
    // The App runs on the restored database: the old one goes (its dump is the undo). One that cannot be
    // dropped now stays on the server under its name (reported in the log, never reused).
    await dropDatabase(admin, before).catch((e: unknown) =>
      console.error(`恢复后未能删除原数据库「${before}」：${(e as Error).message}`),
    )
    return { kept, replacedVersion }
  } finally {
    await admin.end().catch(() => {})
  }
}

/** The dump's rows of one table as the text pg_restore writes (for checks and tests): one line per row. */
export async function dumpTableRows(file: string, table: string): Promise<string[]> {
  const text = await runTool(
    findPgTool('pg_restore'),
    ['--data-only', `--table=${table}`, '--file=-', file],
    process.env,
  )
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.startsWith('COPY '))
  if (start < 0) return []
  const end = lines.indexOf('\\.', start)
  return lines.slice(start + 1, end)
}
