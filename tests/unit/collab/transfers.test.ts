import { describe, expect, it } from 'vitest';
import type { TransferProgress } from '@klinikfunk/protocol/api/features/files.ts';
import { TransferCancelled, Transfers } from '../../../apps/desktop/electron/core/files/transfers.ts';

describe('transfers', () => {
  it('throttles progress per phase, and a cancel stops the next chunk for the owner only', () => {
    const events: TransferProgress[] = [];
    let now = 0;
    const transfers = new Transfers(
      (p) => events.push(p),
      () => now,
    );
    transfers.start('trAAAAAAAA', 'profile-1');
    transfers.progress('trAAAAAAAA', 'up', 'encrypting', 1, 10);
    transfers.progress('trAAAAAAAA', 'up', 'encrypting', 2, 10);
    transfers.progress('trAAAAAAAA', 'up', 'transfer', 3, 10);
    now = 200;
    transfers.progress('trAAAAAAAA', 'up', 'transfer', 4, 10);
    expect(events.map((e) => `${e.phase}:${e.done}`)).toEqual(['encrypting:1', 'transfer:3', 'transfer:4']);
    // Interleaved phases (an upload sends while it encrypts) are each still throttled.
    events.length = 0;
    now = 250;
    transfers.progress('trAAAAAAAA', 'up', 'encrypting', 5, 10);
    transfers.progress('trAAAAAAAA', 'up', 'transfer', 5, 10);
    transfers.progress('trAAAAAAAA', 'up', 'encrypting', 6, 10);
    expect(events.map((e) => `${e.phase}:${e.done}`)).toEqual(['encrypting:5']);
    transfers.cancel('trAAAAAAAA', 'profile-2');
    expect(() => transfers.progress('trAAAAAAAA', 'up', 'transfer', 5, 10)).not.toThrow();
    transfers.cancel('trAAAAAAAA', 'profile-1');
    expect(() => transfers.progress('trAAAAAAAA', 'up', 'transfer', 6, 10)).toThrow(TransferCancelled);
    transfers.end('trAAAAAAAA', 'up', 'cancelled', 10);
    expect(events.at(-1)).toMatchObject({ phase: 'cancelled' });
  });
});
