// Brings one channel's local copy up to a given seq: fetch pages after the cursor, open each
// envelope, apply the batch and the new cursor together. One pull per channel at a time; a
// request that arrives while a pull runs extends it instead of starting a second one.
//
// Missing seqs never stop a channel. Seqs the relay declares gone (its retention: the page's
// `historyStart`) are skipped and the history start is kept for the timeline. Seqs it neither
// delivers nor declares (a relay that lost an event) become a gap: the cursor moves past them so
// newer events keep arriving, the gap is kept in the store and asked for again with backoff
// until the relay delivers or declares it, and each miss is reported. Seqs a relay restore skipped
// (the page's `gone` ranges) are skipped too, without the retention notice: nothing is lost there,
// and the events below them stay.
import type { Clock, Timer } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import { backoffDelay, GAP_RETRY_BACKOFF } from './backoff.ts';
import type { DecryptedEvent, GapRange, SyncCrypto, SyncStore, SyncTransport, WireEvent, WirePage } from './ports.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export interface PullerDeps {
  transport: SyncTransport;
  crypto: SyncCrypto;
  store: SyncStore;
  log: Logger;
  clock: Clock;
  random?: () => number;
  pageSize: number;
  onApplied(channelId: string, events: DecryptedEvent[]): void;
  /** A page or push came from another relay incarnation than the cursors': sync again first. */
  onIncarnationChanged(incarnation: string): void;
  /** Undeclared gaps still open after a pull or a retry (`attempt` 0 when first seen). */
  onGap?(channelId: string, gaps: readonly GapRange[], attempt: number): void;
}

/** The seqs of `gaps` that are neither below `start` nor among `found` (ascending), as ranges. */
function subtract(gaps: readonly GapRange[], start: number, found: readonly number[]): GapRange[] {
  const out: GapRange[] = [];
  for (const gap of gaps) {
    let from = Math.max(gap.from, start);
    for (const seq of found) {
      if (seq < from || seq > gap.to) continue;
      if (seq > from) out.push({ from, to: seq - 1 });
      from = seq + 1;
    }
    if (from <= gap.to) out.push({ from, to: gap.to });
  }
  return out;
}

/** `ranges` without the seqs in `gone` (both ascending). */
function minus(ranges: readonly GapRange[], gone: readonly GapRange[]): GapRange[] {
  if (gone.length === 0) return [...ranges];
  const out: GapRange[] = [];
  for (const range of ranges) {
    let from = range.from;
    for (const g of gone) {
      if (g.to < from || g.from > range.to) continue;
      if (g.from > from) out.push({ from, to: g.from - 1 });
      from = g.to + 1;
    }
    if (from <= range.to) out.push({ from, to: range.to });
  }
  return out;
}

/** The parts of `ranges` inside `gone` (both ascending): what declaring them gone skipped. */
const within = (ranges: readonly GapRange[], gone: readonly GapRange[]): GapRange[] =>
  ranges.flatMap((r) => minus([r], minus([r], gone)));

const sameGaps = (a: readonly GapRange[], b: readonly GapRange[]) =>
  a.length === b.length && a.every((g, i) => g.from === b[i]!.from && g.to === b[i]!.to);

export class ChannelPuller {
  readonly #deps: PullerDeps;
  readonly #cursors = new Map<string, number>();
  readonly #running = new Map<string, Promise<void>>();
  readonly #wanted = new Map<string, number>();
  readonly #gaps = new Map<string, GapRange[]>();
  readonly #gapTimers = new Map<string, Timer>();
  readonly #gapAttempts = new Map<string, number>();
  readonly #repairing = new Map<string, Promise<void>>();
  #incarnation: string | null = null;
  #stopped = false;

  constructor(deps: PullerDeps) {
    this.#deps = deps;
  }

  setCursors(cursors: Readonly<Record<string, number>>): void {
    for (const [channel, seq] of Object.entries(cursors)) this.#cursors.set(channel, seq);
  }

  /** After the store adopted another incarnation: cursors may have gone back. */
  resetCursors(cursors: Readonly<Record<string, number>>): void {
    this.#cursors.clear();
    this.setCursors(cursors);
  }

  setIncarnation(incarnation: string | null): void {
    this.#incarnation = incarnation;
  }

