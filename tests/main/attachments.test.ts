/** 佐证材料 on both stores: kinds by content, photos upright and sized, what the camera recorded, limits, audit, backup. */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { ATTACHMENT_LIMITS } from '../../src/shared/attachments'
import { dump, newApp, projectInput, raw, refused, seedBasics } from '../helpers/app'
import { loginAs } from '../helpers/accounts'
import { b64, pdf, photo, screenshot } from '../helpers/images'

async function setup() {
  const app = await newApp()
  const b = await seedBasics(app)
  const { project } = await app.call('project.create', projectInput(b))
  const plan = (await app.call('project.get', { id: project.id })).plan
  const milestone = await app.call('milestone.create', {
    planId: plan.id,
    name: '主体开工',
    plannedDate: '2026-11-01',
    responsibleUnit: '区发改局',
  })
  const problem = await app.call('problem.create', {
    projectId: project.id,
    categoryId: b.problemCategoryId,
    description: '施工用电未接入',
    raisedOn: '2026-10-05',
    responsibleUnitId: b.unitId,
    deadline: '2026-12-10',
  })
  const report = await app.call('report.save', { projectId: project.id, period: '2026-11', investment: 500 })
  return { app, b, projectId: project.id, milestone, problem, report }
}

const sha = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex')
const bytesOf = async (app: Awaited<ReturnType<typeof setup>>['app'], id: number, thumb = false) =>
  Buffer.from((await app.call('attachment.get', { id, thumb })).base64, 'base64')

