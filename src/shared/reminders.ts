/**
 * 催报 and 待办: what is due for whom (milestones in the warning window, last month's report by the office's
 * deadline day, problems past 限期, 批示 not yet answered, the office's 催报), the office's reminder settings and
 * the daily digest to a group robot (政务微信 / 钉钉). The rule of the report's deadline is written here once.
 */
import { addMonths, formatDateChinese, periodOf, type IsoDate, type Period } from './dates'

export const TODO_KINDS = ['reminder', 'milestone', 'report', 'problem', 'instruction'] as const
export type TodoKind = (typeof TODO_KINDS)[number]
export const TODO_KIND_LABELS: Record<TodoKind, string> = {
  reminder: '催报',
  milestone: '节点',
  report: '月报',
  problem: '问题',
  instruction: '领导批示',
}

/** One thing due: on which project, what, by when, and the record it is about (for 已办 and 答复). */
export interface TodoItem {
  kind: TodoKind
  projectId: number
  code: string
  name: string
  text: string
  /** The day it is due (a milestone's planned date, the report's deadline, a problem's 限期); null for a 批示. */
  due: IsoDate | null
  overdue: boolean
  /** The milestone's, problem's, 批示's or 催报's id; the report's project id. */
  refId: number
}

export interface Todos {
  asOf: IsoDate
  /** The first TODO_LIMIT items, 催报 first, then by due date (overdue first). */
  items: TodoItem[]
  /** All of them, per kind (the title bar shows the total). */
  counts: Record<TodoKind, number>
  total: number
  /** Whose they are: 'all' for 重点项目办 (the whole county), else the account's projects and unit. */
  scope: 'all' | 'mine'
}

/** Items returned at most (the counts are of all). */
export const TODO_LIMIT = 200

/** 催报 the office sent, with whether the 专班 has marked it done. */
export interface SentReminder {
  id: number
  projectId: number
  code: string
  name: string
  note: string
  sentAt: string
  operator: string
  doneAt: string | null
  doneBy: string | null
}

export const DIGEST_KINDS = ['wecom', 'dingtalk'] as const
export type DigestKind = (typeof DIGEST_KINDS)[number]
export const DIGEST_KIND_LABELS: Record<DigestKind, string> = { wecom: '政务微信群机器人', dingtalk: '钉钉群机器人' }

export interface ReminderSettings {
  /** Last month's report is due by this day of the month (1–28). */
  reportDueDay: number
  digest: {
    enabled: boolean
    kind: DigestKind
    /** The robot's webhook address (http or https). */
    url: string
    /** 钉钉's 加签 secret ('' none); never sent back to a page (hasSecret says whether one is set). */
    secret: string
    /** When the daily digest is posted, "HH:MM" local time. */
    time: string
  }
}

export const DEFAULT_REMINDER_SETTINGS: ReminderSettings = {
  reportDueDay: 5,
  digest: { enabled: false, kind: 'wecom', url: '', secret: '', time: '08:30' },
}

export interface ReminderSettingsState {
  settings: Omit<ReminderSettings, 'digest'> & {
    digest: Omit<ReminderSettings['digest'], 'secret'> & { hasSecret: boolean }
  }
  version: number
  /** The last digest posted (or tried): when, whether the robot took it, what it said. */
  lastDigest: { at: string; ok: boolean; message: string } | null
}

/**
 * Last month's report as of `today`: its month, the day it is due (reportDueDay of this month) and whether that
 * day has passed. DOMAIN "Monthly reporting": each month the 专班 reports the month before.
 */
export function reportDue(today: IsoDate, reportDueDay: number): { period: Period; dueOn: IsoDate; overdue: boolean } {
  const period = addMonths(periodOf(today), -1)
  const dueOn = `${periodOf(today)}-${String(reportDueDay).padStart(2, '0')}`
  return { period, dueOn, overdue: today > dueOn }
}

/** "11月月报逾期未报（12月5日截止）" / "11月月报未报（12月5日截止）" */
export function reportDueText(due: { period: Period; dueOn: IsoDate; overdue: boolean }): string {
  const month = `${Number(due.period.slice(5))}月月报`
  const by = formatDateChinese(due.dueOn).replace(/^\d+年/, '')
  return due.overdue ? `${month}逾期未报（${by}截止）` : `${month}未报（${by}前报送）`
}
