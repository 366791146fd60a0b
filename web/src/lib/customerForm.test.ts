import { describe, expect, it } from 'vitest'
import type { Customer, Problem } from '@/api/types'
import { customerErrors, customerPatch, emptyForm, existingCustomerId, formOf, newCustomerBody, phonesLocked, quietPairProblem } from './customerForm'

const CUSTOMER: Customer = {
  id: 299,
  code: 'C00000299',
  merged_into: null,
  classes: {},
  kind: 'person',
  name: '胡志强',
  gender: 'male',
  birthday: '1960-07-22',
  email: '',
  address: '杭州市西湖区文三路257号',
  source: 'web',
  unit_id: 11,
  owner_id: 5,
  tags: ['老客户'],
  may_call: true,
  may_text: true,
  may_email: true,
  quiet_start: '',
  quiet_end: '',
  notes: '客户希望周末联系',
  phones: [
    { number: '16623598986', label: 'mobile', primary: true },
    { number: '0571-87654321', label: 'home', primary: false },
  ],
  phones_masked: false,
  completeness: { score: 100, missing: [] },
  asset_count: 1,
  created_at: 1,
  updated_at: 2,
}

const problem = (p: Partial<Problem>): Problem => ({ type: '/problems/validation.failed', title: 'validation.failed', status: 422, code: 'validation.failed', detail: '提交的内容有误', request_id: 'r', ...p })

describe('customer form', () => {
  it('creates with normalised phones and the chosen primary', () => {
    const f = emptyForm(9, 4)
    Object.assign(f, { name: ' 张伟 ', tags: [' VIP ', 'VIP', ''], quiet_start: '22:00', quiet_end: '08:00' })
    f.phones = [
      { number: '+86 138-1234-5678', label: 'mobile' },
      { number: '(021) 6123 4567', label: ' work ' },
    ]
    f.primary = 1
    expect(newCustomerBody(f)).toMatchObject({
      name: '张伟',
      unit_id: 9,
      owner_id: 4,
      tags: ['VIP'],
      quiet_start: '22:00',
      phones: [
        { number: '13812345678', label: 'mobile', primary: false },
        { number: '021-61234567', label: 'work', primary: true },
      ],
    })
  })

  it('organisations send no gender or birthday', () => {
    const f = emptyForm(9)
    Object.assign(f, { kind: 'organisation', name: '上海某某物业', gender: 'female', birthday: '1990-01-01' })
    expect(newCustomerBody(f)).toMatchObject({ kind: 'organisation', gender: 'unknown', birthday: '' })
  })

  it('an edit sends only what changed', () => {
    const f = formOf(CUSTOMER)
    expect(customerPatch(f, CUSTOMER)).toEqual({})
    f.address = '杭州市西湖区文三路259号'
    f.owner_id = null
    f.quiet_start = '21:30'
    f.quiet_end = '09:00'
    expect(customerPatch(f, CUSTOMER)).toEqual({ address: '杭州市西湖区文三路259号', owner_id: null, quiet_start: '21:30', quiet_end: '09:00' })
    f.primary = 1
    expect(customerPatch(f, CUSTOMER).phones).toEqual([
      { number: '16623598986', label: 'mobile', primary: false },
      { number: '0571-87654321', label: 'home', primary: true },
    ])
  })

  it('masked numbers are never sent back', () => {
    const masked = { ...CUSTOMER, phones_masked: true, phones: [{ number: '166****8986', label: 'mobile', primary: true }] }
    expect(phonesLocked(masked)).toBe(true)
    const f = formOf(masked)
    f.phones.push({ number: '13912345678', label: '' })
    f.notes = '已回访'
    expect(customerPatch(f, masked)).toEqual({ notes: '已回访' })
  })

  it('quiet hours come in pairs', () => {
    expect(quietPairProblem({ quiet_start: '', quiet_end: '' })).toBeNull()
    expect(quietPairProblem({ quiet_start: '22:00', quiet_end: '07:00' })).toBeNull()
    expect(quietPairProblem({ quiet_start: '22:00', quiet_end: '' })).toBe('validation.quietPair')
  })

  it('server problems land on the fields, phones on their row', () => {
    const p = problem({
      errors: [
        { field: 'phones[1].number', code: 'customer.phone_invalid', message: '不是有效的号码' },
        { field: 'phones', code: 'customer.one_primary', message: '只能有一个主号码' },
        { field: 'tags[2]', code: 'field.invalid', message: '格式无效' },
        { field: 'quiet_end', code: 'customer.quiet_pair', message: '需同时填写' },
      ],
    })
    expect(customerErrors(p, 2)).toEqual({ 'phones.1.number': '不是有效的号码', phones: '只能有一个主号码', tags: '格式无效', quiet_end: '需同时填写' })
  })

  it('a number of another customer (409) goes on the number, with that customer', () => {
    const p = { ...problem({ status: 409, code: 'customer.phone_taken', detail: '该电话号码已属于另一位客户' }), existing_id: 298 } as Problem
    expect(customerErrors(p, 1)).toEqual({ 'phones.0.number': '该电话号码已属于另一位客户' })
    expect(customerErrors(p, 3)).toEqual({ phones: '该电话号码已属于另一位客户' })
    expect(existingCustomerId(p)).toBe(298)
    expect(existingCustomerId(problem({}))).toBeNull()
    expect(customerErrors(problem({ status: 403, code: 'auth.forbidden' }), 1)).toEqual({})
    expect(customerErrors(problem({ status: 403, code: 'customer.assign_forbidden', detail: '您不能为客户指定其他负责人。' }), 1)).toEqual({ owner_id: '您不能为客户指定其他负责人。' })
  })
})
