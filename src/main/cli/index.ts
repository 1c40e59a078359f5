/**
 * The command line: `zhuanban <命令> [选项]`. Commands call the same App as the desktop app and browser mode.
 * Later issues add serve, backup, import, export and rank here.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { openAppAt, type App, type SqliteApp } from '../app'
import { allPages } from '../../shared/paging'
import { isPeriod, localToday } from '../../shared/dates'
import type { GroupBy } from '../../shared/rules/types'
import { formatGroupRanking, formatProjectRanking } from './rank-table'
import { generateDemo } from '../demo/generate'
import { warmFirstScreen } from '../warm'
import { startDigestSchedule } from '../reminders/schedule'
import { startHttpHost, type RunningHost } from '../http/host'
import { defaultDatabasePath } from '../paths'
import { backupDirOf, createBackup, ensureDailyBackup, pruneBackups } from '../backup/backups'
import { setBackupFolder } from '../services/backups'
import { readHeader, translateSqliteError } from '../db/open'
import { createStoreBackup, ensureDailyStoreBackup, pruneStoreBackups } from '../backup/any-store'
import { checkDatabase, explainReadError, isDatabaseFile, openForCommand, openTarget } from './database'
import { isServerUrl } from '../store/open'
import { ConfigError } from '../server/config'
import { startCountyServer } from '../server/run'
import { moveToServer } from '../store/postgres/move'
import { checkServerUrl, describeUrl } from '../store/postgres/store'
import { translatePgError } from '../store/postgres/errors'
import { restoreBackup } from '../backup/restore'
import { IMPORT_FIELDS, IMPORT_FIELD_KEYS, type ImportField } from '../../shared/import-fields'
import { IMPORT_UNITS, type ImportPreview, type ImportUnit } from '../../shared/excel'
import { columnNumber } from '../excel/read/refs'
import { AppError } from '../../shared/errors'
import { STAGES, STAGE_LABELS, type Stage } from '../../shared/domain'

const HELP = `专班 — 县级重点项目专班管理 命令行

用法：zhuanban <命令> [选项]

命令：
  serve  [--db <文件>] [--port <端口>]                      浏览器模式：在本机启动专班，用浏览器打开显示的地址
  server [--config <配置文件>] [--port <端口>]              县服务器：在局域网上为全县提供专班（PostgreSQL 数据库，
                                                          配置见运维手册 docs/server.md；默认配置文件
                                                          /etc/zhuanban/server.json，环境变量 ZHUANBAN_* 优先）
  demo   --db <文件> [--seed <数字>] [--projects <数量>]   在空数据库中生成演示数据
  check  --db <文件>                                      检查数据库完整性
  info   --db <文件>                                      显示数据库概况
  backup --db <文件> [--dir <文件夹>] [--daily]            备份数据库（文件：默认存放在数据库旁的 backups 文件夹；服务器
                                                          数据库：设置的备份位置）。--daily：当天的自动备份（当天已有则
                                                          不重复），与自动备份一样按保留规则清理，供定时任务使用
  backup-folder --db <文件> <文件夹>|--default               修改备份存放位置（--default 恢复为数据库旁的 backups）
  restore --db <文件> <备份文件>                           用备份替换数据库（请先关闭专班；被替换的数据库会先另存为备份）
  import --db <文件> <台账.xlsx> [--dry-run] [--sheet <工作表>] [--map <列>=<字段>]… [--unit <列>=<单位>]…
         [--stage <阶段>]                                 导入台账（--dry-run 只检查不写入）。--map 指定某列是什么，
                                                          如 --map F=leadUnit 或 --map F=牵头单位（--map F=- 不导入该列）；
                                                          --unit 为看不懂单位的金额列指定单位，如 --unit D=亿元；
                                                          --stage 为台账中没有写项目阶段的新项目指定阶段，如 --stage 开工建设
  export --db <文件> --what ledger|ranking|problems|contacts [--period <月份>] --out <文件.xlsx>
                                                          导出为 Excel：ledger 台账，ranking 排名（需 --period），
                                                          problems 问题清单，contacts 专班通讯录
  rank   --db <文件> --period <月份> [--by project|leader|township|unit] [--json]
                                                          某月大排名（默认按项目），如 --period 2026-10
  reset-password --db <文件> --login <登录名>              忘记密码或账号被锁定时（如唯一的系统管理员）：生成一个新的
                                                          初始密码并解除锁定，登录后须修改；记入安全日志（来源“命令行”）
  migrate-to-server --from <文件> --to <postgres://…>     把本机数据库迁移到县服务器的 PostgreSQL 空数据库：所有数据
                                                          （含变更记录、封账、账号）原样复制，核对每张表的行数和各月
                                                          排名一致；本机文件不被修改，目标数据库必须是新建的空库
  help                                                    显示本帮助


不写 --db 时，serve 使用默认数据库：${defaultDatabasePath()}
除 restore 外，各命令的 --db 也可以是县服务器 PostgreSQL 数据库的地址，如 postgres://用户名:密码@服务器:5432/zhuanban
（服务器数据库的恢复在专班的「数据备份」中进行）。不写 --db 时，check、info、backup 等命令使用环境变量
ZHUANBAN_DATABASE_URL（县服务器的服务配置中设置，密码不必写在命令行上）。

示例：
  npm run cli -- demo --db ./zhuanban.db
  npm run cli -- serve --db ./zhuanban.db --port 8080
  npm run cli -- check --db ./zhuanban.db
`

/**
 * A database argument that starts like a server address but is not one that can be read (postgres:/ with one
 * slash, a bracket left open) is refused here — taken for a file name, it would be echoed with its password —
 * and so is a server address where only a file can be (--from of migrate-to-server).
 */
