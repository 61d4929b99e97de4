// The sidebar's channels.list answers against its channels.changed patches (workspace.svelte.ts).
// A list is read in the core at some moment while its answer is on its way, so a patch that
// arrives meanwhile may be newer than the answer: shown as it came, the answer undid the patch (a
// cleared badge came back) until the next event. Such patches are applied again on top of the
// answer; one older than the answer names rows that have not changed since, or a later patch
// follows it. An answer to an older read than the one shown is dropped.
import type { ChannelSummaryView } from '@klinikfunk/protocol/api/contract.ts';
import type { ChannelsChanged } from '@klinikfunk/protocol/api/features/channels.ts';
import { applyChannelPatch } from './channel-selection.ts';

type ChannelsPatch = Extract<ChannelsChanged, { reload: false }>;

export class ChannelListReads {
  #started = 0;
  #shown = 0;
  /** The patches that arrived while each read was on its way. */
  readonly #open = new Map<number, ChannelsPatch[]>();

  /** The list to show from this read (the patches since it started applied), or null: keep what is shown. */
  async read(fetch: () => Promise<readonly ChannelSummaryView[] | null>): Promise<ChannelSummaryView[] | null> {
    const read = ++this.#started;
    const during: ChannelsPatch[] = [];
    this.#open.set(read, during);
    let list: readonly ChannelSummaryView[] | null;
    try {
      list = await fetch();
    } finally {
      this.#open.delete(read);
    }
    if (list === null || read < this.#shown) return null;
    this.#shown = read;
    return during.reduce((shown, patch) => applyChannelPatch(shown, patch, [], null).channels, [...list]);
  }

  /** A patch the sidebar applied: the answers still on their way take it too. */
  patched(patch: ChannelsPatch): void {
    for (const during of this.#open.values()) during.push(patch);
  }
}
