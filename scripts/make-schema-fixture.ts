/**
 * Saves the upgrade-test fixture for one schema version: `npx tsx scripts/make-schema-fixture.ts <version>`
 * writes tests/fixtures/schema/v<version>.db — a database at exactly that version (migrations 1..version),
 * filled with the demo district (rows copied from a current demo into the columns that version has).
 *
 * A fixture is made once, when its version is the newest, and then never regenerated: it stands for the
 * files offices hold. When a migration is added, make the fixture of the new version and keep the old ones.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { openApp } from '../src/main/app'
import { APPLICATION_ID } from '../src/main/db/open'
import { migrate } from '../src/main/db/migrate'
import { MIGRATIONS } from '../src/main/db/migrations'

const version = Number(process.argv[2])
if (!MIGRATIONS.some((m) => m.id === version)) throw new Error(`no schema version ${process.argv[2]}`)
const out = path.resolve(import.meta.dirname, '..', 'tests', 'fixtures', 'schema', `v${version}.db`)

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-fixture-'))
const demoFile = path.join(work, 'demo.db')
const now = () => new Date('2026-11-21T02:00:00Z')
const demo = openApp(demoFile, { clock: now, localName: { name: '王办事', unit: '区发改局' } })
// From v7 on the database has accounts: an administrator (also office) and one account of each other role.
if (version >= 7) {
  await demo.call('auth.setup', { login: 'wangbs', name: '王办事', unit: '区发改局', password: 'Fixture#2026' })
}
await demo.call('demo.load', { projects: 20 })
if (version >= 7) {
  // One account of each other role, linked to the demo's records, and a 领导批示 written by the leader.
  const password = 'Fixture#2026'
  const [leader] = await demo.call('leader.list', {})
  const [project] = await demo.call('project.list', {})
  const detail = await demo.call('project.get', { id: project!.id })
  const [unit] = await demo.call('dict.list', { kind: 'unit' })
  await demo.call('user.create', {
    login: 'leader',
    name: leader!.name,
    unit: '区政府',
    roles: ['leader'],
    leaderId: leader!.id,
    password,
  })
  await demo.call('user.create', {
    login: 'member',
    name: detail.taskForce.members[0]!.person.name,
    unit: detail.taskForce.members[0]!.person.unit,
    roles: ['member'],
    personId: detail.taskForce.members[0]!.person.id,
    password,
  })
  await demo.call('user.create', {
    login: 'liaison',
    name: '联络员',
    unit: unit!.name,
    roles: ['liaison'],
    unitId: unit!.id,
    password,
  })
  const session = { kind: 'session' as const, slot: { token: null }, source: '样本' }
  await demo.call('auth.login', { login: 'leader', password }, session)
  await demo.call('auth.changePassword', { oldPassword: password, password: 'Fixture#2027' }, session)
  await demo.call(
    'instruction.create',
    { projectId: project!.id, givenOn: '2026-11-20', text: '加快推进，月底前完成征地。' },
    session,
  )
}
await demo.call('ranking.freeze', { period: '2026-10' })
await demo.close()

fs.rmSync(out, { force: true })
const db = new BetterSqlite3(out)
migrate(db, { migrations: MIGRATIONS.slice(0, version), now: () => '2026-01-01T00:00:00.000Z' })
db.pragma(`application_id = ${APPLICATION_ID}`)
db.pragma('foreign_keys = OFF')
db.exec(`ATTACH DATABASE '${demoFile}' AS demo`)
const tables = db
  .prepare(
    `SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT IN ('migrations') AND name NOT LIKE 'sqlite_%'`,
  )
  .all() as { name: string }[]
db.transaction(() => {
  for (const { name } of tables) {
    const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[]).map(
      (c) => `"${c.name}"`,
    )
    db.exec(`DELETE FROM main."${name}"`)
    db.exec(`INSERT INTO main."${name}" (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM demo."${name}"`)
  }
})()
db.exec('DETACH DATABASE demo')
const problems = db.pragma('foreign_key_check') as unknown[]
if (problems.length) throw new Error(`fixture v${version} has ${problems.length} foreign key problems`)
db.exec('VACUUM')
db.close()
fs.rmSync(work, { recursive: true, force: true })
console.log(`已保存 ${out}（${(fs.statSync(out).size / 1024).toFixed(0)} KB）`)
