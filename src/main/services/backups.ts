/**
 * 数据备份: list and make backups of the open database, restore one, choose the backup folder — on a SQLite
 * file (copies beside it, backup/backups.ts) and on the county server's database (pg_dump files on the app
 * server, backup/server.ts) alike.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql, type Kysely, type Selectable } from 'kysely'
import { AppError } from '../../shared/errors'
import type { BackupListing } from '../../shared/domain'
import { audit } from '../audit'
import type { Database, SessionsTable } from '../db/schema'
import { writeTx, type Deps } from '../context'
import type { HandlerMap } from '../handler-types'
import {
  adoptDatabaseId,
  BACKUP_DIR_KEY,
  backupDirOf,
  createBackup,
  DATABASE_ID_KEY,
  newDatabaseId,
  readDatabaseId,
  writeBackupPointer,
  type BackupInfo,
} from '../backup/backups'
import { checkBackupFile, checkSameDatabase, copyBackupOver } from '../backup/restore'
import {
  createStoreBackup,
  listStoreBackups,
  pruneStoreBackups,
  defaultStoreBackupFolder,
  storeBackupFolder,
  storeBackupOwner,
} from '../backup/any-store'
import { restoreServerBackup } from '../backup/server'
import { advanceDataVersion, readDataVersion } from '../store/data-version'

export { createStoreBackup } from '../backup/any-store'
/** A full path as the office's system writes one, for messages. */
function exampleFolder(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'D:\\专班备份' : path.posix.join(os.homedir(), '专班备份')
}

/** A folder the office may choose: absolute, creatable, writable (proved by writing a file into it). */
function checkFolder(folder: string): string {
  if (!path.isAbsolute(folder))
    throw new AppError('INVALID_INPUT', `「备份文件夹」应为完整路径（如 ${exampleFolder()}），不能是相对路径`)
  const probe = path.join(folder, `.zhuanban-write-test-${process.pid}`)
  try {
    fs.mkdirSync(folder, { recursive: true })
    fs.writeFileSync(probe, 'ok')
    fs.rmSync(probe)
  } catch {
    throw new AppError('DB_READONLY', `无法在「${folder}」中写入文件，备份位置未修改。请检查该文件夹是否存在且可写`)
  }
  return path.resolve(folder)
}

/** The folder and the open database's own backups in it (not those of another database sharing the folder). */
async function listing(deps: Deps): Promise<BackupListing> {
  const { folder, isDefault } = await storeBackupFolder(deps.store)
  return {
    folder,
    isDefault,
    backups: await listStoreBackups(deps.store),
    ...(deps.store.server && { server: true }),
  }
}

/**
 * Sets the backup folder ('' = the default: beside a SQLite database; <data folder>/server-backups/<database>
 * on the app server for a server database), audited. Not a contract call: a page must
 * never name a folder the host then writes full copies of the database into (/etc, a .ssh folder, a network
 * share). Only the desktop's own folder dialog (electron/backup-folder.ts) and the command line
 * (`zhuanban backup-folder`) call it with a path; the contract can only reset it.
 * Throws AppError INVALID_INPUT (not absolute) or DB_READONLY (not writable). The chosen folder is also
 * written into a pointer file in the default folder (removed on reset), so that a database too damaged to
 * read still finds its backups; and the database gets its identity, which the pointer records too. (A server
 * database has no pointer: a damaged one is the server administrator's.)
 */
export async function setBackupFolder(deps: Deps, folder: string): Promise<BackupListing> {
  const next = folder ? checkFolder(folder) : ''
  const before = (await storeBackupFolder(deps.store)).folder
  await writeTx(deps, async (w) => {
    await w.db
      .insertInto('settings')
      .values({ key: DATABASE_ID_KEY, value: JSON.stringify(newDatabaseId()) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute()
    if (next) {
      const value = JSON.stringify(next)
      await w.db
        .insertInto('settings')
        .values({ key: BACKUP_DIR_KEY, value })
        // Qualified: on PostgreSQL a bare `version` could also be the proposed row's (EXCLUDED) and is refused.
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, version: sql`settings.version + 1` }))
        .execute()
    } else await w.db.deleteFrom('settings').where('key', '=', BACKUP_DIR_KEY).execute()
    const after = next || defaultStoreBackupFolder(deps.store)
    if (after !== before)
      await audit(w, {
        entity: 'setting',
        entityId: 0,
        projectId: null,
        action: 'backup_dir',
        changes: [{ field: 'backupDir', old: before, new: after }],
      })
  })
  const file = deps.store.file
  if (file && file.path !== ':memory:')
    try {
      writeBackupPointer(file.path, next || null, readDatabaseId(file.handle))
    } catch {
      // Only the fallback for a damaged database is missing; the daily backup writes it again.
    }
  return listing(deps)
}

