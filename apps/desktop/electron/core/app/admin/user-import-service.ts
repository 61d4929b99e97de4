// The CSV user import and bulk registration letters (issue 19 item 4;
// packages/protocol/api/features/user-import.ts) for the visible profile. An admin device signs
// with the organisation key; a department admin's device signs as its delegation's holder, and the
// plan refuses what the delegation does not cover before anything is signed. Every record of an
// import is signed and checked against this device's directory (the check relay and clients run)
// before the first one is sent, so a file with one bad row imports nothing. The IPC adapter
// (parts/user-import-handlers.ts) hands each call here.
import { writeOwnerOnlyFile } from '@klinikfunk/node-common/owner-only-file.ts';
import { basename } from 'node:path';
import type { MethodParsedInput } from '@klinikfunk/protocol/api/contract.ts';
import type { RegistrationLetter } from '@klinikfunk/protocol/api/features/users-admin.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { makeRegistration, signUser } from '../../account/admin.ts';
import { makeDelegatedRegistration, signAsDelegate } from '../../account/delegation.ts';
import { planImport, previewOf, type ImportActor, type ImportPlan } from '../../account/user-import/import-plan.ts';
import { LETTER_TEXTS } from '../../account/user-import/letter-texts.ts';
import { lettersPdf } from '../../account/user-import/letters-pdf.ts';
import type { Clock } from '../../clock/clock.ts';
import type { Logger } from '../../log/logger.ts';
import type { Platform } from '../../platform/platform.ts';
import type { ProfileRuntime } from '../profile-runtime.ts';
import type { SessionService } from '../session-service.ts';
import { publishAdminRecord, registrationLetter, requireAdminRuntime } from './admin-records.ts';
import { assertDelegationHolder } from './delegated-service.ts';

export interface UserImportDeps {
  sessions: SessionService;
  clock: Clock;
  platform: Platform;
  log: Logger;
}

interface Acting {
  runtime: ProfileRuntime;
  actor: ImportActor;
  delegationId: string | null;
}

type User = NonNullable<ReturnType<ProfileRuntime['client']['directory']['users']['get']>>['body'];

export class UserImportService {
  readonly #deps: UserImportDeps;
  constructor(deps: UserImportDeps) {
    this.#deps = deps;
  }

  preview(file: Uint8Array, delegationId: string | undefined) {
    return previewOf(this.#plan(this.#acting(delegationId), file));
  }

  async apply(file: Uint8Array, delegationId: string | undefined) {
    const who = this.#acting(delegationId);
    const planned = this.#plan(who, file);
    if (planned.fileProblem)
      throw new AppError(
        'invalid_input',
        `Nothing was imported: the file cannot be read (${planned.fileProblem.code}).`,
      );
    if (planned.counts.error > 0)
      throw new AppError(
        'invalid_input',
        `Nothing was imported: ${planned.counts.error} rows have problems; fix them and import the file again.`,
      );
    const records = planned.rows.filter((row) => row.body !== null).map((row) => this.#sign(who, row));
    for (const record of records) {
      const verdict = who.runtime.client.directory.verify(record);
      if (!verdict.ok)
        throw new AppError('not_permitted', `Nothing was imported: ${verdict.detail ?? verdict.reason}.`);
    }
    for (const record of records) await publishAdminRecord(who.runtime, record);
    this.#deps.log.info('users imported', {
      created: planned.counts.create,
      updated: planned.counts.update,
      unchanged: planned.counts.unchanged,
      delegated: who.delegationId !== null,
    });
    return {
      created: planned.counts.create,
      updated: planned.counts.update,
      unchanged: planned.counts.unchanged,
      userIds: planned.rows.map((row) => row.userId!),
    };
  }

