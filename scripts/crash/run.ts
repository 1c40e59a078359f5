/**
 * `npm run crash-test [-- --kills 200 --seed 1]`: the data-safety crash test. A child process writes to a
 * file database through the real App (scripts/crash/worker.ts) and is killed with SIGKILL at a random moment,
 * again and again. After every kill the database must pass integrity_check and foreign_key_check, and every
 * write the child acknowledged (printed after its COMMIT) must be there. Prints one result line and exits
 * non-zero when anything was corrupted or lost.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import BetterSqlite3 from 'better-sqlite3'
import { openApp } from '../../src/main/app'
import { Random } from '../../src/main/demo/random'
import { crashProject } from './project'

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '200' },
    seed: { type: 'string', default: '20261121' },
    'max-delay': { type: 'string', default: '400' },
    keep: { type: 'boolean', default: false },
    /** Deletes one acknowledged row before the last check: proves the check sees a lost write. */
    sabotage: { type: 'boolean', default: false },
  },
})
const kills = Number(values.kills)
const maxDelay = Number(values['max-delay'])
const random = new Random(Number(values.seed))
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhuanban-crash-'))
const file = path.join(dir, 'crash.db')
const worker = path.join(import.meta.dirname, 'worker.ts')

/** What the children acknowledged, over all runs. */
const acked = {
  projects: new Map<number, number>(),
  edit: 0,
  reports: new Map<number, number>(),
  leaders: [] as number[],
}

async function seed() {
  const app = openApp(file, { localName: { name: '崩溃测试', unit: '测试' } })
  const township = await app.call('dict.create', { kind: 'township', name: '测试镇' })
  const unit = await app.call('dict.create', { kind: 'unit', name: '测试局' })
  const [category] = await app.call('dict.list', { kind: 'category' })
  const leader = await app.call('leader.create', { name: '测试领导', title: '县长', sortOrder: 1 })
  await app.call(
    'project.create',
    crashProject(
      { categoryId: category!.id, townshipId: township.id, leaderId: leader.id, unitId: unit.id },
      'CRASH-TARGET',
      '被反复修改的项目',
      100,
    ),
  )
  await app.close()
}

/** One child: started, given a random time to write, killed. Returns how many writes it acknowledged. */
function runOnce(firstSeq: number): Promise<{ acks: number; lastSeq: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, file, String(firstSeq)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let buffer = ''
    let acks = 0
    let lastSeq = firstSeq
    let stderr = ''
    // One run in ten is killed while it is still opening the database (recovery, migrations, first reads).
    const early = random.chance(0.1)
    if (early) setTimeout(() => child.kill('SIGKILL'), random.int(0, 300))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      let nl: number
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const [kind, seqText, idText] = buffer.slice(0, nl).split(' ')
        buffer = buffer.slice(nl + 1)
        if (kind === 'ready') {
          if (!early) setTimeout(() => child.kill('SIGKILL'), random.int(0, maxDelay))
          continue
        }
        const seq = Number(seqText)
        lastSeq = Math.max(lastSeq, seq)
        acks++
        if (kind === 'project') acked.projects.set(seq, Number(idText))
        if (kind === 'edit') acked.edit = Math.max(acked.edit, seq)
        if (kind === 'report') acked.reports.set(Number(idText), seq)
        if (kind === 'leader') acked.leaders.push(seq)
      }
    })
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`子进程意外退出（${code}）：${stderr.slice(-2000)}`))
      else resolve({ acks, lastSeq })
    })
  })
}

/** Integrity, and every acknowledged write present. Returns the problems found (empty when all is well). */
function check(): { corrupt: string[]; lost: string[] } {
  const db = new BetterSqlite3(file) // read-write: recovers the WAL as the next start would
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check)
    const fk = db.pragma('foreign_key_check') as unknown[]
    const corrupt = [...(integrity.join() === 'ok' ? [] : integrity), ...(fk.length ? [`${fk.length}处外键错误`] : [])]
    const lost: string[] = []
    const project = db.prepare(
      `SELECT p.id, (SELECT count(*) FROM task_forces t WHERE t.project_id = p.id) AS forces,
              (SELECT count(*) FROM plans s WHERE s.project_id = p.id) AS plans,
              (SELECT count(*) FROM audit_log a WHERE a.project_id = p.id) AS audits
       FROM projects p WHERE p.code = ?`,
    )
    for (const [seq, id] of acked.projects) {
      const row = project.get(`CR-${seq}`) as { id: number; forces: number; plans: number; audits: number } | undefined
      if (!row || row.id !== id || row.forces !== 1 || row.plans !== 1 || row.audits === 0) lost.push(`项目 CR-${seq}`)
    }
    const content = (
      db.prepare(`SELECT content FROM projects WHERE code = 'CRASH-TARGET'`).get() as { content: string }
    ).content
    const editSeq = Number(/第(\d+)次修改/.exec(content)?.[1] ?? 0)
    if (editSeq < acked.edit) lost.push(`修改 ${acked.edit}（库中为 ${editSeq}）`)
    const report = db.prepare(`SELECT investment FROM monthly_reports WHERE project_id = ? AND period = '2026-10'`)
    for (const [projectId, seq] of acked.reports) {
      const row = report.get(projectId) as { investment: number } | undefined
      if (!row || row.investment < seq) lost.push(`月报 ${seq}`)
    }
    const leader = db.prepare(`SELECT 1 FROM leaders WHERE name = ?`)
    for (const seq of acked.leaders) if (!leader.get(`领导${seq}`)) lost.push(`领导 ${seq}`)
    return { corrupt, lost }
  } finally {
    db.close()
  }
}

await seed()
const started = Date.now()
let seq = 1
let totalAcks = 0
let corruptions = 0
let lostWrites = 0
for (let i = 1; i <= kills; i++) {
  const run = await runOnce(seq)
  totalAcks += run.acks
  // The next child starts past anything this one may have committed without acknowledging.
  seq = run.lastSeq + 1000
  if (values.sabotage && i === kills) {
    const db = new BetterSqlite3(file)
    db.prepare('DELETE FROM leaders WHERE name = ?').run(`领导${acked.leaders.at(-1)}`)
    db.close()
  }
  const { corrupt, lost } = check()
  if (corrupt.length) {
    corruptions++
    console.error(`第 ${i} 次：数据库损坏：${corrupt.join('；')}`)
  }
  if (lost.length) {
    lostWrites += lost.length
    console.error(`第 ${i} 次：丢失已确认的写入：${lost.slice(0, 10).join('，')}`)
  }
  if (i % 20 === 0 || i === kills) console.log(`已强制终止 ${i}/${kills} 次，已确认写入 ${totalAcks} 次`)
}
const seconds = ((Date.now() - started) / 1000).toFixed(0)
console.log(
  `kills ${kills}, acknowledged writes ${totalAcks}, corruptions ${corruptions}, lost acknowledged writes ${lostWrites}, ${seconds} s`,
)
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true })
else console.log(`数据库保留在：${file}`)
process.exit(corruptions || lostWrites ? 1 : 0)
