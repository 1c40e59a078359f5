/** The ranking as a plain-text table for the terminal (aligned for CJK, which is two columns wide). */
import { formatPeriodChinese } from '../../shared/dates'
import { formatChange, formatScore } from '../../shared/rules/ranking'
import { GROUP_LABELS, LIGHT_LABELS, type GroupRanking, type ProjectRanking } from '../../shared/rules/types'

/**
 * Two columns: Hangul Jamo, CJK (radicals to Yi, Ext A and the unified ideographs), Hangul, the compatibility
 * ideographs, vertical and compatibility forms, full-width forms, and the ideographic planes 2 and 3 (Ext B–H
 * and the compatibility supplement, such as 𠮷 U+20BB7).
 */
const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u

/** Display columns in a terminal, one code point at a time (for..of: 𠮷 is one character, not two halves). */
export function width(text: string): number {
  let w = 0
  for (const ch of text) w += WIDE.test(ch) ? 2 : 1
  return w
}

function pad(text: string, w: number): string {
  return text + ' '.repeat(Math.max(0, w - width(text)))
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

const pct = (v: number | null) => (v === null ? '—' : formatScore(v))

function title(r: { period: string; frozen: boolean; previousPeriod: string | null }, what: string): string {
  const state = r.frozen ? '已封账' : '未封账，实时计算'
  const against = r.previousPeriod ? `，升降对比${formatPeriodChinese(r.previousPeriod)}` : ''
  return `${formatPeriodChinese(r.period)}重点项目大排名（${what}，${state}${against}）`
}

export function formatProjectRanking(r: ProjectRanking): string {
  const rows = r.rows.map((x) => [
    x.rank === null ? '不参与' : String(x.rank),
    formatChange(x.change),
    x.code,
    x.name,
    x.leader?.name ?? '—',
    x.township.name,
    formatScore(x.score),
    pct(x.components.milestones),
    pct(x.components.investment),
    pct(x.components.problems),
    LIGHT_LABELS[x.light],
  ])
  return `${title(r, '按项目')}\n\n${table(['名次', '升降', '编号', '项目名称', '包联领导', '乡镇/街道', '得分', '节点%', '投资%', '问题%', '灯'], rows)}`
}

export function formatGroupRanking(r: GroupRanking): string {
  const rows = r.rows.map((x) => [
    x.rank === null ? '不参与' : String(x.rank),
    formatChange(x.change),
    x.group.name,
    formatScore(x.mean),
    String(x.projects),
    String(x.ranked),
    String(x.red),
    String(x.yellow),
    String(x.green),
  ])
  return `${title(r, `按${GROUP_LABELS[r.by]}`)}\n\n${table(
    [GROUP_LABELS[r.by], '平均分', '项目数', '参与排名', '红灯', '黄灯', '绿灯'].reduce<string[]>(
      (h, c, i) => (i === 0 ? ['名次', '升降', c] : [...h, c]),
      [],
    ),
    rows,
  )}`
}
