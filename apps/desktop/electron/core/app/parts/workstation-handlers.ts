// IPC handlers of the API for shared workstations and the support package (issue 8)
// (packages/protocol/api/features/workstation.ts, support.ts).
import type { SUPPORT_METHOD_NAMES } from '@klinikfunk/protocol/api/features/support-names.ts';
import type { WORKSTATION_METHOD_NAMES } from '@klinikfunk/protocol/api/features/workstation-names.ts';
import { writeOwnerOnlyFile } from '@klinikfunk/node-common/owner-only-file.ts';
import { basename } from 'node:path';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import { orgFingerprint } from '@klinikfunk/protocol/wire/org-fingerprint.ts';
import type { HandlerContext, ProfileHandlers } from '../handler-context.ts';
import { appInfo, supportExportSignedOut } from '../app-info.ts';
import { buildSupportPackage, supportFileName } from '../support-package.ts';

type Names = (typeof WORKSTATION_METHOD_NAMES)[number] | (typeof SUPPORT_METHOD_NAMES)[number];

export function workstationHandlers(ctx: HandlerContext): Pick<ProfileHandlers, Names> {
  const { sessions } = ctx;
  const language = ctx.policy.values.uiLanguage ?? 'de';
  return {
    'session.rules': () => sessions.rules(),
    'clipboard.copyMessage': async ({ channelId, messageId }, { runtime }) => {
      // A foreign channel never gets here (`requires: 'member'` in the contract, checked by the router).
      const row = await runtime.profile.store.messages.get(channelId, messageId);
      if (!row || row.deletedAt !== null) throw new AppError('not_found', 'No such message.');
      await sessions.clipboard.copy(row.body);
      return { clearAfterSeconds: sessions.clipboard.clearAfterSeconds };
    },
    'clipboard.copySelection': async ({ text }) => {
      await sessions.clipboard.copy(text);
      return { clearAfterSeconds: sessions.clipboard.clearAfterSeconds };
    },
    'clipboard.copyOrgFingerprint': async () => {
      const fingerprint = orgFingerprint(sessions.visible().identity.orgId);
      await sessions.clipboard.copy(fingerprint);
      return { fingerprint, clearAfterSeconds: sessions.clipboard.clearAfterSeconds };
    },
    'support.exportPackage': async () => {
      if (
        !supportExportSignedOut(ctx.policy) &&
        (sessions.session.isLocked || sessions.session.visibleProfile === null)
      )
        throw new AppError(
          'locked',
          'On a reception terminal the support package is exported from an unlocked profile.',
        );
      const now = new Date(ctx.clock.now());
      const path = await ctx.platform.saveDialog.choosePath({
        title: language === 'en' ? 'Export support package' : 'Supportpaket exportieren',
        suggestedName: supportFileName(now),
        filter: { name: language === 'en' ? 'ZIP archive' : 'ZIP-Archiv', extensions: ['zip'] },
      });
      if (path === null) return { saved: false, fileName: null };
      const visible = sessions.session.visibleProfile;
      const bytes = await buildSupportPackage({
        app: appInfo(ctx.build, ctx.policy),
        policy: ctx.policy,
        profiles: sessions.running().map(([profileId, runtime]) => ({
          visible: profileId === visible,
          connection: runtime.transport.connection(),
          outageSince: runtime.outageSince,
        })),
        profileCount: (await sessions.status()).profileCount,
        logFiles: await ctx.logFiles(),
        now,
      });
      try {
        await writeOwnerOnlyFile(path, bytes);
      } catch (error) {
        // The code only: the message names the path, which may hold the Windows user's name.
        ctx.log.warn('support package not written', { code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
        throw new AppError('unavailable', 'The support package could not be written there; choose another folder.');
      }
      ctx.log.info('support package written', { bytes: bytes.length });
      return { saved: true, fileName: basename(path) };
    },
  };
}
