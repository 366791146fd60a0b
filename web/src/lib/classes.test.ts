import { describe, expect, it } from 'vitest'
import type { Classification } from '@/api/types'
import { arity, classLook, filterOptions, inputOf, toFen, toYuan } from './classes'

const life: Classification = {
  code: 'lifecycle',
  label_zh: '生命周期',
  label_en: 'Lifecycle',
  active: true,
  version: 1,
  updated_at: 0,
  blank: 'new',
  classes: [{ code: 'churned', label_zh: '已流失', label_en: 'Churned', colour: '#8c8c8c', conditions: [{ measure: 'days_since_last', op: '>=', values: [180], kinds: ['service'] }] }],
  default: { code: 'new', label_zh: '新客户', label_en: 'New', colour: '#13c2c2' },
}

describe('classes', () => {
  it('labels in the reader language, unknown codes as they are', () => {
    expect(classLook(life, 'churned', 'zh-CN').label).toBe('已流失')
    expect(classLook(life, 'new', 'en').label).toBe('New')
    expect(classLook(life, 'gone', 'en')).toEqual({ code: 'gone', label: 'gone', colour: '#8c8c8c' })
  })
  it('filter options: every class and the default, of active classifications', () => {
    expect(filterOptions([life, { ...life, code: 'x', active: false }], 'zh-CN')).toEqual([
      { label: '生命周期', options: [{ value: 'lifecycle:churned', label: '已流失' }, { value: 'lifecycle:new', label: '新客户' }] },
    ])
  })
  it('the API body drops what the server adds and empty parts', () => {
    const body = inputOf(life)
    expect(body).not.toHaveProperty('version')
    expect(body.classes[0].conditions[0]).toEqual({ measure: 'days_since_last', op: '>=', values: [180], kinds: ['service'] })
  })
  it('money and arity', () => {
    expect(toFen(123.45)).toBe(12345)
    expect(toYuan(5000000)).toBe(50000)
    expect([arity('between'), arity('missing'), arity('>=')]).toEqual([2, 0, 1])
  })
})