describe('佐证材料 (attachments)', () => {
  it("keeps a phone's photo on a milestone with the camera's time and place, a thumbnail and an audit row", async () => {
    const { app, projectId, milestone } = await setup()
    const original = await photo({
      width: 4000,
      height: 3000,
      takenAt: '2026:11:20 09:15:42',
      latitude: 30.527385,
      longitude: 114.356441,
    })
    const info = await app.call('attachment.addToMilestone', {
      milestoneId: milestone.id,
      name: 'IMG_2041.jpg',
      base64: b64(original),
    })
    expect(info).toMatchObject({
      projectId,
      owner: 'milestone',
      ownerId: milestone.id,
      name: 'IMG_2041.jpg',
      mime: 'image/jpeg',
      sha256: sha(original),
      width: 2048,
      height: 1536,
      takenAt: '2026-11-20 09:15',
      converted: false,
      addedBy: '王测试',
    })
    expect(info.latitude).toBeCloseTo(30.527385, 4)
    expect(info.longitude).toBeCloseTo(114.356441, 4)
    // Kept: the photo at 2048 px as JPEG; the thumbnail at 320 px.
    const kept = await sharp(await bytesOf(app, info.id)).metadata()
    expect([kept.format, kept.width, kept.height]).toEqual(['jpeg', 2048, 1536])
    const thumb = await sharp(await bytesOf(app, info.id, true)).metadata()
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['jpeg', 320, 240])
    expect(await app.call('attachment.list', { projectId })).toEqual([info])
    // Sent again (an answer lost on the way): the one kept, no second copy and no second audit row.
    const again = await app.call('attachment.addToMilestone', {
      milestoneId: milestone.id,
      name: 'IMG_2041 (1).jpg',
      base64: b64(original),
    })
    expect(again).toEqual(info)
    expect(await app.call('attachment.list', { projectId, owner: 'problem', ownerId: milestone.id })).toEqual([])
    expect(await app.call('attachment.list', { projectId, owner: 'milestone' })).toEqual([info])
    expect(await app.call('attachment.list', { projectId, owner: 'report' })).toEqual([])
    await refused(app, 'attachment.list', { projectId, ownerId: milestone.id }, 'INVALID_INPUT')
    const rows = await raw(
      app,
      `SELECT field, new_value, note FROM audit_log WHERE entity = 'attachment' AND action = 'create' ORDER BY id`,
    )
    expect(rows).toEqual([
      { field: 'name', new_value: 'IMG_2041.jpg', note: expect.stringContaining('节点「主体开工」的节点完成佐证') },
      { field: 'sha256', new_value: sha(original), note: expect.any(String) },
    ])
  })

  it('turns a sideways-stored photo upright and keeps a small one as it is sized', async () => {
    const { app, milestone } = await setup()
    const sideways = await photo({ width: 600, height: 400, orientation: 6 })
    const info = await app.call('attachment.addToMilestone', {
      milestoneId: milestone.id,
      name: '竖拍.jpg',
      base64: b64(sideways),
    })
    expect([info.width, info.height]).toEqual([400, 600])
    expect(info.takenAt).toBeNull()
    expect(info.latitude).toBeNull()
  })

  it("keeps an iPhone's HEIC photo as JPEG (browsers cannot show HEIC), its hash that of the file sent", async () => {
    const { app, milestone } = await setup()
    // Made with libheif's heif-enc (x265) from a 320 × 240 JPEG: tests/fixtures/attachments/iphone.heic.
    const heic = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/attachments/iphone.heic'))
    const info = await app.call('attachment.addToMilestone', {
      milestoneId: milestone.id,
      name: 'IMG_0001.HEIC',
      base64: b64(heic),
    })
    expect(info).toMatchObject({ mime: 'image/jpeg', converted: true, width: 320, height: 240, sha256: sha(heic) })
    const kept = await sharp(await bytesOf(app, info.id)).metadata()
    expect([kept.format, kept.width, kept.height]).toEqual(['jpeg', 320, 240])
    // A HEIC that declares 15,000 × 15,000 pixels (a few KB that would take gigabytes to decode) is refused
    // from its header, before anything is decoded.
    const bomb = Buffer.from(heic)
    for (let at = bomb.indexOf('ispe'); at >= 0; at = bomb.indexOf('ispe', at + 4)) {
      bomb.writeUInt32BE(15000, at + 8)
      bomb.writeUInt32BE(15000, at + 12)
    }
    const started = Date.now()
    const huge = await refused(
      app,
      'attachment.addToMilestone',
      { milestoneId: milestone.id, name: '炸弹.heic', base64: b64(bomb) },
      'INVALID_INPUT',
    )
    expect(huge.message).toContain('像素过多')
    expect(Date.now() - started).toBeLessThan(2000)
    // A HEIC cut short is refused as damaged, not kept half.
    const error = await refused(
      app,
      'attachment.addToMilestone',
      { milestoneId: milestone.id, name: '半张.heic', base64: b64(heic.subarray(0, 400)) },
      'INVALID_INPUT',
    )
    expect(error.message).toContain('已损坏或不完整')
  })

  it('keeps a PNG screenshot as PNG and a PDF byte for byte, on a report and a problem', async () => {
    const { app, projectId, report, problem } = await setup()
    const png = await screenshot()
    const shot = await app.call('attachment.addToReport', {
      reportId: report.id,
      name: '平台截图.png',
      base64: b64(png),
    })
    expect(shot).toMatchObject({ mime: 'image/png', owner: 'report', width: 300, height: 200 })
    const doc = pdf()
    const reply = await app.call('attachment.addToProblem', {
      problemId: problem.id,
      name: '复函.pdf',
      base64: b64(doc),
    })
    expect(reply).toMatchObject({ mime: 'application/pdf', owner: 'problem', width: null, sha256: sha(doc) })
    expect((await bytesOf(app, reply.id)).equals(doc)).toBe(true)
    await refused(app, 'attachment.get', { id: reply.id, thumb: true }, 'NOT_FOUND')
    expect((await app.call('attachment.list', { projectId })).map((a) => a.name)).toEqual(['复函.pdf', '平台截图.png'])
  })

  it('keeps a name as its last part, without control characters or direction marks', async () => {
    const { app, problem } = await setup()
    const doc = b64(pdf())
    const names: [string, string][] = [
      ['\u202efdp.exe', 'fdp.exe'],
      ['../../etc/passwd.pdf', 'passwd.pdf'],
      ['C:\\Users\\李四\\复函.pdf', '复函.pdf'],
      ['复函\n第二行.pdf', '复函第二行.pdf'],
    ]
    for (const [sent, kept] of names) {
      const info = await app.call('attachment.addToProblem', {
        problemId: problem.id,
        name: sent,
        base64: b64(pdf(sent.length.toString())),
      })
      expect(info.name).toBe(kept)
    }
    await refused(
      app,
      'attachment.addToProblem',
      { problemId: problem.id, name: '\u202e\u200f', base64: doc },
      'INVALID_INPUT',
    )
  })

  it('judges a file by its content: refuses other kinds, damaged images, PDFs cut short and empty files, changing nothing', async () => {
    const { app, milestone } = await setup()
    const good = await photo()
    const before = await dump(app)
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200, 1)])
    const cases: [string, Buffer, RegExp][] = [
      ['方案.jpg', zip, /不是照片或PDF.*按文件内容判断/],
      ['网页.jpg', Buffer.from('<html><body>照片</body></html>'), /不是照片或PDF/],
      ['断了的照片.jpg', good.subarray(0, 300), /已损坏或不完整/],
      ['半个批复.pdf', pdf().subarray(0, 200), /不是完整的PDF文件/],
      // "%PDF-" inside a program, and a PDF's two markers around bytes that are no PDF.
      [
        '审批意见.pdf',
        Buffer.concat([
          Buffer.from('MZ\x90\x00', 'latin1'),
          Buffer.from('%PDF-1.4 '),
          Buffer.alloc(300, 7),
          Buffer.from('%%EOF'),
        ]),
        /不是照片或PDF/,
      ],
      [
        '乱码.pdf',
        Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(4000), Buffer.from('\n%%EOF\n')]),
        /不是可以打开的PDF文件/,
      ],
    ]
    for (const [name, bytes, message] of cases) {
      const error = await refused(
        app,
        'attachment.addToMilestone',
        { milestoneId: milestone.id, name, base64: b64(bytes) },
        'INVALID_INPUT',
      )
      expect(error.message).toMatch(message)
      expect(error.message).toContain(name)
    }
    await refused(
      app,
      'attachment.addToMilestone',
      { milestoneId: milestone.id, name: '空.jpg', base64: '' },
      'INVALID_INPUT',
    )
    await refused(
      app,
      'attachment.addToMilestone',
      { milestoneId: milestone.id, name: '乱码.jpg', base64: '不是base64' },
      'INVALID_INPUT',
    )
    await refused(
      app,
      'attachment.addToMilestone',
      { milestoneId: 9999, name: 'a.jpg', base64: b64(good) },
      'NOT_FOUND',
    )
    expect(await dump(app)).toEqual(before)
  })

  it(`refuses the ${ATTACHMENT_LIMITS.perOwner + 1}th file on one record, and a frozen month's report`, async () => {
    const { app, projectId, milestone, report } = await setup()
    const one = b64(await photo({ width: 64, height: 48 }))
    // Each a different photo (the same file twice on one record is kept once).
    for (let i = 0; i < ATTACHMENT_LIMITS.perOwner; i++)
      await app.call('attachment.addToMilestone', {
        milestoneId: milestone.id,
        name: `照片${i}.jpg`,
        base64: b64(await photo({ width: 64, height: 48, colour: { r: i * 20, g: 100, b: 50 } })),
      })
    const error = await refused(
      app,
      'attachment.addToMilestone',
      { milestoneId: milestone.id, name: '多余.jpg', base64: one },
      'RULE',
    )
    expect(error.message).toContain(`已有${ATTACHMENT_LIMITS.perOwner}份佐证材料`)
    await app.call('attachment.addToReport', { reportId: report.id, name: '十一月.jpg', base64: one })
    const october = await app.call('report.save', { projectId, period: '2026-10', investment: 300 })
    const shot = await app.call('attachment.addToReport', { reportId: october.id, name: '十月.jpg', base64: one })
    await app.call('ranking.freeze', { period: '2026-10' })
    await refused(app, 'attachment.addToReport', { reportId: october.id, name: '补拍.jpg', base64: one }, 'FROZEN')
    await refused(app, 'attachment.remove', { id: shot.id, reason: '换一张' }, 'FROZEN')
    expect((await app.call('attachment.list', { projectId })).length).toBe(ATTACHMENT_LIMITS.perOwner + 2)
  })

  it('removes a file with a reason in the audit log (name, hash, who); a milestone with files is not deleted', async () => {
    const { app, projectId, milestone } = await setup()
    const bytes = await photo()
    const info = await app.call('attachment.addToMilestone', {
      milestoneId: milestone.id,
      name: '开工.jpg',
      base64: b64(bytes),
    })
    const error = await refused(
      app,
      'milestone.remove',
      { id: milestone.id, version: milestone.version, reason: '重复' },
      'RULE',
    )
    expect(error.message).toContain('有1份佐证材料')
    await app.call('attachment.remove', { id: info.id, reason: '拍错了项目' })
    expect(await app.call('attachment.list', { projectId })).toEqual([])
    expect(await raw(app, 'SELECT count(*) AS n FROM attachment_files')).toEqual([{ n: expect.anything() }])
    expect(Number((await raw<{ n: unknown }>(app, 'SELECT count(*) AS n FROM attachment_files'))[0]!.n)).toBe(0)
    const rows = await raw(
      app,
      `SELECT operator, field, old_value, note FROM audit_log WHERE entity = 'attachment' AND action = 'delete' ORDER BY id`,
    )
    expect(rows).toEqual([
      { operator: '王测试', field: 'name', old_value: '开工.jpg', note: expect.stringContaining('拍错了项目') },
      { operator: '王测试', field: 'sha256', old_value: sha(bytes), note: expect.stringContaining('拍错了项目') },
    ])
    await app.call('milestone.remove', { id: milestone.id, version: milestone.version, reason: '重复' })
  })

  it("lets a 专班成员 attach to its own project's records only", async () => {
    const { app, b, milestone } = await setup()
    const other = await app.call('project.create', projectInput(b, { code: 'XM-002', name: '别的项目' }))
    const tf = (await app.call('project.get', { id: other.project.id })).taskForce
    const stranger = await app.call('taskForce.addMember', {
      taskForceId: tf.id,
      person: { name: '周外人', unit: '区工信局' },
      role: 'member',
    })
    const member = await loginAs(app, 'zhou', { roles: ['member'], personId: stranger.person.id })
    const before = await dump(app)
    const outcome = await app.invoke(
      'attachment.addToMilestone',
      { milestoneId: milestone.id, name: 'a.jpg', base64: b64(await photo()) },
      member.from,
    )
    expect(outcome).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    const after = await dump(app)
    expect(after.attachments).toEqual(before.attachments)
    expect(after.audit_log).toEqual(before.audit_log)
  })

  it('backup and restore carry the files with the data', async () => {
    const { app, projectId, milestone } = await setup()
    const bytes = await photo({ takenAt: '2026:11:20 09:15:42' })
    const info = await app.call('attachment.addToMilestone', {
      milestoneId: milestone.id,
      name: '开工.jpg',
      base64: b64(bytes),
    })
    const kept = await bytesOf(app, info.id)
    const backup = await app.call('backup.create', {})
    await app.call('attachment.remove', { id: info.id, reason: '误删' })
    expect(await app.call('attachment.list', { projectId })).toEqual([])
    await app.call('backup.restore', { name: backup.name })
    expect(await app.call('attachment.list', { projectId })).toEqual([info])
    expect((await bytesOf(app, info.id)).equals(kept)).toBe(true)
    expect((await bytesOf(app, info.id, true)).length).toBeGreaterThan(0)
  })
})
