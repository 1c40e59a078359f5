/**
 * The command line on a county server's database: --db postgres://… for info, rank, export, import, check,
 * backup and reset-password (the way back in for a forgotten administrator password, on the server too), and a
 * clear refusal where a server database is handled elsewhere (restore: the 数据备份 screen). Runs in the
 * postgres project only (vitest.config.ts).
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openAppAt } from '../../src/main/app'
import { moveToServer } from '../../src/main/store/postgres/move'
import { tempDir } from '../helpers/app'
import { runCli as cli } from '../helpers/cli'
import { countyLedger } from '../helpers/ledgers'
import { newPgDatabase } from '../helpers/store'
import { newSession } from '../helpers/accounts'

const FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'schema', 'v7.db')

/** A server database holding the v7 fixture (20 demo projects, a frozen month, an account of each role). */
async function serverDatabase(): Promise<string> {
  const file = path.join(tempDir(), '专班.db')
  fs.copyFileSync(FIXTURE, file)
  const url = await newPgDatabase()
  await moveToServer(file, url, { today: '2026-11-21' })
  return url
}

describe('the command line on a server database (--db postgres://…)', () => {
  it('reports, ranks, checks and exports it', async () => {
    const url = await serverDatabase()
    const info = await cli(['info', '--db', url])
    expect(info.err).toBe('')
    expect(info.out).toMatch(/项目 20 个，数据库 /)
    expect(info.out).not.toContain('密码')
    const rank = await cli(['rank', '--db', url, '--period', '2026-10', '--json'])
    expect(rank.code).toBe(0)
    expect((JSON.parse(rank.out) as { rows: unknown[] }).rows).toHaveLength(20)
    expect(await cli(['check', '--db', url])).toMatchObject({ code: 0, out: '数据库完整性检查通过' })
    const out = path.join(tempDir(), '排名.xlsx')
    const exported = await cli(['export', '--db', url, '--what', 'ranking', '--period', '2026-10', '--out', out])
    expect(exported.code).toBe(0)
    expect(fs.readFileSync(out).subarray(0, 2).toString()).toBe('PK')
  })

  it('resets a forgotten password there, and the new one logs in', async () => {
    const url = await serverDatabase()
    const reset = await cli(['reset-password', '--db', url, '--login', 'wangbs'])
    expect(reset.err).toBe('')
    const password = /新的初始密码：(\S+)/.exec(reset.out)![1]!
    const app = await openAppAt(url)
    try {
      const login = await app.invoke('auth.login', { login: 'wangbs', password }, newSession())
      expect(login.ok).toBe(true)
    } finally {
      await app.close()
    }
    const unknown = await cli(['reset-password', '--db', url, '--login', 'nobody'])
    expect(unknown.code).toBe(2)
    expect(unknown.err).toContain('没有登录名为「nobody」的账号')
  })

  it('imports a ledger there, a dry run writing nothing', async () => {
    const url = await newPgDatabase()
    const file = path.join(tempDir(), '台账.xlsx')
    await (await countyLedger({ rows: 30 })).xlsx.writeFile(file)
    const dry = await cli(['import', '--db', url, file, '--dry-run'])
    expect(dry.code).toBe(0)
    expect(dry.out).toContain('检查通过（--dry-run：未写入数据库）')
    expect((await cli(['info', '--db', url])).out).toContain('项目 0 个')
    const real = await cli(['import', '--db', url, file])
    expect(real.err).toBe('')
    expect(real.out).toContain('导入完成：新增30个项目')
    expect((await cli(['info', '--db', url])).out).toContain('项目 30 个')
  })

  it('backs it up with pg_dump, and sends a restore to the 数据备份 screen', async () => {
    const url = await serverDatabase()
    const backup = await cli(['backup', '--db', url])
    expect(backup.err).toBe('')
    const made = /已备份：(\S+\.dump)/.exec(backup.out)![1]!
    expect(fs.statSync(made).size).toBeGreaterThan(0)
    const dir = await cli(['backup', '--db', url, '--dir', tempDir()])
    expect(dir.code).toBe(2)
    expect(dir.err).toContain('不能用 --dir')
    const restore = await cli(['restore', '--db', url, made])
    expect(restore.code).toBe(2)
    expect(restore.err).toContain('「数据备份」中恢复')
  })
})