function checkAddresses(command: string, values: { db?: string; from?: string; to?: string }): void {
  for (const [flag, value] of [
    ['--db', values.db],
    ['--from', values.from],
    ['--to', values.to],
  ] as const) {
    if (value === undefined || !/^\s*postgres(ql)?:/i.test(value)) continue
    if (!isServerUrl(value.trim()))
      throw new UsageError(
        `参数 ${flag} 像是数据库服务器的地址，但写得不对（应以 postgres:// 开头），如 postgres://账号:密码@服务器:5432/数据库名`,
      )
    try {
      checkServerUrl(value)
    } catch (error) {
      throw new UsageError(`参数 ${flag}：${(error as Error).message}`)
    }
    if (command === 'migrate-to-server' && flag === '--from')
      throw new UsageError(
        `参数 --from 应为本机的数据库文件（如 专班.db），收到的是服务器数据库地址（${describeUrl(value)}）。服务器地址写在 --to`,
      )
  }
}

/** A random initial password that meets the rule (accounts.ts): letters of both cases, digits and a sign. */
function initialPassword(): string {
  const pick = (chars: string, n: number) =>
    Array.from({ length: n }, () => chars[crypto.randomInt(chars.length)]).join('')
  return `${pick('ABCDEFGHJKLMNPQRSTUVWXYZ', 3)}${pick('abcdefghijkmnpqrstuvwxyz', 4)}${pick('23456789', 3)}#`
}

/** dist/renderer beside the running script (src/main/cli under tsx, dist-electron when built), or ZHUANBAN_RENDERER_DIR. */
export function findRendererDir(
  env: NodeJS.ProcessEnv = process.env,
  script = process.argv[1] ?? '',
): string | undefined {
  if (env.ZHUANBAN_RENDERER_DIR) return path.resolve(env.ZHUANBAN_RENDERER_DIR)
  let dir = path.dirname(path.resolve(script))
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'dist', 'renderer')
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate
    dir = path.dirname(dir)
  }
  return undefined
}

function toPort(value: string | undefined): number {
  if (value === undefined) return 0
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new UsageError(`参数 --port 应为 0–65535 之间的整数，收到「${value}」`)
  return Number(value)
}

/**
 * Resolves when the process is asked to stop (Ctrl+C, or the service manager's SIGTERM). Both listeners are
 * removed then, so a second Ctrl+C during the shutdown ends the process the default way.
 */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

/**
 * Stops browser mode: no new requests, the day's backup finished, the database closed. Always ends with a
 * Chinese line whatever fails on the way — with a full disk the final checkpoint fails, and the line says
 * the changes are kept in the -wal file and folded in at the next start. Returns the exit code.
 */
async function shutDown(
  host: RunningHost,
  daily: Promise<unknown>,
  app: App,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  let code = 0
  try {
    await host.close()
  } catch (error) {
    err(`停止浏览器服务时出错：${(error as Error).message}`)
    code = 1
  }
  await daily // never rejects: its failure was reported where it was started
  try {
    const closed = await app.close()
    if (closed.walKept) {
      err(`专班已退出。注意：${closed.message}。`)
      return 1
    }
  } catch (error) {
    // Not expected (closing reports instead of throwing); said in Chinese all the same.
    const reason = translateSqliteError(error)?.message ?? String(error)
    err(`专班已退出，但关闭数据库时出错：${reason}。已提交的修改不受影响，下次启动时会检查数据库`)
    return 1
  }
  out('专班已退出，数据已保存。')
  return code
}

