/**
 * The crash test's child: opens the database through the real App and writes without pause — new projects
 * (a multi-row transaction), edits of one project under its version, monthly reports, new leaders. After each
 * write is committed it prints `ack <kind> <seq>` synchronously; the parent kills it with SIGKILL at random.
 *
 *   node --import tsx scripts/crash/worker.ts <db> <first seq>
 */
import fs from 'node:fs'
import { openApp } from '../../src/main/app'
import { crashProject } from './project'

const [file, firstArg] = process.argv.slice(2)
if (!file || !firstArg) throw new Error('usage: worker.ts <db> <first seq>')
const ack = (line: string) => fs.writeSync(1, `${line}\n`) // written before the next write starts

const app = openApp(file)
const [township] = await app.call('dict.list', { kind: 'township' })
const [unit] = await app.call('dict.list', { kind: 'unit' })
const [category] = await app.call('dict.list', { kind: 'category' })
const [leader] = await app.call('leader.list', {})
const [target] = await app.call('project.list', { text: 'CRASH-TARGET' })
if (!township || !unit || !category || !leader || !target) throw new Error('the crash database is not seeded')
const refs = { categoryId: category.id, townshipId: township.id, leaderId: leader.id, unitId: unit.id }
ack('ready')

let lastProject = 0
for (let seq = Number(firstArg); ; seq++) {
  switch (seq % 4) {
    case 0: {
      const { project } = await app.call(
        'project.create',
        crashProject(refs, `CR-${seq}`, `崩溃测试项目${seq}`, seq * 100),
      )
      lastProject = project.id
      ack(`project ${seq} ${project.id}`)
      break
    }
    case 1: {
      const { project } = await app.call('project.get', { id: target.id })
      await app.call('project.update', { id: target.id, version: project.version, content: `第${seq}次修改` })
      ack(`edit ${seq}`)
      break
    }
    case 2: {
      if (!lastProject) break
      const [existing] = await app.call('report.list', { projectId: lastProject })
      await app.call('report.save', {
        projectId: lastProject,
        period: '2026-10',
        investment: seq,
        narrative: `第${seq}次月报`,
        ...(existing ? { version: existing.version } : {}),
      })
      ack(`report ${seq} ${lastProject}`)
      break
    }
    default: {
      await app.call('leader.create', { name: `领导${seq}`, title: '副县长', sortOrder: seq % 1000 })
      ack(`leader ${seq}`)
    }
  }
}
