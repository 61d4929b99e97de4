// App-wide session state: app.info, session.status and which pre-main screen is asked for.
// Anything content-like (drafts, attach trays, uploads under way, announcements, the timeline's
// decrypted thumbnails) is dropped the moment the profile is no longer visible and unlocked.
import { tick } from 'svelte';
import type { AppInfo, SessionStatus } from '@klinikfunk/protocol/api/contract.ts';
import type { ErrorCode } from '@klinikfunk/protocol/api/result.ts';
import { forceLocale } from '../i18n/i18n.svelte.ts';
import { announcer } from './announcer.svelte.ts';
import { call, getApi, listen } from './api.ts';
import { endSessionState } from './session-end.ts';
import { clearDrafts } from './drafts.ts';

/** Screens the user can ask for while the session state alone would show another one. */
export type Detour = 'signIn' | 'addProfile' | null;

class AppSession {
  info = $state.raw<AppInfo | null>(null);
  status = $state.raw<SessionStatus | null>(null);
  failure = $state<ErrorCode | 'no_bridge' | null>(null);
  detour = $state<Detour>(null);
  #visibleProfile: string | null = null;

  async start(): Promise<void> {
    if (!getApi()) {
      this.failure = 'no_bridge';
      return;
    }
    listen('session.changed', (next) => this.apply(next));
    const [info, status] = await Promise.all([call('app.info', {}), call('session.status', {})]);
    if (!info.ok) return void (this.failure = info.error.code);
    if (!status.ok) return void (this.failure = status.error.code);
    if (info.value.policyLanguage) forceLocale(info.value.policyLanguage);
    this.info = info.value;
    this.apply(status.value);
  }

  async refresh(): Promise<void> {
    const status = await call('session.status', {});
    if (status.ok) this.apply(status.value);
  }

  apply(next: SessionStatus): void {
    const visible = next.state === 'unlocked' ? next.activeProfileId : null;
    const changed = visible !== this.#visibleProfile;
    this.#visibleProfile = visible;
    if (next.state === 'unlocked') this.detour = null;
    if (next.state === 'no_profiles' && this.detour === 'signIn') this.detour = null;
    this.status = next;
    if (changed) {
      clearDrafts();
      endSessionState();
      announcer.clear();
      // Again once the main view is gone: its composer saves its draft while it unmounts.
      // Not awaited: apply() is called from an event listener; tick() resolves after the next update.
      void tick().then(() => {
        clearDrafts();
        announcer.clear();
      });
    }
  }
}

export const session = new AppSession();