/** Replaces the SQLite file with its backup `chosen` (the file closed and reopened around the copy). */
async function restoreFile(deps: Deps, chosen: BackupInfo): Promise<BackupInfo> {
  const file = deps.store.file!
  const owner = await storeBackupOwner(deps.store)
  checkSameDatabase(chosen.path, checkBackupFile(chosen.path).databaseId, owner, deps.databasePath)
  // Kept first: if anything below fails, this is what is put back, and after success it is the undo.
  const kept = await createBackup(file.handle, backupDirOf(file.handle, file.path), 'pre-restore', deps.clock())
  const lineage = readDatabaseId(file.handle)
  try {
    await file.swap(() => copyBackupOver(file.path, chosen.path))
  } catch (error) {
    await file.swap(() => copyBackupOver(file.path, kept.path))
    throw error
  }
  // A backup made before identities takes the database's: its backups stay its own after the restore.
  if (lineage) adoptDatabaseId(file.handle, lineage)
  return kept
}

/**
 * After a restore: the sessions live before it, of accounts the restored data has under the same id and login
 * and active; every other session (the backup's own) is ended.
 */
async function carrySessions(
  db: Kysely<Database>,
  live: (Selectable<SessionsTable> & { login: string })[],
): Promise<void> {
  await db.deleteFrom('sessions').execute()
  if (!live.length) return
  const users = await db.selectFrom('users').select(['id', 'login']).where('active', '=', 1).execute()
  const same = new Set(users.map((u) => `${u.id} ${u.login}`))
  const kept = live.filter((s) => same.has(`${s.user_id} ${s.login}`)).map(({ login: _login, ...row }) => row)
  if (kept.length) await db.insertInto('sessions').values(kept).execute()
}

/**
 * Replaces the open database with its own backup `name` (one of backup.list's), audited in the restored
 * database; the replaced data is kept as a pre-restore backup. On a SQLite file the file is copied over; on a
 * server database the dump is restored into a fresh database, checked, and swapped in (backup/server.ts).
 * The App runs it with no other call in flight (an exclusive call).
 */
export async function restoreNamedBackup(
  deps: Deps,
  name: string,
): Promise<{ restored: BackupInfo; kept: BackupInfo }> {
  if (deps.store.file?.path === ':memory:') throw new AppError('RULE', '内存数据库没有备份可恢复')
  const chosen = (await listStoreBackups(deps.store)).find((b) => b.name === name)
  if (!chosen) throw new AppError('NOT_FOUND', `备份「${name}」不在备份文件夹中，请刷新备份列表后重试`)
  // The restored data gets a data version past the replaced data's (store/data-version.ts): a ranking computed
  // from the replaced data is then never taken for the restored data's.
  let replacedVersion = await readDataVersion(deps.db)
  // Who is logged in now stays logged in (the restoring administrator too); the backup's own sessions end.
  const live = await deps.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['token_hash', 'user_id', 'sessions.created_at', 'last_seen', 'expires', 'source', 'users.login'])
    .execute()
  let kept: BackupInfo
  if (deps.store.file) kept = await restoreFile(deps, chosen)
  else {
    const restored = await restoreServerBackup(deps.store, chosen, deps.clock())
    kept = restored.kept
    replacedVersion = Math.max(replacedVersion, restored.replacedVersion)
  }
  await writeTx(deps, async (w) => {
    await carrySessions(w.db, live)
    await advanceDataVersion(w.db, replacedVersion)
    await audit(w, {
      entity: 'database',
      entityId: 0,
      projectId: null,
      action: 'restore',
      note: `从备份「${chosen.name}」恢复；恢复前的数据已备份为「${kept.name}」`,
    })
  })
  return { restored: chosen, kept }
}

export function backupHandlers(deps: Deps) {
  return {
    'backup.list': async () => listing(deps),

    'backup.create': async () => {
      const made = await createStoreBackup(deps.store, 'manual', deps.clock())
      await pruneStoreBackups(deps.store, deps.clock())
      return made
    },

    'backup.restore': async ({ name }) => restoreNamedBackup(deps, name),

    /** Back to the default folder; choosing another is not a contract call. */
    'backup.resetFolder': async () => setBackupFolder(deps, ''),
  } satisfies HandlerMap
}
