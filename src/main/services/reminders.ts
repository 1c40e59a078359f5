/**
 * 催报 and 待办: each account's 待办 (reminders/todos.ts), the office's 催报 to a project's 专班 (kept, audited, shown
 * in that 专班's 待办 until one of them marks it done), the reminder settings (the report's deadline day, the
 * daily digest to a group robot) and the digest itself — posted by the daily schedule (reminders/schedule.ts)
 * or now, from 设置 (发送测试).
 */
import crypto from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { AppError, notFound } from '../../shared/errors'
import { localToday } from '../../shared/dates'
import {
  DEFAULT_REMINDER_SETTINGS,
  DIGEST_KIND_LABELS,
  type ReminderSettings,
  type ReminderSettingsState,
  type SentReminder,
  type Todos,
} from '../../shared/reminders'
import { audit, diff, text } from '../audit'
import { readTx, writeTx, type Deps } from '../context'
import { parseReminderSetting } from '../db/json'
import type { Database } from '../db/schema'
import { sliced } from '../db/slice'
import type { HandlerMap } from '../handler-types'
import { digestMarkdown, postToRobot } from '../reminders/digest'
import { todoScopeOf, todosOf } from '../reminders/todos'
import { checkVersion, must } from './common'
import { readReportSettings, readRules } from './settings'

const KEY = 'reminders'

