/**
 * Inputs whose typed text could not be read (an amount such as "12,3万"): the input shows why under itself and
 * keeps the model as it was, so the form around it must not save that old value as if it were the new one.
 * A form calls `provideTypedErrors()` and the function it returns before saving (true: one is wrong, its
 * message shown, do not save); such inputs call `useTypedError()`.
 */
import { inject, onBeforeUnmount, provide, reactive, type InjectionKey } from 'vue'
import { ElMessage } from 'element-plus'

const KEY: InjectionKey<Map<symbol, string>> = Symbol('typed-errors')

export function provideTypedErrors(): () => boolean {
  const errors = reactive(new Map<symbol, string>())
  provide(KEY, errors)
  return () => {
    const message = errors.values().next().value
    if (message) ElMessage.error(message)
    return Boolean(message)
  }
}

/** Returns the setter of this input's error ('' clears it); cleared when the input goes. */
export function useTypedError(): (message: string) => void {
  const errors = inject(KEY, null)
  const id = Symbol('input')
  onBeforeUnmount(() => errors?.delete(id))
  return (message) => (message ? errors?.set(id, message) : errors?.delete(id))
}
