/**
 * Many writers at once, on either store: several Apps on one database (app servers sharing the county's
 * PostgreSQL; on SQLite the desktop's one App, which every window and the browser tab share), each firing
 * writes concurrently. Every acknowledged write
 * must be there afterwards, nothing half-made, and the version column must still refuse a stale edit — on
 * PostgreSQL through SERIALIZABLE transactions run again after a serialization failure (store/postgres).
 */
import { describe, expect, it } from 'vitest'
import { LOCAL } from '../../src/main/app'
import { newApps, projectInput, rawNumber, seedBasics } from '../helpers/app'
import { TEST_STORE } from '../helpers/store'

describe(`many writers at once (${TEST_STORE})`, () => {
  it('keeps every acknowledged write, with no two milestones of a plan in one position', async () => {
    const apps = await newApps(3)
    const b = await seedBasics(apps[0]!)
    const { plan } = await apps[0]!.call('project.create', projectInput(b))
    // 3 apps × 12 writes on the same plan: each reads the plan's last position and writes after it.
    const writes = apps.flatMap((app, a) =>
      Array.from({ length: 12 }, (_, i) =>
        app.invoke(
          'milestone.create',
          { planId: plan.id, name: `节点${a}-${i}`, plannedDate: '2026-05-01', weight: 1 + ((a + i) % 3) },
          LOCAL,
        ),
      ),
    )
    const results = await Promise.all(writes)
    const acknowledged = results.filter((r) => r.ok)
    // Every write went through: on PostgreSQL those that collided were run again (store/postgres/store.ts).
    expect(results.filter((r) => !r.ok)).toEqual([])
    expect(acknowledged).toHaveLength(36)
    const milestones = (await apps[1]!.call('project.get', { id: plan.projectId })).plan.milestones
    expect(milestones).toHaveLength(acknowledged.length)
    const positions = milestones.map((m) => m.position)
    expect(new Set(positions).size).toBe(positions.length)
    // The audit log has a creation row for each acknowledged milestone, and nothing for the refused ones.
    expect(
      await rawNumber(
        apps[2]!,
        `SELECT count(DISTINCT entity_id) FROM audit_log WHERE entity = ? AND action = ?`,
        'milestone',
        'create',
      ),
    ).toBe(acknowledged.length)
  })

  it('refuses the second of two edits of the same version, whichever app serves it', async () => {
    const apps = await newApps(2)
    const b = await seedBasics(apps[0]!)
    const { project } = await apps[0]!.call('project.create', projectInput(b))
    const [first, second] = await Promise.all([
      apps[0]!.invoke('project.update', { id: project.id, version: project.version, name: '甲改的名称' }, LOCAL),
      apps[1]!.invoke('project.update', { id: project.id, version: project.version, name: '乙改的名称' }, LOCAL),
    ])
    const outcomes = [first, second].map((r) => (r.ok ? 'ok' : r.error.code)).sort()
    expect(outcomes).toEqual(['CONFLICT', 'ok'])
    const stored = (await apps[1]!.call('project.get', { id: project.id })).project
    expect(stored.version).toBe(project.version + 1)
    expect(['甲改的名称', '乙改的名称']).toContain(stored.name)
  })

  it('gives each of many concurrent new projects its own code check: one of two equal codes is refused', async () => {
    const apps = await newApps(2)
    const b = await seedBasics(apps[0]!)
    const results = await Promise.all(
      apps.map((app, i) =>
        app.invoke('project.create', projectInput(b, { code: 'XM-SAME', name: `同号项目${i}` }), LOCAL),
      ),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    const refused = results.find((r) => !r.ok)!
    expect(refused.ok || ['DUPLICATE', 'RULE'].includes(refused.error.code)).toBe(true)
    expect(await rawNumber(apps[0]!, 'SELECT count(*) FROM projects WHERE code = ?', 'XM-SAME')).toBe(1)
    expect(await rawNumber(apps[0]!, 'SELECT count(*) FROM plans')).toBe(1)
  })
})
