// What the workstation does for whoever uses it, signed in or not (issue 8;
// packages/protocol/api/features/workstation.ts, support.ts): the clipboard that clears itself and
// the support package. One per workstation, not per profile: on a reception terminal the package is
// exported signed out too. The IPC adapter (parts/workstation-handlers.ts) hands each call here.
import { writeOwnerOnlyFile } from '@klinikfunk/node-common/owner-only-file.ts';
import { basename } from 'node:path';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { orgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import { appInfo, supportExportSignedOut } from './app-info.ts';
import type { HandlerContext } from './handler-context.ts';
import type { ProfileRuntime } from './profile-runtime.ts';
import { buildSupportPackage, supportFileName } from './support-package.ts';

export class WorkstationService {
  readonly #ctx: HandlerContext;
  constructor(ctx: HandlerContext) {
    this.#ctx = ctx;
  }

  /** A message's text, from the profile the router checked membership in. */
  async copyMessage(runtime: ProfileRuntime, channelId: string, messageId: string) {
    const row = await runtime.profile.store.messages.get(channelId, messageId);
    if (!row || row.deletedAt !== null) throw new AppError('not_found', 'No such message.');
    return this.copyText(row.body);
  }

  async copyText(text: string) {
    const { clipboard } = this.#ctx.sessions;
    await clipboard.copy(text);
    return { clearAfterSeconds: clipboard.clearAfterSeconds };
  }

  async copyOrgFingerprint() {
    const fingerprint = orgFingerprint(this.#ctx.sessions.visible().identity.orgId);
    return { fingerprint, ...(await this.copyText(fingerprint)) };
  }

  async exportSupportPackage() {
    const { sessions, policy } = this.#ctx;
    if (!supportExportSignedOut(policy) && (sessions.session.isLocked || sessions.session.visibleProfile === null))
      throw new AppError('locked', 'On a reception terminal the support package is exported from an unlocked profile.');
    const language = policy.values.uiLanguage ?? 'de';
    const now = new Date(this.#ctx.clock.now());
    const path = await this.#ctx.platform.saveDialog.choosePath({
      title: language === 'en' ? 'Export support package' : 'Supportpaket exportieren',
      suggestedName: supportFileName(now),
      filter: { name: language === 'en' ? 'ZIP archive' : 'ZIP-Archiv', extensions: ['zip'] },
    });
    if (path === null) return { saved: false, fileName: null };
    const bytes = await this.#supportPackage(now);
    try {
      await writeOwnerOnlyFile(path, bytes);
    } catch (error) {
      // The code only: the message names the path, which may hold the Windows user's name.
      this.#ctx.log.warn('support package not written', { code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
      throw new AppError('unavailable', 'The support package could not be written there; choose another folder.');
    }
    this.#ctx.log.info('support package written', { bytes: bytes.length });
    return { saved: true, fileName: basename(path) };
  }

  async #supportPackage(now: Date): Promise<Uint8Array> {
    const { sessions, policy } = this.#ctx;
    const visible = sessions.session.visibleProfile;
    return buildSupportPackage({
      app: appInfo(this.#ctx.build, policy),
      policy,
      profiles: sessions.running().map(([profileId, runtime]) => ({
        visible: profileId === visible,
        connection: runtime.transport.connection(),
        outageSince: runtime.outageSince,
      })),
      profileCount: (await sessions.status()).profileCount,
      logFiles: await this.#ctx.logFiles(),
      now,
    });
  }
}
