// The app icon, drawn in code so it can be regenerated without image tools and reviewed as a diff
// of this file: a rounded square in a calm clinical blue with a white speech bubble holding a blue
// cross (a message, in a hospital). Shapes are signed distance functions in a unit square,
// sampled 4 × 4 times per pixel for smooth edges; the output depends only on this code.
// `npm run icons` writes build/icon.png (512 px, Linux) and build/icon.ico (16–256 px, Windows).
import { crc32, deflateSync } from 'node:zlib';

export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
export const PNG_SIZE = 512;

type Rgb = readonly [number, number, number];
type Point = readonly [number, number];
const BLUE: Rgb = [0x1f, 0x6a, 0xa5];
const WHITE: Rgb = [0xff, 0xff, 0xff];

/** Distance to a rounded rectangle centred at (cx, cy) with half sizes (hx, hy) and corner radius r; < 0 inside. */
function roundedRect(x: number, y: number, cx: number, cy: number, hx: number, hy: number, r: number): number {
  const qx = Math.abs(x - cx) - hx + r;
  const qy = Math.abs(y - cy) - hy + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Inside the triangle a, b, c (either winding). */
function inTriangle(x: number, y: number, a: Point, b: Point, c: Point): boolean {
  const side = (p: Point, q: Point) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/**
 * The colour at a point of the unit square, or null outside the icon. Small icons (up to 48 px)
 * use a bolder variant whose edges fall on the pixel grid of 16 px (and so of 32 and 48 px): the
 * icon fills the square, the bubble is bigger and the cross 2 of 16 pixels thick, so the mark
 * reads at 16 px instead of blurring.
 */
function sample(x: number, y: number, small: boolean): Rgb | null {
  const outer = small ? { half: 0.5, r: 3 / 16 } : { half: 0.47, r: 0.2 };
  if (roundedRect(x, y, 0.5, 0.5, outer.half, outer.half, outer.r) > 0) return null;
  const bubble = small
    ? { cx: 0.5, cy: 7 / 16, hx: 6 / 16, hy: 5 / 16, r: 2 / 16 }
    : { cx: 0.5, cy: 0.46, hx: 0.3, hy: 0.24, r: 0.1 };
  const bottom = bubble.cy + bubble.hy;
  const tail: [Point, Point, Point] = small
    ? [
        [3 / 16, bottom - 0.02],
        [7 / 16, bottom - 0.02],
        [3 / 16, 14.5 / 16],
      ]
    : [
        [0.3, bottom - 0.02],
        [0.46, bottom - 0.02],
        [0.29, 0.82],
      ];
  const inBubble =
    roundedRect(x, y, bubble.cx, bubble.cy, bubble.hx, bubble.hy, bubble.r) <= 0 || inTriangle(x, y, ...tail);
  if (!inBubble) return BLUE;
  const arm = small ? 3 / 16 : 0.14;
  const half = small ? 1 / 16 : 0.045;
  const inCross =
    (Math.abs(x - bubble.cx) <= half && Math.abs(y - bubble.cy) <= arm) ||
    (Math.abs(y - bubble.cy) <= half && Math.abs(x - bubble.cx) <= arm);
  return inCross ? BLUE : WHITE;
}

/** RGBA pixels (straight alpha), rows top to bottom. */
export function renderMark(size: number): Uint8Array {
  const n = 4;
  const small = size <= 48;
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const s = sample((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, small);
          if (!s) continue;
          r += s[0];
          g += s[1];
          b += s[2];
          a += 1;
        }
      }
      const o = (py * size + px) * 4;
      if (a > 0) {
        out[o] = Math.round(r / a);
        out[o + 1] = Math.round(g / a);
        out[o + 2] = Math.round(b / a);
      }
      out[o + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An 8-bit RGBA PNG, each row with filter 0 (none). */
export function encodePng(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++)
    Buffer.from(rgba.buffer, rgba.byteOffset + y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/**
 * A classic icon image: BITMAPINFOHEADER, 32-bit BGRA rows bottom-up, then the 1-bit AND mask. Used
 * below 256 px, where some Windows tools (NSIS, older resource editors) do not read PNG entries.
 */
export function encodeIcoBitmap(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(40);
  header.writeUInt32LE(40, 0);
  header.writeInt32LE(size, 4);
  header.writeInt32LE(size * 2, 8); // colour rows plus mask rows
  header.writeUInt16LE(1, 12);
  header.writeUInt16LE(32, 14);
  const pixels = Buffer.alloc(size * size * 4);
  const maskStride = Math.ceil(size / 32) * 4;
  const mask = Buffer.alloc(maskStride * size);
  for (let y = 0; y < size; y++) {
    const row = size - 1 - y;
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const o = (row * size + x) * 4;
      pixels[o] = rgba[i + 2]!;
      pixels[o + 1] = rgba[i + 1]!;
      pixels[o + 2] = rgba[i]!;
      pixels[o + 3] = rgba[i + 3]!;
      if (rgba[i + 3] === 0) mask[row * maskStride + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return Buffer.concat([header, pixels, mask]);
}

/** An .ico with one image per size: bitmaps below 256 px, PNG at 256 px (as Windows' own icons). */
export function encodeIco(images: ReadonlyArray<{ size: number; rgba: Uint8Array }>): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(images.length, 4);
  const bodies = images.map(({ size, rgba }) => (size >= 256 ? encodePng(size, rgba) : encodeIcoBitmap(size, rgba)));
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size }, i) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size; // 0 means 256
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(bodies[i]!.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += bodies[i]!.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...bodies]);
}

/** Both icon files as the build references them. */
export function renderIcons(): { png: Buffer; ico: Buffer } {
  return {
    png: encodePng(PNG_SIZE, renderMark(PNG_SIZE)),
    ico: encodeIco(ICO_SIZES.map((size) => ({ size, rgba: renderMark(size) }))),
  };
}
