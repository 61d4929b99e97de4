import { bigint, sql, table, text, type RelayMigration } from '../schema/ddl.ts';

export const migration0090: RelayMigration = {
  version: 90,
  name: 'mail-senders',
  steps: [
    // items each sender has waiting, kept by triggers on every insert and delete (puts, acks,
    // expiry, retention): the per-sender cap reads one row instead of counting up to 50,000
    // index entries inside the write lock at every put
    table({
      name: 'mail_senders',
      columns: [text('from_device', { primaryKey: true }), bigint('waiting')],
      withoutRowid: true,
    }),
    sql({
      sqlite: `
        INSERT INTO mail_senders (from_device, waiting) SELECT from_device, count(*) FROM mailbox GROUP BY from_device;
        CREATE TRIGGER mailbox_sender_in AFTER INSERT ON mailbox BEGIN
          INSERT INTO mail_senders (from_device, waiting) VALUES (new.from_device, 1)
            ON CONFLICT (from_device) DO UPDATE SET waiting = waiting + 1;
        END;
        CREATE TRIGGER mailbox_sender_out AFTER DELETE ON mailbox BEGIN
          UPDATE mail_senders SET waiting = waiting - 1 WHERE from_device = old.from_device;
        END;`,
      // Deletes (acks, expiry, retention) lower the senders they touch in one statement, locking
      // those rows in sender order: two acks never wait on each other in a cycle.
      postgres: `
        INSERT INTO mail_senders (from_device, waiting) SELECT from_device, count(*) FROM mailbox GROUP BY from_device;
        CREATE FUNCTION mailbox_sender_in() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO mail_senders (from_device, waiting) VALUES (NEW.from_device, 1)
            ON CONFLICT (from_device) DO UPDATE SET waiting = mail_senders.waiting + 1;
          RETURN NULL;
        END $$;
        CREATE TRIGGER mailbox_sender_in AFTER INSERT ON mailbox FOR EACH ROW EXECUTE FUNCTION mailbox_sender_in();
        CREATE FUNCTION mailbox_sender_out() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM 1 FROM mail_senders WHERE from_device IN (SELECT from_device FROM gone) ORDER BY from_device FOR UPDATE;
          UPDATE mail_senders s SET waiting = s.waiting - g.n
            FROM (SELECT from_device, count(*) AS n FROM gone GROUP BY from_device) g WHERE s.from_device = g.from_device;
          RETURN NULL;
        END $$;
        CREATE TRIGGER mailbox_sender_out AFTER DELETE ON mailbox REFERENCING OLD TABLE AS gone
          FOR EACH STATEMENT EXECUTE FUNCTION mailbox_sender_out();`,
    }),
  ],
};
