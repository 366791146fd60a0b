import { describe, expect, it } from 'vitest'
import type { AssetType } from '@/api/types'
import { assetAttrs, assetModel, assetRows, checkAsset, checkAssetType, checkAssetValue, displayAssetValue, draftOf, fieldLabel, typeBody, typeName } from './assetForm'

// The presets of the server (customers::preset_asset_types), as GET /api/v1/asset-types gives them.
const VEHICLE: AssetType = {
  code: 'vehicle',
  name_zh: '车辆',
  name_en: 'Vehicle',
  active: true,
  fields: [
    { key: 'plate', label_zh: '车牌号', label_en: 'Plate', type: 'text', required: true, options: [] },
    { key: 'vin', label_zh: '车架号(VIN)', label_en: 'VIN', type: 'text', required: false, options: [] },
    { key: 'model', label_zh: '车型', label_en: 'Model', type: 'text', required: false, options: [] },
    { key: 'delivery_date', label_zh: '交车日期', label_en: 'Delivery date', type: 'date', required: false, options: [] },
    { key: 'mileage_km', label_zh: '行驶里程(公里)', label_en: 'Mileage (km)', type: 'integer', required: false, options: [] },
    { key: 'insurance_expiry', label_zh: '保险到期日', label_en: 'Insurance expiry', type: 'date', required: false, options: [] },
  ],
}
const LINE: AssetType = {
  code: 'phone_line',
  name_zh: '电话号码/套餐',
  name_en: 'Phone line',
  active: true,
  fields: [
    { key: 'number', label_zh: '号码', label_en: 'Number', type: 'phone', required: true, options: [] },
    { key: 'plan', label_zh: '套餐', label_en: '', type: 'text', required: false, options: [] },
    { key: 'arpu_fen', label_zh: '月均消费', label_en: 'ARPU', type: 'money', required: false, options: [] },
    { key: 'risk', label_zh: '风险偏好', label_en: 'Risk', type: 'enum', required: false, options: ['conservative', 'steady', 'aggressive'] },
  ],
}
const field = (t: AssetType, key: string) => t.fields.find((f) => f.key === key)!

