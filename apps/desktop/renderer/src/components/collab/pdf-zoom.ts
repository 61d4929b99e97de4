// Zoom steps of the PDF preview, the same ladder as common PDF readers, and "fit to width".
// 1 means 100 %: a page at its printed size on a 96 dpi screen.
export const ZOOM_STEPS: readonly number[] = [0.25, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];
export const MIN_ZOOM = ZOOM_STEPS[0]!;
export const MAX_ZOOM = ZOOM_STEPS[ZOOM_STEPS.length - 1]!;

/** A zoom between steps (after "fit to width") goes to the next step, never skipping one. */
const EPSILON = 0.001;

export function zoomIn(current: number): number {
  return ZOOM_STEPS.find((step) => step > current + EPSILON) ?? MAX_ZOOM;
}

export function zoomOut(current: number): number {
  return ZOOM_STEPS.findLast((step) => step < current - EPSILON) ?? MIN_ZOOM;
}

/** The zoom at which a page `pageWidth` wide (CSS pixels at 100 %) fills `available` pixels. */
export function fitWidth(available: number, pageWidth: number): number {
  if (!(available > 0) || !(pageWidth > 0)) return 1;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, available / pageWidth));
}
