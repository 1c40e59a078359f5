/** What the rules return: lights with reasons, scores and ranking rows. Scores are integer hundredths. */
import type { Money } from '../money'
import type { IsoDate, Period } from '../dates'
import type { Leader, Ref, Rules, Stage } from '../domain'
import type { Page } from '../paging'

export type Light = 'red' | 'yellow' | 'green'
export const LIGHT_LABELS: Record<Light, string> = { red: '红灯', yellow: '黄灯', green: '绿灯' }

export type ReasonKind = 'milestone_overdue' | 'milestone_due' | 'problem_overdue' | 'investment_behind'

export interface LightReason {
  light: 'red' | 'yellow'
  kind: ReasonKind
  /** The milestone or problem it is about; absent for the investment figure. */
  ref?: { type: 'milestone' | 'problem'; id: number }
  /** One line a leader reads on hover and on paper. */
  text: string
}

export interface LightResult {
  light: Light
  /** What made it this colour (for a red light: the red causes). Empty when green. */
  reasons: LightReason[]
}

/** A score component or score in hundredths: 8412 is 84.12 (a component of 1 is 10000, i.e. 100.00 %). */
export type Hundredths = number

export interface Components {
  milestones: Hundredths | null
  investment: Hundredths | null
  problems: Hundredths | null
}

/**
 * What a ranking row's score was made of (docs/rules.md §3 "计分依据"): which components counted and how
 * many items each had, so that a green 0.00 or a 100.00 explains itself. A component counts when it has
 * something to measure and its weight is not 0.
 */
export interface RankBasis {
  /** Milestones planned on or before D (the month's last day); null: the milestone component did not count. */
  milestones: number | null
  /** Whether the investment component counted (an annual plan for the year). */
  investment: boolean
  /** Problems whose deadline is on or before D; null: the problem component did not count. */
  problems: number | null
}

/**
 * A project sharing its place with others (equal rounded scores, docs/rules.md §4): how many share it and which
 * tie-breaker of docs/rules.md §4's order set this row's position among them against the row listed next to it —
 * 'rate' the investment completion rate (missing last), 'code' the project code (the rates were equal).
 */
export interface RankTie {
  size: number
  by: 'rate' | 'code'
}

export type ChangeKind = 'up' | 'down' | 'same' | 'new' | 'none'
export interface RankChange {
  kind: ChangeKind
  /** Places gained (up) or lost (down). */
  places: number
}

export interface ProjectRankRow {
  projectId: number
  code: string
  name: string
  stage: Stage
  leader: Ref | null
  township: Ref
  leadUnit: Ref
  /** null: 不参与排名 (nothing to measure). */
  rank: number | null
  change: RankChange
  score: Hundredths | null
  components: Components
  /** Completed this year ÷ annual plan, in hundredths of a percent; the first tie-breaker. */
  investmentRate: Hundredths | null
  annualPlan: Money | null
  completed: Money
  light: Light
  reasons: LightReason[]
  /** Which components counted, with their item counts. Absent in rows of months frozen before it existed. */
  basis?: RankBasis
  /** null: the row's place is its own. Absent in rows of months frozen before it existed. */
  tie?: RankTie | null
}

export type GroupBy = 'leader' | 'township' | 'unit'
export const GROUP_LABELS: Record<GroupBy, string> = { leader: '包联领导', township: '乡镇/街道', unit: '牵头单位' }

export interface GroupRankRow {
  group: Ref
  rank: number | null
  change: RankChange
  /** Mean of the ranked projects' rounded scores, rounded half up. */
  mean: Hundredths | null
  projects: number
  ranked: number
  red: number
  yellow: number
  green: number
}

export interface RankingMeta {
  period: Period
  /** The last day of the period: the date everything is measured at. */
  asOf: IsoDate
  frozen: boolean
  frozenAt: string | null
  /** The latest frozen month before this one, which rank changes compare against. */
  previousPeriod: Period | null
  rules: Rules
}

/** One page of a month's project ranking (ranking.projects): the rows asked for and how many there are. */
export interface ProjectRanking extends RankingMeta, Page<ProjectRankRow> {
  /** Projects in the month's ranking, all of them (`total`: those matching the search and filter). */
  projects: number
}

/** One page of a month's group ranking (ranking.groups), in rank order. */
export interface GroupRanking extends RankingMeta, Page<GroupRankRow> {
  by: GroupBy
}

