/** Validates a call's input against the contract, turning zod's issues into one Chinese message. */
import { z } from 'zod'
import { contract, type CallArgs, type CallName } from './contract'
import { AppError, type FieldIssue } from './errors'

// zod's own Chinese messages serve for the few checks the labelled fields do not word themselves.
z.config(z.locales.zhCN())

export function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))
}

export function parseInput<K extends CallName>(name: K, raw: unknown): CallArgs<K> {
  const result = contract[name].input.safeParse(raw === undefined ? {} : raw)
  if (result.success) return result.data as CallArgs<K>
  const issues = issuesOf(result.error)
  const shown = issues.slice(0, 3).map((i) => i.message)
  const more = issues.length > 3 ? `等${issues.length}处问题` : ''
  throw new AppError('INVALID_INPUT', `输入有误：${shown.join('；')}${more}`, issues)
}
