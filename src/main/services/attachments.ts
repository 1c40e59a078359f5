/**
 * 佐证材料: files on a milestone's completion, a monthly report (形象进度照片) and a problem's 办理结果. The bytes
 * are prepared (attachments/prepare.ts) before the write; the write checks the record, the limits and a frozen
 * month, keeps the file and writes its audit row (who, when, the file's SHA-256). Lists never read the bytes.
 */
import { sql, type Kysely } from 'kysely'
import {
  ATTACHMENT_LIMITS,
  ATTACHMENT_OWNER_LABELS,
  cleanFileName,
  sizeText,
  type AttachmentContent,
  type AttachmentInfo,
  type AttachmentMime,
  type AttachmentOwner,
} from '../../shared/attachments'
import { AppError } from '../../shared/errors'
import { formatPeriodChinese } from '../../shared/dates'
import { prepareFile, type PreparedFile } from '../attachments/prepare'
import { audit } from '../audit'
import { readTx, writeTx, type Deps, type WriteCtx } from '../context'
import type { AttachmentsTable, Database } from '../db/schema'
import type { HandlerMap } from '../handler-types'
import { sliced, type Slice } from '../db/slice'
import { must } from './common'
import { assertPeriodOpen } from './reports'

type Row = Omit<AttachmentsTable, 'id'> & { id: number }

const OWNER_COLUMN = { milestone: 'milestone_id', report: 'report_id', problem: 'problem_id' } as const

function toInfo(r: Row): AttachmentInfo {
  const owner: AttachmentOwner = r.milestone_id !== null ? 'milestone' : r.report_id !== null ? 'report' : 'problem'
  return {
    id: r.id,
    projectId: r.project_id,
    owner,
    ownerId: (r.milestone_id ?? r.report_id ?? r.problem_id)!,
    name: r.name,
    mime: r.mime as AttachmentMime,
    bytes: r.bytes,
    sha256: r.sha256,
    width: r.width,
    height: r.height,
    takenAt: r.taken_at,
    latitude: r.latitude,
    longitude: r.longitude,
    converted: r.converted === 1,
    addedAt: r.added_at,
    addedBy: r.added_by,
  }
}

/** The record a file goes on: its project and how it is named in messages and the audit log. */
async function ownerOf(
  db: Kysely<Database>,
  owner: AttachmentOwner,
  id: number,
): Promise<{ projectId: number; label: string; period: string | null }> {
  switch (owner) {
    case 'milestone': {
      const m = must(
        await db.selectFrom('milestones').select(['project_id', 'name']).where('id', '=', id).executeTakeFirst(),
        '节点',
        id,
      )
      return { projectId: m.project_id, label: `节点「${m.name}」`, period: null }
    }
    case 'report': {
      const r = must(
        await db.selectFrom('monthly_reports').select(['project_id', 'period']).where('id', '=', id).executeTakeFirst(),
        '月报',
        id,
      )
      return { projectId: r.project_id, label: `${formatPeriodChinese(r.period)}月报`, period: r.period }
    }
    case 'problem': {
      const p = must(
        await db.selectFrom('problems').select(['project_id', 'description']).where('id', '=', id).executeTakeFirst(),
        '问题',
        id,
      )
      const short = p.description.length > 20 ? p.description.slice(0, 20) + '…' : p.description
      return { projectId: p.project_id, label: `问题「${short}」`, period: null }
    }
  }
}

/**
 * Keeps a prepared file on `owner` `ownerId`: NOT_FOUND for no such record; FROZEN for a report of a frozen
 * month; RULE when the record already has ATTACHMENT_LIMITS.perOwner files or the database's files would pass
 * ATTACHMENT_LIMITS.totalBytes.
 */