/** How one project's score for a month came about, item by item: what a leader is shown when asking "why". */
export interface Breakdown {
  projectId: number
  code: string
  name: string
  period: Period
  asOf: IsoDate
  frozen: boolean
  rules: Rules
  milestones: {
    id: number
    name: string
    plannedDate: IsoDate
    actualDate: IsoDate | null
    weight: number
    /** 1 on time, 0.5 late but by the end of the month, 0 not completed by then. */
    credit: 1 | 0.5 | 0
  }[]
  investment: {
    annualPlan: Money | null
    /** Reports of months 1..m of the year. */
    reports: { period: Period; investment: Money }[]
    completed: Money
    months: number
  }
  problems: { id: number; description: string; deadline: IsoDate; closedOn: IsoDate | null; inTime: boolean }[]
  components: Components
  /**
   * The weights after leaving out missing components, as whole percents (rounded, so they may add up to 99 or
   * 101): kept for frozen months. What is shown is `weightShares` of scores.ts, exact.
   */
  appliedWeights: { milestones: number; investment: number; problems: number }
  score: Hundredths | null
  light: Light
  reasons: LightReason[]
}

export interface FrozenMonth {
  period: Period
  asOf: IsoDate
  frozenAt: string
  operator: string
  projects: number
}

export interface LightRow {
  projectId: number
  light: Light
  reasons: LightReason[]
}

/** One card of the kanban: the project, its four "ones" in short, progress and light as of today. */
export interface KanbanCard {
  id: number
  code: string
  name: string
  stage: Stage
  position: number
  level: string
  categoryId: number | null
  industryTagId: number | null
  township: Ref
  leader: Ref
  leaderOrder: number
  leadUnit: Ref
  milestones: { done: number; due: number; total: number }
  light: Light
  reasons: LightReason[]
  /** This year's completed investment ÷ annual plan, in hundredths of a percent; null without a plan. */
  investmentRate: Hundredths | null
  version: number
}

export interface KanbanData {
  asOf: IsoDate
  cards: KanbanCard[]
}

/** The kanban without its cards (kanban.board): how many match the filters, per column and per 包联领导. */
export interface KanbanBoard {
  asOf: IsoDate
  /** The data version it was read at: windows of one version belong together. */
  version: number
  total: number
  stages: Record<Stage, number>
  /** By 包联领导, in their order (only leaders with matching cards): the lanes asked for; empty without lanes. */
  lanes: { leader: Ref; stages: Record<Stage, number> }[]
  /** How many lanes there are in all. */
  laneTotal: number
}

/** A window of one column's cards, in board order (kanban.column). */
export interface KanbanColumnPage extends Page<KanbanCard> {
  asOf: IsoDate
}

export interface OverviewItem {
  projectId: number
  code: string
  name: string
  detail: string
}

/** 总览: the county at a glance, and the operator's own to-dos. */
/** 总览's best and worst five of the report month (its own call: the ranking is the costly part). */
export interface OverviewRanking {
  period: Period
  frozen: boolean
  best: ProjectRankRow[]
  /** Worst first; never a project of `best` (shorter, or empty, with fewer than ten ranked). */
  worst: ProjectRankRow[]
}

export interface Overview {
  asOf: IsoDate
  /** The month whose reports are due now (last month) and whose ranking is shown. */
  reportPeriod: Period
  stages: Record<Stage, number>
  lights: Record<Light, number>
  investment: { completed: Money; annualPlan: Money; expected: Money; months: number }
  /** The first OVERVIEW_ITEMS of each list (a province's would be thousands); the counts are of all. */
  missingReports: OverviewItem[]
  overdueProblems: OverviewItem[]
  todos: { unit: string; milestones: OverviewItem[]; reports: OverviewItem[]; problems: OverviewItem[] }
  counts: { missingReports: number; overdueProblems: number; todos: number }
}

/** How many items of each 总览 list are sent (the screen shows at most 8): issue 19, no answer outgrows a screen. */
export const OVERVIEW_ITEMS = 20

/** One row of the 领导 screen (leader.page): the leader, their projects today and last month's ranking. */
export interface LeaderPageRow {
  leader: Leader
  /** Their current projects on the list, first ones in board order (at most 20; `projects` counts all). */
  cards: { id: number; code: string; name: string; light: Light; reasons: LightReason[] }[]
  projects: number
  red: number
  yellow: number
  green: number
  /** Last month's leader ranking (null: not ranked). */
  rank: number | null
  /** Their average score then, in hundredths of a point. */
  mean: number | null
}

/** A page of the 领导 screen. */
export interface LeaderPage extends Page<LeaderPageRow> {
  /** Leaders 已停用 (shown with 显示已停用). */
  stopped: number
  /** The largest 排序号 of all leaders (0 with none): a new leader is offered the next one. */
  lastSortOrder: number
  /** The month the average scores and ranks are of (last month). */
  period: string
}
