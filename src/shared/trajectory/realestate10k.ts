import { fovYFromNormalisedFocal, intrinsicsFromFovY, openCvWorldToCameraToThree, threeToOpenCvWorldToCamera } from './camera-convention';
import { frameCountMismatch, TrajectoryError } from './errors';
import { checkCameraFrames, checkExportOptions } from './frames';
import { rigidTransformProblem } from './math';
import type { CameraFrame, Mat4 } from './types';

/**
 * RealEstate10K camera text, as read by CameraCtrl, AnimateDiff's CameraCtrl loaders,
 * pixelSplat and most camera-controlled video models:
 *
 *   line 1:       the source (a YouTube URL in the dataset; readers skip it)
 *   other lines:  timestamp_us fx fy cx cy 0 0 p00 p01 p02 p03 p10 p11 p12 p13 p20 p21 p22 p23   (19 columns)
 *
 * timestamp_us: microseconds from the start of the video. fx, cx are divided by the image
 * width and fy, cy by the image height (so cx = cy = 0.5 for a centred principal point);
 * readers multiply them back by the size of the frames they use. The two zeros are unused
 * columns. p is the 3x4 world-to-camera matrix [R | t] (OpenCV camera: x right, y down,
 * z forward), row-major. Units of t are whatever the world used; for the studio, metres.
 */

export const REALESTATE10K_COLUMNS = 19;
export const REALESTATE10K_DEFAULT_SOURCE = 'dwm-studio';

export interface RealEstate10KExportOptions {
  width: number;
  height: number;
  fps: number;
  /** First line; defaults to 'dwm-studio'. Line breaks are replaced by spaces. */
  source?: string;
}

export interface RealEstate10KImportOptions {
  /** Size in pixels of the images the trajectory is for: denormalises the intrinsics. */
  width: number;
  height: number;
  /** The shot's frame count; the file must have exactly this many frame lines. */
  frames?: number;
}

export interface ImportedRealEstate10K {
  frames: CameraFrame[];
  /** The first line (empty when the file starts directly with frame lines). */
  source: string;
  /** Column 1 of every frame line, microseconds. */
  timestampsUs: number[];
  /** Frame rate implied by the timestamps (rounded to 0.001), or null with fewer than two frames. */
  fps: number | null;
}

const COLUMN_NAMES = [
  'timestamp_us',
  'fx',
  'fy',
  'cx',
  'cy',
  'unused (0)',
  'unused (0)',
  ...['p00', 'p01', 'p02', 'p03', 'p10', 'p11', 'p12', 'p13', 'p20', 'p21', 'p22', 'p23'],
];

/** Shortest text that reads back as the same double (what JSON uses); Python's float() and numpy read it. */
const num = (x: number): string => (Object.is(x, -0) ? '0' : String(x));

