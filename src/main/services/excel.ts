/** Excel: exports of every list, and the ledger import (preview first; nothing written unless all is valid). */
import { AppError } from '../../shared/errors'
import { localToday } from '../../shared/dates'
import type { CallArgs, CallName, CallResult } from '../../shared/contract'
import type { ImportField } from '../../shared/import-fields'
import type { Deps } from '../context'
import type { HandlerMap } from '../handler-types'
import type { Plan } from '../excel/import/plan'
import { createStoreBackup } from '../backup/any-store'
import { readTx } from '../context'
import { readDataVersion } from '../store/data-version'
import { listProjects, ledgerDetails } from './projects'
import { todaysCards } from './kanban'
import { investmentFigures } from './reports'
import { listProblems } from './problems'
import { taskForceContacts } from './task-forces'
import type { ExportSource } from '../excel/export'

type Call = <K extends CallName>(name: K, input: unknown) => Promise<CallResult<K>>

function decode(base64: string): Buffer {
  const buffer = Buffer.from(base64, 'base64')
  if (buffer.length === 0) throw new AppError('INVALID_INPUT', '文件内容为空或不是有效的 base64 编码')
  return buffer
}

// ExcelJS is loaded on first use, not at start: it is a tenth of a second of every start of the program.
const exporter = () => import('../excel/export')
const planner = () => import('../excel/import/plan')
const committer = () => import('../excel/import/commit')

/** Every row the exports write, main-side (export.ts ExportSource). */
function exportSource(deps: Deps): ExportSource {
  return {
    projects: () => readTx(deps, (db) => listProjects(db, deps.store.dialect, { listing: 'listed' })),
    cards: () => readTx(deps, async (db) => todaysCards(deps, db, localToday(deps.clock()), await readDataVersion(db))),
    figures: (date) => readTx(deps, (db) => investmentFigures(db, date)),
    ledgerDetails: () => readTx(deps, (db) => ledgerDetails(db, {})),
    problems: () => listProblems(deps, {}),
    contacts: () => readTx(deps, (db) => taskForceContacts(db)),
  }
}

export function excelHandlers(deps: Deps, call: Call) {
  const plan = async (input: CallArgs<'excel.preview'>): Promise<Plan> =>
    (await planner()).planImport(deps.db, decode(input.base64), input.fileName, {
      mapping: input.mapping as Record<string, ImportField | null>,
      units: input.units,
      ...(input.sheet !== undefined && { sheet: input.sheet }),
      ...(input.stage !== undefined && { stage: input.stage }),
      today: localToday(deps.clock()),
    })
  return {
    'excel.export': async ({ what, period, projectId }) => {
      if (what === 'ranking' && !period) throw new AppError('INVALID_INPUT', '导出排名需要指定「月份」')
      if (what === 'milestones' && !projectId) throw new AppError('INVALID_INPUT', '导出节点计划需要指定「项目」')
      return (await exporter()).exportExcel(call, exportSource(deps), what, {
        period,
        projectId,
        today: localToday(deps.clock()),
      })
    },
    'excel.preview': async (input) => (await plan(input)).preview,
    'excel.import': async (input) => {
      const planned = await plan(input)
      // A valid file is about to change many projects at once: keep the database as it was first (a copy of
      // the SQLite file, or a pg_dump of the server database).
      if (planned.preview.issueCount === 0) await createStoreBackup(deps.store, 'pre-import', deps.clock())
      return (await committer()).commitImport(deps, planned)
    },
    // Only the caller's own import: another user's progress is not theirs to see or stop.
    'excel.importProgress': async (_input, ctx) => deps.store.jobs.progress(ctx.caller?.userId ?? null),
    'excel.cancelImport': async (_input, ctx) => deps.store.jobs.cancel(ctx.caller?.userId ?? null),
  } satisfies HandlerMap
}
