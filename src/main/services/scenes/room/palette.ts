import type { Rng } from './math';

/** PBR metallic-roughness parameters of one material; colour in linear RGB as glTF wants it. */
export interface MaterialSpec {
  color: [number, number, number];
  alpha: number;
  metallic: number;
  roughness: number;
}

interface Swatch {
  /** sRGB hex, as a designer would pick it. */
  hex: string;
  roughness: number;
  metallic?: number;
  alpha?: number;
}

function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function spec(s: Swatch, jitter = 0): MaterialSpec {
  const n = Number.parseInt(s.hex.slice(1), 16);
  const rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const c = Math.min(1, Math.max(0, (v / 255) * (1 + jitter)));
    return Math.round(srgbToLinear(c) * 1e4) / 1e4;
  }) as [number, number, number];
  return { color: rgb, alpha: s.alpha ?? 1, metallic: s.metallic ?? 0, roughness: s.roughness };
}

const WALLS: Swatch[] = [
  { hex: '#dcdcd8', roughness: 0.9 },
  { hex: '#e6e2da', roughness: 0.9 },
  { hex: '#cfd4d6', roughness: 0.9 },
  { hex: '#d9d3c7', roughness: 0.9 },
  { hex: '#c9cfc4', roughness: 0.9 },
];
const FLOORS: Swatch[] = [
  { hex: '#9a7650', roughness: 0.6 },
  { hex: '#7a5a3c', roughness: 0.6 },
  { hex: '#b9a07c', roughness: 0.55 },
  { hex: '#c8c6c2', roughness: 0.35 },
  { hex: '#8f8f8a', roughness: 0.4 },
];
const WOODS: Swatch[] = [
  { hex: '#b3834f', roughness: 0.55 },
  { hex: '#6b4a33', roughness: 0.5 },
  { hex: '#d6bf96', roughness: 0.6 },
  { hex: '#8e4b32', roughness: 0.5 },
  { hex: '#c4a57a', roughness: 0.55 },
];
const PAINTS: Swatch[] = [
  { hex: '#f4f3ef', roughness: 0.4 },
  { hex: '#a8b5a0', roughness: 0.45 },
  { hex: '#2e3d55', roughness: 0.45 },
  { hex: '#8a8d91', roughness: 0.45 },
  { hex: '#e9e0c9', roughness: 0.45 },
];
const COUNTERTOPS: Swatch[] = [
  { hex: '#6f6d69', roughness: 0.35 },
  { hex: '#e8e6e1', roughness: 0.3 },
  { hex: '#2b2b2d', roughness: 0.3 },
  { hex: '#a57c52', roughness: 0.5 },
];
const FRIDGES: Swatch[] = [
  { hex: '#f5f5f3', roughness: 0.3 },
  { hex: '#c9cbcc', roughness: 0.3, metallic: 0.6 },
  { hex: '#2a2c2e', roughness: 0.35 },
];
const HANDLES: Swatch[] = [
  { hex: '#c8c8c6', roughness: 0.35, metallic: 1 },
  { hex: '#2a2a2a', roughness: 0.5, metallic: 0.5 },
  { hex: '#b08d57', roughness: 0.3, metallic: 1 },
];
const MUGS: Swatch[] = [
  { hex: '#2f6fa8', roughness: 0.3 },
  { hex: '#f2f0ea', roughness: 0.3 },
  { hex: '#c44536', roughness: 0.3 },
  { hex: '#e0b33c', roughness: 0.3 },
  { hex: '#3c3c3c', roughness: 0.35 },
];
const COVERS: Swatch[] = [
  { hex: '#a33a2e', roughness: 0.6 },
  { hex: '#284b63', roughness: 0.6 },
  { hex: '#3f6f4a', roughness: 0.6 },
  { hex: '#d9c36a', roughness: 0.6 },
  { hex: '#1f1f24', roughness: 0.6 },
];
const BOTTLES: Swatch[] = [
  { hex: '#2e7d4f', roughness: 0.1, alpha: 0.85 },
  { hex: '#7a4a1f', roughness: 0.1, alpha: 0.85 },
  { hex: '#bcd4dc', roughness: 0.05, alpha: 0.6 },
];
const TOYS: Swatch[] = [
  { hex: '#c8553d', roughness: 0.45 },
  { hex: '#3a7ca5', roughness: 0.45 },
  { hex: '#f2c14e', roughness: 0.45 },
  { hex: '#6a994e', roughness: 0.45 },
  { hex: '#f4f3ef', roughness: 0.45 },
];
const BASKETS: Swatch[] = [
  { hex: '#b08850', roughness: 0.85 },
  { hex: '#c9a56b', roughness: 0.85 },
  { hex: '#8a6a45', roughness: 0.85 },
  { hex: '#d8c9a8', roughness: 0.9 },
];

