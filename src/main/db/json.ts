/**
 * The JSON columns, read. Both stores give a JSON column back as its text (SQLite TEXT with json_valid,
 * PostgreSQL json parsed as text by the store); each column's text is parsed here once, with a zod schema of
 * its shape, at the edge: the services get typed values and never cast. A text that is not what the program
 * wrote (valid JSON of another shape: the json type and json_valid only promise JSON) is a damaged record, and
 * reading it throws DB_DAMAGED with a Chinese message naming the record — not a crash deeper in, nor a screen
 * built from the wrong data. Writes stay JSON.stringify of the typed value.
 *
 * The schemas check the shape the program writes (types, codes, the ranges the computations rely on), not
 * today's input rules: a value saved under an older rule (a 发文字号 format, a name's normalisation) must still
 * read. They keep keys they do not know (looseObject), so a valid value comes back exactly as JSON.parse gave
 * it, and accept what older versions wrote (rows of months frozen before `basis` and `tie` existed).
 */
import { z } from 'zod'
import { DEFAULT_SECURITY_POLICY, type SecurityPolicy } from '../../shared/accounts'
import { DEFAULT_REMINDER_SETTINGS, DIGEST_KINDS, type ReminderSettings } from '../../shared/reminders'
import { formatPeriodChinese, type Period } from '../../shared/dates'
import {
  ADMIN_LEVELS,
  SERVICE_CONTENTS,
  STAGES,
  type ReportSettings,
  type Rules,
  type ServiceContent,
  type TemplateItem,
} from '../../shared/domain'
import { AppError } from '../../shared/errors'
import { thresholdsInput, weightsInput } from '../../shared/schemas'
import {
  GROUP_LABELS,
  type Breakdown,
  type GroupRankRow,
  type LightReason,
  type ProjectRankRow,
} from '../../shared/rules/types'
import type { RankingKind } from './schema'

/** Where a JSON text came from: what a person calls the record, and its table and column. */
interface Source {
  /** 「计分规则」设置, 节点模板「产业项目标准节点」, …: read in 数据库中…已损坏. */
  record: string
  column: string
}

function damaged(source: Source, path?: PropertyKey[]): AppError {
  const where = path && path.length > 0 ? `，位置 ${path.map(String).join('.')}` : ''
  return new AppError(
    'DB_DAMAGED',
    `数据库中${source.record}的内容已损坏，无法读取（${source.column}${where}）。` +
      '请联系技术人员检查数据库，或从最近的备份恢复',
  )
}

function parseWith<T>(schema: z.ZodType<T>, text: string, source: Source): T {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw damaged(source)
  }
  const result = schema.safeParse(value)
  if (!result.success) throw damaged(source, result.error.issues[0]?.path)
  return result.data
}

// ---- shapes

const int = z.number().int()
const ref = z.looseObject({ id: int, name: z.string() })
/** A date or month in its shape (YYYY-MM-DD, YYYY-MM), as written; its calendar was checked when it was entered. */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const period = z.string().regex(/^\d{4}-\d{2}$/)
/** Scores and components in hundredths (integers as computed; any number is read as it was written). */
const hundredths = z.number()
const light = z.enum(['red', 'yellow', 'green'])

const rules: z.ZodType<Rules> = z.looseObject({ thresholds: thresholdsInput, weights: weightsInput })

const reportSettings: z.ZodType<ReportSettings> = z.looseObject({
  issuer: z.string(),
  level: z.enum(ADMIN_LEVELS),
  docNumber: z.string(),
  date: z.union([z.literal(''), isoDate]),
  remarks: z.string(),
})

const templateItems: z.ZodType<TemplateItem[]> = z.array(
  z.looseObject({ name: z.string(), weight: int.min(1), share: z.number().min(0).max(100) }),
)

const serviceContent: z.ZodType<ServiceContent[]> = z.array(z.enum(SERVICE_CONTENTS))

