import { describe, expect, it } from 'vitest'
import type { Problem } from '@/api/types'
import { checkAnswer, checkPhone, followLink, halfWidth, needsNewChallenge, normaliseAnswer, publicFieldErrors, publicPhone, publicStage } from './publicForm'

describe('publicPhone', () => {
  it('takes mainland mobiles and landlines in the server’s form', () => {
    expect(publicPhone('13812345678')).toBe('13812345678')
    expect(publicPhone('19912345678')).toBe('19912345678')
    expect(publicPhone('010-12345678')).toBe('010-12345678')
    expect(publicPhone('0571-8888666')).toBe('0571-8888666')
  })

  it('puts what customers type into that form', () => {
    expect(publicPhone(' 138 1234 5678 ')).toBe('13812345678')
    expect(publicPhone('138-1234-5678')).toBe('13812345678')
    expect(publicPhone('+86 138 1234 5678')).toBe('13812345678')
    expect(publicPhone('0086 13812345678')).toBe('13812345678')
    expect(publicPhone('１３８１２３４５６７８')).toBe('13812345678')
    expect(publicPhone('(010) 1234 5678')).toBe('010-12345678')
    expect(publicPhone('01012345678')).toBe('010-12345678')
    expect(publicPhone('02161234567')).toBe('021-61234567')
    expect(publicPhone('057188886666')).toBe('0571-88886666')
    expect(publicPhone('0571-8888-6666')).toBe('0571-88886666')
    expect(publicPhone('010－12345678')).toBe('010-12345678')
  })

  it('refuses what is not a number to call', () => {
    for (const bad of ['', '   ', '1381234567', '138123456789', '12812345678', '23812345678', '12345', '010-123456', '010-123456789', '10-12345678', '01234-1234567', '138abc45678', 'tel:13812345678', '13812345678 ext 2'])
      expect(publicPhone(bad), bad).toBeNull()
  })

  it('checkPhone names the problem', () => {
    expect(checkPhone('')).toBe('public.form.phoneRequired')
    expect(checkPhone('12345')).toBe('public.form.phoneInvalid')
    expect(checkPhone('010-12345678')).toBeNull()
  })
})

describe('the human check', () => {
  it('normalises the answer to digits', () => {
    expect(normaliseAnswer('12')).toBe('12')
    expect(normaliseAnswer(' 1 2 ')).toBe('12')
    expect(normaliseAnswer('１２')).toBe('12')
    expect(normaliseAnswer('012')).toBe('12')
    expect(normaliseAnswer('0')).toBe('0')
    expect(normaliseAnswer('')).toBe('')
    expect(normaliseAnswer('twelve')).toBe('')
    expect(normaliseAnswer('12.5')).toBe('')
    expect(normaliseAnswer('-3')).toBe('')
  })

  it('checkAnswer wants a number', () => {
    expect(checkAnswer('')).toBe('public.form.answerRequired')
    expect(checkAnswer('abc')).toBe('public.form.answerNumber')
    expect(checkAnswer('１２')).toBeNull()
  })

  it('halfWidth turns full-width digits, letters and dashes into ASCII', () => {
    expect(halfWidth('０１２３ＡＢ－ｃ')).toBe('0123AB-c')
    expect(halfWidth('010—1234')).toBe('010-1234')
  })
})

describe('followLink', () => {
  it('builds the absolute link from the page’s origin and the server’s path', () => {
    expect(followLink('https://kefu.example.com', '/public/tickets/BX-2026-000123?t=abc123')).toBe('https://kefu.example.com/public/tickets/BX-2026-000123?t=abc123')
    expect(followLink('http://127.0.0.1:8091', '/public/tickets/TS-2026-000001?t=ff')).toBe('http://127.0.0.1:8091/public/tickets/TS-2026-000001?t=ff')
    expect(followLink('https://kefu.example.com/', '/public/tickets/X?t=1')).toBe('https://kefu.example.com/public/tickets/X?t=1')
  })

  it('keeps a link that is already absolute', () => {
    expect(followLink('http://a.example', 'https://b.example/public/tickets/X?t=1')).toBe('https://b.example/public/tickets/X?t=1')
  })
})

describe('publicStage', () => {
  it('received → being handled → closed', () => {
    expect(publicStage('new')).toBe(0)
    expect(publicStage(undefined)).toBe(0)
    for (const s of ['accepted', 'routed', 'investigated', 'proposed', 'approved', 'implemented', 'paused']) expect(publicStage(s), s).toBe(1)
    expect(publicStage('closed')).toBe(2)
  })
})

describe('server errors', () => {
  const problem = (errors: { field: string; code: string; message: string }[]): Problem => ({
    type: '/problems/validation.failed',
    title: 'validation.failed',
    status: 422,
    code: 'validation.failed',
    detail: '部分字段不正确',
    request_id: 'r1',
    errors,
  })

  it('puts field messages on the form’s fields, the challenge id on the answer', () => {
    const p = problem([
      { field: 'phone', code: 'org.phone_invalid', message: '电话号码格式不正确' },
      { field: 'challenge_id', code: 'field.required', message: '必填' },
      { field: 'unit_id', code: 'ticket.unit_unknown', message: '门店不存在' },
      { field: 'mood', code: 'field.unknown', message: '未知字段' },
    ])
    expect(publicFieldErrors(p)).toEqual({ fields: { phone: '电话号码格式不正确', answer: '必填', unit_id: '门店不存在' }, rest: ['未知字段'] })
    expect(needsNewChallenge(p)).toBe(true)
  })

  it('a failure elsewhere keeps the question', () => {
    expect(needsNewChallenge(problem([{ field: 'subject', code: 'field.required', message: '必填' }]))).toBe(false)
    expect(needsNewChallenge(null)).toBe(false)
    expect(publicFieldErrors(null)).toEqual({ fields: {}, rest: [] })
  })
})

describe('messages of the checks', () => {
  it('exist in both languages', async () => {
    const zh = (await import('@/i18n/locales/public.zh-CN')).default as unknown as Record<string, Record<string, string>>
    const en = (await import('@/i18n/locales/public.en')).default as unknown as Record<string, Record<string, string>>
    const keys = [checkPhone(''), checkPhone('1'), checkAnswer(''), checkAnswer('x')]
    for (const key of keys) {
      const [, group, name] = (key ?? '').split('.')
      expect(zh[group]?.[name], key ?? '').toBeTruthy()
      expect(en[group]?.[name], key ?? '').toBeTruthy()
    }
  })
})
