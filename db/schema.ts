// Row types of every table, for Kysely. Keep in step with db/migrations.
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

import type {
  CommentKind,
  MetricAggregation,
  MetricDirection,
  PlanStatus,
  Role,
  TaskOrigin,
  TaskStatus,
  UnitKind,
} from "../app/lib/domain";

export type { CommentKind, MetricAggregation, MetricDirection, PlanStatus, Role, TaskOrigin, TaskStatus, UnitKind };

export interface UnitsTable {
  id: Generated<number>;
  name: string;
  kind: UnitKind;
  sort_order: Generated<number>;
  active: Generated<number>;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  unit_id: number | null;
  disabled: Generated<number>;
  must_change_password: Generated<number>;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  expires_at: string;
  created_at: string;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  key: string;
  failed_at: string;
}

export interface PlansTable {
  id: Generated<number>;
  year: number;
  title: string;
  organization: string;
  status: PlanStatus;
  light_thresholds: string | null;
  /** Bumped in the same transaction as every task write of the plan (board live updates). */
  change_seq: Generated<number>;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface SourceDocumentsTable {
  id: Generated<number>;
  plan_id: number | null;
  file_name: string;
  sha256: string;
  original_text: string;
  parsed_json: string;
  imported_by: number | null;
  imported_at: string;
}

export interface TasksTable {
  id: Generated<number>;
  plan_id: number;
  code: string;
  title: string;
  description: Generated<string>;
  category: Generated<string>;
  origin: TaskOrigin;
  origin_ref: string | null;
  source_excerpt: string | null;
  source_document_id: number | null;
  carried_from_task_id: number | null;
  /** Set when the task was continued into next year's plan (已结转). */
  carried_to_task_id: Generated<number | null>;
  /** The 完成时限 before the first approved 延期申请 ("已延期（原定…）"); null: never extended. */
  original_due_date: Generated<string | null>;
  lead_user_id: number | null;
  status: TaskStatus;
  position: string;
  start_date: string | null;
  due_date: string | null;
  progress: Generated<number>;
  done_at: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface TaskUnitsTable {
  task_id: number;
  unit_id: number;
  role: "lead" | "support";
}

export interface MetricsTable {
  id: Generated<number>;
  plan_id: number;
  task_id: number | null;
  name: string;
  unit: string;
  baseline: number | null;
  target: number | null;
  direction: MetricDirection;
  aggregation: MetricAggregation;
  category: Generated<string>;
  source_ref: string | null;
  source_sentence: string | null;
  /** Period of `baseline` ("全年", "1-10月"); null: unknown (no 同比). */
  baseline_period: Generated<string | null>;
  /** Verb phrase the figure is told with ("排查商户"); null: derived from source_sentence. */
  phrase: Generated<string | null>;
  sort_order: Generated<number>;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface UpdatesTable {
  id: Generated<number>;
  task_id: number;
  unit_id: number;
  author_id: number;
  week: string;
  body: string;
  progress: number;
  next_steps: Generated<string>;
  blockers: Generated<string>;
  needs_coordination: Generated<number>;
  is_demo: Generated<number>;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface SubmissionKeysTable {
  key: string;
  user_id: number;
  result_json: string;
  created_at: Generated<string>;
}

export interface MetricValuesTable {
  id: Generated<number>;
  metric_id: number;
  unit_id: number;
  week: string;
  value: number;
  update_id: number | null;
  reported_by: number;
  reported_at: string;
}

export interface CommentsTable {
  id: Generated<number>;
  task_id: number;
  author_id: number;
  kind: CommentKind;
  target_unit_id: number | null;
  body: string;
  created_at: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_id: number | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before_json: string | null;
  after_json: string | null;
  created_at: string;
}

export interface AttachmentsTable {
  id: Generated<number>;
  update_id: number;
  task_id: number;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  uploaded_by: number;
  created_at: string;
}

export interface CommentMentionsTable {
  comment_id: number;
  unit_id: number;
}

export interface SummariesTable {
  id: Generated<number>;
  plan_id: number;
  version: number;
  status: "draft" | "final";
  content: string;
  author_id: number | null;
  created_at: string;
}

export interface NextYearOutlinesTable {
  id: Generated<number>;
  plan_id: number;
  /** JSON: NextYearOutline (app/lib/summary/outline.ts). */
  content: string;
  updated_by: number | null;
  updated_at: string;
  version: Generated<number>;
}

export type ChannelKind = "wecom" | "dingtalk" | "email";
export type OutboxChannelKind = ChannelKind | "inapp";
/** Who a channel or message is for: one unit (unit_id) or the street's leaders. */
export type Audience = "unit" | "leaders";
export type OutboxStatus = "pending" | "sending" | "sent" | "failed";

export interface DeliveryChannelsTable {
  id: Generated<number>;
  audience: Audience;
  unit_id: number | null;
  kind: ChannelKind;
  name: string;
  /** Encrypted (secret-box): the robot's webhook URL, key included. */
  webhook_enc: string | null;
  /** Encrypted: 钉钉's signing secret (加签). */
  sign_secret_enc: string | null;
  /** E-mail recipients, comma-separated. */
  email_to: string | null;
  enabled: Generated<number>;
  created_at: string;
  updated_at: string;
  version: Generated<number>;
}

export interface OutboxTable {
  id: Generated<number>;
  event: string;
  channel_id: number | null;
  channel_kind: OutboxChannelKind;
  audience: Audience;
  unit_id: number | null;
  task_id: number | null;
  title: string;
  /** Short Chinese Markdown. */
  body: string;
  dedupe_key: string | null;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: string;
  lease_until: string | null;
  last_error: string | null;
  response: string | null;
  created_at: string;
  sent_at: string | null;
  updated_at: string;
}

export interface AppSettingsTable {
  key: string;
  value: string;
  updated_by: number | null;
  updated_at: string;
}

export interface JobRunsTable {
  name: string;
  last_slot: string | null;
  last_run_at: string | null;
  last_result: string | null;
}

export type ExtensionStatus = "pending" | "approved" | "refused";

/** A 延期申请: a later 完成时限 asked for, and the leader's decision. */
export interface TaskExtensionsTable {
  id: Generated<number>;
  task_id: number;
  requested_by: number | null;
  /** The applicant's unit (null for a leader applying). */
  unit_id: number | null;
  /** The task's 完成时限 when the request was made. */
  old_due_date: string | null;
  requested_due_date: string;
  reason: string;
  status: Generated<ExtensionStatus>;
  decided_by: number | null;
  /** The approval's note, or the refusal's reason. */
  decision_note: Generated<string>;
  decided_at: string | null;
  created_at: string;
}

/** An issued 督办通报: its number in the plan's year, its period, and the document as issued. */
export interface BriefingsTable {
  id: Generated<number>;
  plan_id: number;
  number: number;
  period_kind: "week" | "month";
  period_key: string;
  period_start: string;
  period_end: string;
  /** JSON: BriefingContent (app/lib/briefing.ts). */
  content: string;
  issued_by: number | null;
  issued_at: string;
  updated_at: string;
}

export interface Database {
  units: UnitsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  plans: PlansTable;
  source_documents: SourceDocumentsTable;
  tasks: TasksTable;
  task_units: TaskUnitsTable;
  metrics: MetricsTable;
  updates: UpdatesTable;
  metric_values: MetricValuesTable;
  comments: CommentsTable;
  audit_log: AuditLogTable;
  submission_keys: SubmissionKeysTable;
  summaries: SummariesTable;
  attachments: AttachmentsTable;
  comment_mentions: CommentMentionsTable;
  next_year_outlines: NextYearOutlinesTable;
  delivery_channels: DeliveryChannelsTable;
  outbox: OutboxTable;
  app_settings: AppSettingsTable;
  job_runs: JobRunsTable;
  task_extensions: TaskExtensionsTable;
  briefings: BriefingsTable;
}

export type Unit = Selectable<UnitsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type NewMetricValue = Insertable<MetricValuesTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Plan = Selectable<PlansTable>;
export type Task = Selectable<TasksTable>;
export type Metric = Selectable<MetricsTable>;
