import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MetricFiles } from '../src/main/metrics/frames';
import { measureTakeFiles } from '../src/main/metrics/take-metrics';
import { ROOT } from '../tests/e2e/harness';
import { makeConditioning } from '../tests/unit/pipeline/helpers';

/**
 * Take metrics (src/main/metrics) on one 49-frame 720x480 take with every input: reference,
 * static and hand videos, so all figures are computed (3 SSIM pairs a frame: take/reference,
 * take/static, static/reference). Inputs: reference sample 00017 with its static video standing
 * in for the take (the cost does not depend on the pixels), or generated test videos when
 * ../shared is absent. Run twice: the first includes the JIT warming up.
 */
export async function benchMetrics(report: (line: string) => void): Promise<void> {
  const samples = path.resolve(ROOT, '../shared/dwm-samples/realworld');
  const haveSamples = await fs.stat(samples).then(
    () => true,
    () => false,
  );
  let dir: string | null = null;
  let files: MetricFiles;
  if (haveSamples) {
    const at = (folder: string) => path.join(samples, folder, '00017.mp4');
    files = { take: at('videos_static'), reference: at('videos'), static: at('videos_static'), hands: at('videos_hands') };
  } else {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-bench-metrics-'));
    const { staticVideo, handsVideo } = makeConditioning(dir, { width: 720, height: 480, frames: 49, fps: 8 });
    files = { take: path.join(dir, 'take.mp4'), reference: path.join(dir, 'reference.mp4'), static: staticVideo, hands: handsVideo };
    for (const [file, filter] of [
      [files.take, 'testsrc2=size=720x480:rate=8,noise=alls=12:allf=t'],
      [files.reference, 'testsrc2=size=720x480:rate=8,hue=h=20'],
    ] as const) {
      const r = spawnSync('ffmpeg', [
        '-v',
        'error',
        '-nostdin',
        '-y',
        '-f',
        'lavfi',
        '-i',
        filter,
        '-frames:v',
        '49',
        '-c:v',
        'libx264',
        '-pix_fmt',
        'yuv420p',
        file as string,
      ]);
      if (r.status !== 0) throw new Error(`ffmpeg could not make ${file}: ${r.stderr?.toString()}`);
    }
  }
  report(
    `inputs: ${haveSamples ? 'reference sample 00017 (static video as the take)' : 'generated 720x480 test videos (../shared/dwm-samples not found)'}`,
  );
  try {
    for (const run of ['first run', 'second run']) {
      const started = performance.now();
      const m = await measureTakeFiles(files);
      const total = performance.now() - started;
      report(
        `${m.frames}-frame ${m.width}x${m.height} take with reference, static and hands, ${run}: ${(total / 1000).toFixed(2)} s = decode ${((m.decodeMs ?? 0) / 1000).toFixed(2)} s (4 videos, ffmpeg in parallel) + metrics ${(m.computeMs / 1000).toFixed(2)} s (${(m.computeMs / m.frames).toFixed(0)} ms/frame, single-threaded); PSNR ${m.reference?.psnr.toFixed(2)} dB, SSIM ${m.reference?.ssim.toFixed(4)}`,
      );
    }
  } finally {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  }
}
