/**
 * The deterministic demo district (and, with a size parameter, the province-scale benchmark database), on
 * either store: one write transaction (all of it or none), the ids given here, the rows written in multi-row
 * batches on PostgreSQL and through prepared statements on a SQLite file (demo/rows.ts) — a 10,000-project
 * database is a million rows.
 */
import type { Kysely } from 'kysely'
import { addDays, addMonths, daysBetween, periodOf, type IsoDate } from '../../shared/dates'
import type { Database } from '../db/schema'
import type { Store } from '../store/port'
import { AppError } from '../../shared/errors'
import { STAGES, type DictKind, type Stage } from '../../shared/domain'
import { Random } from './random'
import { DemoWriter } from './rows'
import * as N from './names'

export interface DemoOptions {
  seed: number
  projects: number
  /** "Today" of the demo: reports run up to the month before it. */
  today: IsoDate
  milestones?: [number, number]
  /** Years of monthly reports before the current one (0: only this year). */
  reportYearsBefore?: number
  problems?: [number, number]
  /** How many years back a project under way may have started (default 2); the benchmark uses more history. */
  startYearsBack?: number
  /** Fills the audit log with edit records up to this many rows (the benchmark's 1,000,000). */
  auditRowsAtLeast?: number
}

export interface DemoCounts {
  projects: number
  milestones: number
  reports: number
  problems: number
  auditRows: number
}

const STAGE_SHARES: [Stage, number][] = [
  ['planning', 0.1],
  ['investment', 0.1],
  ['signed', 0.15],
  ['construction', 0.5],
  ['production', 0.15],
]

/**
 * Loads the demo district into an empty database (refused, RULE, when it has projects) as one write
 * transaction of `store`. The same options give the same rows with the same ids on both stores.
 */
export function generateDemo(store: Store, options: DemoOptions): Promise<DemoCounts> {
  // On PostgreSQL `write` may run this again after a serialization failure: all state starts afresh inside.
  return store.write((db) => generateInto(db, store, options))
}

