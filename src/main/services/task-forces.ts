/** 专班: one per project, its 牵头单位 and members; one person may serve in many task forces. */
import { sql, type Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import { MEMBER_ROLE_LABELS, type MemberRole, type TaskForce, type TaskForceContact } from '../../shared/domain'
import { audit, diff, text } from '../audit'
import { readTx, writeTx, type Deps, type WriteCtx } from '../context'
import type { Database } from '../db/schema'
import type { HandlerMap } from '../handler-types'
import { toMember, toPerson } from '../mappers'
import { checkVersion, containsPattern, must, requireDict } from './common'
import { loadProjectDetail } from './projects'
import { listedNow } from '../ranking/facts'
import { sliced, type Slice } from '../db/slice'

async function loadTaskForce(db: Kysely<Database>, id: number): Promise<TaskForce> {
  const tf = must(
    await db.selectFrom('task_forces').select('project_id').where('id', '=', id).executeTakeFirst(),
    '专班',
    id,
  )
  return (await loadProjectDetail(db, tf.project_id)).taskForce
}

async function loadMember(db: Kysely<Database>, id: number) {
  const member = must(
    await db.selectFrom('task_force_members').selectAll().where('id', '=', id).executeTakeFirst(),
    '专班成员',
    id,
  )
  const person = await db.selectFrom('people').selectAll().where('id', '=', member.person_id).executeTakeFirstOrThrow()
  const tf = await db
    .selectFrom('task_forces')
    .select('project_id')
    .where('id', '=', member.task_force_id)
    .executeTakeFirstOrThrow()
  return { member, person, projectId: tf.project_id }
}

/** The rule "one 专班长 per task force", with a message that names the present head. */
async function requireNoOtherHead(w: WriteCtx, taskForceId: number, exceptMemberId = 0) {
  const head = await w.db
    .selectFrom('task_force_members as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .select(['m.id', 'p.name'])
    .where('m.task_force_id', '=', taskForceId)
    .where('m.role', '=', 'head')
    .where('m.id', '!=', exceptMemberId)
    .executeTakeFirst()
  if (head)
    throw new AppError('RULE', `该专班已有专班长「${head.name}」，一个专班只能有一名专班长。请先把其角色改为成员`)
}

const roleText = (r: MemberRole) => MEMBER_ROLE_LABELS[r]

/**
 * The 专班通讯录: every member of the task force of every project on the key-project list (not those 调出 or
 * 归档: listedNow) with the project (code, name) and its current 包联领导, ordered by project code, then 专班长,
 * 联络员, 成员, then when they joined. Phones are as stored. One query, whatever the number of projects.
 */
export async function taskForceContacts(db: Kysely<Database>, slice: Slice = {}): Promise<TaskForceContact[]> {
  const rows = await db
    .selectFrom('task_force_members as m')
    .innerJoin('task_forces as tf', 'tf.id', 'm.task_force_id')
    .innerJoin('projects as p', 'p.id', 'tf.project_id')
    .innerJoin('people as pe', 'pe.id', 'm.person_id')
    .leftJoin('leader_assignments as la', (j) => j.onRef('la.project_id', '=', 'p.id').on('la.end_date', 'is', null))
    .leftJoin('leaders as l', 'l.id', 'la.leader_id')
    .where(listedNow('p'))
    .select([
      'p.id as projectId',
      'p.code as projectCode',
      'p.name as projectName',
      'l.name as leader',
      'm.role',
      'pe.name',
      'pe.unit',
      'm.duty',
      'pe.phone',
    ])
    .orderBy('p.code')
    .orderBy(sql`CASE m.role WHEN 'head' THEN 0 WHEN 'liaison' THEN 1 ELSE 2 END`)
    .orderBy('m.id')
    .$call(sliced(slice))
    .execute()
  return rows.map((r) => ({ ...r, leader: r.leader ?? '', role: r.role }))
}

export function taskForceHandlers(deps: Deps) {
  return {
    'taskForce.update': ({ id, version, leadUnitId }) =>
      writeTx(deps, async (w) => {
        const before = await loadTaskForce(w.db, id)
        checkVersion(before, version, '专班信息')
        // A deactivated unit may stay where it is; only a new choice must be an active one.
        const unit = await requireDict(w.db, leadUnitId, 'unit', leadUnitId !== before.leadUnit.id)
        await w.db
          .updateTable('task_forces')
          .set({ lead_unit_id: leadUnitId, version: sql`version + 1` })
          .where('id', '=', id)
          .execute()
        await audit(w, {
          entity: 'task_force',
          entityId: id,
          projectId: before.projectId,
          action: 'update',
          changes: [{ field: 'leadUnit', old: before.leadUnit.name, new: unit.name }],
        })
        return loadTaskForce(w.db, id)
      }),

    'taskForce.addMember': ({ taskForceId, personId, person, role, duty }) =>
      writeTx(deps, async (w) => {
        const tf = await loadTaskForce(w.db, taskForceId)
        if ((personId === undefined) === (person === undefined))
          throw new AppError('INVALID_INPUT', '请选择一名已有人员，或填写新人员的姓名和单位（二者选一）')
        if (role === 'head') await requireNoOtherHead(w, taskForceId)
        let pid: number
        if (personId !== undefined) {
          pid = must(
            await w.db.selectFrom('people').select('id').where('id', '=', personId).executeTakeFirst(),
            '人员',
            personId,
          ).id
        } else {
          const created = await w.db
            .insertInto('people')
            .values({ name: person!.name, unit: person!.unit, phone: person!.phone, created_at: w.now })
            .returning('id')
            .executeTakeFirstOrThrow()
          pid = created.id
          await audit(w, {
            entity: 'person',
            entityId: pid,
            projectId: null,
            action: 'create',
            changes: [{ field: 'name', old: null, new: `${person!.name}（${person!.unit}）` }],
          })
        }
        if (tf.members.some((m) => m.person.id === pid)) throw new AppError('DUPLICATE', '此人已是该专班成员')
        const row = await w.db
          .insertInto('task_force_members')
          .values({ task_force_id: taskForceId, person_id: pid, role, duty })
          .returning('id')
          .executeTakeFirstOrThrow()
        const { member, person: p } = await loadMember(w.db, row.id)
        await audit(w, {
          entity: 'member',
          entityId: row.id,
          projectId: tf.projectId,
          action: 'create',
          changes: [{ field: 'member', old: null, new: `${p.name}（${p.unit}，${roleText(role)}）` }],
        })
        return toMember(member, p)
      }),

    'taskForce.updateMember': ({ id, version, role, duty }) =>
      writeTx(deps, async (w) => {
        const { member, person, projectId } = await loadMember(w.db, id)
        checkVersion(member, version, `专班成员「${person.name}」`)
        if (role === 'head' && member.role !== 'head') await requireNoOtherHead(w, member.task_force_id, id)
        await w.db
          .updateTable('task_force_members')
          .set({ ...(role !== undefined && { role }), ...(duty !== undefined && { duty }), version: sql`version + 1` })
          .where('id', '=', id)
          .execute()
        const after = await loadMember(w.db, id)
        await audit(w, {
          entity: 'member',
          entityId: id,
          projectId,
          action: 'update',
          changes: diff(member, after.member, { role: roleText, duty: text }),
          note: person.name,
        })
        return toMember(after.member, after.person)
      }),

    'taskForce.removeMember': ({ id, version }) =>
      writeTx(deps, async (w) => {
        const { member, person, projectId } = await loadMember(w.db, id)
        checkVersion(member, version, `专班成员「${person.name}」`)
        await w.db.deleteFrom('task_force_members').where('id', '=', id).execute()
        await audit(w, {
          entity: 'member',
          entityId: id,
          projectId,
          action: 'delete',
          changes: [{ field: 'member', old: `${person.name}（${person.unit}，${roleText(member.role)}）`, new: null }],
        })
        return { id }
      }),

    'taskForce.contacts': (slice) => readTx(deps, (db) => taskForceContacts(db, slice)),

    'person.list': async ({ text: search, ids, offset, limit }) => {
      let q = deps.db.selectFrom('people').selectAll()
      if (ids) q = q.where('id', 'in', ids.length ? ids : [0])
      if (search) {
        const pattern = containsPattern(search)
        q = q.where((eb) =>
          eb.or([
            deps.store.dialect.likeIgnoringCase('name', pattern),
            deps.store.dialect.likeIgnoringCase('unit', pattern),
          ]),
        )
      }
      return (await q.orderBy('unit').orderBy('name').orderBy('id').$call(sliced({ offset, limit })).execute()).map(
        toPerson,
      )
    },

    'person.update': ({ id, version, ...changes }) =>
      writeTx(deps, async (w) => {
        const before = must(
          await w.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst(),
          '人员',
          id,
        )
        checkVersion(before, version, `人员「${before.name}」`)
        const row = await w.db
          .updateTable('people')
          .set({
            ...(changes.name !== undefined && { name: changes.name }),
            ...(changes.unit !== undefined && { unit: changes.unit }),
            ...(changes.phone !== undefined && { phone: changes.phone }),
            version: sql`version + 1`,
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow()
        await audit(w, {
          entity: 'person',
          entityId: id,
          projectId: null,
          action: 'update',
          changes: diff(before, row, { name: text, unit: text, phone: text }),
        })
        return toPerson(row)
      }),
  } satisfies HandlerMap
}