describe('asset forms from asset types', () => {
  it('builds one string input per field, money shown in yuan', () => {
    expect(assetModel(VEHICLE)).toEqual({ plate: '', vin: '', model: '', delivery_date: '', mileage_km: '', insurance_expiry: '' })
    expect(assetModel(VEHICLE, { plate: '沪A12345', mileage_km: 43190, vin: null })).toMatchObject({ plate: '沪A12345', mileage_km: '43190', vin: '' })
    expect(assetModel(LINE, { number: '13812345678', arpu_fen: 5800 })).toMatchObject({ number: '13812345678', arpu_fen: '58.00' })
  })

  it('checks formats like the server; required is the server’s to say', () => {
    expect(checkAssetValue(field(VEHICLE, 'plate'), '')).toBeNull()
    expect(checkAssetValue(field(VEHICLE, 'mileage_km'), '43190')).toBeNull()
    expect(checkAssetValue(field(VEHICLE, 'mileage_km'), '12.5')).toBe('validation.integer')
    expect(checkAssetValue(field(VEHICLE, 'mileage_km'), '-3')).toBe('validation.integer')
    expect(checkAssetValue(field(VEHICLE, 'delivery_date'), '2025-02-30')).toBe('validation.date')
    expect(checkAssetValue(field(VEHICLE, 'delivery_date'), '2024-02-29')).toBeNull()
    expect(checkAssetValue(field(LINE, 'arpu_fen'), '58.5')).toBeNull()
    expect(checkAssetValue(field(LINE, 'arpu_fen'), '58.555')).toBe('validation.money')
    expect(checkAssetValue(field(LINE, 'number'), '+86 138 1234 5678')).toBeNull()
    expect(checkAssetValue(field(LINE, 'number'), '12345')).toBe('validation.customerPhone')
    expect(checkAssetValue(field(LINE, 'risk'), 'steady')).toBeNull()
    expect(checkAssetValue(field(LINE, 'risk'), 'reckless')).toBe('validation.option')
    // text: at most 200 bytes, as the server counts (66 Chinese characters fit, 67 do not)
    expect(checkAssetValue(field(VEHICLE, 'model'), '车'.repeat(66))).toBeNull()
    expect(checkAssetValue(field(VEHICLE, 'model'), '车'.repeat(67))).toBe('validation.textBytes')
    expect(checkAsset(VEHICLE, { ...assetModel(VEHICLE), mileage_km: 'x', delivery_date: '2025-13-01' })).toEqual({ mileage_km: 'validation.integer', delivery_date: 'validation.date' })
  })

  it('sends integers and fen as JSON numbers, leaves empty fields out, normalises phones', () => {
    const model = { ...assetModel(VEHICLE), plate: ' 沪A12345 ', mileage_km: '43190', delivery_date: '2025-06-01' }
    expect(assetAttrs(VEHICLE, model)).toEqual({ plate: '沪A12345', mileage_km: 43190, delivery_date: '2025-06-01' })
    expect(assetAttrs(LINE, { number: '+86 138-1234-5678', plan: '', arpu_fen: '58.5', risk: 'steady' })).toEqual({ number: '13812345678', arpu_fen: 5850, risk: 'steady' })
    expect(assetAttrs(VEHICLE, assetModel(VEHICLE))).toEqual({}) // plate missing: the server answers attrs.plate
  })

  it('reads values for people', () => {
    expect(displayAssetValue(field(LINE, 'arpu_fen'), 5850)).toBe('¥58.50')
    expect(displayAssetValue(field(VEHICLE, 'mileage_km'), 43190)).toBe('43,190')
    expect(displayAssetValue(field(LINE, 'risk'), 'steady', (o) => (o === 'steady' ? '稳健型' : o))).toBe('稳健型')
    expect(displayAssetValue(field(VEHICLE, 'vin'), undefined)).toBe('—')
    expect(displayAssetValue(undefined, 'x')).toBe('x')
    expect(assetRows(VEHICLE, { plate: '沪A1', color: '白' }).map((r) => r.key)).toEqual(['plate', 'vin', 'model', 'delivery_date', 'mileage_km', 'insurance_expiry', 'color'])
  })

  it('labels in the UI language, Chinese when English is missing', () => {
    expect(fieldLabel(field(LINE, 'plan'), 'en')).toBe('套餐')
    expect(fieldLabel(field(LINE, 'number'), 'en')).toBe('Number')
    expect(fieldLabel(field(LINE, 'number'), 'zh-CN')).toBe('号码')
    expect(typeName(VEHICLE, 'en')).toBe('Vehicle')
    expect(typeName(undefined, 'en', 'boat')).toBe('boat')
  })
})

describe('asset type editor', () => {
  it('accepts a preset as it is, and sends it trimmed', () => {
    const d = draftOf(VEHICLE)
    expect(checkAssetType(d)).toEqual({})
    d.name_zh = ' 车辆 '
    d.fields[0].options = ['x'] // options only go with enum fields
    expect(typeBody(d)).toMatchObject({ name_zh: '车辆', active: true, fields: [{ key: 'plate', options: [] }, {}, {}, {}, {}, {}] })
  })

  it('mirrors save_asset_type: codes, names, keys, labels, options', () => {
    const d = draftOf()
    d.code = '游艇'
    d.fields = [
      { key: 'hull no', label_zh: '', label_en: '', type: 'text', required: false, options: [] },
      { key: 'len', label_zh: '长度', label_en: '', type: 'integer', required: false, options: [] },
      { key: 'len', label_zh: '长', label_en: 'x'.repeat(41), type: 'enum', required: false, options: [] },
    ]
    expect(checkAssetType(d)).toEqual({
      code: 'validation.fieldKey',
      name_zh: 'validation.required',
      name_en: 'validation.required',
      'fields.0.key': 'validation.fieldKey',
      'fields.0.label_zh': 'validation.required',
      'fields.2.key': 'assetTypes.keyRepeated',
      'fields.2.label_en': 'validation.tooLong',
      'fields.2.options': 'assetTypes.optionsEmpty',
    })
    expect(checkAssetType({ ...draftOf(VEHICLE), fields: [] })).toEqual({ fields: 'assetTypes.fieldsEmpty' })
    expect(checkAssetType(draftOf(VEHICLE), { takenCodes: ['vehicle'] })).toEqual({ code: 'assetTypes.codeTaken' })
  })
})
