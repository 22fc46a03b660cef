/**
 * Video frames <-> the [3, F, H, W] float tensors the VAE graphs read and write, with pixels
 * mapped from 0..255 to [-1, 1] as diffusers' video processors do.
 */

/** RGBA frames (width*height*4 bytes each) to [3, F, H, W] in [-1, 1]. */
export function framesToTensor(frames: Uint8Array[], width: number, height: number): Float32Array {
  const plane = width * height;
  const f = frames.length;
  const out = new Float32Array(3 * f * plane);
  frames.forEach((rgba, fi) => {
    if (rgba.length !== plane * 4)
      throw new Error(`frame ${fi} has ${rgba.length} bytes, expected ${plane * 4} for ${width}x${height} RGBA`);
    for (let c = 0; c < 3; c++) {
      const base = (c * f + fi) * plane;
      for (let p = 0; p < plane; p++) out[base + p] = (rgba[p * 4 + c] as number) / 127.5 - 1;
    }
  });
  return out;
}

/** [3, F, H, W] in [-1, 1] to RGBA frames, clamped and rounded to the nearest level. */
export function tensorToFrames(tensor: Float32Array, frames: number, width: number, height: number): Uint8Array[] {
  const plane = width * height;
  if (tensor.length !== 3 * frames * plane)
    throw new Error(`video tensor of ${tensor.length} values is not 3x${frames}x${height}x${width}`);
  const out: Uint8Array[] = [];
  for (let fi = 0; fi < frames; fi++) {
    const rgba = new Uint8Array(plane * 4);
    for (let c = 0; c < 3; c++) {
      const base = (c * frames + fi) * plane;
      for (let p = 0; p < plane; p++) {
        const v = Math.round(((tensor[base + p] as number) + 1) * 127.5);
        rgba[p * 4 + c] = v < 0 ? 0 : Math.min(v, 255);
      }
    }
    for (let p = 0; p < plane; p++) rgba[p * 4 + 3] = 255;
    out.push(rgba);
  }
  return out;
}
