import type { Command } from 'commander';
import { PSNR_CAP_DB, type ReferenceScores, type TakeMetrics } from '../../shared/model/metrics';
import { type MetricFiles, VIDEO_ROLES } from '../metrics/frames';
import { measureTakeFiles } from '../metrics/take-metrics';

export interface MetricsOptions {
  take: string;
  reference?: string;
  static?: string;
  hands?: string;
  json?: boolean;
}

/**
 * `dwm-studio metrics --take T.mp4 [--reference R.mp4] [--static S.mp4] [--hands H.mp4] [--json]`:
 * a take's quality figures (src/shared/model/metrics.ts defines them). Each extra video adds
 * figures: the reference gives PSNR/SSIM, the static video the do-nothing baseline and, with the
 * hand video, scene consistency; the hand video the interaction region. Every video must have
 * the take's size and frame count. Prints a summary, or with --json the metrics object exactly
 * as take.json will store it (PSNRs capped at 100 dB; "identical" flags equal videos).
 */
export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description("Measure a take's video quality: PSNR, SSIM, interaction-region and scene-consistency figures, flicker")
    .requiredOption('--take <file>', 'the generated video to score')
    .option('--reference <file>', 'ground-truth video of the same shot (PSNR, SSIM, region figures)')
    .option('--static <file>', 'static-scene conditioning video (do-nothing baseline; scene consistency with --hands)')
    .option('--hands <file>', 'hand conditioning video (the interaction region)')
    .option('--json', 'print the metrics as JSON (the take.json form)')
    .action(async (opts: MetricsOptions) => {
      const metrics = await runMetrics(opts);
      process.stdout.write(opts.json ? `${JSON.stringify(metrics, null, 2)}\n` : formatMetrics(metrics, opts));
    });
}

export async function runMetrics(opts: MetricsOptions): Promise<TakeMetrics> {
  // Paths stay as given, so error messages name the files the way the user typed them.
  const files: MetricFiles = { take: opts.take };
  for (const role of VIDEO_ROLES) if (opts[role] !== undefined) files[role] = opts[role];
  return measureTakeFiles(files);
}

/** A PSNR for people: two decimals, and what the cap means when it is reached. */
export function formatPsnr(db: number | null, identical = false): string {
  if (db === null) return '-';
  if (identical) return `${PSNR_CAP_DB} (identical)`;
  if (db >= PSNR_CAP_DB) return `${PSNR_CAP_DB} (cap)`;
  return db.toFixed(2);
}

/** A PSNR with its unit, for running text. */
function psnrDb(db: number | null): string {
  if (db === null) return '-';
  return db >= PSNR_CAP_DB ? `${PSNR_CAP_DB} dB (cap: unchanged)` : `${db.toFixed(2)} dB`;
}

const fmtSsim = (v: number | null) => (v === null ? '-' : v.toFixed(4));
const fmtMad = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(2));

export function formatMetrics(m: TakeMetrics, files: MetricsOptions): string {
  const lines: string[] = [`${files.take}: ${m.frames} frames, ${m.width}x${m.height}`];
  const row = (label: string, s: ReferenceScores) =>
    `  ${label.padEnd(22)}${formatPsnr(s.psnr, s.identical).padEnd(16)}${formatPsnr(s.psnrClip, s.identical).padEnd(16)}${fmtSsim(s.ssim).padEnd(10)}${formatPsnr(s.regionPsnr).padEnd(14)}${fmtSsim(s.regionSsim)}`;
  if (m.reference) {
    lines.push(
      `  ${''.padEnd(22)}${'PSNR dB'.padEnd(16)}${'clip PSNR dB'.padEnd(16)}${'SSIM'.padEnd(10)}${'region PSNR'.padEnd(14)}region SSIM`,
    );
    lines.push(row('take vs reference', m.reference));
    if (m.staticBaseline) lines.push(row('static (do nothing)', m.staticBaseline));
  } else {
    lines.push('  no --reference: no PSNR/SSIM against ground truth');
  }
  if (m.consistency) {
    const c = m.consistency;
    lines.push(`  scene consistency, take vs static outside the region: PSNR ${psnrDb(c.psnr)}, SSIM ${fmtSsim(c.ssim)}`);
    if (c.referencePsnr !== null) {
      lines.push(`    (reference vs static there: PSNR ${psnrDb(c.referencePsnr)}, SSIM ${fmtSsim(c.referenceSsim)})`);
    }
  }
  const flick = [`take ${fmtMad(m.flicker)}`];
  if (m.reference) flick.push(`reference ${fmtMad(m.referenceFlicker)}`);
  if (m.staticBaseline) flick.push(`static ${fmtMad(m.staticBaseline.flicker)}`);
  lines.push(`  flicker (mean |frame - previous frame|, 0-255): ${flick.join(', ')}`);
  if (m.region) {
    const p = m.region.params;
    const change =
      m.region.source === 'hands+change' ? `, plus reference-vs-static change > ${p.changeThreshold} dilated ${p.changeDilatePx} px` : '';
    lines.push(
      `  interaction region: ${(m.region.fraction * 100).toFixed(1)}% of pixels (hands > ${p.handThreshold} dilated ${p.handDilatePx} px and +-${p.handDilateFrames} frames${change})`,
    );
  }
  lines.push(
    `  PSNRs are capped at ${m.psnrCapDb} dB. Decoded in ${((m.decodeMs ?? 0) / 1000).toFixed(1)} s, measured in ${(m.computeMs / 1000).toFixed(1)} s.`,
  );
  return `${lines.join('\n')}\n`;
}
