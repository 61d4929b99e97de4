import { describe, expect, it } from 'vitest';
import {
  fitWidth,
  MAX_ZOOM,
  MIN_ZOOM,
  zoomIn,
  zoomOut,
} from '../../../apps/desktop/renderer/src/components/collab/pdf-zoom.ts';

describe('PDF preview zoom', () => {
  it('steps up and down the ladder and stops at its ends', () => {
    expect(zoomIn(1)).toBe(1.1);
    expect(zoomOut(1)).toBe(0.9);
    expect(zoomIn(MAX_ZOOM)).toBe(MAX_ZOOM);
    expect(zoomOut(MIN_ZOOM)).toBe(MIN_ZOOM);
  });

  it('goes from a fitted zoom between steps to the next step either way', () => {
    expect(zoomIn(0.93)).toBe(1);
    expect(zoomOut(0.93)).toBe(0.9);
    expect(zoomIn(0.9000001)).toBe(1);
  });

  it('fits a page to the available width, within the zoom range', () => {
    expect(fitWidth(794, 794)).toBe(1);
    expect(fitWidth(397, 794)).toBe(0.5);
    expect(fitWidth(100_000, 794)).toBe(MAX_ZOOM);
    expect(fitWidth(10, 794)).toBe(MIN_ZOOM);
    expect(fitWidth(0, 794)).toBe(1);
  });
});