async function keep(
  w: WriteCtx,
  owner: AttachmentOwner,
  ownerId: number,
  name: string,
  file: PreparedFile,
): Promise<AttachmentInfo> {
  const target = await ownerOf(w.db, owner, ownerId)
  if (target.period) await assertPeriodOpen(w.db, target.period)
  const column = OWNER_COLUMN[owner]
  // The same file on the same record again (a phone sending it again after the answer was lost; a double tap):
  // the one kept, not a second copy.
  const same = await w.db
    .selectFrom('attachments')
    .selectAll()
    .where(column, '=', ownerId)
    .where('sha256', '=', file.sha256)
    .executeTakeFirst()
  if (same) return toInfo(same)
  const { n } = await w.db
    .selectFrom('attachments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(column, '=', ownerId)
    .executeTakeFirstOrThrow()
  if (Number(n) >= ATTACHMENT_LIMITS.perOwner)
    throw new AppError(
      'RULE',
      `${target.label}已有${ATTACHMENT_LIMITS.perOwner}份佐证材料，不能再添加；请先删除不需要的，再上传「${name}」`,
    )
  const { total } = await w.db
    .selectFrom('attachments')
    .select(sql<number>`coalesce(sum(bytes), 0)`.as('total'))
    .executeTakeFirstOrThrow()
  if (Number(total) + file.content.length > ATTACHMENT_LIMITS.totalBytes)
    throw new AppError(
      'RULE',
      `佐证材料已占用${sizeText(Number(total))}，达到上限${sizeText(ATTACHMENT_LIMITS.totalBytes)}，「${name}」未保存。请联系系统管理员清理或扩容`,
    )
  const row = {
    project_id: target.projectId,
    milestone_id: owner === 'milestone' ? ownerId : null,
    report_id: owner === 'report' ? ownerId : null,
    problem_id: owner === 'problem' ? ownerId : null,
    name,
    mime: file.mime,
    bytes: file.content.length,
    sha256: file.sha256,
    width: file.width,
    height: file.height,
    taken_at: file.takenAt,
    latitude: file.latitude,
    longitude: file.longitude,
    converted: file.converted ? 1 : 0,
    added_at: w.now,
    added_by: w.operator.name,
    user_id: w.operator.userId,
  }
  const { id } = await w.db.insertInto('attachments').values(row).returning('id').executeTakeFirstOrThrow()
  await w.db
    .insertInto('attachment_files')
    .values({ attachment_id: id, content: file.content, thumb: file.thumb })
    .execute()
  await audit(w, {
    entity: 'attachment',
    entityId: id,
    projectId: target.projectId,
    action: 'create',
    changes: [
      { field: 'name', old: null, new: name },
      { field: 'sha256', old: null, new: file.sha256 },
    ],
    note: `${target.label}的${ATTACHMENT_OWNER_LABELS[owner]}（${sizeText(row.bytes)}${file.converted ? '，HEIC已转为JPEG' : ''}）`,
  })
  return toInfo({ id, ...row })
}

/** The files of a project (optionally of one kind of record, or of one record), newest first; never their bytes. */
export async function listAttachments(
  db: Kysely<Database>,
  projectId: number,
  owner?: { kind: AttachmentOwner; id?: number },
  slice: Slice = {},
): Promise<AttachmentInfo[]> {
  const rows = await db
    .selectFrom('attachments')
    .selectAll()
    .where('project_id', '=', projectId)
    .$if(owner !== undefined && owner.id === undefined, (q) => q.where(OWNER_COLUMN[owner!.kind], 'is not', null))
    .$if(owner?.id !== undefined, (q) => q.where(OWNER_COLUMN[owner!.kind], '=', owner!.id!))
    .orderBy('id', 'desc')
    .$call(sliced(slice))
    .execute()
  return rows.map(toInfo)
}

/** A file's bytes (or its thumbnail's; a PDF has none: NOT_FOUND) as base64. */
export async function attachmentContent(db: Kysely<Database>, id: number, thumb: boolean): Promise<AttachmentContent> {
  const row = must(
    await db
      .selectFrom('attachments as a')
      .innerJoin('attachment_files as f', 'f.attachment_id', 'a.id')
      .select(['a.id', 'a.name', 'a.mime', thumb ? 'f.thumb as data' : 'f.content as data'])
      .where('a.id', '=', id)
      .executeTakeFirst(),
    '佐证材料',
    id,
  )
  if (!row.data) throw new AppError('NOT_FOUND', `「${row.name}」没有缩略图（PDF文件请打开原件查看）`)
  return {
    id: row.id,
    name: row.name,
    mime: thumb ? 'image/jpeg' : (row.mime as AttachmentMime),
    base64: Buffer.from(row.data).toString('base64'),
  }
}

export function attachmentHandlers(deps: Deps) {
  const add = (owner: AttachmentOwner) => async (input: { ownerId: number; name: string; base64: string }) => {
    const name = cleanFileName(input.name)
    if (!name) throw new AppError('INVALID_INPUT', '「文件名」不能为空', [{ path: 'name', message: '不能为空' }])
    const file = await prepareFile(name, Buffer.from(input.base64, 'base64'))
    return writeTx(deps, (w) => keep(w, owner, input.ownerId, name, file))
  }
  return {
    'attachment.list': ({ projectId, owner, ownerId, offset, limit }) =>
      readTx(deps, async (db) => {
        must(
          await db.selectFrom('projects').select('id').where('id', '=', projectId).executeTakeFirst(),
          '项目',
          projectId,
        )
        if (ownerId !== undefined && owner === undefined)
          throw new AppError('INVALID_INPUT', '指定「所属记录」时须同时指定「所属」（节点、月报或问题）')
        return listAttachments(db, projectId, owner && { kind: owner, id: ownerId }, {
          offset,
          limit,
        })
      }),
    'attachment.get': ({ id, thumb }) => attachmentContent(deps.db, id, thumb),
    'attachment.addToMilestone': ({ milestoneId, name, base64 }) =>
      add('milestone')({ ownerId: milestoneId, name, base64 }),
    'attachment.addToReport': ({ reportId, name, base64 }) => add('report')({ ownerId: reportId, name, base64 }),
    'attachment.addToProblem': ({ problemId, name, base64 }) => add('problem')({ ownerId: problemId, name, base64 }),
    'attachment.remove': ({ id, reason }) =>
      writeTx(deps, async (w) => {
        const row = must(
          await w.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst(),
          '佐证材料',
          id,
        )
        const info = toInfo(row)
        const target = await ownerOf(w.db, info.owner, info.ownerId)
        if (target.period) await assertPeriodOpen(w.db, target.period)
        await w.db.deleteFrom('attachments').where('id', '=', id).execute()
        await audit(w, {
          entity: 'attachment',
          entityId: id,
          projectId: row.project_id,
          action: 'delete',
          changes: [
            { field: 'name', old: row.name, new: null },
            { field: 'sha256', old: row.sha256, new: null },
          ],
          note: `${target.label}的${ATTACHMENT_OWNER_LABELS[info.owner]}：${reason}`,
        })
        return { ok: true as const }
      }),
  } satisfies HandlerMap
}
