// The demo's "wound photo", drawn in code so no image is committed: a sutured incision on skin
// between green drapes, with a measuring tape below, as a ward documents a dressing change. It is
// a drawing, not a real photo, and shows nobody. Encoded as PNG with Node's zlib only.
import { crc32, deflateSync } from 'node:zlib';

type Rgb = readonly [number, number, number];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  a[0] + (b[0] - a[0]) * t,
  a[1] + (b[1] - a[1]) * t,
  a[2] + (b[2] - a[2]) * t,
];

/** Distance of (x, y) to the segment from (ax, ay) to (bx, by), with the position t along it. */
function toSegment(x: number, y: number, ax: number, ay: number, bx: number, by: number) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return { d: Math.hypot(x - (ax + t * dx), y - (ay + t * dy)), t };
}

const SKIN: Rgb = [226, 178, 146];
const SKIN_DARK: Rgb = [196, 142, 112];
const DRAPE: Rgb = [64, 128, 122];
const WOUND: Rgb = [150, 44, 46];
const REDNESS: Rgb = [214, 120, 108];
const THREAD: Rgb = [28, 34, 72];
const TAPE: Rgb = [246, 240, 214];
const INK: Rgb = [30, 30, 30];

// The incision in unit coordinates (x across, y down; the picture is 4:3).
const CUT = { ax: 0.22, ay: 0.47, bx: 0.78, by: 0.41 };
const STITCHES = 9;

/** The colour at (u, v) in [0, 1) x [0, 1): a pure function, so any size draws the same picture. */
function colourAt(u: number, v: number): Rgb {
  // Measuring tape: 20 cm with a tick per half centimetre, a longer one per centimetre.
  if (v > 0.83 && v < 0.93 && u > 0.08 && u < 0.92) {
    const ticks = (u - 0.08) / 0.84 / (1 / 40);
    const nearTick = Math.abs(ticks - Math.round(ticks)) < 0.08;
    const length = Math.round(ticks) % 2 === 0 ? 0.05 : 0.03;
    return nearTick && v < 0.83 + length ? INK : TAPE;
  }
  if (v < 0.12 || v > 0.8) {
    const weave = (Math.floor(u * 160) + Math.floor(v * 120)) % 2 === 0 ? 0 : 0.04;
    return mix(DRAPE, [0, 0, 0], weave);
  }
  // Skin, darker towards the drapes as a rounded limb would be lit.
  const across = (v - 0.46) / 0.34;
  let colour = mix(SKIN, SKIN_DARK, Math.min(1, across * across));
  const { d, t } = toSegment(u, v, CUT.ax, CUT.ay, CUT.bx, CUT.by);
  if (d < 0.035) colour = mix(REDNESS, colour, d / 0.035);
  if (d < 0.006 && t > 0 && t < 1) colour = WOUND;
  // Stitches across the cut, evenly spaced.
  const nx = -(CUT.by - CUT.ay);
  const ny = CUT.bx - CUT.ax;
  const norm = Math.hypot(nx, ny);
  for (let i = 1; i <= STITCHES; i++) {
    const s = i / (STITCHES + 1);
    const cx = CUT.ax + (CUT.bx - CUT.ax) * s;
    const cy = CUT.ay + (CUT.by - CUT.ay) * s;
    const h = 0.035;
    const stitch = toSegment(
      u,
      v,
      cx - (nx / norm) * h,
      cy - (ny / norm) * h,
      cx + (nx / norm) * h,
      cy + (ny / norm) * h,
    );
    if (stitch.d < 0.004) return THREAD;
  }
  return colour;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** The picture as a PNG of `width` x `height` pixels (8-bit RGB). */
export function woundPhotoPng(width: number, height: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    rows[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colourAt((x + 0.5) / width, (y + 0.5) / height);
      rows.set([Math.round(r), Math.round(g), Math.round(b)], row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter set, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