class UsageError extends Error {}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file)
  } catch {
    return file
  }
}

/**
 * The exit code of a configuration the server cannot start with (sysexits' EX_CONFIG): the systemd unit does
 * not restart on it (RestartPreventExitStatus), as it does on a crash.
 */
export const CONFIG_ERROR_EXIT = 78

/** What Node's parseArgs says in English, in Chinese. */
function parseArgsMessage(error: Error & { code?: string }): string {
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? ''
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `未知选项「${option}」`
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(error.message)) return `选项 ${option} 后面不带值，请去掉「=」及其后的内容`
    if (/ambiguous/.test(error.message))
      return `选项 ${option} 缺少值：它后面紧跟着另一个选项。值本身以 - 开头时，请写成 ${option}=值`
    return `选项 ${option} 缺少值，请在它后面写上值`
  }
  return '参数有误'
}

/** A file a command reads or writes that could not be: what happened, in Chinese (null: not such an error). */
function fileErrorMessage(error: unknown): string | null {
  const e = error as NodeJS.ErrnoException
  if (typeof e?.code !== 'string' || typeof e.syscall !== 'string') return null
  const file = e.path ? path.resolve(e.path) : '文件'
  switch (e.code) {
    case 'ENOENT':
      return `找不到 ${file}，或不能在那里新建文件。请检查路径`
    case 'EISDIR':
      return `${file} 是一个文件夹，这里需要的是文件。请给出文件名`
    case 'ENOTDIR':
      return `路径 ${file} 中有一段不是文件夹。请检查路径`
    case 'EACCES':
    case 'EPERM':
      return `没有权限读写 ${file}。请检查该文件及所在文件夹的权限`
    case 'EROFS':
      return `${file} 所在的磁盘是只读的，无法写入。请换一个位置`
    case 'ENOSPC':
      return `磁盘空间已满，${file} 未能写完。请清理磁盘空间后重试`
    case 'EBUSY':
      return `${file} 正被另一个程序占用（例如已在 Excel 中打开），请关闭后重试`
    case 'ENAMETOOLONG':
      return `路径太长：${file}。请换一个较短的路径`
    // Listening (serve): the port, not a file.
    case 'EADDRINUSE':
      return `端口 ${(e as NodeJS.ErrnoException & { port?: number }).port ?? ''} 已被其他程序占用（可能专班已在运行），请关闭它或用 --port 换一个端口`
    case 'EADDRNOTAVAIL':
      return '本机没有要监听的地址，请检查网络设置'
    default:
      return `无法读写 ${file}（${e.code}）。请检查路径和权限`
  }
}

/**
 * Where `export --out` may write: never over the database (or its -wal/-shm) or another SQLite file, not a
 * folder, and into a folder that exists.
 */
function checkOutFile(target: string, databaseFile: string | null): void {
  if (databaseFile !== null && isDatabaseFile(target, databaseFile))
    throw new UsageError(
      `参数 --out 不能是数据库文件本身（${path.resolve(databaseFile)}）或它旁边的 -wal、-shm 文件：导出会覆盖数据库。请给出另一个文件名，如 --out ./台账.xlsx`,
    )
  const resolved = path.resolve(target)
  if (fs.existsSync(resolved) && fs.statSync(resolved).isDirectory())
    throw new UsageError(
      `参数 --out 给出的是一个文件夹（${resolved}），请给出文件名，如 --out ${path.join(target, '台账.xlsx')}`,
    )
  if (readHeader(resolved).sqlite)
    throw new UsageError(`参数 --out 指向一个数据库文件（${resolved}），导出不会覆盖数据库。请给出另一个文件名`)
  const dir = path.dirname(resolved)
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new UsageError(`参数 --out 所在的文件夹不存在：${dir}。请先创建该文件夹，或换一个位置`)
}