const reason: z.ZodType<LightReason> = z.looseObject({
  light: z.enum(['red', 'yellow']),
  kind: z.enum(['milestone_overdue', 'milestone_due', 'problem_overdue', 'investment_behind']),
  ref: z.looseObject({ type: z.enum(['milestone', 'problem']), id: int }).optional(),
  text: z.string(),
})

const components = z.looseObject({
  milestones: hundredths.nullable(),
  investment: hundredths.nullable(),
  problems: hundredths.nullable(),
})

/** A project row of a frozen ranking, as computeRanking made it (its change is worked out when read). */
export type SnapshotProjectRow = Omit<ProjectRankRow, 'change'>
/** A leader, township or unit row of a frozen ranking. */
export type SnapshotGroupRow = Omit<GroupRankRow, 'change'>

const projectRow: z.ZodType<SnapshotProjectRow> = z.looseObject({
  projectId: int,
  code: z.string(),
  name: z.string(),
  stage: z.enum(STAGES),
  leader: ref.nullable(),
  township: ref,
  leadUnit: ref,
  rank: int.nullable(),
  score: hundredths.nullable(),
  components,
  investmentRate: hundredths.nullable(),
  annualPlan: int.nullable(),
  completed: int,
  light,
  reasons: z.array(reason),
  basis: z.looseObject({ milestones: int.nullable(), investment: z.boolean(), problems: int.nullable() }).optional(),
  tie: z
    .looseObject({ size: int, by: z.enum(['rate', 'code']) })
    .nullable()
    .optional(),
})

const groupRow: z.ZodType<SnapshotGroupRow> = z.looseObject({
  group: ref,
  rank: int.nullable(),
  mean: hundredths.nullable(),
  projects: int,
  ranked: int,
  red: int,
  yellow: int,
  green: int,
})

const breakdown: z.ZodType<Breakdown> = z.looseObject({
  projectId: int,
  code: z.string(),
  name: z.string(),
  period,
  asOf: isoDate,
  frozen: z.boolean(),
  rules,
  milestones: z.array(
    z.looseObject({
      id: int,
      name: z.string(),
      plannedDate: isoDate,
      actualDate: isoDate.nullable(),
      weight: z.number(),
      credit: z.union([z.literal(1), z.literal(0.5), z.literal(0)]),
    }),
  ),
  investment: z.looseObject({
    annualPlan: int.nullable(),
    reports: z.array(z.looseObject({ period, investment: int })),
    completed: int,
    months: int,
  }),
  problems: z.array(
    z.looseObject({
      id: int,
      description: z.string(),
      deadline: isoDate,
      closedOn: isoDate.nullable(),
      inTime: z.boolean(),
    }),
  ),
  components,
  appliedWeights: z.looseObject({ milestones: z.number(), investment: z.number(), problems: z.number() }),
  score: hundredths.nullable(),
  light,
  reasons: z.array(reason),
})

// ---- the columns

/** settings.value of key 'rules': the thresholds and weights in force. */
export function parseRulesSetting(text: string): Rules {
  return parseWith(rules, text, { record: '「计分规则」设置', column: 'settings.value' })
}

/** settings.value of key 'report': the 排名通报 settings. */
export function parseReportSetting(text: string): ReportSettings {
  return parseWith(reportSettings, text, { record: '「排名通报」设置', column: 'settings.value' })
}

/**
 * settings.value of key 'security'. Never refused: the policy is read on every call and at login, so a damaged
 * value must not lock everyone out. Each setting that is missing or not of its type takes its default (the
 * strictest ones are the defaults' own), and the next save replaces the whole value.
 */