export function exportRealEstate10K(frames: readonly CameraFrame[], opts: RealEstate10KExportOptions): string {
  checkExportOptions(opts);
  const checked = checkCameraFrames(frames);
  const source = (opts.source ?? REALESTATE10K_DEFAULT_SOURCE).replace(/[\r\n]+/g, ' ').trim() || REALESTATE10K_DEFAULT_SOURCE;
  const lines = [source];
  checked.forEach((f, i) => {
    const k = intrinsicsFromFovY(f.fovY, opts.width, opts.height);
    const w2c = threeToOpenCvWorldToCamera(f.position, f.rotation);
    const timestamp = Math.round((i * 1e6) / opts.fps);
    const pose = [w2c[0], w2c[1], w2c[2]].flat();
    lines.push([timestamp, k.fx / opts.width, k.fy / opts.height, k.cx / opts.width, k.cy / opts.height, 0, 0, ...pose].map(num).join(' '));
  });
  return `${lines.join('\n')}\n`;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Relative tolerance for square pixels and a centred principal point in files from elsewhere. */
const INTRINSICS_TOLERANCE = 0.01;

function parseNumber(token: string, lineNo: number, column: number): number {
  const where = { line: lineNo, field: COLUMN_NAMES[column] ?? `column ${column + 1}` };
  const label = `line ${lineNo}, column ${column + 1} (${where.field})`;
  if (/^[+-]?nan$/i.test(token)) throw new TrajectoryError(`${label} is NaN (not a number)`, where);
  if (/^[+-]?inf(inity)?$/i.test(token)) throw new TrajectoryError(`${label} is infinite`, where);
  if (!DECIMAL.test(token)) throw new TrajectoryError(`${label} is ${JSON.stringify(token)}, which is not a number`, where);
  const value = Number(token);
  if (!Number.isFinite(value)) throw new TrajectoryError(`${label} is ${token}, too large to be a finite number`, where);
  return value;
}

function columnCountHint(count: number): string {
  if (count === 17) return ' (the two unused 0 columns after the intrinsics seem to be missing)';
  if (count === 16) return ' (the timestamp and the two unused 0 columns seem to be missing)';
  if (count === 23) return ' (a full 4x4 matrix? only its first three rows belong in the file)';
  return '';
}

export function importRealEstate10K(text: string, opts: RealEstate10KImportOptions): ImportedRealEstate10K {
  checkExportOptions({ width: opts.width, height: opts.height });
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  let source = '';
  let first = 0;
  // Skip leading blank lines; the first non-blank one is the source unless it already is a frame line.
  while (first < lines.length && (lines[first] ?? '').trim() === '') first++;
  const head = (lines[first] ?? '').trim();
  const headTokens = head.split(/\s+/);
  if (!(headTokens.length === REALESTATE10K_COLUMNS && headTokens.every((t) => DECIMAL.test(t)))) {
    source = head;
    first++;
  }

  const frames: CameraFrame[] = [];
  const timestampsUs: number[] = [];
  const { width, height } = opts;
  for (let index = first; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    const lineNo = index + 1;
    const tokens = line.split(/\s+/);
    if (tokens.length !== REALESTATE10K_COLUMNS) {
      throw new TrajectoryError(
        `line ${lineNo} has ${tokens.length} columns; a RealEstate10K frame line has ${REALESTATE10K_COLUMNS} ` +
          `(timestamp, fx fy cx cy, 0 0, then the 12 numbers of the 3x4 world-to-camera matrix)${columnCountHint(tokens.length)}`,
        { line: lineNo },
      );
    }
    const v = tokens.map((t, c) => parseNumber(t, lineNo, c));
    const at = (field: string) => ({ line: lineNo, field, frame: frames.length });
    const [timestamp, fxN, fyN, cxN, cyN] = v as [number, number, number, number, number];
    const previous = timestampsUs.at(-1);
    if (previous !== undefined && !(timestamp > previous)) {
      throw new TrajectoryError(
        `line ${lineNo}: timestamp ${timestamp} does not come after the previous line's (${previous})`,
        at('timestamp_us'),
      );
    }
    if (!(fxN > 0 && fyN > 0)) {
      throw new TrajectoryError(`line ${lineNo}: focal lengths fx ${fxN}, fy ${fyN} must be above 0`, at(fxN > 0 ? 'fy' : 'fx'));
    }
    const fx = fxN * width;
    const fy = fyN * height;
    if (Math.abs(fx - fy) > INTRINSICS_TOLERANCE * fy) {
      const aspect = fyN / fxN;
      throw new TrajectoryError(
        `line ${lineNo}: fx ${fxN} x width ${width} = ${fx.toFixed(2)} px but fy ${fyN} x height ${height} = ${fy.toFixed(2)} px; ` +
          `the file's intrinsics are for images ${aspect.toFixed(4)} times as wide as tall, not ${width}x${height} ` +
          '(give the size of the frames it was made for; DWM Studio cameras have square pixels)',
        at('fx'),
      );
    }
    if (Math.abs(cxN - 0.5) > INTRINSICS_TOLERANCE || Math.abs(cyN - 0.5) > INTRINSICS_TOLERANCE) {
      throw new TrajectoryError(
        `line ${lineNo}: principal point cx ${cxN}, cy ${cyN} is not the image centre (0.5, 0.5 as fractions of width and height); ` +
          'off-centre principal points are not supported',
        at(Math.abs(cxN - 0.5) > INTRINSICS_TOLERANCE ? 'cx' : 'cy'),
      );
    }
    const p = v.slice(7);
    const w2c = [p.slice(0, 4), p.slice(4, 8), p.slice(8, 12), [0, 0, 0, 1]] as Mat4;
    const problem = rigidTransformProblem(w2c);
    if (problem !== null) throw new TrajectoryError(`line ${lineNo}: the world-to-camera matrix (columns 8-19): ${problem}`, at('pose'));
    const pose = openCvWorldToCameraToThree(w2c);
    frames.push({ position: pose.position, rotation: pose.rotation, fovY: fovYFromNormalisedFocal(fyN) });
    timestampsUs.push(timestamp);
  }

  if (frames.length === 0) {
    throw new TrajectoryError('has no frame lines (after the source line, one line of 19 numbers per frame is expected)', {
      line: first + 1,
    });
  }
  if (opts.frames !== undefined && frames.length !== opts.frames) throw frameCountMismatch(frames.length, opts.frames);

  const span = (timestampsUs.at(-1) ?? 0) - (timestampsUs[0] ?? 0);
  const fps = frames.length > 1 && span > 0 ? Math.round(((frames.length - 1) * 1e6 * 1000) / span) / 1000 : null;
  return { frames, source, timestampsUs, fps };
}
