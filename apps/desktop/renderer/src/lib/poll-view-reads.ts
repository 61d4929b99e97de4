// The poll views of the open conversation's timeline items (channel-timeline.svelte.ts). They are
// read for the polls among the items only (polls.list `pollIds`, at most 200 a call), so an answer
// is only right for the items it was asked for: one that comes back after the items were replaced
// (a jump took another window's page with its polls, a newer read asked again) would leave the
// shown polls without their results. Only the answer of the last read asked is shown, and none
// after a page's polls were taken.
import type { PollView } from '@klinikfunk/protocol/api/features/polls.ts';

/** Poll ids one polls.list call takes at most (packages/protocol/api/features/polls.ts). */
export const POLL_IDS_PER_CALL = 200;

export class PollViewReads {
  #asked = 0;

  /**
   * The views of these polls in batches the call takes, or null: a call failed, or a newer read
   * or a taken page replaced what they were asked for (keep what is shown).
   */
  async read(
    pollIds: readonly string[],
    fetch: (pollIds: string[]) => Promise<readonly PollView[] | null>,
  ): Promise<PollView[] | null> {
    const mine = ++this.#asked;
    const views: PollView[] = [];
    for (let from = 0; from < pollIds.length; from += POLL_IDS_PER_CALL) {
      const batch = await fetch(pollIds.slice(from, from + POLL_IDS_PER_CALL));
      if (batch === null || mine !== this.#asked) return null;
      views.push(...batch);
    }
    return mine === this.#asked ? views : null;
  }

  /** The views shown now came with the items (a page's, a patch's): answers still on their way are older. */
  taken(): void {
    this.#asked++;
  }
}