/** "F=leadUnit" options → { "6": value }: a column by its letter (as Excel shows it) or number. */
function columnOptions<T>(items: string[], flag: string, read: (text: string) => T | undefined): Record<string, T> {
  const out: Record<string, T> = {}
  for (const item of items) {
    const m = /^\s*([A-Za-z]{1,3}|\d{1,3})\s*[=＝]\s*(.+?)\s*$/.exec(item)
    if (!m)
      throw new UsageError(
        `参数 ${flag} 应写成 列=值，如 ${flag} F=${flag === '--unit' ? '亿元' : 'leadUnit'}，收到「${item}」`,
      )
    const value = read(m[2]!)
    if (value === undefined)
      throw new UsageError(
        flag === '--unit'
          ? `参数 ${flag} 的单位「${m[2]}」不认识，可用：${IMPORT_UNITS.join('、')}`
          : `参数 ${flag} 的字段「${m[2]}」不认识，可用：${IMPORT_FIELD_KEYS.map((k) => `${k}（${IMPORT_FIELDS[k].label}）`).join('、')}，或 - 表示不导入`,
      )
    const column = /^\d+$/.test(m[1]!) ? Number(m[1]) : columnNumber(m[1]!)
    out[String(column)] = value
  }
  return out
}

const importFieldOf = (text: string): ImportField | null | undefined =>
  text === '-' ? null : (IMPORT_FIELD_KEYS.find((k) => k === text || IMPORT_FIELDS[k].label === text) ?? undefined)
const importUnitOf = (text: string): ImportUnit | undefined => IMPORT_UNITS.find((u) => u === text)
/** --stage: a stage by its label (开工建设) or key (construction); anything else is a usage error. */
function importStageOf(text: string): Stage {
  const stage = STAGES.find((s) => s === text.trim() || STAGE_LABELS[s] === text.trim())
  if (!stage)
    throw new UsageError(`参数 --stage 的阶段「${text}」不认识，可用：${STAGES.map((s) => STAGE_LABELS[s]).join('、')}`)
  return stage
}

/** The preview as lines for the terminal: what was read, how, and what was left out. */
function describePreview(preview: ImportPreview): string {
  const hidden = preview.sheets.filter((s) => s.hidden).map((s) => `「${s.name}」`)
  const lines = [
    `工作表「${preview.sheet}」（表头第${preview.headerRows.join('、')}行）：${preview.rows}行项目（新增${preview.creates}个、更新${preview.updates}个）` +
      (preview.skipped ? `，跳过${preview.skipped}行合计、分组标题或表尾说明` : ''),
  ]
  if (preview.sheets.length > 1)
    lines.push(
      `工作簿中的工作表：${preview.sheets.map((s) => `「${s.name}」${s.hidden ? '（隐藏）' : ''}`).join('、')}；要读取其他工作表请用 --sheet` +
        (hidden.length ? `（隐藏的不会自动读取）` : ''),
    )
  lines.push(
    `列：${preview.columns
      .map(
        (c) =>
          `${c.letter}「${c.header || '无表头'}」→ ${c.field ? IMPORT_FIELDS[c.field as ImportField].label : '不导入'}`,
      )
      .join('；')}`,
  )
  for (const line of preview.conversions) lines.push(`金额：${line}`)
  if (preview.annualYear) lines.push(`年度计划投资按${preview.annualYear}年导入`)
  return lines.join('\n')
}

/** The commands whose --db may come from ZHUANBAN_DATABASE_URL (not serve: its default is the office PC's file). */
const USES_ENV_DATABASE: ReadonlySet<string> = new Set([
  'check',
  'info',
  'backup',
  'backup-folder',
  'restore',
  'import',
  'export',
  'rank',
  'reset-password',
])

function need(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`缺少参数 ${flag}`)
  return value
}

function toInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value)) throw new UsageError(`参数 ${flag} 应为正整数，收到「${value}」`)
  return Number(value)
}