const securityPolicy: z.ZodType<SecurityPolicy> = z
  .object({
    lockThreshold: z.number().catch(DEFAULT_SECURITY_POLICY.lockThreshold),
    lockMinutes: z.number().catch(DEFAULT_SECURITY_POLICY.lockMinutes),
    idleMinutes: z.number().catch(DEFAULT_SECURITY_POLICY.idleMinutes),
    passwordMaxAgeDays: z.number().catch(DEFAULT_SECURITY_POLICY.passwordMaxAgeDays),
    separateAdmin: z.boolean().catch(DEFAULT_SECURITY_POLICY.separateAdmin),
  })
  .catch(() => ({ ...DEFAULT_SECURITY_POLICY }))

/** A setting read without refusal: text that is not JSON is read as nothing, and the schema's defaults fill in. */
function parseLenient<T>(schema: z.ZodType<T>, text: string): T {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    value = undefined
  }
  return schema.parse(value)
}

export function parseSecurityPolicySetting(text: string): SecurityPolicy {
  return parseLenient(securityPolicy, text)
}

/**
 * settings.value of key 'reminders' (催报与推送). Never refused, as the security policy: every page's 待办 reads
 * it, so a damaged value takes the defaults field by field (the digest then off) and the next save replaces it.
 */
const D = DEFAULT_REMINDER_SETTINGS
const reminderSettings: z.ZodType<ReminderSettings> = z
  .object({
    reportDueDay: z.number().int().min(1).max(28).catch(D.reportDueDay),
    digest: z
      .object({
        enabled: z.boolean().catch(false),
        kind: z.enum(DIGEST_KINDS).catch(D.digest.kind),
        url: z.string().catch(''),
        secret: z.string().catch(''),
        time: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
          .catch(D.digest.time),
      })
      .catch(() => ({ ...D.digest })),
  })
  .catch(() => ({ ...D, digest: { ...D.digest } }))

export function parseReminderSetting(text: string): ReminderSettings {
  return parseLenient(reminderSettings, text)
}

/** milestone_templates.items of the template `name`. */
export function parseTemplateItems(text: string, name: string): TemplateItem[] {
  return parseWith(templateItems, text, { record: `节点模板「${name}」`, column: 'milestone_templates.items' })
}

/** plans.service_content of the plan of project `projectId`. */
export function parseServiceContent(text: string, projectId: number): ServiceContent[] {
  return parseWith(serviceContent, text, {
    record: `项目（编号 ${projectId}）方案的「服务内容」`,
    column: 'plans.service_content',
  })
}

/** frozen_periods.rules: the rules a month was frozen with. */
export function parseFrozenRules(text: string, frozen: Period): Rules {
  return parseWith(rules, text, {
    record: `${formatPeriodChinese(frozen)}封账时的计分规则`,
    column: 'frozen_periods.rules',
  })
}

const rankingName = (kind: RankingKind) => (kind === 'project' ? '项目排名' : `按${GROUP_LABELS[kind]}排名`)

/** ranking_snapshots.row of a project row (kind 'project'); `key` is the project's id. */
export function parseProjectRankingRow(text: string, frozen: Period, key: number): SnapshotProjectRow {
  return parseWith(projectRow, text, {
    record: `${formatPeriodChinese(frozen)}封账的${rankingName('project')}中编号 ${key} 的一行`,
    column: 'ranking_snapshots.row',
  })
}

/** ranking_snapshots.row of a group row (kind leader, township or unit); `key` is the group's id. */
export function parseGroupRankingRow(
  text: string,
  frozen: Period,
  kind: Exclude<RankingKind, 'project'>,
  key: number,
): SnapshotGroupRow {
  return parseWith(groupRow, text, {
    record: `${formatPeriodChinese(frozen)}封账的${rankingName(kind)}中编号 ${key} 的一行`,
    column: 'ranking_snapshots.row',
  })
}

/** breakdown_snapshots.breakdown of project `projectId` in the frozen month. */
export function parseBreakdownSnapshot(text: string, frozen: Period, projectId: number): Breakdown {
  return parseWith(breakdown, text, {
    record: `${formatPeriodChinese(frozen)}封账时项目（编号 ${projectId}）的计分明细`,
    column: 'breakdown_snapshots.breakdown',
  })
}
