/**
 * 领导批示: a 县领导 writes a dated instruction on a project or one of its problems, under the leader record its
 * account is linked to; shown to the project's 专班 on the project page and printed in 一项目一档 and 问题清单.
 * A 批示 is kept as given (the table refuses changes and deletions), and audited.
 */
import type { Kysely } from 'kysely'
import type { Instruction } from '../../shared/domain'
import { AppError, notFound } from '../../shared/errors'
import { audit } from '../audit'
import { readTx, writeTx, type Deps } from '../context'
import type { Database } from '../db/schema'
import type { HandlerMap } from '../handler-types'
import { sliced } from '../db/slice'

function instructions(db: Kysely<Database>) {
  return db
    .selectFrom('instructions as i')
    .innerJoin('projects as p', 'p.id', 'i.project_id')
    .innerJoin('leaders as l', 'l.id', 'i.leader_id')
    .leftJoin('problems as q', 'q.id', 'i.problem_id')
    .leftJoin('instruction_answers as a', 'a.instruction_id', 'i.id')
    .select([
      'i.id',
      'i.project_id',
      'i.problem_id',
      'i.given_on',
      'i.text',
      'i.created_at',
      'p.code',
      'p.name as project_name',
      'l.id as leader_id',
      'l.name as leader_name',
      'l.title as leader_title',
      'q.description as problem_text',
      'a.text as answer_text',
      'a.answered_on',
      'a.operator as answer_operator',
    ])
}

type Row = Awaited<ReturnType<ReturnType<typeof instructions>['execute']>>[number]

const toInstruction = (r: Row): Instruction => ({
  id: r.id,
  projectId: r.project_id,
  projectCode: r.code,
  projectName: r.project_name,
  problemId: r.problem_id,
  problemText: r.problem_text,
  leader: { id: r.leader_id, name: r.leader_name, title: r.leader_title },
  givenOn: r.given_on,
  text: r.text,
  createdAt: r.created_at,
  answer:
    r.answer_text === null ? null : { text: r.answer_text, answeredOn: r.answered_on!, operator: r.answer_operator! },
})

/** The 批示 on any of `problemIds`, newest first (the 问题清单's page shows each problem's own). */
export async function instructionsOnProblems(db: Kysely<Database>, problemIds: number[]): Promise<Instruction[]> {
  if (problemIds.length === 0) return []
  const rows = await instructions(db)
    .where('i.problem_id', 'in', problemIds)
    .orderBy('i.given_on', 'desc')
    .orderBy('i.id', 'desc')
    .execute()
  return rows.map(toInstruction)
}

export function instructionHandlers(deps: Deps) {
  return {
    'instruction.list': ({ projectId, problemId, offset, limit }) =>
      readTx(deps, async (db) => {
        let q = instructions(db)
        if (projectId) q = q.where('i.project_id', '=', projectId)
        if (problemId) q = q.where('i.problem_id', '=', problemId)
        const rows = await q
          .orderBy('i.given_on', 'desc')
          .orderBy('i.id', 'desc')
          .$call(sliced({ offset, limit }))
          .execute()
        return rows.map(toInstruction)
      }),

    'instruction.create': ({ projectId, problemId, givenOn, text }, { caller }) =>
      writeTx(deps, async (w) => {
        if (!caller?.leaderId)
          throw new AppError('RULE', '您的账号没有对应的领导，不能写批示。请系统管理员在「账号」中为您选择对应领导')
        const project = await w.db
          .selectFrom('projects')
          .select(['id', 'code'])
          .where('id', '=', projectId)
          .executeTakeFirst()
        if (!project) throw notFound('项目', projectId)
        if (problemId !== null) {
          const problem = await w.db
            .selectFrom('problems')
            .select('project_id')
            .where('id', '=', problemId)
            .executeTakeFirst()
          if (!problem || problem.project_id !== projectId) throw notFound('该项目的问题', problemId)
        }
        if (givenOn > w.today)
          throw new AppError('INVALID_INPUT', '「批示日期」不能晚于今天', [
            { path: 'givenOn', message: '不能晚于今天' },
          ])
        const { id } = await w.db
          .insertInto('instructions')
          .values({
            project_id: projectId,
            problem_id: problemId,
            leader_id: caller.leaderId,
            user_id: caller.userId,
            given_on: givenOn,
            text,
            created_at: w.now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        await audit(w, {
          entity: 'instruction',
          entityId: id,
          projectId,
          action: 'create',
          changes: [{ field: 'instruction', old: null, new: `${givenOn} ${text}` }],
        })
        return toInstruction(await instructions(w.db).where('i.id', '=', id).executeTakeFirstOrThrow())
      }),

    'instruction.answer': ({ id, text, answeredOn }) =>
      writeTx(deps, async (w) => {
        const row = await instructions(w.db).where('i.id', '=', id).executeTakeFirst()
        if (!row) throw notFound('领导批示', id)
        if (row.answer_text !== null)
          throw new AppError(
            'RULE',
            `该批示已于${row.answered_on}由${row.answer_operator}答复落实情况；如有新的进展，请在月报或问题中说明`,
          )
        if (answeredOn > w.today)
          throw new AppError('INVALID_INPUT', '「答复日期」不能晚于今天', [
            { path: 'answeredOn', message: '不能晚于今天' },
          ])
        if (answeredOn < row.given_on)
          throw new AppError('INVALID_INPUT', `「答复日期」不能早于批示日期（${row.given_on}）`, [
            { path: 'answeredOn', message: `不能早于批示日期${row.given_on}` },
          ])
        await w.db
          .insertInto('instruction_answers')
          .values({
            instruction_id: id,
            text,
            answered_on: answeredOn,
            operator: w.operator.name,
            user_id: w.operator.userId,
            created_at: w.now,
          })
          .execute()
        await audit(w, {
          entity: 'instruction',
          entityId: id,
          projectId: row.project_id,
          action: 'answer',
          changes: [{ field: 'answer', old: null, new: `${answeredOn} ${text}` }],
          note: `${row.leader_name}${row.given_on}批示`,
        })
        return toInstruction(await instructions(w.db).where('i.id', '=', id).executeTakeFirstOrThrow())
      }),
  } satisfies HandlerMap
}