export async function main(argv: string[], out = console.log, err = console.error): Promise<number> {
  const [command, ...rest] = argv
  let dbFile: string | undefined
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(HELP)
    return command ? 0 : 1
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        seed: { type: 'string' },
        projects: { type: 'string' },
        port: { type: 'string' },
        period: { type: 'string' },
        by: { type: 'string' },
        json: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        sheet: { type: 'string' },
        map: { type: 'string', multiple: true },
        unit: { type: 'string', multiple: true },
        stage: { type: 'string' },
        what: { type: 'string' },
        dir: { type: 'string' },
        daily: { type: 'boolean' },
        out: { type: 'string' },
        default: { type: 'boolean' },
        login: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        config: { type: 'string' },
      },
      strict: true,
    })
    // On the county server the database's address (with its password) is in the service's environment: the
    // commands take it from there, so that it is not written on a command line every process can see.
    if (values.db === undefined && USES_ENV_DATABASE.has(command) && process.env.ZHUANBAN_DATABASE_URL?.trim())
      values.db = process.env.ZHUANBAN_DATABASE_URL.trim()
    dbFile = values.db
    checkAddresses(command, values)
    switch (command) {
      case 'serve': {
        const port = toPort(values.port)
        const target = values.db ?? defaultDatabasePath()
        // --db may name the county server's PostgreSQL database instead of a file (store/open.ts).
        const server = isServerUrl(target)
        if (!server) fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true })
        // A file's integrity is checked first; a damaged file is refused with its newest good backup and left as it is.
        const app: App = server ? await openAppAt(target) : openForCommand(target, { create: true })
        // Listening from here on: a Ctrl+C while the host starts still closes the database properly.
        const stopped = untilStopped()
        for (const warning of await app.call('system.info').then((i) => i.warnings)) err(`注意：${warning}`)
        const host = await startHttpHost({ app, port, staticDir: findRendererDir() })
        out(`专班浏览器模式已启动（数据库：${server ? describeUrl(target) : path.resolve(target)}）`)
        out(`请用浏览器打开：${host.url}`)
        out('此地址仅本机可用，含一次性访问令牌，请勿外传。按 Ctrl+C 退出。')
        // 总览's figures, while the office opens the address and logs in (warm.ts).
        setImmediate(() => void warmFirstScreen(app))
        // The day's backup of a file runs while the office works (as on the desktop): at 10,000 projects it
        // takes seconds, and the backup API copies in steps between requests. It is finished before the
        // database is closed.
        // (A server database's is a pg_dump, backup/server.ts.)
        const daily = ensureDailyStoreBackup(app.deps.store).then(
          (made) => made && out(`已自动备份：${made.path}`),
          (e: Error) => err(`自动备份未完成：${e.message}`),
        )
        const stopDigest = startDigestSchedule(app.deps, out)
        await stopped
        stopDigest()
        return await shutDown(host, daily, app, out, err)
      }
      case 'server': {
        const stopped = untilStopped()
        const run = await startCountyServer(values.config, {
          port: values.port === undefined ? undefined : toPort(values.port),
          staticDir: findRendererDir(),
          out,
        })
        await stopped
        await run.stop()
        return 0
      }
      case 'demo': {
        const seed = toInt(values.seed, '--seed', 20261121)
        const projects = toInt(values.projects, '--projects', 55)
        const app = await openTarget(need(values.db, '--db'), { create: true })
        try {
          const counts = await generateDemo(app.deps.store, { seed, projects, today: localToday() })
          out(
            `已生成演示数据：${counts.projects}个项目、${counts.milestones}个节点、${counts.reports}份月报、${counts.problems}个问题`,
          )
        } finally {
          await app.close()
        }
        return 0
      }
      case 'check': {
        const db = need(values.db, '--db')
        if (!isServerUrl(db)) return await checkDatabase(db, out, err)
        const app = await openTarget(db)
        try {
          const result = await app.deps.store.integrityCheck()
          if (result.ok) out('数据库完整性检查通过')
          else
            err(
              `数据库有问题：${result.summary}\n技术细节（供技术人员参考）：${result.details.slice(0, 5).join(' | ')}`,
            )
          return result.ok ? 0 : 1
        } finally {
          await app.close()
        }
      }
      case 'info': {
        const app = await openTarget(need(values.db, '--db'))
        try {
          const info = await app.call('system.info')
          const where = app.deps.store.file ? `文件 ${info.databasePath}` : `数据库 ${info.databasePath}`
          out(`专班 ${info.appVersion}，数据结构版本 ${info.schemaVersion}，项目 ${info.projectCount} 个，${where}`)
          return 0
        } finally {
          await app.close()
        }
      }
      case 'reset-password': {
        // Whoever holds the database file (or the server database's login) can change it anyway: this is the
        // documented way back in when the only 系统管理员 has forgotten the password (or is locked out), and it
        // is logged like a reset in 账号.
        const login = need(values.login, '--login')
        const app = await openTarget(need(values.db, '--db'))
        try {
          const users = await app.call('user.list')
          const user = users.find((u) => u.login.toLowerCase() === login.trim().toLowerCase())
          if (!user) {
            const logins = users.map((u) => u.login)
            throw new AppError(
              'NOT_FOUND',
              `没有登录名为「${login}」的账号。${logins.length ? `现有账号：${logins.join('、')}` : '这个数据库还没有账号：请打开专班创建第一个系统管理员'}`,
            )
          }
          const password = initialPassword()
          await app.call('user.resetPassword', { id: user.id, version: user.version, password })
          out(`已为 ${user.name}（${user.login}）设置新的初始密码：${password}`)
          out('请用它登录，登录后须立即修改密码。此操作已记入安全日志。')
          return 0
        } finally {
          await app.close()
        }
      }
      case 'backup-folder': {
        // The only place besides the desktop's folder dialog where a backup folder is named (see setBackupFolder).
        // Exactly one folder, or --default: an empty argument is no folder (going back to the default is only
        // --default), and a second folder is a mistake to point out, not to ignore.
        if (values.default && positionals.length)
          throw new UsageError(`--default 表示恢复默认位置，不能同时给出文件夹（收到「${positionals[0]}」）`)
        if (!values.default && !positionals.length)
          throw new UsageError('请给出一个文件夹（完整路径），或用 --default 恢复默认位置')
        if (positionals.length > 1)
          throw new UsageError(
            `只能给出一个备份文件夹，收到${positionals.length}个：${positionals.map((p) => `「${p}」`).join('、')}。路径中有空格时请把整个路径放在引号中`,
          )
        const folder = values.default ? '' : positionals[0]!
        if (!values.default && !folder.trim())
          throw new UsageError('备份文件夹不能为空：请给出一个文件夹的完整路径，或用 --default 恢复默认位置')
        const app = await openTarget(need(values.db, '--db'))
        try {
          const listing = await setBackupFolder(app.deps, folder)
          out(`备份位置：${listing.folder}${listing.isDefault ? '（默认）' : ''}`)
          return 0
        } finally {
          await app.close()
        }
      }
      case 'backup': {
        if (values.dir !== undefined && !values.dir.trim())
          throw new UsageError('参数 --dir 不能为空：请给出备份文件夹，或不写 --dir（备份到设置的备份位置）')
        // A damaged database is not backed up (the copy would pass for a good backup): refused with the newest
        // good backup and the command that restores it, as check says.
        const db = need(values.db, '--db')
        if (isServerUrl(db)) {
          if (values.dir !== undefined)
            throw new UsageError('县服务器数据库的备份存放在设置的备份位置（backup-folder），不能用 --dir 另选文件夹')
          const app = await openTarget(db)
          try {
            // --daily (the server's backup timer): the day's automatic backup, kept and pruned as the desktop's.
            const made = values.daily
              ? await ensureDailyStoreBackup(app.deps.store)
              : await createStoreBackup(app.deps.store, 'manual')
            await pruneStoreBackups(app.deps.store)
            out(
              made
                ? `已备份：${made.path}（${(made.bytes / 1024 / 1024).toFixed(1)} MB）`
                : '今天已有自动备份，未重复备份',
            )
            return 0
          } finally {
            await app.close()
          }
        }
        let app: SqliteApp
        try {
          app = openForCommand(db, { checkIntegrity: true })
        } catch (error) {
          if ((error as { code?: string }).code !== 'DB_DAMAGED') throw error
          err(
            `未备份：损坏的数据库不能备份（损坏的副本不能用来恢复），已有的备份都保持不变。\n\n${(error as Error).message}`,
          )
          return 1
        }
        try {
          // --dir: a folder for this one backup (a relative one from the current folder); the setting stays.
          const dir =
            values.dir !== undefined
              ? path.resolve(values.dir)
              : backupDirOf(app.deps.store.file.handle, app.deps.databasePath)
          const made = values.daily
            ? await ensureDailyBackup(app.deps.store.file.handle, dir)
            : await createBackup(app.deps.store.file.handle, dir, 'manual')
          pruneBackups(app.deps.store.file.handle, dir)
          out(
            made
              ? `已备份：${made.path}（${(made.bytes / 1024 / 1024).toFixed(1)} MB）`
              : '今天已有自动备份，未重复备份',
          )
          if (values.dir !== undefined) out(`备份文件夹：${dir}（由 --dir 指定，只用于这一次；备份位置的设置未改变）`)
          return 0
        } finally {
          await app.close()
        }
      }
      case 'restore': {
        const from = positionals[0]
        if (!from) throw new UsageError('缺少要恢复的备份文件')
        const db = need(values.db, '--db')
        if (isServerUrl(db))
          throw new UsageError(
            '县服务器数据库请在专班的「数据备份」中恢复（由系统管理员操作）：恢复到新建的数据库，检查无误后才替换原数据库',
          )
        if (isDatabaseFile(from, db))
          throw new UsageError(
            `要恢复的备份「${from}」就是数据库文件本身（或它旁边的 -wal、-shm 文件）。请给出备份文件夹中的备份，如 backups 中的 zhuanban-….db`,
          )
        const kept = await restoreBackup(path.resolve(db), path.resolve(from))
        out(`已从备份恢复：${path.resolve(from)}`)
        if (kept) out(`原数据库已另存为：${kept.path}`)
        return 0
      }
      case 'import': {
        const file = positionals[0]
        if (!file) throw new UsageError('缺少要导入的台账文件（.xlsx）')
        if (!fs.existsSync(file)) throw new UsageError(`找不到文件：${file}`)
        if (fs.statSync(file).isDirectory())
          throw new UsageError(`「${file}」是一个文件夹，不是台账文件。请给出要导入的 .xlsx 文件`)
        const db = need(values.db, '--db')
        const input = {
          fileName: path.basename(file),
          base64: fs.readFileSync(file).toString('base64'),
          mapping: columnOptions(values.map ?? [], '--map', importFieldOf),
          units: columnOptions(values.unit ?? [], '--unit', importUnitOf),
          ...(values.sheet !== undefined && { sheet: values.sheet }),
          ...(values.stage !== undefined && { stage: importStageOf(values.stage) }),
        }
        // A dry run, or the first look before a database file exists, works on a copy in memory: nothing is
        // created at --db (no file, no -wal/-shm, no backups folder) unless something is really imported. On a
        // server database the dry run previews (a read) and stops before the import.
        const server = isServerUrl(db)
        const look = !server && (values['dry-run'] === true || !fs.existsSync(db))
        let app = server
          ? await openTarget(db, { create: values['dry-run'] !== true })
          : openForCommand(db, { inMemoryCopy: look })
        try {
          const preview = await app.call('excel.preview', input)
          out(describePreview(preview))
          if (preview.newLeaders.length) out(`将新增包联领导：${preview.newLeaders.join('、')}`)
          if (preview.newTownships.length) out(`将新增乡镇/街道：${preview.newTownships.join('、')}`)
          if (preview.newUnits.length) out(`将新增单位：${preview.newUnits.join('、')}`)
          if (preview.issueCount > 0) {
            for (const issue of preview.issues) err(issue.message)
            err(`共${preview.issueCount}处问题，未导入任何数据`)
            err(
              '（命令行中用 --map 列=字段 指定某列是什么，--unit 列=单位 指定金额单位，--sheet 名 选择工作表，--stage 阶段 指定新项目的阶段）',
            )
            return 1
          }
          if (values['dry-run']) {
            out('检查通过（--dry-run：未写入数据库）')
            return 0
          }
          if (look) {
            await app.close()
            app = openForCommand(db, { create: true })
          }
          const result = await app.call('excel.import', input)
          out(`导入完成：新增${result.created}个项目，更新${result.updated}个项目`)
          return 0
        } finally {
          await app.close()
        }
      }
      case 'export': {
        const what = need(values.what, '--what')
        if (!['ledger', 'ranking', 'problems', 'contacts'].includes(what))
          throw new UsageError(`参数 --what 只能是 ledger、ranking、problems 或 contacts，收到「${what}」`)
        if (what === 'ranking' && !values.period) throw new UsageError('导出排名需要 --period，如 --period 2026-10')
        if (values.period && !isPeriod(values.period))
          throw new UsageError(`参数 --period 应为月份，如 2026-10，收到「${values.period}」`)
        const target = need(values.out, '--out')
        const db = need(values.db, '--db')
        checkOutFile(target, isServerUrl(db) ? null : db)
        const app = await openTarget(db)
        try {
          const file = await app.call('excel.export', {
            what: what as 'ledger',
            ...(values.period ? { period: values.period } : {}),
          })
          try {
            fs.writeFileSync(target, Buffer.from(file.base64, 'base64'))
          } catch (error) {
            const why = fileErrorMessage(error)
            if (!why) throw error
            err(`未能导出：${why}`)
            return 1
          }
          out(`已导出：${path.resolve(target)}`)
          return 0
        } finally {
          await app.close()
        }
      }
      case 'rank': {
        const period = need(values.period, '--period')
        if (!isPeriod(period)) throw new UsageError(`参数 --period 应为月份，如 2026-10，收到「${period}」`)
        const by = values.by ?? 'project'
        if (!['project', 'leader', 'township', 'unit'].includes(by))
          throw new UsageError(`参数 --by 只能是 project、leader、township 或 unit，收到「${by}」`)
        const app = await openTarget(need(values.db, '--db'))
        try {
          if (by === 'project') {
            const { first, rows } = await allPages((offset, limit) =>
              app.call('ranking.projects', { period, offset, limit }),
            )
            const ranking = { ...first, rows }
            out(values.json ? JSON.stringify(ranking, null, 2) : formatProjectRanking(ranking))
          } else {
            const { first, rows } = await allPages((offset, limit) =>
              app.call('ranking.groups', { period, by: by as GroupBy, offset, limit }),
            )
            const ranking = { ...first, rows }
            out(values.json ? JSON.stringify(ranking, null, 2) : formatGroupRanking(ranking))
          }
          return 0
        } finally {
          await app.close()
        }
      }
      case 'migrate-to-server': {
        const from = need(values.from, '--from')
        const to = need(values.to, '--to')
        if (!isServerUrl(to))
          throw new UsageError(
            `参数 --to 应为 PostgreSQL 数据库地址，如 postgres://用户名:密码@服务器:5432/zhuanban，收到「${to}」`,
          )
        dbFile = from
        out(`正在把 ${path.resolve(from)} 迁移到 ${describeUrl(to)} …`)
        const report = await moveToServer(from, to, {
          // A large table (the audit log of years) says how far it has got.
          onProgress: ({ table, rows }) => rows % 100_000 === 0 && out(`  正在复制 ${table}：已 ${rows} 行…`),
        })
        for (const t of report.tables.filter((t) => t.rows > 0)) out(`  ${t.table}：${t.rows} 行`)
        const total = report.tables.reduce((sum, t) => sum + t.rows, 0)
        out(`已核对：${report.tables.length} 张数据表共 ${total} 行，两边行数一致`)
        out(
          `已核对：排名一致（封账月份 ${report.frozenMonths.length ? report.frozenMonths.join('、') : '无'}；` +
            `实时排名 ${report.liveMonths.join('、')}）`,
        )
        if (report.backupFolderLeft)
          out(
            `本机设置的备份位置（${report.backupFolderLeft}）是这台电脑上的文件夹，未迁移：服务器数据库的备份先存放在运行专班的电脑的默认位置，可在「数据备份」中另选`,
          )
        out('迁移完成。本机数据库文件未被修改；请在各台电脑的专班中改为连接县服务器。')
        return 0
      }
      default:
        throw new UsageError(`未知命令「${command}」`)
    }
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    if (error instanceof ConfigError) {
      err(`县服务器的配置有误，未启动：\n${error.message}`)
      return CONFIG_ERROR_EXIT
    }
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      const message = error instanceof UsageError ? error.message : parseArgsMessage(error as Error)
      err(`${message}\n\n${HELP}`)
      return 2
    }
    // AppErrors, errors SQLite raises past every check (a file damaged where no check looked: said as at
    // opening, with the newest good backup) and a server's (a connection ended mid-command), in Chinese.
    const server = dbFile !== undefined && isServerUrl(dbFile)
    const known = server ? translatePgError(error, describeUrl(dbFile!)) : translateSqliteError(error, dbFile)
    if (known) {
      err((dbFile && !server && !(error instanceof AppError) ? explainReadError(dbFile, known) : known).message)
      return 1
    }
    // A file given on the command line that cannot be read or written.
    const file = fileErrorMessage(error)
    if (file) {
      err(file)
      return 1
    }
    throw error
  }
}

// Run when executed directly (npm run cli, the bin entry), not when imported by a test.
// The process ends on its own once main is done, never by process.exit(): into a pipe, stdout and stderr are
// written asynchronously, and exiting at once would cut the output after the first 64 KB. A reader that stops
// early (`| head`) closes the pipe: the rest of the output is dropped quietly instead of failing with EPIPE.
// (Through its real path: the package's `bin` is reached through a symlink named zhuanban.)
const entry = realPath(process.argv[1] ?? '')
if (/cli[\\/]index\.ts$|cli\.cjs$/.test(entry)) {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error
    })
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
      // Everything is done: the process ends on its own. A connection the database refused at the start can keep
      // node-postgres's socket open forever (a server unit would then seem to run): end it in any case, after the
      // output has had time to be written.
      setTimeout(() => process.exit(code), 3000).unref()
    },
    (error: unknown) => {
      console.error(error)
      process.exitCode = 1
    },
  )
}
