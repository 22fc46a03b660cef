import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../../src/main/services/conditioning/png';
import { decodeRgba, squareFrame, tempDir } from './helpers';

describe('encodePng', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('png');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('is lossless for opaque frames (stored as RGB) and deterministic', async () => {
    const rgba = squareFrame(3, 96, 64);
    const a = await encodePng(rgba, 96, 64);
    const b = await encodePng(rgba, 96, 64);
    expect(Buffer.compare(a, b)).toBe(0);
    expect(a[25]).toBe(2); // IHDR colour type: RGB
    const file = path.join(dir, 'opaque.png');
    await fs.writeFile(file, a);
    expect(Buffer.compare(decodeRgba(file), Buffer.from(rgba))).toBe(0);
  });

  it('keeps alpha when a frame is not fully opaque', async () => {
    const rgba = new Uint8Array(33 * 17 * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 37 + (i >> 7)) & 0xff;
    const png = await encodePng(rgba, 33, 17);
    expect(png[25]).toBe(6); // IHDR colour type: RGBA
    const file = path.join(dir, 'alpha.png');
    await fs.writeFile(file, png);
    expect(Buffer.compare(decodeRgba(file), Buffer.from(rgba))).toBe(0);
  });

  it('refuses a buffer of the wrong length', async () => {
    await expect(encodePng(new Uint8Array(10), 4, 4)).rejects.toThrow('a 4x4 RGBA frame has 64 bytes, not 10');
  });
});