const FIXED: Record<string, Swatch> = {
  skirting: { hex: '#f0efea', roughness: 0.5 },
  window_frame: { hex: '#f2f2ef', roughness: 0.5 },
  glass: { hex: '#cfe3ea', roughness: 0.05, alpha: 0.25 },
  door_frame: { hex: '#f0efea', roughness: 0.5 },
  door_leaf: { hex: '#e8e4da', roughness: 0.5 },
  door_knob: { hex: '#c0c0c0', roughness: 0.3, metallic: 1 },
  drawer_box: { hex: '#d8c39e', roughness: 0.7 },
  fridge_grille: { hex: '#3a3a3a', roughness: 0.6 },
  fridge_shelf: { hex: '#dfe8ea', roughness: 0.1, alpha: 0.6 },
  book_pages: { hex: '#f1ead8', roughness: 0.8 },
  bottle_cap: { hex: '#d0b04a', roughness: 0.35, metallic: 0.8 },
  cardboard: { hex: '#b8916a', roughness: 0.9 },
  tape: { hex: '#c9a86a', roughness: 0.4 },
};

/** The sample room's colours: light grey walls, oak floor and dresser, white kitchen, brushed steel. */
export function tidyPalette(): Map<string, MaterialSpec> {
  return build({
    wall: WALLS[0],
    floor: FLOORS[0],
    wood: WOODS[0],
    paint: PAINTS[0],
    countertop: COUNTERTOPS[0],
    fridge: FRIDGES[0],
    handle: HANDLES[0],
    table: { hex: '#8a5f3c', roughness: 0.5 },
    mug: MUGS[0],
    cover: COVERS[0],
    bottle: BOTTLES[0],
    chest: WOODS[1],
    toy: TOYS[1],
    basket: BASKETS[0],
    jitter: () => 0,
  });
}

export function randomPalette(rng: Rng): Map<string, MaterialSpec> {
  return build({
    wall: rng.pick(WALLS),
    floor: rng.pick(FLOORS),
    wood: rng.pick(WOODS),
    paint: rng.pick(PAINTS),
    countertop: rng.pick(COUNTERTOPS),
    fridge: rng.pick(FRIDGES),
    handle: rng.pick(HANDLES),
    table: rng.pick(WOODS),
    mug: rng.pick(MUGS),
    cover: rng.pick(COVERS),
    bottle: rng.pick(BOTTLES),
    chest: rng.pick(WOODS),
    toy: rng.pick(TOYS),
    basket: rng.pick(BASKETS),
    jitter: () => rng.range(-0.06, 0.06),
  });
}

interface Choice {
  wall: Swatch | undefined;
  floor: Swatch | undefined;
  wood: Swatch | undefined;
  paint: Swatch | undefined;
  countertop: Swatch | undefined;
  fridge: Swatch | undefined;
  handle: Swatch | undefined;
  table: Swatch | undefined;
  mug: Swatch | undefined;
  cover: Swatch | undefined;
  bottle: Swatch | undefined;
  chest: Swatch | undefined;
  toy: Swatch | undefined;
  basket: Swatch | undefined;
  jitter: () => number;
}

function build(c: Choice): Map<string, MaterialSpec> {
  const need = (s: Swatch | undefined): Swatch => {
    if (!s) throw new Error('palette: missing swatch');
    return s;
  };
  const m = new Map<string, MaterialSpec>();
  m.set('wall', spec(need(c.wall), c.jitter()));
  m.set('floor', spec(need(c.floor), c.jitter()));
  const wood = need(c.wood);
  const woodJitter = c.jitter();
  m.set('dresser_body', spec(wood, woodJitter));
  m.set('dresser_front', spec(wood, woodJitter));
  const paint = need(c.paint);
  const paintJitter = c.jitter();
  m.set('cabinet_body', spec(paint, paintJitter));
  m.set('cabinet_door', spec({ ...paint, roughness: paint.roughness - 0.05 }, paintJitter));
  m.set('countertop', spec(need(c.countertop), c.jitter()));
  const fridge = need(c.fridge);
  m.set('fridge_body', spec(fridge));
  m.set('fridge_door', spec(fridge));
  m.set('handle_metal', spec(need(c.handle)));
  m.set('table_wood', spec(need(c.table), c.jitter()));
  m.set('mug_ceramic', spec(need(c.mug)));
  m.set('book_cover', spec(need(c.cover), c.jitter()));
  m.set('bottle_glass', spec(need(c.bottle)));
  m.set('chest_wood', spec(need(c.chest), c.jitter()));
  m.set('toybox_paint', spec(need(c.toy), c.jitter()));
  const basket = need(c.basket);
  const basketJitter = c.jitter();
  m.set('basket_wicker', spec(basket, basketJitter));
  m.set('basket_rim', spec(basket, basketJitter - 0.08));
  for (const [name, s] of Object.entries(FIXED)) m.set(name, spec(s));
  return m;
}
