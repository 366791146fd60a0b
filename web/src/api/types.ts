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
export type Customer = S['Customer']
export type CustomerDetail = S['CustomerDetail']
export type CustomerKind = S['CustomerKind']
export type CustomerSource = S['CustomerSource']
export type CustomerEventKind = S['CustomerEventKind']
export type CustomerEvent = S['CustomerEvent']
export type NewCustomer = S['NewCustomer']
export type CustomerPatch = S['CustomerPatch']
export type Phone = S['Phone']
export type PhoneInput = S['PhoneInput']
export type Completeness = S['Completeness']
export type Gender = Customer['gender']
export type MissingPart = Completeness['missing'][number]
export type DuplicateGroup = S['DuplicateGroup']
export type ImportReport = S['ImportReport']
export type CustomerAssignResult = S['CustomerAssignResult']
export type CustomerAssignRequest = S['CustomerAssignRequest']
export type Asset = S['Asset']
export type AssetType = S['AssetType']
export type AssetField = S['AssetField']
export type AssetFieldType = AssetField['type']
export type AssetTypeInput = S['AssetTypeInput']
export type NewCustomerEvent = S['NewCustomerEvent']
export type Calendar = S['Calendar']
export type CalendarDetail = S['CalendarDetail']
export type CalendarDay = S['CalendarDay']
export type CalendarDayKind = S['CalendarDayKind']
export type WeekHours = S['WeekHours']
export type TimeZone = S['TimeZone']
export type DuePreview = S['DuePreview']
export type Classification = S['Classification']
export type ClassificationInput = S['ClassificationInput']
export type ClassDef = S['ClassDef']
export type DefaultClass = S['DefaultClass']
export type ClassCondition = S['ClassCondition']
export type Measure = S['Measure']
export type ClassRun = S['ClassRun']
export type ClassCounts = S['ClassCounts']
export type ClassDryRun = S['ClassDryRun']

export const ROLES: readonly Role[] = ['admin', 'manager', 'supervisor', 'agent', 'inspector', 'handler', 'viewer']
export const UNIT_KINDS: readonly UnitKind[] = ['head_office', 'region', 'branch', 'store', 'department']
export const PERMISSIONS: readonly Permission[] = [
  'customer.read',
  'customer.write',
  'customer.pii',
  'customer.admin',
  'customer.assign',
  'customer.merge',
  'customer.classify_admin',
  'org.unit.read',
  'org.unit.write',
  'org.user.read',
  'org.user.write',
  'org.user.pii',
  'audit.read',
  'calendar.admin',
]

export const TIME_ZONES: readonly TimeZone[] = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Macau', 'Asia/Taipei', 'Asia/Urumqi', 'Asia/Singapore', 'Asia/Tokyo', 'UTC']
export const CALENDAR_DAY_KINDS: readonly CalendarDayKind[] = ['holiday', 'workday']

export const CUSTOMER_KINDS: readonly CustomerKind[] = ['person', 'organisation']
export const GENDERS: readonly Gender[] = ['male', 'female', 'unknown']
export const CUSTOMER_SOURCES: readonly CustomerSource[] = ['walk_in', 'hotline', 'web', 'referral', 'import', 'campaign', 'partner', 'other']
export const EVENT_KINDS: readonly CustomerEventKind[] = [
  'purchase',
  'delivery',
  'repair',
  'service',
  'visit',
  'visit_without_purchase',
  'order',
  'call',
  'contact',
  'other',
]
export const ASSET_FIELD_TYPES: readonly AssetFieldType[] = ['text', 'date', 'integer', 'money', 'phone', 'enum']
export const MISSING_PARTS: readonly MissingPart[] = ['phone', 'address', 'birthday', 'assets', 'owner']
export const DUPLICATE_REASONS: readonly DuplicateGroup['reason'][] = ['phone', 'plate', 'vin']

// Tickets (投诉/工单).
export type Ticket = S['Ticket']
export type TicketDetail = S['TicketDetail']
export type TicketKind = S['TicketKind']
export type TicketChannel = S['TicketChannel']
export type TicketSeverity = S['TicketSeverity']
export type TicketState = S['TicketState']
export type TicketAction = S['TicketAction']
export type TicketStep = S['TicketStep']
export type TicketComment = S['TicketComment']
export type TicketSanction = S['TicketSanction']
export type TicketCategory = S['TicketCategory']
export type TicketRootCause = S['TicketRootCause']
export type SlaPolicy = S['SlaPolicy']
export type SlaPolicyInput = S['SlaPolicyInput']
export type NewTicket = S['NewTicket']
export type TicketStepRequest = S['TicketStepRequest']
export type TicketCategoryStats = S['TicketCategoryStats']
export type TicketMoneyStats = S['TicketMoneyStats']
export type DueState = Ticket['due_state']

export const TICKET_KINDS: readonly TicketKind[] = ['complaint', 'suggestion', 'praise', 'inquiry', 'repair', 'after_sales', 'internal']
export const TICKET_CHANNELS: readonly TicketChannel[] = ['hotline', 'store_desk', 'callback', 'sms', 'web_form', 'email', 'head_office', 'media', 'partner']
export const TICKET_SEVERITIES: readonly TicketSeverity[] = ['normal', 'escalated', 'channel', 'major']
export const TICKET_STATES: readonly TicketState[] = ['new', 'accepted', 'routed', 'investigated', 'proposed', 'approved', 'implemented', 'closed']
export const TICKET_ACTIONS: readonly TicketAction[] = ['accept', 'reject', 'answer', 'route', 'hand_back', 'investigate', 'propose', 'approve', 'send_back', 'implement', 'verify', 'reopen', 'pause', 'resume']
// Permissions the console knows beyond the core ones above (the server's Permission enum
// gains them as their modules are documented; /me sends them either way).
export const TICKET_PERMISSIONS = ['ticket.read', 'ticket.create', 'ticket.intake', 'ticket.handle', 'ticket.approve', 'ticket.manage', 'ticket.admin'] as const
export const CALLBACK_PERMISSIONS = ['callback.read', 'callback.work', 'callback.supervise', 'rule.read', 'rule.admin'] as const
export const MODULE_PERMISSIONS: readonly string[] = [...TICKET_PERMISSIONS, 'calendar.admin', 'survey.read', 'survey.admin', ...CALLBACK_PERMISSIONS]
export const KNOWN_PERMISSIONS: readonly string[] = [...PERMISSIONS, ...MODULE_PERMISSIONS]

// Callbacks (回访) and their rules.
export type CallbackTask = S['CallbackTask']
export type CallbackDetail = S['CallbackDetail']
export type CallbackState = S['CallbackState']
export type CallbackKind = S['CallbackKind']
export type CallbackOutcome = S['CallbackOutcome']
export type CallbackBacklog = S['CallbackBacklog']
export type CallbackKpis = S['CallbackKpis']
export type CallbackKpiRow = S['CallbackKpiRow']
export type OutboundMessage = S['OutboundMessage']
export type PublicSurvey = S['PublicSurvey']
export type Rule = S['Rule']
export type RuleDefinition = S['RuleDefinition']
export type RuleCondition = S['RuleCondition']
export type RuleCatalogue = S['RuleCatalogue']
export type RuleDryRun = S['RuleDryRun']
export type RuleFiring = S['RuleFiring']
export type SurveyAnswers = S['SurveyAnswers']
export type SurveyPreview = S['SurveyPreview']
export type Questionnaire = S['Questionnaire']
export type QuestionnaireSummary = S['QuestionnaireSummary']
export const CALLBACK_STATES: readonly CallbackState[] = ['pending', 'in_progress', 'done', 'failed', 'cancelled']