  /** The gaps kept in the store; each channel's retry is scheduled. */
  setGaps(gaps: Readonly<Record<string, GapRange[]>>): void {
    for (const channel of [...this.#gaps.keys()]) if (!gaps[channel]?.length) this.#setGaps(channel, []);
    for (const [channel, list] of Object.entries(gaps)) {
      this.#setGaps(channel, list);
      this.#scheduleRepair(channel);
    }
  }

  gaps(channelId: string): readonly GapRange[] {
    return this.#gaps.get(channelId) ?? [];
  }

  cursor(channelId: string): number {
    return this.#cursors.get(channelId) ?? 0;
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#gapTimers.values()) timer.cancel();
    this.#gapTimers.clear();
  }

  /** Pulls until the channel's cursor reaches at least `targetSeq` (or the relay has no more). */
  pullTo(channelId: string, targetSeq: number): Promise<void> {
    this.#wanted.set(channelId, Math.max(this.#wanted.get(channelId) ?? 0, targetSeq));
    const running = this.#running.get(channelId);
    if (running) return running;
    const repair = this.#repairing.get(channelId);
    const run = (async () => {
      await repair;
      await this.#loop(channelId);
    })().finally(() => this.#running.delete(channelId));
    this.#running.set(channelId, run);
    return run;
  }

  /** A live event: applied directly when it is the next one, otherwise it triggers a pull. */
  async onPush(event: WireEvent): Promise<void> {
    if (this.#foreign(event.incarnation ?? null)) return;
    const cursor = this.cursor(event.channelId);
    if (event.seq <= cursor) return; // Already have it (a push racing a pull).
    if (event.seq === cursor + 1 && !this.#running.has(event.channelId) && !this.#repairing.has(event.channelId)) {
      await this.#applyPage(
        event.channelId,
        { events: [event], head: event.seq, historyStart: 1, incarnation: null },
        false,
      );
      return;
    }
    await this.pullTo(event.channelId, event.seq);
  }

  /** True (and the engine told) when seqs come from another incarnation than the cursors'. */
  #foreign(incarnation: string | null): boolean {
    if (incarnation === null || this.#incarnation === null || incarnation === this.#incarnation) return false;
    this.#deps.onIncarnationChanged(incarnation);
    return true;
  }

  async #loop(channelId: string): Promise<void> {
    const { pageSize } = this.#deps;
    const fetch = (after: number) => this.#deps.transport.readPage(channelId, after, pageSize);
    let next: Promise<WirePage> | null = null;
    let nextAfter = -1;
    for (;;) {
      const target = this.#wanted.get(channelId) ?? 0;
      const cursor = this.cursor(channelId);
      if (cursor >= target || this.#stopped) {
        next?.catch(() => {});
        return;
      }
      // Use the page fetched ahead only if it starts where the cursor now is.
      const page = await (next && nextAfter === cursor ? next : fetch(cursor));
      next = null;
      if (this.#foreign(page.incarnation)) return;
      // A full page: more follow. Fetch the next one while this one is decrypted and applied.
      const last = page.events.at(-1)?.seq ?? cursor;
      const full = page.events.length >= pageSize;
      if (full && last < target) {
        nextAfter = last;
        next = fetch(last);
        next.catch(() => {}); // an error surfaces when the page is awaited
      }
      // No progress means the relay has nothing more now (the target was optimistic): stop
      // instead of asking again at once.
      if (!(await this.#applyPage(channelId, page, !full))) {
        next?.catch(() => {});
        return;
      }
    }
  }

  /**
   * Applies a page read after the cursor. `complete`: the page holds everything the relay had
   * up to its head (it was not cut by the page size). Returns whether the cursor moved.
   */
  async #applyPage(channelId: string, page: WirePage, complete: boolean): Promise<boolean> {
    const cursor = this.cursor(channelId);
    const before = this.gaps(channelId);
    let gaps = [...before];
    let expected = cursor + 1;
    let historyStart: number | undefined;
    // Declared by the relay: seqs below historyStart are gone for good.
    if (page.historyStart > expected) {
      historyStart = page.historyStart;
      expected = page.historyStart;
    }
    let found: GapRange[] = [];
    const inOrder: WireEvent[] = [];
    for (const wire of page.events) {
      if (wire.channelId !== channelId || wire.seq < expected) continue; // known, or out of order
      if (wire.seq > expected) found.push({ from: expected, to: wire.seq - 1 });
      inOrder.push(wire);
      expected = wire.seq + 1;
    }
    if (complete && page.head >= expected) {
      found.push({ from: expected, to: page.head });
      expected = page.head + 1;
    }
    // Seqs a restore skipped are declared, not missing: no gap, no notice.
    const gone = page.gone ?? [];
    const missing = [...subtract(gaps, page.historyStart, []), ...found];
    found = minus(found, gone);
    gaps = minus(missing, gone);
    const newCursor = expected - 1;
    if (newCursor === cursor && sameGaps(gaps, before)) return false;
    if (historyStart !== undefined)
      this.#deps.log.info('channel history starts later (relay retention)', { channelId, historyStart });
    this.#logGone(channelId, within(missing, gone));
    for (const gap of found)
      this.#deps.log.warn('gap in channel log: seqs neither delivered nor declared gone', {
        channelId,
        from: gap.from,
        to: gap.to,
      });
    const { events, pending } = await this.#open(channelId, inOrder);
    await this.#deps.store.applyBatch(channelId, {
      events,
      pending,
      newCursor,
      ...(historyStart !== undefined ? { historyStart } : {}),
      ...(!sameGaps(gaps, before) ? { gaps } : {}),
    });
    this.#cursors.set(channelId, newCursor);
    this.#setGaps(channelId, gaps);
    if (events.length > 0) this.#deps.onApplied(channelId, events);
    if (found.length > 0) {
      this.#gapAttempts.set(channelId, 0);
      this.#deps.onGap?.(channelId, gaps, 0);
      this.#scheduleRepair(channelId);
    }
    return newCursor !== cursor;
  }

  /**
   * Only the relay vouches that gone seqs held nothing (a relay restore skipped them); a relay that
   * withheld events that way would otherwise leave no trace, unlike a gap. Logged once per skip.
   */
  #logGone(channelId: string, skipped: readonly GapRange[]): void {
    for (const range of skipped)
      this.#deps.log.info('seqs skipped: declared gone by the relay (a relay restore)', {
        channelId,
        from: range.from,
        to: range.to,
      });
  }

  async #open(channelId: string, wires: WireEvent[]): Promise<{ events: DecryptedEvent[]; pending: WireEvent[] }> {
    const { crypto } = this.#deps;
    const events: DecryptedEvent[] = [];
    const pending: WireEvent[] = [];
    const outcomes =
      crypto.openPage && wires.length > 1
        ? await crypto.openPage(wires)
        : await Promise.all(wires.map((w) => crypto.open(w)));
    wires.forEach((wire, i) => {
      const opened = outcomes[i]!;
      if (opened.kind === 'event') events.push(opened.event);
      else if (opened.kind === 'missing_key') pending.push(wire);
      else this.#deps.log.warn('event rejected', { channelId, seq: wire.seq, reason: opened.reason });
    });
    return { events, pending };
  }

  #setGaps(channelId: string, gaps: GapRange[]): void {
    if (gaps.length > 0) {
      this.#gaps.set(channelId, gaps);
      return;
    }
    this.#gaps.delete(channelId);
    this.#gapAttempts.delete(channelId);
    this.#gapTimers.get(channelId)?.cancel();
    this.#gapTimers.delete(channelId);
  }

  #scheduleRepair(channelId: string): void {
    if (this.#stopped || this.#gapTimers.has(channelId) || !this.#gaps.has(channelId)) return;
    const attempt = this.#gapAttempts.get(channelId) ?? 0;
    const delay = backoffDelay(GAP_RETRY_BACKOFF, attempt, this.#deps.random);
    this.#gapTimers.set(
      channelId,
      this.#deps.clock.after(delay, () => {
        this.#gapTimers.delete(channelId);
        const previous = this.#running.get(channelId);
        const repair = (async () => {
          await previous;
          await this.#repair(channelId);
        })()
          .catch((error: unknown) => {
            this.#gapAttempts.set(channelId, attempt + 1);
            this.#deps.log.warn('gap retry failed', { channelId, error: loggable(error) });
          })
          .finally(() => {
            this.#repairing.delete(channelId);
            this.#scheduleRepair(channelId);
          });
        this.#repairing.set(channelId, repair);
      }),
    );
  }

  /** Asks the relay once more for each open gap of the channel. */
  async #repair(channelId: string): Promise<void> {
    if (this.#stopped || this.#deps.transport.state() !== 'online') return;
    const before = this.gaps(channelId);
    if (before.length === 0) return;
    const found: number[] = [];
    const wires: WireEvent[] = [];
    let start = 1;
    const gone: GapRange[] = [];
    for (const gap of before) {
      // One page per gap is enough: what it cannot hold is asked for next time.
      const page = await this.#deps.transport.readPage(
        channelId,
        gap.from - 1,
        Math.min(this.#deps.pageSize, gap.to - gap.from + 1),
      );
      if (this.#foreign(page.incarnation)) return;
      start = Math.max(start, page.historyStart);
      for (const g of page.gone ?? []) if (!gone.some((h) => h.from === g.from)) gone.push(g);
      for (const wire of page.events) {
        if (wire.seq < gap.from || wire.seq > gap.to || found.includes(wire.seq)) continue;
        found.push(wire.seq);
        wires.push(wire);
      }
    }
    found.sort((a, b) => a - b);
    gone.sort((a, b) => a.from - b.from);
    const missing = subtract(before, start, found);
    const gaps = minus(missing, gone);
    this.#logGone(channelId, within(missing, gone));
    const { events, pending } = await this.#open(
      channelId,
      wires.filter((w) => w.seq >= start),
    );
    const cursor = this.cursor(channelId);
    await this.#deps.store.applyBatch(channelId, { events, pending, newCursor: cursor, gaps });
    this.#setGaps(channelId, gaps);
    if (events.length > 0) this.#deps.onApplied(channelId, events);
    if (gaps.length === 0) {
      this.#deps.log.info('gap closed', { channelId, delivered: found.length });
      return;
    }
    const attempt = (this.#gapAttempts.get(channelId) ?? 0) + 1;
    this.#gapAttempts.set(channelId, attempt);
    this.#deps.log.warn('gap still open', { channelId, gaps: gaps.map((g) => `${g.from}-${g.to}`).join(','), attempt });
    this.#deps.onGap?.(channelId, gaps, attempt);
  }
}
