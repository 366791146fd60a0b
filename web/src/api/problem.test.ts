import { describe, expect, it } from 'vitest'
import { ApiError, fieldErrorsByPath, fieldErrorsOf, formField, isProblem, problemExtra, unplacedErrors } from './problem'
import type { Problem } from './types'

const problem = (p: Partial<Problem>): Problem => ({
  type: '/problems/validation.failed',
  title: 'validation.failed',
  status: 422,
  code: 'validation.failed',
  detail: '提交的内容有误，请检查标出的字段。',
  request_id: 'r1',
  ...p,
})

describe('problem+json → form fields', () => {
  it('maps field errors by name, folding array indexes', () => {
    const p = problem({
      errors: [
        { field: 'username', code: 'org.username_invalid', message: '用户名为 2–32 位字母、数字或 . - _' },
        { field: 'roles[0]', code: 'org.role_unknown', message: '未知角色 boss' },
        { field: 'roles[2]', code: 'org.role_duplicate', message: '角色 agent 重复' },
      ],
    })
    expect(fieldErrorsOf(p)).toEqual({
      username: '用户名为 2–32 位字母、数字或 . - _',
      roles: '未知角色 boss; 角色 agent 重复',
    })
  })

  it('puts conflicts that name one field on that field', () => {
    const p = problem({ status: 409, code: 'org.code_taken', detail: '编码 SH 已被其他组织单元使用。' })
    expect(fieldErrorsOf(p)).toEqual({ code: '编码 SH 已被其他组织单元使用。' })
    const u = problem({ status: 409, code: 'org.username_taken', detail: 'The user name x is taken.' })
    expect(fieldErrorsOf(u)).toEqual({ username: 'The user name x is taken.' })
  })

  it('renames with aliases and reports what no field shows', () => {
    const p = problem({ errors: [{ field: 'parent_id', code: 'org.kind_not_allowed', message: '门店不能挂在总部下' }, { field: 'x', code: 'field.unknown', message: '不认识的字段' }] })
    const mapped = fieldErrorsOf(p, { parent_id: 'kind' })
    expect(mapped).toEqual({ kind: '门店不能挂在总部下', x: '不认识的字段' })
    expect(unplacedErrors(mapped, ['kind', 'name'])).toEqual(['x: 不认识的字段'])
  })

  it('no problem, no errors', () => {
    expect(fieldErrorsOf(null)).toEqual({})
    expect(fieldErrorsOf(problem({ status: 403, code: 'auth.forbidden' }))).toEqual({})
  })

  it('recognises problems and names error codes', () => {
    expect(isProblem({ code: 'x', status: 400 })).toBe(true)
    expect(isProblem('oops')).toBe(false)
    expect(isProblem({ message: 'x' })).toBe(false)
    expect(new ApiError(0, null).code).toBe('network')
    expect(new ApiError(502, null).code).toBe('http.502')
    expect(new ApiError(423, problem({ status: 423, code: 'auth.locked', detail: '账号已临时锁定' })).message).toBe('账号已临时锁定')
    expect(formField('items[3].name')).toBe('items.name')
  })

  it('keeps list positions as form paths', () => {
    const p = problem({
      errors: [
        { field: 'phones[1].number', code: 'customer.phone_invalid', message: '无效' },
        { field: 'fields[0].key', code: 'org.code_invalid', message: '编码无效' },
        { field: 'fields[0].key', code: 'customer.key_repeated', message: '重复' },
        { field: 'attrs.plate', code: 'field.required', message: '必填' },
      ],
    })
    expect(fieldErrorsByPath(p)).toEqual({ 'phones.1.number': '无效', 'fields.0.key': '编码无效; 重复', 'attrs.plate': '必填' })
    expect(fieldErrorsByPath(null)).toEqual({})
    expect(problemExtra({ ...problem({}), existing_id: 7 } as Problem, 'existing_id')).toBe(7)
  })
})
