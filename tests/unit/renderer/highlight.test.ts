import { describe, expect, it } from 'vitest';
import { highlightParts } from '../../../apps/desktop/renderer/src/lib/highlight.ts';

describe('renderer search highlights', () => {
  it('slices a snippet into plain and marked parts', () => {
    expect(highlightParts('Übergabe in Zimmer 12', [[0, 8]])).toEqual([
      { text: 'Übergabe', mark: true },
      { text: ' in Zimmer 12', mark: false },
    ]);
  });

  it('merges overlapping ranges, sorts them and clamps them to the snippet', () => {
    expect(
      highlightParts('abcdefgh', [
        [5, 20],
        [1, 3],
        [2, 4],
      ]),
    ).toEqual([
      { text: 'a', mark: false },
      { text: 'bcd', mark: true },
      { text: 'e', mark: false },
      { text: 'fgh', mark: true },
    ]);
    expect(
      highlightParts('abc', [
        [2, 1],
        [-5, 0],
      ]),
    ).toEqual([{ text: 'abc', mark: false }]);
  });

  it('keeps markup in a snippet as text', () => {
    expect(
      highlightParts('<b>x</b>', [[3, 4]])
        .map((p) => p.text)
        .join(''),
    ).toBe('<b>x</b>');
  });
});
