/**
 * Live updates at the store (store/changes.ts): every committed write that advances the data version is
 * announced once, with the projects its audit rows name and the account that made it — to every App on the
 * database (on PostgreSQL through NOTIFY, heard again after the listening connection drops); a write that
 * rolls back, and a login's bookkeeping, announce nothing.
 */
import { describe, expect, it } from 'vitest'
import type { App } from '../../src/main/app'
import type { DataChange } from '../../src/shared/changes'
import { parseChange } from '../../src/main/store/changes'
import { readDataVersion } from '../../src/main/store/data-version'
import { newApps, projectInput, raw, seedBasics } from '../helpers/app'
import { loginAs, newSession } from '../helpers/accounts'
import { TEST_STORE } from '../helpers/store'

/** The changes `app` hears from now on. */
function hear(app: App) {
  const heard: DataChange[] = []
  const stop = app.deps.store.changes.subscribe((change) => heard.push(change))
  return {
    heard,
    stop,
    /** Waits until `count` changes were heard (NOTIFY comes back over the network), up to 3 s. */
    async atLeast(count: number) {
      const deadline = Date.now() + 3000
      while (heard.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      return heard
    },
  }
}

const settle = () => new Promise((r) => setTimeout(r, TEST_STORE === 'postgres' ? 300 : 20))

describe('changes announced to every App on the database', () => {
  it('knows at once, with nobody listening, which projects its own committed writes touched', async () => {
    // What the kept kanban, ranking and 总览 are brought up to date with (versioned-cache.ts).
    const [a] = await newApps(1)
    const basics = await seedBasics(a!)
    const { project } = await a!.call('project.create', projectInput(basics))
    const before = await readDataVersion(a!.deps.db)
    await a!.call('report.save', { projectId: project.id, period: '2026-10', investment: 120 })
    const after = await readDataVersion(a!.deps.db)
    expect(a!.deps.store.changes.touchedBetween(before, after)).toEqual(new Set([project.id]))
    // A write of no project (a unit added) may change anything: not known which.
    await a!.call('dict.create', { kind: 'unit', name: '县数据局' })
    expect(a!.deps.store.changes.touchedBetween(after, after + 1)).toBeNull()
    // A refused write changes nothing and announces nothing.
    await expect(a!.call('report.save', { projectId: 99999, period: '2026-10', investment: 1 })).rejects.toThrow()
    expect(await readDataVersion(a!.deps.db)).toBe(after + 1)
  })

  it('announces a write once, with the projects it touched and who made it, to the other App too', async () => {
    const [a, b] = await newApps(2)
    const basics = await seedBasics(a!)
    const project = await a!.call('project.create', projectInput(basics))
    await a!.call('auth.setup', { login: 'admin', name: '管理员', unit: '区重点项目办', password: 'Admin#2026x' })
    const office = await loginAs(a!, 'office1', { roles: ['office'] })
    const listening = hear(b!)
    await settle() // PostgreSQL: the listening connection is open
    await a!.call(
      'problem.create',
      {
        projectId: project.project.id,
        categoryId: basics.problemCategoryId,
        description: '用地指标未落实',
        raisedOn: '2026-11-20',
        responsibleUnitId: basics.unitId,
        deadline: '2026-12-31',
        level: 'county',
      },
      office.from,
    )
    const [change] = await listening.atLeast(1)
    expect(change).toEqual({ version: expect.any(Number), projectIds: [project.project.id], by: office.userId })
    await settle()
    expect(listening.heard).toHaveLength(1)
    listening.stop()
  })

  it('announces nothing for a write that rolled back, or for a login', async () => {
    const [a] = await newApps(1)
    await a!.call('auth.setup', { login: 'admin', name: '管理员', unit: '区重点项目办', password: 'Admin#2026x' })
    const listening = hear(a!)
    await settle()
    const refused = await a!.invoke('dict.create', { kind: 'unit', name: '' }, { kind: 'local' })
    expect(refused.ok).toBe(false)
    await expect(
      a!.deps.store.write(async (db) => {
        await db
          .insertInto('dict_items')
          .values({ kind: 'unit', name: '回滚的单位', active: 1, sort_order: 0 })
          .execute()
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    const from = newSession()
    await a!.call('auth.login', { login: 'admin', password: 'Admin#2026x' }, from)
    await a!.call('auth.logout', {}, from)
    await settle()
    expect(listening.heard).toEqual([])
    // A write that says nothing of itself (the demo's bulk load) is announced as "anything may have changed".
    await a!.call('demo.load', { projects: 3 })
    expect((await listening.atLeast(1))[0]).toMatchObject({ projectIds: null })
    listening.stop()
  })

  it('refuses a notification that is not a change (anyone may NOTIFY on the channel)', () => {
    expect(parseChange('{"version":5,"projectIds":[1,2],"by":3}')).toEqual({ version: 5, projectIds: [1, 2], by: 3 })
    expect(parseChange('{"version":5,"projectIds":null,"by":null}')).toEqual({ version: 5, projectIds: null, by: null })
    for (const bad of [
      '',
      'hello',
      '{"version":"5","projectIds":[],"by":null}',
      '{"version":5,"projectIds":[0],"by":null}',
      '{"version":5,"projectIds":"1","by":null}',
      '{"version":5,"projectIds":[],"by":"x"}',
      JSON.stringify({ version: 5, projectIds: Array.from({ length: 201 }, (_, i) => i + 1), by: null }),
    ])
      expect(parseChange(bad)).toBeNull()
  })

  // (PostgreSQL only: SQLite's one process hears itself, with no connection to drop.)
  if (TEST_STORE === 'postgres')
    it('hears again after its listening connection was dropped, and says it may have missed some', async () => {
      const [a, b] = await newApps(2)
      const listening = hear(b!)
      await settle()
      await raw(a!, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN zhuanban_changes'`)
      const [missed] = await listening.atLeast(1)
      expect(missed).toMatchObject({ projectIds: null, by: null })
      await a!.call('dict.create', { kind: 'unit', name: '重连后的单位' })
      expect((await listening.atLeast(2))[1]).toMatchObject({ version: expect.any(Number), projectIds: null })
      listening.stop()
    })
})