  async bulkLetters({ userIds, delegationId, language }: MethodParsedInput<'admin.bulkLetters'>) {
    const who = this.#acting(delegationId);
    const dir = who.runtime.client.directory;
    const users = userIds.map((userId) => {
      const user = dir.users.get(userId)?.body;
      if (!user?.active || dir.revokedUsers.has(userId))
        throw new AppError('not_found', 'A user of the list is unknown or deactivated.');
      return user;
    });
    const path = await this.#deps.platform.saveDialog.choosePath({
      title: language === 'en' ? 'Save registration letters' : 'Registrierungsbriefe speichern',
      suggestedName: language === 'en' ? 'registration-letters.pdf' : 'Registrierungsbriefe.pdf',
      filter: { name: 'PDF', extensions: ['pdf'] },
    });
    if (path === null) return { saved: false, fileName: null, letters: 0 };
    const letters = await this.#registrations(who, users);
    const pdf = await lettersPdf(letters, LETTER_TEXTS[language]);
    try {
      // Narrowed before the first key is written, also over an existing file.
      await writeOwnerOnlyFile(path, pdf);
    } catch (error) {
      // The code only: the path may hold the Windows user's name. The keys are never logged.
      this.#deps.log.warn('registration letters not written', {
        code: (error as NodeJS.ErrnoException).code ?? 'unknown',
      });
      throw new AppError(
        'unavailable',
        'The letters could not be written there; choose another folder and make them again (the keys just made stay unused and expire).',
      );
    }
    this.#deps.log.info('registration letters written', {
      letters: letters.length,
      delegated: who.delegationId !== null,
    });
    return { saved: true, fileName: basename(path), letters: letters.length };
  }

  /** A registration per user, each checked before the first is sent, then sent: the letters' contents. */
  async #registrations(who: Acting, users: User[]): Promise<RegistrationLetter[]> {
    const dir = who.runtime.client.directory;
    const delegation = who.delegationId === null ? null : dir.delegations.get(who.delegationId)!.body;
    const made = users.map((user) => {
      const now = this.#deps.clock.now();
      const { code, record } = delegation
        ? makeDelegatedRegistration(who.runtime.identity, delegation, user.userId, now)
        : makeRegistration(who.runtime.identity, user.userId, now);
      const verdict = dir.verify(record);
      if (!verdict.ok)
        throw new AppError('not_permitted', `No letters were made: ${verdict.detail ?? verdict.reason}.`);
      return { user, code, record };
    });
    const letters: RegistrationLetter[] = [];
    for (const { user, code, record } of made) {
      await publishAdminRecord(who.runtime, record);
      letters.push(registrationLetter(who.runtime, user.displayName, code, record.body));
    }
    return letters;
  }

  #acting(delegationId: string | undefined): Acting {
    const { sessions, clock } = this.#deps;
    if (delegationId === undefined)
      return { runtime: requireAdminRuntime(sessions), actor: { kind: 'admin' }, delegationId: null };
    const runtime = sessions.visible();
    assertDelegationHolder(runtime, clock, delegationId);
    const scope = runtime.client.directory.delegations.get(delegationId)!.body.scope;
    return { runtime, actor: { kind: 'delegate', scope }, delegationId };
  }

  #plan({ runtime, actor }: Acting, file: Uint8Array): ImportPlan {
    return planImport(file, {
      orgId: runtime.identity.orgId,
      user: (userId) => runtime.client.directory.users.get(userId)?.body,
      actor,
    });
  }

  #sign({ runtime, delegationId }: Acting, row: ImportPlan['rows'][number]): SignedRecord<'user'> {
    const body = row.body!;
    // Later than the record it replaces, or the directory keeps the old one (admin.ts signUserUpdate).
    const now = Math.max(this.#deps.clock.now(), (row.previousIssuedAt ?? -1) + 1);
    if (delegationId === null) return signUser(runtime.identity, { ...body, now });
    return signAsDelegate(runtime.identity, delegationId, 'user', {
      orgId: runtime.identity.orgId,
      ...body,
      issuedAt: now,
    });
  }
}
