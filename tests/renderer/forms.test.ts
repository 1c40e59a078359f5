// @vitest-environment happy-dom
/* eslint-disable vue/one-component-per-file -- each test mounts its own small host component */
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick, reactive, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus, { ElForm, ElFormItem } from 'element-plus'
import { useDraft, type Draft } from '../../src/renderer/composables/useDraft'
import { runAction } from '../../src/renderer/composables/useAction'
import { showIssues, useSchemaForm } from '../../src/renderer/composables/useSchemaForm'
import { provideTypedErrors } from '../../src/renderer/composables/typedErrors'
import DraftBar from '../../src/renderer/components/DraftBar.vue'
import ProjectFields, { type ProjectFieldsForm } from '../../src/renderer/components/ProjectFields.vue'
import { ApiError } from '../../src/renderer/api'

type Record3 = { version: number; name: string; unit: string; amount: number | null }

/** A form on a record that the test reloads at will, with its draft and the bar. */
function formOn(initial: Record3) {
  const record = ref<Record3>({ ...initial })
  const form = reactive({ ...initial })
  let draft!: Draft
  const Host = defineComponent({
    setup() {
      draft = useDraft({
        form,
        source: () => ({ ...record.value }),
        labels: { name: '项目名称', unit: '建设单位', amount: '总投资' },
      })
      return () => h(DraftBar, { draft })
    },
  })
  const w = mount(Host, { global: { plugins: [ElementPlus] } })
  return { w, form, record, draft: () => draft }
}

describe('useDraft: what was typed survives a reload', () => {
  const start = { version: 1, name: '城东建材项目', unit: '恒泰建材', amount: 100 }

  it('after a conflict: the fresh copy is shown, the changed fields kept and applied again on request', async () => {
    const { w, form, record, draft } = formOn(start)
    form.name = '城东建材项目（一期）' // the user's change
    // Someone else saved another field first; the user presses 重新载入.
    draft().keep()
    record.value = { ...start, version: 2, unit: '恒泰实业' }
    await nextTick()
    expect(form).toEqual({ version: 2, name: '城东建材项目', unit: '恒泰实业', amount: 100 })
    expect(w.text()).toContain('您刚才填写的内容已保留')
    expect(w.text()).toContain('您改过：项目名称')
    expect(draft().fields.value).toEqual([
      {
        key: 'name',
        label: '项目名称',
        mine: '城东建材项目（一期）',
        fresh: '城东建材项目',
        differs: true,
        changedByOthers: false,
      },
    ])
    await w.find('button').trigger('click') // 查看并重新应用
    expect(form).toEqual({ version: 2, name: '城东建材项目（一期）', unit: '恒泰实业', amount: 100 })
    expect(w.text()).toContain('已把您填写的 1 项重新填入，请核对后保存')
    expect(w.text()).toContain('与最新内容不同')
    draft().undo()
    expect(form.name).toBe('城东建材项目')
    draft().apply()
    draft().clear() // saved
    await nextTick()
    expect(w.text()).toBe('')
  })

  it('marks a field someone else changed too', async () => {
    const { form, record, draft } = formOn(start)
    form.amount = 150
    draft().keep()
    record.value = { ...start, version: 2, amount: 120 }
    await nextTick()
    expect(form.amount).toBe(120)
    expect(draft().fields.value[0]).toMatchObject({ key: 'amount', mine: '150', fresh: '120', changedByOthers: true })
  })

  it('a reload that touches none of the typed fields keeps them and takes the rest quietly', async () => {
    const { w, form, record, draft } = formOn(start)
    form.name = '城东建材项目（一期）'
    record.value = { ...start, version: 2, unit: '恒泰实业' }
    await nextTick()
    expect(form).toEqual({ version: 2, name: '城东建材项目（一期）', unit: '恒泰实业', amount: 100 })
    expect(draft().active.value).toBe(false)
    expect(w.text()).toBe('')
  })

  it('a reload that changes a typed field shows the fresh copy and keeps the typed one beside it', async () => {
    const { form, record, draft } = formOn(start)
    form.name = '我的名称'
    form.unit = '我的单位'
    record.value = { ...start, version: 2, name: '他人的名称' }
    await nextTick()
    expect(form).toEqual({ version: 2, name: '他人的名称', unit: '恒泰建材', amount: 100 })
    expect(draft().fields.value.map((f) => [f.key, f.mine, f.fresh])).toEqual([
      ['name', '我的名称', '他人的名称'],
      ['unit', '我的单位', '恒泰建材'],
    ])
  })

  it('a dialog’s draft whose record is found by the form’s own id settles (no endless updates)', async () => {
    type Problem = { id: number; version: number; resolution: string }
    const problems = ref<Problem[]>([{ id: 7, version: 1, resolution: '' }])
    const closing = reactive({ open: false, p: null as Problem | null, resolution: '' })
    const logged = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const failed = vi.spyOn(console, 'error').mockImplementation(() => {})
    let draft!: Draft
    const Host = defineComponent({
      setup() {
        draft = useDraft({
          form: closing,
          source: () => {
            const p = problems.value.find((x) => x.id === closing.p?.id)
            return p && { p, resolution: p.resolution }
          },
          key: () => closing.p?.id,
          labels: { resolution: '办理结果' },
        })
        return () => h(DraftBar, { draft })
      },
    })
    mount(Host, { global: { plugins: [ElementPlus] } })
    Object.assign(closing, { open: true, p: problems.value[0], resolution: '' })
    await flushPromises()
    closing.resolution = '已协调解决'
    draft.keep()
    problems.value = [{ id: 7, version: 2, resolution: '' }] // someone escalated it first
    await flushPromises()
    expect(closing).toEqual({ open: true, p: { id: 7, version: 2, resolution: '' }, resolution: '' })
    draft.apply()
    expect(closing.resolution).toBe('已协调解决')
    expect([...logged.mock.calls, ...failed.mock.calls].flat().join(' ')).not.toMatch(/recursive|递归/i)
    logged.mockRestore()
    failed.mockRestore()
  })

  it('keeps nothing when the user had changed nothing', async () => {
    const { form, record, draft } = formOn(start)
    draft().keep()
    record.value = { ...start, version: 2, name: '他人的名称' }
    await nextTick()
    expect(form.name).toBe('他人的名称')
    expect(draft().active.value).toBe(false)
  })
})

