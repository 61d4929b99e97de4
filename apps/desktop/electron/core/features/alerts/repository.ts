// The SQL of templates and broadcast alerts: their events of the directory channel are kept as
// logged (`alert_ops`, inside applyEvents' transaction through the store's port
// store/content-features.ts); who may do what, and who acknowledged what, is resolve.ts's fold.
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { alertAck, alertSend, templateDefine, type AlertPayload } from '@klinikfunk/protocol/domain/alert-events.ts';
import type { ContentFeature } from '../../store/content-features.ts';
import type { Db } from '../../store/database.ts';
import { sql } from '../../store/statements.ts';
import { DirectoryAuthority } from '../../store/directory-facts.ts';
import type { AlertOp } from './resolve.ts';
import { followOp, keepOp, opLogVersion, opsOf } from '../kit/op-log-repository.ts';

function keep(db: Db, event: ChannelEvent): string | null {
  // Only the directory channel, whose roster is every active user, carries templates and alerts.
  if (sql(db, 'SELECT org_wide FROM channels WHERE channel_id = ?').pluck().get(event.channelId) !== 1)
    return 'not_directory_channel';
  // As with role_ops: a kept event id under another device or place is a replay, never a move.
  return keepOp(db, 'alert_ops', event);
}

/** An own event got its place from the relay, or was refused for good: its row follows the log. */
const follow = (db: Db, event: ChannelEvent) => followOp(db, 'alert_ops', event);

// Any member of the directory channel may send one (the rule table lets it in); who may define a
// template or send an alert the fold decides from the log in order (resolve.ts). They travel
// labelled like the directory channel's other events, so the relay cannot tell an alert from an
// announcement or a role event (docs/security.md).
const anyMember = { who: 'member' } as const;
export const alertsContent: ContentFeature = {
  name: 'alerts',
  events: {
    'template.define': { schema: templateDefine, rule: anyMember, contentType: 'channel' },
    'alert.send': { schema: alertSend, rule: anyMember, contentType: 'channel' },
    'alert.ack': { schema: alertAck, rule: anyMember, contentType: 'channel' },
  },
  apply: keep,
  author: () => undefined,
  ordered: {
    keepsRefusedPayload: true,
    recompute: follow,
    // The fold reads alert_ops in seq order whenever asked, so an event opened late needs nothing more.
    openedLate: () => false,
  },
};

/** The read side, built by the store (ProfileStore.repository); the directory facts are the kit's. */
export class AlertRepository extends DirectoryAuthority {
  readonly #db: Db;
  constructor(db: Db) {
    super(db);
    this.#db = db;
  }

  /** Every kept template and alert event in the relay's order, own pending ones last. */
  ops(): AlertOp[] {
    return opsOf<AlertPayload>(this.#db, 'alert_ops');
  }

  /** Changes whenever an event is added or gets its place, or a directory record arrives (the fold's cache key). */
  version(): string {
    return opLogVersion(this.#db, 'alert_ops');
  }
}

export const alertRepository = (db: Db) => new AlertRepository(db);
