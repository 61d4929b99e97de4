// The formats every timeline row uses, kept per locale (building an Intl format per row made the
// scrolled timeline's long tasks longer): the same text as a fresh format, in German and English.
import { describe, expect, it } from 'vitest';
import { formatSize } from '../../../apps/desktop/renderer/src/components/collab/bytes.ts';
import { listFormat } from '../../../apps/desktop/renderer/src/components/timeline/list-format.ts';

describe('timeline row formats', () => {
  it('sizes in the UI language, whole bytes and one decimal above', () => {
    expect(formatSize(512, 'de-DE')).toBe('512 B');
    expect(formatSize(3_565_158, 'de-DE')).toBe('3,4 MB');
    expect(formatSize(3_565_158, 'en-GB')).toBe('3.4 MB');
    // The precision is part of the kept format's key: a kept one-decimal format never rounds bytes.
    expect(formatSize(1023, 'de-DE')).toBe('1.023 B');
    expect(formatSize(1536, 'de-DE')).toBe('1,5 KB');
  });

  it('lists names with the locale conjunction, one format per locale', () => {
    expect(listFormat('de-DE').format(['Anna', 'Bernd', 'Carla'])).toBe('Anna, Bernd und Carla');
    expect(listFormat('en-GB').format(['Anna', 'Bernd'])).toBe('Anna and Bernd');
    expect(listFormat('de-DE')).toBe(listFormat('de-DE'));
  });
});
