/**
 * The pipeline's seeded noise. The initial latents must be identical for the same seed on
 * every machine and every run (a take is reproducible from take.json), so the generator is
 * specified here rather than taken from the platform: xoshiro128** (Blackman & Vigna) seeded
 * through splitmix32, and Box-Muller for normal deviates. Only 32-bit integer maths and
 * IEEE double operations are used, which JavaScript defines exactly.
 *
 * This does not reproduce torch.randn: parity checks against PyTorch feed this noise to the
 * reference instead (tools/ reads it from a file).
 */
export class SeededRng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be an integer 0..4294967295, got ${seed}`);
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in (0, 1): never 0, so log() in Box-Muller stays finite. */
  nextOpenUnit(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** Standard normal deviate. */
  nextNormal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.nextOpenUnit()));
    const theta = 2 * Math.PI * this.nextOpenUnit();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** A tensor of standard normal noise times scale. */
  normalArray(length: number, scale = 1): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.nextNormal() * scale;
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