async function generateInto(db: Kysely<Database>, store: Store, options: DemoOptions): Promise<DemoCounts> {
  const existing = await db
    .selectFrom('projects')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  if (Number(existing.n) > 0)
    throw new AppError(
      'RULE',
      `数据库中已有项目，演示数据只能载入空数据库。请新建一个${store.file ? '数据库文件' : '空数据库'}后再载入`,
    )
  const rnd = new Random(options.seed)
  const today = options.today
  const year = Number(today.slice(0, 4))
  const lastReported = addMonths(periodOf(today), -1)
  const firstReported = `${year - (options.reportYearsBefore ?? 0)}-01`
  const [msMin, msMax] = options.milestones ?? [8, 15]
  const [pbMin, pbMax] = options.problems ?? [0, 3]
  const stamp = (d: IsoDate) => `${d}T01:30:00.000Z`
  const counts: DemoCounts = { projects: 0, milestones: 0, reports: 0, problems: 0, auditRows: 0 }

  // Declared parents before children: the order the buffered rows are written in.
  const out = new DemoWriter(db, store)
  const ins = {
    dict: await out.table('dict_items', ['kind', 'name', 'sort_order', 'active', 'demo']),
    leader: await out.table('leaders', [
      'name',
      'title',
      'unit',
      'phone',
      'sort_order',
      'active',
      'created_at',
      'updated_at',
      'demo',
    ]),
    project: await out.table('projects', [
      'code',
      'name',
      'category_id',
      'industry_tag_id',
      'level',
      'township_id',
      'construction_unit',
      'content',
      'total_investment',
      'start_year',
      'end_year',
      'stage',
      'position',
      'planned_start',
      'planned_end',
      'actual_start',
      'actual_end',
      'created_at',
      'updated_at',
      'demo',
    ]),
    assignment: await out.table('leader_assignments', [
      'project_id',
      'leader_id',
      'start_date',
      'end_date',
      'note',
      'created_at',
    ]),
    taskForce: await out.table('task_forces', ['project_id', 'lead_unit_id']),
    person: await out.table('people', ['name', 'unit', 'phone', 'created_at', 'demo']),
    member: await out.table('task_force_members', ['task_force_id', 'person_id', 'role', 'duty']),
    plan: await out.table('plans', ['project_id', 'goals', 'service_content']),
    milestone: await out.table('milestones', [
      'plan_id',
      'project_id',
      'name',
      'planned_date',
      'weight',
      'responsible_unit',
      'responsible_person',
      'actual_date',
      'evidence',
      'position',
    ]),
    annual: await out.table('annual_plans', ['project_id', 'year', 'amount'], { id: false }),
    move: await out.table('stage_moves', [
      'project_id',
      'from_stage',
      'to_stage',
      'moved_on',
      'operator',
      'created_at',
    ]),
    report: await out.table('monthly_reports', [
      'project_id',
      'period',
      'investment',
      'narrative',
      'created_at',
      'updated_at',
    ]),
    problem: await out.table('problems', [
      'project_id',
      'category_id',
      'description',
      'raised_on',
      'responsible_unit_id',
      'responsible_leader_id',
      'deadline',
      'level',
      'status',
      'resolution',
      'closed_on',
      'created_at',
      'updated_at',
    ]),
    audit: await out.table('audit_log', [
      'at',
      'operator',
      'operator_unit',
      'entity',
      'entity_id',
      'project_id',
      'action',
      'field',
      'old_value',
      'new_value',
      'note',
    ]),
  }
  const log = (
    at: IsoDate,
    entity: string,
    entityId: number,
    projectId: number | null,
    action: string,
    field: string | null,
    oldValue: string | null,
    newValue: string | null,
    note = '',
  ) => {
    ins.audit({
      at: stamp(at),
      operator: '演示数据',
      operator_unit: '区重点项目办',
      entity,
      entity_id: entityId,
      project_id: projectId,
      action,
      field,
      old_value: oldValue,
      new_value: newValue,
      note,
    })
    counts.auditRows++
  }

  // The lists already there (the starting categories, tags and problem categories; townships and units of an
  // earlier demo): read once, before any row of the demo is written.
  const dictRows = await db.selectFrom('dict_items').select(['kind', 'name', 'id']).orderBy('id').execute()
  const dictIds = (kind: DictKind) => new Map(dictRows.filter((r) => r.kind === kind).map((r) => [r.name, r.id]))
  const ensureDict = (kind: DictKind, names: string[]) => {
    const known = dictIds(kind)
    names.forEach((name, i) => {
      if (!known.has(name)) known.set(name, ins.dict({ kind, name, sort_order: (i + 1) * 10, active: 1, demo: 1 }))
    })
    return names.map((n) => known.get(n)!)
  }

  const projectIds: number[] = []
  const run = async () => {
    const townships = ensureDict('township', N.TOWNSHIPS)
    const units = ensureDict('unit', N.UNITS)
    const categories = dictIds('category')
    const tags = dictIds('industry_tag')
    const problemCategories = dictIds('problem_category')
    const tagNames = Object.keys(N.PROJECT_PATTERNS)
    const personName = () =>
      rnd.pick([...N.SURNAMES]) + rnd.pick([...N.GIVEN]) + (rnd.chance(0.5) ? rnd.pick([...N.GIVEN]) : '')
    const phone = () => `1${rnd.pick(['3', '5', '8'])}${String(rnd.int(0, 999_999_999)).padStart(9, '0')}`

    const leaderCount = Math.max(26, Math.round(options.projects / 2.1))
    const leaders: number[] = []
    // A leader is known by name at the dispatch meeting and in the rankings: no two alike. A repeated name is
    // replaced by the first free one of the same surname, without drawing again (the rest of the demo stays).
    const leaderNames = new Set<string>()
    const leaderName = () => {
      const drawn = personName()
      let name = drawn
      for (let k = 0; leaderNames.has(name) && k < N.GIVEN.length ** 2; k++)
        name = drawn[0]! + N.GIVEN[Math.floor(k / N.GIVEN.length)]! + N.GIVEN[k % N.GIVEN.length]!
      leaderNames.add(name)
      return name
    }
    for (let i = 0; i < leaderCount; i++) {
      const title = N.LEADER_TITLES[i] ?? '副区长'
      leaders.push(
        ins.leader({
          name: leaderName(),
          title,
          unit: title.startsWith('区人大') ? '区人大常委会' : title.startsWith('区政协') ? '区政协' : '区委区政府',
          phone: phone(),
          sort_order: (i + 1) * 10,
          active: 1,
          created_at: stamp(`${year}-01-01`),
          updated_at: stamp(`${year}-01-01`),
          demo: 1,
        }),
      )
    }
    // A pool of staff per unit, so one person serves several task forces.
    const pool = units.map((unitId, u) =>
      Array.from({ length: Math.max(6, Math.round(options.projects / 8)) }, () =>
        ins.person({
          name: personName(),
          unit: N.UNITS[u]!,
          phone: phone(),
          created_at: stamp(`${year}-01-01`),
          demo: 1,
        }),
      ).map((id) => ({ id, unitId })),
    )
    const width = options.projects > 999 ? 5 : 3
    const positions = new Map<Stage, number>()

    for (let i = 0; i < options.projects; i++) {
      let r = rnd.next()
      let stage: Stage = 'construction'
      for (const [s, share] of STAGE_SHARES) {
        if (r < share) {
          stage = s
          break
        }
        r -= share
      }
      const stageIndex = STAGES.indexOf(stage)
      const infra = rnd.chance(0.25)
      const tag = infra ? null : rnd.pick(tagNames)
      const pattern = infra ? rnd.pick(N.INFRA_PATTERNS) : rnd.pick(N.PROJECT_PATTERNS[tag!]!)
      const townshipIndex = rnd.int(0, townships.length - 1)
      const name =
        N.TOWNSHIPS[townshipIndex]!.slice(0, 2) +
        pattern.replace('{n}', String(rnd.pick([5, 10, 20, 30, 50, 100, 200])))
      // Projects not yet started begin construction next year; the others started this year or before.
      const startYear = stageIndex >= 3 ? year - rnd.int(0, options.startYearsBack ?? 2) : year + 1
      const endYear = startYear + rnd.int(1, 3)
      const total = rnd.int(50, 20000) * 100 + rnd.int(0, 99) // 0.5 亿 … 20 亿元 in 万元
      const plannedStart = `${startYear}-${String(rnd.int(3, 6)).padStart(2, '0')}-${String(rnd.int(1, 28)).padStart(2, '0')}`
      const plannedEnd = `${endYear}-${String(rnd.int(6, 12)).padStart(2, '0')}-${String(rnd.int(1, 28)).padStart(2, '0')}`
      const actualStart =
        stageIndex >= 3
          ? plannedStart <= today
            ? addDays(plannedStart, rnd.int(-10, 40))
            : addDays(today, -rnd.int(10, 60))
          : null
      const clampedStart = actualStart && actualStart > today ? addDays(today, -5) : actualStart
      const actualEnd = stage === 'production' ? addDays(today, -rnd.int(10, 200)) : null
      const position = (positions.get(stage) ?? 0) + 1024
      positions.set(stage, position)
      const created = `${year - 1}-12-${String(rnd.int(1, 28)).padStart(2, '0')}`
      const projectId = ins.project({
        code: `XM-${String(i + 1).padStart(width, '0')}`,
        name,
        category_id: categories.get(infra ? rnd.pick(['基础设施', '民生', '社会事业']) : '产业') ?? null,
        industry_tag_id: tag ? (tags.get(tag) ?? null) : null,
        level: rnd.pick(['province', 'city', 'city', 'county', 'county', 'county']),
        township_id: townships[townshipIndex]!,
        construction_unit: infra
          ? `${N.UNITS[rnd.int(0, N.UNITS.length - 1)]}`
          : `${N.TOWNSHIPS[townshipIndex]!.slice(0, 2)}${rnd.pick(['恒泰', '晋源', '鑫达', '华兴', '瑞丰', '中科'])}${rnd.pick(N.OWNER_SUFFIXES)}`,
        content: `总建筑面积${rnd.int(1, 30)}万平方米，主要建设${pattern.replace(/项目$/, '').replace('{n}', '')}及配套设施。`,
        total_investment: total,
        start_year: Math.min(startYear, year),
        end_year: Math.max(endYear, year),
        stage,
        position,
        planned_start: plannedStart,
        planned_end: plannedEnd,
        actual_start: clampedStart,
        actual_end: actualEnd,
        created_at: stamp(created),
        updated_at: stamp(created),
        demo: 1,
      })
      counts.projects++
      projectIds.push(projectId)
      log(created, 'project', projectId, projectId, 'create', 'name', null, name)
      const projectStart = Math.min(startYear, year)
      const projectEnd = Math.max(endYear, year)

      // 包联领导, sometimes reassigned during the year (the dated history the rankings use).
      const firstLeader = leaders[i % leaders.length]!
      const reassigned = rnd.chance(0.08)
      const switchOn = `${year}-${String(rnd.int(3, 9)).padStart(2, '0')}-01`
      ins.assignment({
        project_id: projectId,
        leader_id: firstLeader,
        start_date: created,
        end_date: reassigned ? switchOn : null,
        note: '',
        created_at: stamp(created),
      })
      if (reassigned) {
        const next = leaders[(i + 7) % leaders.length]!
        ins.assignment({
          project_id: projectId,
          leader_id: next,
          start_date: switchOn,
          end_date: null,
          note: '工作分工调整',
          created_at: stamp(switchOn),
        })
        log(
          switchOn,
          'project',
          projectId,
          projectId,
          'reassign',
          'leader',
          String(firstLeader),
          String(next),
          '工作分工调整',
        )
      }

      const unitIndex = rnd.int(0, units.length - 1)
      const taskForceId = ins.taskForce({ project_id: projectId, lead_unit_id: units[unitIndex]! })
      const staff = pool[unitIndex]!
      const chosen = new Set<number>()
      const roles: ('head' | 'liaison' | 'member')[] = [
        'head',
        'liaison',
        ...Array<'member'>(rnd.int(2, 4)).fill('member'),
      ]
      for (const role of roles) {
        const source = role === 'member' ? pool[rnd.int(0, pool.length - 1)]! : staff
        const person = rnd.pick(source)
        if (chosen.has(person.id)) continue
        chosen.add(person.id)
        ins.member({
          task_force_id: taskForceId,
          person_id: person.id,
          role,
          duty:
            role === 'head'
              ? '统筹协调'
              : role === 'liaison'
                ? '信息报送'
                : rnd.pick(['要素保障', '审批服务', '进度督导', '融资对接']),
        })
      }

      const planId = ins.plan({
        project_id: projectId,
        goals: `${endYear}年底前建成投产，年度完成投资计划`,
        service_content: JSON.stringify(['approval', 'progress', ...(rnd.chance(0.5) ? ['financing'] : [])]),
      })

      // Milestones: the standard chain plus extras, spread over the planned period.
      // About one project in six is behind; the rest keep to plan with the odd slip.
      const health = rnd.next() // < 0.15 behind
      const count = rnd.int(msMin, msMax)
      // The standard eight plus a random choice of the others, in the order a project meets them.
      const optional = N.MILESTONE_ORDER.filter((n) => !N.CORE_MILESTONES.has(n))
      for (let i = optional.length - 1; i > 0; i--) {
        const j = rnd.int(0, i)
        ;[optional[i], optional[j]] = [optional[j]!, optional[i]!]
      }
      const picked = new Set(optional.slice(0, Math.max(0, count - 8)))
      const names = N.MILESTONE_ORDER.filter((n) => N.CORE_MILESTONES.has(n) || picked.has(n))
      // Province-scale plans have more than sixteen: further acceptance checks before 竣工验收.
      for (let i = names.length; i < count; i++) names.splice(names.indexOf('竣工验收'), 0, `专项验收（${i - 15}）`)
      const span = daysBetween(plannedStart, plannedEnd)
      // Preparation (立项, 用地, 环评) starts months before the planned start.
      const base = addDays(plannedStart, -rnd.int(120, 300))
      for (let m = 0; m < count; m++) {
        const planned = addDays(base, Math.round(((span + 120) * m) / Math.max(1, count - 1)))
        let actual: IsoDate | null = null
        if (planned <= today) {
          const roll = rnd.next()
          if (health >= 0.15 ? roll < 0.9 : roll < 0.5) actual = addDays(planned, -rnd.int(0, 15))
          else if (health >= 0.15 ? roll < 0.985 : roll < 0.8) actual = addDays(planned, rnd.int(1, 45))
        } else if (rnd.chance(0.05)) actual = addDays(today, -rnd.int(1, 20))
        // A project under construction has finished its preparation, if late.
        if (!actual && clampedStart && planned < clampedStart) actual = addDays(planned, rnd.int(1, 30))
        // … and a project in production has finished what was due before it went into production.
        if (!actual && actualEnd && planned < actualEnd) actual = addDays(planned, rnd.int(1, 30))
        if (actual && actual > today) actual = today
        if (actual && actual > today) actual = null
        const milestoneId = ins.milestone({
          plan_id: planId,
          project_id: projectId,
          name: names[m]!,
          planned_date: planned,
          weight: names[m] === '开工' || names[m] === '投产' ? 2 : 1,
          responsible_unit: N.UNITS[rnd.int(0, N.UNITS.length - 1)]!,
          responsible_person: '',
          actual_date: actual,
          evidence: actual ? '已上传批复文件' : '',
          position: (m + 1) * 1024,
        })
        counts.milestones++
        if (actual) log(actual, 'milestone', milestoneId, projectId, 'complete', 'actualDate', null, actual, names[m]!)
      }

      // Annual plans over the construction years; reports for the months before today's.
      const years = projectEnd - projectStart + 1
      // Only projects under way have an investment plan for the current year.
      for (let y = projectStart; y <= projectEnd; y++)
        if (stageIndex >= 3 || y > year)
          ins.annual({ project_id: projectId, year: y, amount: Math.round(total / years) })
      if (stageIndex >= 3) {
        const monthly = Math.round(total / years / 12)
        for (let p = firstReported; p <= lastReported; p = addMonths(p, 1)) {
          if (Number(p.slice(0, 4)) < projectStart || (clampedStart && p < periodOf(clampedStart))) continue
          if (rnd.chance(0.03)) continue // a missing report now and then
          const factor = health < 0.15 ? 0.2 + rnd.next() * 0.6 : 0.8 + rnd.next() * 0.5
          const reportId = ins.report({
            project_id: projectId,
            period: p,
            investment: Math.max(0, Math.round(monthly * factor)),
            narrative: rnd.pick([
              '主体结构施工中',
              '设备安装调试中',
              '场地平整完成',
              '正在进行基础施工',
              '厂房封顶，开始内部装修',
            ]),
            created_at: stamp(`${addMonths(p, 1)}-05`),
            updated_at: stamp(`${addMonths(p, 1)}-05`),
          })
          counts.reports++
          log(
            `${addMonths(p, 1)}-05`,
            'report',
            reportId,
            projectId,
            'create',
            'investment',
            null,
            String(Math.round(monthly * factor) / 100),
          )
        }
      }
      if (stageIndex >= 1) {
        const moveOn = clampedStart ?? addDays(today, -rnd.int(30, 200))
        ins.move({
          project_id: projectId,
          from_stage: STAGES[stageIndex - 1]!,
          to_stage: stage,
          moved_on: moveOn,
          operator: '演示数据',
          created_at: stamp(moveOn),
        })
      }

      // Problems in every state; some overdue.
      const problems = stageIndex >= 2 ? rnd.int(pbMin, pbMax) : 0
      for (let q = 0; q < problems; q++) {
        const category = rnd.pick(Object.keys(N.PROBLEMS))
        const state = rnd.pick(['open', 'in_progress', 'closed', 'closed', 'closed'] as const)
        // Open problems are mostly recent; a behind project also has old ones past their deadline.
        const raised = addDays(today, -(state === 'closed' || health < 0.15 ? rnd.int(5, 300) : rnd.int(5, 60)))
        const deadline = addDays(raised, rnd.int(20, 90))
        const closedOn =
          state === 'closed'
            ? addDays(raised, rnd.int(3, Math.max(3, Math.min(120, daysBetween(raised, today)))))
            : null
        const closed = closedOn && closedOn > today ? today : closedOn
        const level = rnd.pick(['task_force', 'task_force', 'leader', 'county'] as const)
        const problemId = ins.problem({
          project_id: projectId,
          category_id: problemCategories.get(category)!,
          description: rnd.pick(N.PROBLEMS[category]!),
          raised_on: raised,
          responsible_unit_id: units[rnd.int(0, units.length - 1)]!,
          responsible_leader_id: reassigned ? leaders[(i + 7) % leaders.length]! : firstLeader,
          deadline,
          level,
          status: state,
          resolution: state === 'closed' ? rnd.pick(N.RESOLUTIONS) : '',
          closed_on: closed,
          created_at: stamp(raised),
          updated_at: stamp(closed ?? raised),
        })
        counts.problems++
        log(raised, 'problem', problemId, projectId, 'create', 'description', null, category)
        if (closed) log(closed, 'problem', problemId, projectId, 'close', 'status', '办理中', '已销号')
      }
      if (out.full) await out.flush()
    }
    // Years of everyday edits, as a long-used database has them: the audit log is the largest table.
    for (let k = 0; counts.auditRows < (options.auditRowsAtLeast ?? 0); k++) {
      const projectId = projectIds[k % projectIds.length]!
      const when = addDays(today, -rnd.int(1, 3000))
      log(when, 'project', projectId, projectId, 'update', 'content', `第${k}版建设内容`, `第${k + 1}版建设内容`)
      if (out.full) await out.flush()
    }
  }
  await run()
  await out.finish()
  return counts
}
