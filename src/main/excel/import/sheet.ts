/** Which sheet of a workbook an import reads: the one chosen, or the one the office sees when it opens the file. */
import { AppError } from '../../../shared/errors'
import { normalizeText } from '../../../shared/names'
import type { Sheet, Workbook } from '../read/workbook'
import { findHeader, type LedgerTable } from '../ledger/header'

const NO_HEADER =
  '没有找到台账表头：前30行中应有「项目名称」以及「总投资」「包联领导」「责任单位」等列名。请检查工作表，或下载专班的导入模板'

/** The sheet to read: the one chosen, else the active sheet if visible and a ledger, else the first visible ledger. */
export async function chooseSheet(
  workbook: Workbook,
  wanted: string | undefined,
): Promise<Omit<LedgerTable, 'titleYear'>> {
  const names = workbook.sheets.map((s) => `「${s.name}」${s.state === 'visible' ? '' : '（隐藏）'}`).join('、')
  if (wanted !== undefined) {
    const index = workbook.sheets.findIndex((s) => normalizeText(s.name) === normalizeText(wanted))
    if (index < 0) throw new AppError('INVALID_INPUT', `工作簿中没有工作表「${wanted}」。工作表有：${names}`)
    const header = findHeader(await workbook.readSheet(index))
    if (!header) throw new AppError('INVALID_INPUT', `工作表「${wanted}」中${NO_HEADER}`)
    return header
  }
  const visible = workbook.sheets.map((s, i) => ({ s, i })).filter(({ s }) => s.state === 'visible')
  if (visible.length === 0)
    throw new AppError(
      'INVALID_INPUT',
      `工作簿中所有工作表都是隐藏的（${names}）。请在 Excel 或 WPS 中取消隐藏要导入的工作表，或在预览中选择它`,
    )
  const order = [...visible].sort((a, b) => Number(b.i === workbook.activeIndex) - Number(a.i === workbook.activeIndex))
  let first: Sheet | null = null
  for (const { i } of order) {
    const sheet = await workbook.readSheet(i)
    first ??= sheet
    const header = findHeader(sheet)
    if (header) return header
  }
  const hidden = workbook.sheets.filter((s) => s.state !== 'visible').map((s) => `「${s.name}」`)
  throw new AppError(
    'INVALID_INPUT',
    `${visible.length > 1 ? '各个可见工作表' : `工作表「${first!.name}」`}中${NO_HEADER}${hidden.length ? `（隐藏的工作表${hidden.join('、')}未读取；如要导入，请选择它）` : ''}`,
  )
}
