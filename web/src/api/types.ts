// Short names for the API's schemas, generated from src/app/openapi.json (see schema.d.ts).
import type { components } from './schema'

type S = components['schemas']
export type Unit = S['Unit']
export type UnitKind = S['UnitKind']
export type User = S['User']
export type Role = S['Role']
export type Permission = S['Permission']
export type Me = S['Me']
export type ApiToken = S['ApiToken']
export type IssuedToken = S['IssuedToken']
export type TokenScope = S['TokenScope']
export type AuditRecord = S['AuditRecord']
export type Problem = S['Problem']
export type FieldError = S['FieldError']
export type NewUnit = S['NewUnit']
export type UnitPatch = S['UnitPatch']
export type NewUser = S['NewUser']
export type UserPatch = S['UserPatch']

export const ROLES: readonly Role[] = ['admin', 'manager', 'supervisor', 'agent', 'inspector', 'handler', 'viewer']
export const UNIT_KINDS: readonly UnitKind[] = ['head_office', 'region', 'branch', 'store', 'department']
export const PERMISSIONS: readonly Permission[] = [
  'customer.read',
  'customer.write',
  'customer.pii',
  'customer.admin',
  'org.unit.read',
  'org.unit.write',
  'org.user.read',
  'org.user.write',
  'org.user.pii',
  'audit.read',
]
