// The committed icons parse as what Windows and Linux read, show what apps/desktop/build/icon-mark.ts draws
// (so `npm run icons` was run after a change), and the packaging config points at them.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { config } from '../../../apps/desktop/build/electron-builder.config.ts';
import { ICO_SIZES, PNG_SIGNATURE, PNG_SIZE, renderMark } from '../../../apps/desktop/build/icon-mark.ts';

/** Width, height and RGBA pixels of an 8-bit RGBA PNG whose rows all use filter 0 (as ours do). */
function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9]]).toEqual([8, 6]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    raw.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, rgba };
}

/** The images of an .ico: size from the directory, RGBA pixels from the bitmap or PNG body. */
function decodeIco(ico: Buffer): Array<{ size: number; format: 'bmp' | 'png'; rgba: Buffer }> {
  expect(ico.readUInt16LE(0)).toBe(0);
  expect(ico.readUInt16LE(2)).toBe(1);
  const count = ico.readUInt16LE(4);
  const images = [];
  for (let i = 0; i < count; i++) {
    const entry = ico.subarray(6 + 16 * i, 22 + 16 * i);
    const size = entry[0] === 0 ? 256 : entry[0]!;
    expect(entry[1] === 0 ? 256 : entry[1]).toBe(size);
    expect(entry.readUInt16LE(6)).toBe(32);
    const length = entry.readUInt32LE(8);
    const start = entry.readUInt32LE(12);
    expect(start + length).toBeLessThanOrEqual(ico.length);
    const body = ico.subarray(start, start + length);
    if (body.subarray(0, 8).equals(PNG_SIGNATURE)) {
      const png = decodePng(body);
      expect([png.width, png.height]).toEqual([size, size]);
      images.push({ size, format: 'png' as const, rgba: png.rgba });
      continue;
    }
    // BITMAPINFOHEADER: height counts the colour rows and the AND mask rows.
    expect([body.readUInt32LE(0), body.readInt32LE(4), body.readInt32LE(8), body.readUInt16LE(14)]).toEqual([
      40,
      size,
      size * 2,
      32,
    ]);
    expect(length).toBe(40 + size * size * 4 + Math.ceil(size / 32) * 4 * size);
    const rgba = Buffer.alloc(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const o = 40 + ((size - 1 - y) * size + x) * 4;
        rgba.set([body[o + 2]!, body[o + 1]!, body[o]!, body[o + 3]!], (y * size + x) * 4);
      }
    }
    images.push({ size, format: 'bmp' as const, rgba });
  }
  return images;
}

const pixel = (rgba: Uint8Array, size: number, x: number, y: number) => [
  ...rgba.subarray((y * size + x) * 4, (y * size + x) * 4 + 4),
];

describe('app icons', () => {
  it('build/icon.ico holds 16 to 256 px, bitmaps below 256 and PNG at 256, each what icon-mark.ts draws', async () => {
    const images = decodeIco(await readFile('apps/desktop/build/icon.ico'));
    expect(images.map((i) => i.size)).toEqual([16, 24, 32, 48, 64, 128, 256]);
    expect(images.map((i) => i.size)).toEqual([...ICO_SIZES]);
    expect(images.map((i) => i.format)).toEqual(['bmp', 'bmp', 'bmp', 'bmp', 'bmp', 'bmp', 'png']);
    for (const image of images)
      expect(image.rgba.equals(Buffer.from(renderMark(image.size))), `${image.size} px`).toBe(true);
  });

  it('build/icon.png is the 512 px mark for Linux', async () => {
    const png = decodePng(await readFile('apps/desktop/build/icon.png'));
    expect([png.width, png.height]).toEqual([PNG_SIZE, PNG_SIZE]);
    expect(png.rgba.equals(Buffer.from(renderMark(PNG_SIZE)))).toBe(true);
  });

  it('reads at 16 px: opaque blue square, white bubble, a solid blue cross in its middle', () => {
    const m = renderMark(16);
    const blue = [0x1f, 0x6a, 0xa5, 255];
    const white = [255, 255, 255, 255];
    // Cross arms 2 px thick around the bubble's centre (x 7-8, y 6-7).
    for (const [x, y] of [
      [7, 6],
      [8, 7],
      [5, 6],
      [10, 7],
      [7, 4],
      [8, 9],
    ] as const)
      expect(pixel(m, 16, x, y), `cross ${x},${y}`).toEqual(blue);
    for (const [x, y] of [
      [4, 4],
      [11, 4],
      [4, 9],
      [11, 9],
    ] as const)
      expect(pixel(m, 16, x, y), `bubble ${x},${y}`).toEqual(white);
    for (const [x, y] of [
      [0, 8],
      [15, 8],
      [8, 0],
      [8, 15],
    ] as const)
      expect(pixel(m, 16, x, y), `border ${x},${y}`).toEqual(blue);
    // Rounded corners: the very corner is transparent.
    expect(pixel(m, 16, 0, 0)[3]).toBe(0);
  });

  it('is drawn the same way every time', () => {
    expect(Buffer.from(renderMark(48)).equals(Buffer.from(renderMark(48)))).toBe(true);
  });

  it('the packaging config references the committed icons, and the package names its author', async () => {
    // electron-builder resolves them from the desktop app's folder (scripts/package.ts: projectDir).
    await access(join('apps/desktop', config.win.icon));
    await access(join('apps/desktop', config.linux.icon));
    expect(config.win.icon).toBe('build/icon.ico');
    expect(config.linux.icon).toBe('build/icon.png');
    const pkg = JSON.parse(await readFile('apps/desktop/package.json', 'utf8')) as {
      author?: { name?: string; email?: string };
    };
    expect(pkg.author).toEqual({ name: 'Klinikfunk', email: expect.stringMatching(/^[^@\s]+@klinikfunk\.de$/) });
    expect(config.linux.maintainer).toBe(`${pkg.author!.name} <${pkg.author!.email}>`);
  });
});
