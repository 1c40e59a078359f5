/**
 * Row (snake_case, the column types of db/schema.ts) → domain (camelCase) mappers, one per entity. JSON columns
 * are parsed by db/json.ts.
 */
import type { Selectable } from 'kysely'
import type { Milestone, MonthlyReport, Person, Project, TaskForceMember } from '../shared/domain'
import type {
  MilestonesTable,
  MonthlyReportsTable,
  PeopleTable,
  ProjectsTable,
  TaskForceMembersTable,
} from './db/schema'

export function toProject(row: Selectable<ProjectsTable>): Project {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    categoryId: row.category_id,
    industryTagId: row.industry_tag_id,
    level: row.level,
    townshipId: row.township_id,
    constructionUnit: row.construction_unit,
    content: row.content,
    totalInvestment: row.total_investment,
    startYear: row.start_year,
    endYear: row.end_year,
    stage: row.stage,
    position: row.position,
    plannedStart: row.planned_start,
    plannedEnd: row.planned_end,
    actualStart: row.actual_start,
    actualEnd: row.actual_end,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  }
}

export function toMilestone(row: Selectable<MilestonesTable>): Milestone {
  return {
    id: row.id,
    planId: row.plan_id,
    projectId: row.project_id,
    name: row.name,
    plannedDate: row.planned_date,
    weight: row.weight,
    responsibleUnit: row.responsible_unit,
    responsiblePerson: row.responsible_person,
    actualDate: row.actual_date,
    evidence: row.evidence,
    position: row.position,
    version: row.version,
  }
}

export function toPerson(row: Selectable<PeopleTable>): Person {
  return { id: row.id, name: row.name, unit: row.unit, phone: row.phone, version: row.version }
}

export function toMember(member: Selectable<TaskForceMembersTable>, person: Selectable<PeopleTable>): TaskForceMember {
  return {
    id: member.id,
    person: toPerson(person),
    role: member.role,
    duty: member.duty,
    version: member.version,
  }
}

export function toReport(row: Selectable<MonthlyReportsTable>, frozen: boolean): MonthlyReport {
  return {
    id: row.id,
    projectId: row.project_id,
    period: row.period,
    investment: row.investment,
    narrative: row.narrative,
    frozen,
    updatedAt: row.updated_at,
    version: row.version,
  }
}
