// API of function roles ("Funktionsrollen", apps/desktop/electron/core/features/roles/): roles
// with their current holders, defining them, taking one over or handing it on, and importing a
// duty roster. Roles travel in the organisation's directory channel, so only the conversation with
// a role (whose roster follows its holders) names one.
import { z } from 'zod';
import { escalationPolicy } from '../../domain/escalation.ts';
import { roleEligibility } from '../../domain/role-events.ts';
import { method } from '../define.ts';
import { channelId } from '../common.ts';

const roleId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const person = z.object({ userId: z.string(), displayName: z.string() });
const done = z.object({ done: z.literal(true) });

/** Why this user may not take the role now (the reason every client's fold would give), or null. */
export const roleRefusalSchema = z
  .enum(['not_role_admin', 'unknown_role', 'retired_role', 'not_eligible', 'not_holder', 'invalid_backup', 'replayed'])
  .nullable();

export const roleViewSchema = z.object({
  roleId: z.string(),
  name: z.string(),
  department: z.string(),
  eligible: roleEligibility,
  backupRoleId: z.string().nullable(),
  /** The backup role's name, null when none or unknown. */
  backupRoleName: z.string().nullable(),
  holders: z.array(person),
  /** Since when they hold it (UTC ms); null when nobody does. */
  since: z.number().nullable(),
  /** `schedule`: the duty roster; `manual`: taken over or handed on; `none`: nobody holds it. */
  source: z.enum(['schedule', 'manual', 'none']),
  /** When the roster hands it on next (a manual holding ends then); null when no change is ahead. */
  nextHandover: z.number().nullable(),
  /** Null when this user may take it over now, else why not. */
  takeRefusal: roleRefusalSchema,
  /** This user holds it (and may hand it on or give it up). */
  heldByMe: z.boolean(),
  /** This user may change the role and import its roster (admin, or department admin of its department). */
  mayAdminister: z.boolean(),
  /** The escalation policy of urgent messages to the role (the signed setting in force); null: none. */
  escalation: escalationPolicy.nullable(),
});

/** A conversation with a role, for its header: "Dienstarzt Innere · Dr. Bernd Arzt seit 07:00". */
export const roleConversationViewSchema = z.object({
  roleId: z.string(),
  /** The role's name; null when this workstation does not know the role (any more). */
  name: z.string().nullable(),
  holders: z.array(person),
  /** Since when they hold it (UTC ms); null when nobody does. */
  since: z.number().nullable(),
  /** Who opened the conversation with the role (a member across handovers). */
  caller: person,
});

export const rosterFormatSchema = z.enum(['ics', 'csv']);
const rosterInput = z.strictObject({
  roleId,
  format: rosterFormatSchema,
  /** The file's text (the renderer reads the file the user picked). */
  text: z.string().max(2_000_000),
  /** The file's name, kept with the schedule. */
  fileName: z.string().max(200),
});

export const rosterRowSchema = z.object({
  row: z.number(),
  person: z.string(),
  holder: person.nullable(),
  start: z.number().nullable(),
  end: z.number().nullable(),
  error: z
    .enum([
      'unknown_person',
      'ambiguous_person',
      'bad_time',
      'nonexistent_time',
      'end_before_start',
      'missing_column',
      'not_eligible',
    ])
    .nullable(),
});

export const rolesMethods = {
  'roles.openConversation': method({
    input: z.strictObject({ roleId }),
    output: z.object({ channelId: z.string() }),
    doc: 'This user’s conversation with the role: the one they opened before while they are still in it, else a new one with whoever holds the role now (nobody yet is fine: the next holder is added). Its members follow the role’s holders. `not_found` for an unknown or retired role.',
  }),
  'roles.conversation': method({
    input: z.strictObject({ channelId }),
    output: roleConversationViewSchema.nullable(),
    requires: 'member',
    channelField: 'channelId',
    doc: 'The role a conversation is with, its holders now and since when; null for a conversation that is not with a role.',
  }),
  'roles.list': method({
    input: z.strictObject({}),
    output: z.object({
      roles: z.array(roleViewSchema),
      /** This user may define roles (in some department at least). */
      mayDefine: z.boolean(),
      /** The departments this user may define roles in; null: every department (an organisation admin). */
      departments: z.array(z.string()).nullable(),
    }),
    doc: 'The roles that are not retired, by department and name, each with its current holders by this workstation’s clock.',
  }),
  'roles.define': method({
    input: z.strictObject({
      /** Absent: a new role. */
      roleId: roleId.optional(),
      name: z.string().trim().min(1).max(120),
      department: z.string().trim().min(1).max(200),
      eligible: roleEligibility,
      backupRoleId: roleId.nullable(),
      retired: z.boolean().default(false),
    }),
    output: z.object({ roleId: z.string() }),
    doc: 'Defines a role or changes it, for everyone. `not_permitted` unless this user is an organisation admin or a department admin of its department; `unavailable` before this device is in the organisation’s directory channel.',
  }),
  'roles.take': method({
    input: z.strictObject({ roleId }),
    output: done,
    doc: 'Takes the role over ("Dienst übernehmen") until the roster hands it on next. `not_permitted` with the reason when this user may not hold it; `not_found` for an unknown role.',
  }),
  'roles.handOver': method({
    input: z.strictObject({ roleId, userId: roleId.nullable() }),
    output: done,
    doc: 'Hands the role on to another user who may hold it, or (userId null) gives it up ("Dienst abgeben") until the roster hands it on next: its holder or an admin of it. `not_permitted` with the reason otherwise.',
  }),
  'roles.previewRoster': method({
    input: rosterInput,
    output: z.object({ rows: z.array(rosterRowSchema), importable: z.number() }),
    doc: 'Reads a duty roster (iCalendar or CSV: Person; Beginn; Ende in Europe/Berlin time) for a role without sending anything: every row with its holder and times, or why it cannot be imported.',
  }),
  'roles.setEscalation': method({
    input: z.strictObject({ roleId, policy: escalationPolicy.nullable() }),
    output: done,
    doc: 'Sets (or, null, removes) the escalation of unacknowledged urgent messages to the role, for everyone: re-alert and escalation minutes and the chain of roles. `not_permitted` unless this user may administer the role; `not_found` for an unknown role; `invalid_input` for a policy the schema refuses.',
  }),
  'roles.importRoster': method({
    input: rosterInput,
    output: z.object({ entries: z.number() }),
    doc: 'Imports a duty roster as the role’s schedule for the time it covers, for everyone. `invalid_input` while any row has an error (preview first); `not_permitted` unless this user may administer the role.',
  }),
};

export type RoleView = z.output<typeof roleViewSchema>;
export type RosterRowView = z.output<typeof rosterRowSchema>;

export type RoleConversationView = z.output<typeof roleConversationViewSchema>;
