/**
 * 我的待办 (reminder.mine): the count in the frame's header and in the window's title, read again after others'
 * writes (live updates) and every half hour (a deadline passes without anyone writing); once a day, the desktop
 * shows a system notification of it (a click opens 待办).
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { Todos } from '../../shared/reminders'
import { TODO_KIND_LABELS, TODO_KINDS } from '../../shared/reminders'
import { localToday } from '../../shared/dates'
import { api } from '../api'

const TITLE = '专班'
const AGAIN_MS = 30 * 60_000
/**
 * Others' writes read the 待办 again at most once a minute: on the county server every write reaches every open
 * page, and 500 pages each asking for their 待办 at every write would be most of the server's work.
 */
const AFTER_CHANGES_MS = 60_000

/** "3项逾期节点、1份月报未报…" for a notification. */
export function todoSummary(todos: Todos): string {
  return TODO_KINDS.filter((k) => todos.counts[k] > 0)
    .map((k) => `${TODO_KIND_LABELS[k]}${todos.counts[k]}项`)
    .join('、')
}

export const useTodosStore = defineStore('todos', () => {
  const todos = ref<Todos | null>(null)
  const error = ref('')
  let timer: ReturnType<typeof setInterval> | null = null
  let userId: number | null = null

  async function load() {
    lastLoad = Date.now()
    try {
      todos.value = await api.call('reminder.mine', {})
      error.value = ''
    } catch (e) {
      error.value = (e as Error).message
      return
    }
    const total = todos.value.total
    document.title = total ? `${TITLE}（待办${total}）` : TITLE
    await notifyOnceADay()
  }

  /** The desktop's notification, once a day per account on this computer, when there is something due. */
  async function notifyOnceADay() {
    const bridge = window.zhuanban
    if (!bridge?.notify || !todos.value?.total || userId === null) return
    const key = `zhuanban:notified:${userId}`
    const today = localToday()
    if (localStorage.getItem(key) === today) return
    localStorage.setItem(key, today)
    await bridge.notify(`专班：您有${todos.value.total}项待办`, todoSummary(todos.value))
  }

  let lastLoad = 0
  let pending: ReturnType<typeof setTimeout> | null = null
  /** After others' writes: now, or once the minute since the last reading has passed. */
  function loadSoon() {
    if (!todos.value || pending) return
    const wait = Math.max(0, lastLoad + AFTER_CHANGES_MS - Date.now())
    pending = setTimeout(() => {
      pending = null
      void load()
    }, wait)
  }

  function start(forUser: number) {
    userId = forUser
    void load()
    timer ??= setInterval(() => void load(), AGAIN_MS)
  }
  function end() {
    if (timer) clearInterval(timer)
    if (pending) clearTimeout(pending)
    timer = null
    pending = null
    userId = null
    todos.value = null
    document.title = TITLE
  }
  return { todos, error, load, loadSoon, start, end }
})