describe('errors under their fields', () => {
  // Element Plus shows a form item's error 100 ms after it is set.
  const shown = async () => {
    await new Promise((resolve) => setTimeout(resolve, 150))
    await flushPromises()
  }

  it('the form’s own validation: an empty required date is 必须填写, shown under the field', async () => {
    let form!: ReturnType<typeof useSchemaForm<'milestone.complete'>>
    const Host = defineComponent({
      setup() {
        form = useSchemaForm('milestone.complete')
        return () =>
          h(ElForm, null, () =>
            h(ElFormItem, { label: '实际完成日期', error: form.errors.value.actualDate }, () => h('input')),
          )
      },
    })
    const w = mount(Host, { global: { plugins: [ElementPlus] } })
    expect(form.validate({ id: 1, version: 1, actualDate: '' })).toBe(false)
    expect(form.errors.value).toEqual({ actualDate: '「实际完成日期」必须填写' })
    await shown()
    expect(w.find('.el-form-item__error').text()).toBe('「实际完成日期」必须填写')
    expect(form.validate({ id: 1, version: 1, actualDate: '2026-11-21' })).toBe(true)
    await shown()
    expect(w.find('.el-form-item__error').exists()).toBe(false)
  })

  it('a refusal from the main side that names fields lands under them (nested paths too)', async () => {
    const errors = ref<Record<string, string>>({})
    const result = await runAction(
      () =>
        Promise.reject(
          new ApiError({
            code: 'RULE',
            message: '「销号日期」不能早于「提出日期」（2026-09-01）',
            issues: [{ path: 'closedOn', message: '「销号日期」不能早于「提出日期」（2026-09-01）' }],
          }),
        ),
      { errors },
    )
    expect(result).toBeUndefined()
    expect(errors.value).toEqual({ closedOn: '「销号日期」不能早于「提出日期」（2026-09-01）' })
    showIssues(errors, [{ path: 'person.name', message: '「姓名」不能为空' }])
    expect(errors.value).toEqual({ 'person.name': '「姓名」不能为空', person: '「姓名」不能为空' })
    await runAction(() => Promise.resolve(1), { errors })
    expect(errors.value).toEqual({})
  })
})

describe('ProjectFields: an unusual planned date is warned about and holds the save until confirmed', () => {
  const fields = (over: Partial<ProjectFieldsForm> = {}): ProjectFieldsForm => ({
    level: 'county',
    townshipId: undefined,
    categoryId: null,
    industryTagId: null,
    totalInvestment: 100,
    startYear: 2026,
    endYear: 2027,
    plannedStart: '2025-03-01',
    plannedEnd: '2027-06-30',
    constructionUnit: '',
    content: '',
    ...over,
  })

  function inForm(form: ProjectFieldsForm, saved?: ProjectFieldsForm) {
    setActivePinia(createPinia())
    let refuse: () => boolean = () => false
    const Form = defineComponent({
      setup() {
        refuse = provideTypedErrors()
        return () => h(ProjectFields, { form, errors: {}, saved })
      },
    })
    return { w: mount(Form, { global: { plugins: [ElementPlus] } }), refuse: () => refuse() }
  }

  it('says it under the field and refuses to save until 确认无误', async () => {
    const { w, refuse } = inForm(reactive(fields()))
    await nextTick()
    const warning = w.find('[data-date-warning]')
    expect(warning.text()).toContain('「计划开工日期」2025-03-01早于项目的建设年限（2026—2027年），请核对')
    expect(refuse()).toBe(true)
    await warning.find('button').trigger('click')
    expect(w.find('[data-date-warning]').text()).toContain('（已确认）')
    expect(refuse()).toBe(false)
  })

  it('a date the project already had is said but does not hold the save; a usual one says nothing', async () => {
    const { w, refuse } = inForm(reactive(fields()), fields())
    await nextTick()
    expect(w.find('[data-date-warning]').text()).toContain('（已确认）')
    expect(refuse()).toBe(false)
    const usual = inForm(reactive(fields({ plannedStart: '2026-03-01' })))
    await nextTick()
    expect(usual.w.find('[data-date-warning]').exists()).toBe(false)
    expect(usual.refuse()).toBe(false)
  })
})
