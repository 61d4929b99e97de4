// An overview's list reads against the patches of change events (renderer lib/list-reads.ts): an
// answer read before a patch arrived must not undo it, and an older read's late answer is dropped.
import { describe, expect, it } from 'vitest';
import { ListReads } from '../../../apps/desktop/renderer/src/lib/list-reads.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('list reads', () => {
  it('applies a patch that arrived while the read was on its way on top of its answer', async () => {
    const reads = new ListReads<string[]>();
    const answer = deferred<string[]>();
    const read = reads.read(() => answer.promise);
    // The vote arrives (and is shown) while polls.list is on its way with the count before it.
    reads.patched((list) => list.map((p) => (p === 'poll:0' ? 'poll:1' : p)));
    answer.resolve(['poll:0']);
    expect(await read).toEqual(['poll:1']);
    // One after the answer is the screen's own business: the next read does not take it.
    reads.patched(() => ['never']);
    expect(await reads.read(() => Promise.resolve(['poll:1']))).toEqual(['poll:1']);
  });

  it('drops the answer of an older read that comes back after a newer one', async () => {
    const reads = new ListReads<string[]>();
    const older = deferred<string[]>();
    const first = reads.read(() => older.promise);
    const second = reads.read(() => Promise.resolve(['new']));
    expect(await second).toEqual(['new']);
    older.resolve(['old']);
    expect(await first).toBeNull();
    // A failed read shows nothing either.
    expect(await reads.read(() => Promise.resolve(null))).toBeNull();
  });
});
