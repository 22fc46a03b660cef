/**
 * Tensor plumbing between the pipeline's own layout and the graphs'. Inside the pipeline a
 * video latent is always channels-first, [C, F, H, W] per batch item; a bundle whose denoiser
 * wants [F, C, H, W] (diffusers' CogVideoX transformer) gets it permuted at the boundary.
 */

/** [C, F, P] -> [F, C, P] (or back, with c and f swapped), P = H*W pixels per plane. */
export function swapChannelFrame(src: Float32Array, c: number, f: number, planeSize: number): Float32Array {
  if (src.length !== c * f * planeSize) throw new Error(`tensor of ${src.length} values is not ${c}x${f}x${planeSize}`);
  const out = new Float32Array(src.length);
  for (let ci = 0; ci < c; ci++) {
    for (let fi = 0; fi < f; fi++) {
      const from = (ci * f + fi) * planeSize;
      out.set(src.subarray(from, from + planeSize), (fi * c + ci) * planeSize);
    }
  }
  return out;
}

/** Concatenate channels-first tensors [Ci, F, H, W] (same F, H, W) into [sum Ci, F, H, W]. */
export function concatChannels(parts: Float32Array[], target?: Float32Array): Float32Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = target ?? new Float32Array(total);
  if (out.length !== total) throw new Error(`target holds ${out.length} values, the parts ${total}`);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Classifier-free guidance: uncond + g (cond - uncond), as diffusers pipelines combine the two halves of the batch. */
export function combineGuidance(uncond: Float32Array, cond: Float32Array, guidance: number): Float32Array {
  const out = new Float32Array(cond.length);
  for (let i = 0; i < out.length; i++) {
    const u = uncond[i] as number;
    out[i] = u + guidance * ((cond[i] as number) - u);
  }
  return out;
}

/** In place: x -> (x - shift) * scale (VAE latents to the denoiser's scale). */
export function scaleLatents(x: Float32Array, scale: number, shift: number): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = ((x[i] as number) - shift) * scale;
  return x;
}

/** Copy: x -> x / scale + shift (the denoiser's latents back to the VAE's). */
export function unscaleLatents(x: Float32Array, scale: number, shift: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] as number) / scale + shift;
  return out;
}
