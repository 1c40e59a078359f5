import { describe, expect, it } from 'vitest'
import { PHONE_SHAPES, isPhone, normalizePhone, phoneProblem } from '../../src/shared/phones'
import { parseInput } from '../../src/shared/validate'
import { refusal } from '../helpers/refusal'

describe('phone numbers (one rule: src/shared/phones.ts)', () => {
  it.each([
    ['13800000000', '13800000000'],
    ['138 0000 0000', '13800000000'],
    ['138-0000-0000', '13800000000'],
    ['138 - 0000 - 0000', '13800000000'],
    ['+86 13800000000', '13800000000'],
    ['１３８００００００００', '13800000000'],
    ['\u3000199 1234 5678 ', '19912345678'],
  ])('reads the mobile %j as %j', (typed, stored) => {
    expect(phoneProblem(typed)).toBeNull()
    expect(normalizePhone(typed)).toBe(stored)
  })

  it.each([
    ['0371-12345678', '0371-12345678'],
    ['(0371)12345678', '0371-12345678'],
    ['（０３７１）１２３４５６７８', '0371-12345678'],
    ['0371 1234 5678', '0371-12345678'],
    ['0371－12345678', '0371-12345678'],
    ['037112345678', '0371-12345678'],
    ['0358-1234567', '0358-1234567'],
    ['01012345678', '010-12345678'],
    ['010-1234-5678', '010-12345678'],
    ['(021)6123 4567', '021-61234567'],
    ['0371-12345678-801', '0371-12345678转801'],
    ['0371-12345678转801', '0371-12345678转801'],
    ['0371-12345678#801', '0371-12345678转801'],
    ['0371-1234567转8', '0371-1234567转8'],
  ])('reads the landline %j as %j', (typed, stored) => {
    expect(phoneProblem(typed)).toBeNull()
    expect(normalizePhone(typed)).toBe(stored)
    // The stored form is read as itself: saving it again changes nothing.
    expect(normalizePhone(stored)).toBe(stored)
  })

  it('allows an empty number (the fields are optional)', () => {
    expect(phoneProblem('')).toBeNull()
    expect(phoneProblem('  ')).toBeNull()
    expect(normalizePhone(' ')).toBe('')
  })

  it.each([
    ['abc'],
    ['12345'],
    ['1380000000'], // 10 digits
    ['138000000001'], // 12 digits
    ['12800000000'], // no mobile starts 12
    ['0123-1234567'], // no area code 0123
    ['0371-123456'], // 6-digit local number
    ['0371-1234-567'],
    ['13800000000/0371-12345678'], // two numbers in one field
    ['13800000000 转 8'],
    ['86 13800000000'],
  ])('refuses %j with a message showing both shapes', (typed) => {
    expect(isPhone(typed)).toBe(false)
    expect(phoneProblem(typed)).toBe(PHONE_SHAPES)
    expect(PHONE_SHAPES).toContain('11位手机号')
    expect(PHONE_SHAPES).toContain('0371-12345678')
  })

  it('never guesses a number that reads two ways (0371-1234567-8: extension 8, or 12345678?)', () => {
    const message = phoneProblem('0371-1234567-8')!
    expect(message).toContain('0371-1234567转8')
    expect(message).toContain('0371-12345678')
    expect(message).toContain('含义不确定')
    expect(normalizePhone('0371-1234567-8')).toBe('0371-1234567-8')
  })

  it('is the contract rule for leaders and people: normalised on the way in, refused with the shapes', () => {
    const leader = parseInput('leader.create', {
      name: '张三',
      title: '副区长',
      sortOrder: 1,
      phone: '（0371）1234 5678',
    })
    expect(leader.phone).toBe('0371-12345678')
    expect(parseInput('leader.create', { name: '张三', title: '副区长', sortOrder: 1 }).phone).toBe('')
    const error = refusal(() => parseInput('leader.update', { id: 1, version: 1, phone: '12345' }))
    expect(error.message).toContain(`「电话」${PHONE_SHAPES}`)
    const member = parseInput('taskForce.addMember', {
      taskForceId: 1,
      person: { name: '李四', unit: '区发改局', phone: '139-0000-0001' },
      role: 'member',
    })
    expect(member.person!.phone).toBe('13900000001')
    expect(refusal(() => parseInput('person.update', { id: 1, version: 1, phone: '0371-123' })).message).toContain(
      '「电话」',
    )
  })
})
