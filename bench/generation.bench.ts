import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBundle } from '../src/main/models/bundle';
import { discoverModels } from '../src/main/models/model-registry';
import { runPipeline } from '../src/main/pipeline/pipeline';
import { SessionCache } from '../src/main/pipeline/sessions';
import { ROOT } from '../tests/e2e/harness';
import { makeConditioning } from '../tests/unit/pipeline/helpers';

/**
 * The pipeline on the CPU: the bundled overlay baseline on a reference sample (or generated
 * 720x480 videos when ../shared is absent), and the tiny random-weight bundle with guidance.
 * The first run includes loading the graphs; the second reuses the sessions, as the queue does.
 */
export async function benchGeneration(report: (line: string) => void): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-bench-gen-'));
  const samples = path.resolve(ROOT, '../shared/dwm-samples/realworld');
  const haveSamples = await fs.stat(samples).then(
    () => true,
    () => false,
  );
  const full = haveSamples
    ? { staticVideo: path.join(samples, 'videos_static', '00017.mp4'), handsVideo: path.join(samples, 'videos_hands', '00017.mp4') }
    : makeConditioning(dir, { width: 720, height: 480, frames: 49, fps: 8 });
  report(`inputs: ${haveSamples ? 'reference sample 00017' : 'generated 720x480 test videos (../shared/dwm-samples not found)'}`);
  const tiny = makeConditioning(dir, { width: 64, height: 48, frames: 9, fps: 8 }, { static: 'ts.mp4', hands: 'th.mp4' });

  // The default (learned) model at its own defaults: the figure the "under 60 s a take" target is checked against.
  const learned = await defaultLearnedModel();
  const runs: [string, string, { staticVideo: string; handsVideo: string }, number, number][] = [];
  if (learned) {
    const { conditioning: c, defaults: d, id } = learned.manifest;
    const videos = makeConditioning(dir, c, { static: 'ls.mp4', hands: 'lh.mp4' });
    runs.push([
      `default model ${id}, ${c.width}x${c.height}x${c.frames}, its defaults (${d.steps} steps, guidance ${d.guidance})`,
      learned.dir,
      videos,
      d.steps,
      d.guidance,
    ]);
  } else {
    report('no learned model in resources/models: the default-model figure is missing');
  }
  runs.push(
    ['baseline overlay, 720x480x49, 2 steps', path.join(ROOT, 'resources/models/dwm-baseline-overlay'), full, 2, 1],
    ['tiny random bundle, 64x48x9, 50 steps, guidance 6', path.join(ROOT, 'tests/fixtures/bundles/tiny-random'), tiny, 50, 6],
  );
  for (const [label, bundleDir, videos, steps, guidance] of runs) {
    const load = await loadBundle(bundleDir);
    if (!load.ok) throw new Error(load.invalid.problem);
    const sessions = new SessionCache();
    for (const run of ['first run', 'second run']) {
      const peakBefore = process.memoryUsage().rss;
      const r = await runPipeline(
        {
          bundle: load.bundle,
          ...videos,
          outVideo: path.join(dir, `${load.bundle.manifest.id}-${run.replace(' ', '-')}.mp4`),
          prompt: 'open the drawer',
          negativePrompt: '',
          seed: 42,
          steps,
          guidance,
          providers: ['cpu'],
        },
        { sessions },
      );
      const t = r.timings;
      const mean = r.stepMs.reduce((a, b) => a + b, 0) / r.stepMs.length;
      report(
        `${label}, ${run}: total ${(t.totalMs / 1000).toFixed(2)} s = load ${t.loadMs.toFixed(0)} ms, text ${t.textMs.toFixed(0)} ms, encode ${t.encodeMs.toFixed(0)} ms, denoise ${t.denoiseMs.toFixed(0)} ms (${mean.toFixed(1)} ms/step), decode ${t.decodeMs.toFixed(0)} ms, write MP4 ${t.writeMs.toFixed(0)} ms; RSS ${(process.memoryUsage().rss / 1e9).toFixed(2)} GB (was ${(peakBefore / 1e9).toFixed(2)})`,
      );
    }
    await sessions.release();
  }
  await fs.rm(dir, { recursive: true, force: true });
}

/** The first learned (non-baseline) bundle shipped in resources/models: the studio's default model. */
async function defaultLearnedModel() {
  const { models } = await discoverModels([path.join(ROOT, 'resources/models')]);
  return models.find((m) => !m.manifest.baseline) ?? null;
}
