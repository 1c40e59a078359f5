/**
 * The command line: `zhuanban <命令> [选项]`. Commands call the same App as the desktop app and browser mode.
 * Later issues add serve, backup, import, export and rank here.
 */
import { parseArgs } from 'node:util'
import { openApp } from '../app'
import { AppError } from '../../shared/errors'
import { localToday } from '../../shared/dates'
import { generateDemo } from '../demo/generate'

const HELP = `专班 — 县级重点项目专班管理 命令行

用法：zhuanban <命令> [选项]

命令：
  demo   --db <文件> [--seed <数字>] [--projects <数量>]   在空数据库中生成演示数据
  check  --db <文件>                                      检查数据库完整性
  info   --db <文件>                                      显示数据库概况
  help                                                    显示本帮助

示例：
  npm run cli -- demo --db ./zhuanban.db
  npm run cli -- check --db ./zhuanban.db
`

class UsageError extends Error {}

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
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(HELP)
    return command ? 0 : 1
  }
  try {
    const { values } = parseArgs({
      args: rest,
      options: { db: { type: 'string' }, seed: { type: 'string' }, projects: { type: 'string' } },
      strict: true,
    })
    switch (command) {
      case 'demo': {
        const seed = toInt(values.seed, '--seed', 20261121)
        const projects = toInt(values.projects, '--projects', 55)
        const app = openApp(need(values.db, '--db'))
        try {
          const counts = generateDemo(app.deps.db, app.deps.sqlite, { seed, projects, today: localToday() })
          out(
            `已生成演示数据：${counts.projects}个项目、${counts.milestones}个节点、${counts.reports}份月报、${counts.problems}个问题`,
          )
        } finally {
          await app.close()
        }
        return 0
      }
      case 'check': {
        const app = openApp(need(values.db, '--db'))
        try {
          const rows = app.deps.sqlite.pragma('integrity_check') as { integrity_check: string }[]
          const fk = app.deps.sqlite.pragma('foreign_key_check') as unknown[]
          const ok = rows.length === 1 && rows[0]!.integrity_check === 'ok' && fk.length === 0
          out(
            ok
              ? '数据库完整性检查通过'
              : `数据库有问题：${rows.map((r) => r.integrity_check).join('；')}${fk.length ? `；${fk.length}处关联错误` : ''}`,
          )
          return ok ? 0 : 1
        } finally {
          await app.close()
        }
      }
      case 'info': {
        const app = openApp(need(values.db, '--db'))
        try {
          const info = await app.call('system.info')
          out(
            `专班 ${info.appVersion}，数据结构版本 ${info.schemaVersion}，项目 ${info.projectCount} 个，文件 ${info.databasePath}`,
          )
          return 0
        } finally {
          await app.close()
        }
      }
      default:
        throw new UsageError(`未知命令「${command}」`)
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${(error as Error).message}\n\n${HELP}`)
      return 2
    }
    if (error instanceof AppError) {
      err(error.message)
      return 1
    }
    throw error
  }
}

// Run when executed directly (npm run cli, the bin entry), not when imported by a test.
const entry = process.argv[1] ?? ''
if (/cli[\\/]index\.ts$|cli\.cjs$/.test(entry)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
