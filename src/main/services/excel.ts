/** Excel: exports of every list, and the ledger import (preview first; nothing written unless all is valid). */
import { AppError } from '../../shared/errors'
import { localToday } from '../../shared/dates'
import type { CallName, CallResult } from '../../shared/contract'
import type { ImportField } from '../../shared/import-fields'
import type { Deps } from '../context'
import type { HandlerMap } from '../handler-types'
import type { planImport } from '../excel/import'

type ImportPlan = Awaited<ReturnType<typeof planImport>>
import { importJob } from '../excel/progress'
import { backupDirOf, createBackup } from '../backup/backups'

type Call = <K extends CallName>(name: K, input: unknown) => Promise<CallResult<K>>

function decode(base64: string): Buffer {
  const buffer = Buffer.from(base64, 'base64')
  if (buffer.length === 0) throw new AppError('INVALID_INPUT', '文件内容为空或不是有效的 base64 编码')
  return buffer
}

// ExcelJS is loaded on first use, not at start: it is a tenth of a second of every start of the program.
const exporter = () => import('../excel/export')
const importer = () => import('../excel/import')

export function excelHandlers(deps: Deps, call: Call) {
  const plan = async (base64: string, fileName: string, mapping: Record<string, unknown>): Promise<ImportPlan> =>
    (await importer()).planImport(deps.db, decode(base64), fileName, mapping as Record<string, ImportField | null>)
  return {
    'excel.export': async ({ what, period, projectId }) => {
      if (what === 'ranking' && !period) throw new AppError('INVALID_INPUT', '导出排名需要指定「月份」')
      if (what === 'milestones' && !projectId) throw new AppError('INVALID_INPUT', '导出节点计划需要指定「项目」')
      return (await exporter()).exportExcel(call, what, { period, projectId, today: localToday(deps.clock()) })
    },
    'excel.preview': async ({ fileName, base64, mapping }) => (await plan(base64, fileName, mapping)).preview,
    'excel.import': async ({ fileName, base64, mapping }) => {
      const planned = await plan(base64, fileName, mapping)
      // A valid file is about to change many projects at once: keep the database as it was first.
      if (planned.preview.issueCount === 0)
        await createBackup(deps.sqlite, backupDirOf(deps.sqlite, deps.databasePath), 'pre-import', deps.clock())
      return (await importer()).commitImport(deps, planned)
    },
    'excel.importProgress': async () => importJob.status(),
    'excel.cancelImport': async () => importJob.cancel(),
  } satisfies HandlerMap
}
