import { expect } from 'vitest'
import { AppError } from '../../src/shared/errors'

/** The AppError a pure function throws (a schema or a rule refusing its input); fails the test if none. */
export function refusal(fn: () => unknown): AppError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    return error as AppError
  }
  throw new Error('expected a refusal')
}