/** A robot's address as the audit log shows it: every query value hidden ("…/send?key=***"). */
export function maskedUrl(url: string): string {
  return url.replace(/([?&][^=&#]*=)[^&#]*/g, '$1***')
}
/** Bookkeeping of the digest (not the office's data: not audited, keeps the data version). */
const LAST_KEY = 'digest_last'

export async function readReminderSettings(
  db: Kysely<Database>,
): Promise<{ settings: ReminderSettings; version: number }> {
  const row = await db.selectFrom('settings').select(['value', 'version']).where('key', '=', KEY).executeTakeFirst()
  return row
    ? { settings: parseReminderSetting(row.value), version: row.version }
    : { settings: structuredClone(DEFAULT_REMINDER_SETTINGS), version: 1 }
}

async function readLastDigest(db: Kysely<Database>): Promise<ReminderSettingsState['lastDigest']> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', LAST_KEY).executeTakeFirst()
  if (!row) return null
  try {
    const v = JSON.parse(row.value) as { at?: unknown; ok?: unknown; message?: unknown }
    return typeof v.at === 'string' && typeof v.ok === 'boolean' && typeof v.message === 'string'
      ? { at: v.at, ok: v.ok, message: v.message }
      : null
  } catch {
    return null
  }
}

async function settingsState(db: Kysely<Database>): Promise<ReminderSettingsState> {
  const { settings, version } = await readReminderSettings(db)
  const { secret, ...digest } = settings.digest
  return {
    settings: { ...settings, digest: { ...digest, hasSecret: secret !== '' } },
    version,
    lastDigest: await readLastDigest(db),
  }
}

function sentQuery(db: Kysely<Database>) {
  return db
    .selectFrom('reminders as r')
    .innerJoin('projects as p', 'p.id', 'r.project_id')
    .select([
      'r.id',
      'p.id as projectId',
      'p.code',
      'p.name',
      'r.note',
      'r.sent_at as sentAt',
      'r.operator',
      'r.done_at as doneAt',
      'r.done_by as doneBy',
    ])
}

/** The county's 待办 as 重点项目办 sees it, on `today`. */
export async function countyTodos(db: Kysely<Database>, today: string): Promise<Todos> {
  const { rules } = await readRules(db)
  const { settings } = await readReminderSettings(db)
  return todosOf(db, { all: true, teamIds: [], ledIds: [], unit: null }, today, rules, settings.reportDueDay)
}

/**
 * Posts the county's digest now and keeps the outcome (设置 shows it). Never throws for the robot's refusal:
 * the outcome says it. RULE when no address is set.
 */
export async function sendDigest(deps: Deps): Promise<{ ok: boolean; message: string }> {
  const now = deps.clock()
  const { settings, todos, issuer } = await readTx(deps, async (db) => ({
    settings: (await readReminderSettings(db)).settings,
    todos: await countyTodos(db, localToday(now)),
    // Signed with the 通报's 发文机关 (the office's own name), when it is set.
    issuer: (await readReportSettings(db)).report.issuer,
  }))
  if (!settings.digest.url) throw new AppError('RULE', '尚未设置推送地址：请在「设置 → 催报与推送」填写群机器人的地址')
  const outcome = await postToRobot(settings.digest, digestMarkdown(todos, issuer), now)
  await writeTx(
    deps,
    async (w) => {
      const value = JSON.stringify({ at: w.now, ok: outcome.ok, message: outcome.message })
      await w.db
        .insertInto('settings')
        .values({ key: LAST_KEY, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute()
    },
    { keepDataVersion: true },
  )
  return outcome
}

export function reminderHandlers(deps: Deps) {
  return {
    'reminder.mine': (_input, { caller }) =>
      readTx(deps, async (db) => {
        const { rules } = await readRules(db)
        const { settings } = await readReminderSettings(db)
        return todosOf(db, await todoScopeOf(db, caller), localToday(deps.clock()), rules, settings.reportDueDay)
      }),

    'reminder.sent': ({ projectId, open, offset, limit }) =>
      readTx(
        deps,
        (db) =>
          sentQuery(db)
            .$if(projectId !== undefined, (q) => q.where('p.id', '=', projectId!))
            .$if(open === true, (q) => q.where('r.done_at', 'is', null))
            .orderBy('r.id', 'desc')
            .$call(sliced({ offset, limit }))
            .execute() as Promise<SentReminder[]>,
      ),

    'reminder.send': ({ projectId, note }) =>
      writeTx(deps, async (w) => {
        const project = must(
          await w.db.selectFrom('projects').select(['id', 'code']).where('id', '=', projectId).executeTakeFirst(),
          '项目',
          projectId,
        )
        const { id } = await w.db
          .insertInto('reminders')
          .values({
            project_id: project.id,
            note,
            sent_at: w.now,
            operator: w.operator.name,
            user_id: w.operator.userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        await audit(w, {
          entity: 'reminder',
          entityId: id,
          projectId: project.id,
          action: 'remind',
          changes: [{ field: 'note', old: null, new: note }],
        })
        return (await sentQuery(w.db).where('r.id', '=', id).executeTakeFirstOrThrow()) as SentReminder
      }),

    'reminder.done': ({ id }) =>
      writeTx(deps, async (w) => {
        const row = await sentQuery(w.db).where('r.id', '=', id).executeTakeFirst()
        if (!row) throw notFound('催报', id)
        if (row.doneAt) throw new AppError('RULE', `该催报已由${row.doneBy}标记为已办`)
        await w.db
          .updateTable('reminders')
          .set({ done_at: w.now, done_by: w.operator.name })
          .where('id', '=', id)
          .execute()
        await audit(w, {
          entity: 'reminder',
          entityId: id,
          projectId: row.projectId,
          action: 'done',
          changes: [{ field: 'done', old: null, new: row.note }],
        })
        return (await sentQuery(w.db).where('r.id', '=', id).executeTakeFirstOrThrow()) as SentReminder
      }),

    'settings.reminders': () => readTx(deps, settingsState),

    'settings.updateReminders': ({ version, reportDueDay, digest }) =>
      writeTx(deps, async (w) => {
        const current = await readReminderSettings(w.db)
        checkVersion(current, version, '催报与推送设置')
        if (digest.enabled && !digest.url)
          throw new AppError('INVALID_INPUT', '开启每日推送须填写群机器人的地址', [
            { path: 'digest.url', message: '请填写地址' },
          ])
        // The secret is never sent to a page: an empty one with keepSecret keeps what is stored. Only 钉钉 signs.
        const secret =
          digest.kind !== 'dingtalk' ? '' : digest.keepSecret ? current.settings.digest.secret : digest.secret
        const next: ReminderSettings = {
          reportDueDay,
          digest: { enabled: digest.enabled, kind: digest.kind, url: digest.url, secret, time: digest.time },
        }
        const value = JSON.stringify(next)
        await w.db
          .insertInto('settings')
          .values({ key: KEY, value, version: 2 })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value, version: sql`settings.version + 1` }))
          .execute()
        const flat = (s: ReminderSettings) => ({
          reportDueDay: s.reportDueDay,
          digestEnabled: s.digest.enabled,
          digestKind: s.digest.kind,
          digestUrl: s.digest.url,
          digestSecret: s.digest.secret,
          digestTime: s.digest.time,
        })
        await audit(w, {
          entity: 'setting',
          entityId: 0,
          projectId: null,
          action: 'reminders',
          changes: diff(flat(current.settings), flat(next), {
            reportDueDay: (d) => `每月${d}日`,
            digestEnabled: text,
            digestKind: (k) => DIGEST_KIND_LABELS[k],
            // The address's key (企业微信 key=, 钉钉 access_token=) lets anyone post to the group: never in the log.
            digestUrl: (u) => (u ? maskedUrl(u) : '（空）'),
            // Never the secret itself in the log.
            digestSecret: (s) =>
              s ? `（已设置，指纹${crypto.createHash('sha256').update(s).digest('hex').slice(0, 8)}）` : '（未设置）',
            digestTime: text,
          }),
        })
        return settingsState(w.db)
      }),

    'reminder.sendDigest': () => sendDigest(deps),
  } satisfies HandlerMap
}
