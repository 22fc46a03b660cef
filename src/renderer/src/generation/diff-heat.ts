/**
 * The difference view's arithmetic: per pixel, the mean over R, G and B of |a - b| (0-255,
 * as the flicker metric counts), times a gain, through a heat colour ramp (black, violet,
 * red, orange, yellow, white). Pure: works on RGBA byte arrays.
 */

/** Colour stops of the ramp: position 0-1, then R, G, B. */
const STOPS: [number, number, number, number][] = [
  [0, 0, 0, 0],
  [0.15, 40, 12, 96],
  [0.4, 170, 30, 70],
  [0.65, 240, 110, 20],
  [0.85, 252, 220, 60],
  [1, 255, 255, 255],
];

/** 256 RGB entries of the ramp. */
export const HEAT_LUT: Uint8Array = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = i / 255;
    let k = 1;
    while (k < STOPS.length - 1 && (STOPS[k]?.[0] ?? 1) < x) k++;
    const [x0, ...c0] = STOPS[k - 1] as [number, number, number, number];
    const [x1, ...c1] = STOPS[k] as [number, number, number, number];
    const t = x1 > x0 ? (x - x0) / (x1 - x0) : 0;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round((c0[c] ?? 0) + ((c1[c] ?? 0) - (c0[c] ?? 0)) * t);
  }
  return lut;
})();

/** CSS gradient of the ramp, for the legend. */
export const HEAT_GRADIENT = `linear-gradient(to right, ${STOPS.map(([x, r, g, b]) => `rgb(${r} ${g} ${b}) ${(x * 100).toFixed(0)}%`).join(', ')})`;

export interface DiffStats {
  /** Mean over pixels of the per-pixel difference (0-255). */
  mean: number;
  /** Largest per-pixel difference (0-255). */
  max: number;
  /** Share of pixels differing by more than 8 levels. */
  over8: number;
}

/** Write the heat map of |a - b| into `out` (all RGBA, the same size) and return its statistics. */
export function diffHeat(a: Uint8ClampedArray, b: Uint8ClampedArray, out: Uint8ClampedArray, gain: number): DiffStats {
  const n = Math.min(a.length, b.length, out.length) >> 2;
  let sum = 0;
  let max = 0;
  let over = 0;
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const d =
      (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) + Math.abs((a[i + 1] ?? 0) - (b[i + 1] ?? 0)) + Math.abs((a[i + 2] ?? 0) - (b[i + 2] ?? 0))) / 3;
    sum += d;
    if (d > max) max = d;
    if (d > 8) over++;
    const v = Math.min(255, Math.round(d * gain)) * 3;
    out[i] = HEAT_LUT[v] ?? 0;
    out[i + 1] = HEAT_LUT[v + 1] ?? 0;
    out[i + 2] = HEAT_LUT[v + 2] ?? 0;
    out[i + 3] = 255;
  }
  return { mean: n ? sum / n : 0, max, over8: n ? over / n : 0 };
}
