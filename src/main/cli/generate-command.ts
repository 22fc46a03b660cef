import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { newTakeRecord, ProviderChoice, TAKE_FILE, type TakeRecord } from '../../shared/model/take';
import { APP_VERSION, defaultUserDataDir } from '../app-meta';
import { bundledModelsDir } from '../app-root';
import { type ConditioningFiles, firstModelFitting } from '../generation/conditioning-fit';
import { pipelineInputOf } from '../generation/take-input';
import type { ModelBundle } from '../models/bundle';
import { bundleHash } from '../models/bundle';
import { chooseDefaultModel, discoverModels, resolveModel } from '../models/model-registry';
import { CancelledError, runPipeline } from '../pipeline/pipeline';
import { providerLabel } from '../pipeline/providers';
import { SessionCache } from '../pipeline/sessions';
import { writeJsonAtomic } from '../services/fs/atomic-write';
import { copyWritable } from '../services/fs/copy-writable';
import { SettingsStore } from '../services/settings-store';

export interface GenerateOptions {
  static: string;
  hands: string;
  out: string;
  prompt?: string;
  negativePrompt?: string;
  model?: string;
  seed?: number;
  steps?: number;
  guidance?: number;
  provider?: ProviderChoice;
}

/**
 * `dwm-studio generate`: the studio's pipeline without the UI, for scripted batches. DIR ends
 * up as a complete take folder (generated.mp4, the two conditioning videos, take.json); if the
 * run fails or is interrupted, generated.mp4 is not there and take.json says why.
 */
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('Generate a take from a static-scene video and a hand video (progress on stderr)')
    .requiredOption('--static <file>', 'static-scene conditioning video')
    .requiredOption('--hands <file>', 'hand-mesh conditioning video')
    .requiredOption('--out <dir>', 'folder for generated.mp4 and take.json (created; must not hold a take already)')
    .option('--prompt <text>', 'text prompt (models that use one)')
    .option('--negative-prompt <text>', "negative prompt (default: the model's)")
    .option('--model <id|path>', 'model id (see `dwm-studio models`) or a bundle folder')
    .option('--seed <n>', 'noise seed', parseIntArg(0, 0xffffffff))
    .option('--steps <n>', 'denoising steps', parseIntArg(1, 1000))
    .option('--guidance <x>', 'classifier-free guidance scale', parseFloatArg(0, 50))
    .option('--provider <name>', 'auto | cpu | cuda | dml | coreml (default: the settings, usually auto)', (v) => {
      const parsed = ProviderChoice.safeParse(v);
      if (!parsed.success) throw new InvalidArgumentError('must be auto, cpu, cuda, dml or coreml');
      return parsed.data;
    })
    .action(async (opts: GenerateOptions) => {
      const take = await generateTake(opts, (line) => process.stderr.write(line));
      process.stdout.write(`${path.join(path.resolve(opts.out), take.files.video)}\n`);
    });
}

export async function generateTake(opts: GenerateOptions, log: (line: string) => void = () => {}): Promise<TakeRecord> {
  const settings = new SettingsStore(defaultUserDataDir());
  await settings.load();
  const roots = [bundledModelsDir(), ...settings.get().modelFolders];
  const bundle = opts.model
    ? await resolveModel(roots, opts.model)
    : await modelForFiles(roots, settings.get().defaultModelId, {
        staticVideo: path.resolve(opts.static),
        handsVideo: path.resolve(opts.hands),
      });
  const m = bundle.manifest;
  const out = path.resolve(opts.out);
  await fs.mkdir(out, { recursive: true });
  const existing = await fs.readdir(out);
  if (existing.includes(TAKE_FILE) || existing.includes('generated.mp4')) {
    throw new Error(`${out} already holds a take (take.json or generated.mp4); choose another --out folder`);
  }
  for (const [from, to] of [
    [opts.static, 'static.mp4'],
    [opts.hands, 'hands.mp4'],
  ] as const) {
    await copyWritable(path.resolve(from), path.join(out, to)).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`${path.resolve(from)}: cannot be read (${err.code ?? err.message})`);
    });
  }
  const provider = opts.provider ?? settings.get().executionProvider;
  const startedAt = new Date();
  const queued = newTakeRecord({
    id: randomUUID(),
    shotId: null,
    name: path.basename(out),
    params: {
      modelId: m.id,
      prompt: opts.prompt ?? '',
      negativePrompt: opts.negativePrompt ?? m.defaults.negativePrompt,
      seed: opts.seed ?? m.defaults.seed,
      steps: opts.steps ?? m.defaults.steps,
      guidance: opts.guidance ?? m.defaults.guidance,
      provider,
    },
    model: { id: m.id, name: m.name, version: m.version, baseline: m.baseline, hash: await bundleHash(bundle) },
    appVersion: APP_VERSION,
    now: startedAt,
  });
  let take: TakeRecord = { ...queued, status: 'running', attempts: 1, timings: { ...queued.timings, startedAt: startedAt.toISOString() } };
  await writeJsonAtomic(path.join(out, TAKE_FILE), take);
  log(`${m.name}${m.baseline ? ' (baseline, no learned dynamics)' : ''}: ${take.params.steps} steps, seed ${take.params.seed}\n`);

  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const sessions = new SessionCache();
  try {
    const result = await runPipeline(
      { ...pipelineInputOf(take, out), bundle },

      {
        sessions,
        signal: abort.signal,
        onProgress: (p) => {
          const eta = p.etaMs === null ? '' : `, about ${Math.ceil(p.etaMs / 1000)} s left`;
          const step = p.phase === 'denoise' ? ` step ${p.step}/${p.steps}` : '';
          log(`${p.phase}${step} (${(p.elapsedMs / 1000).toFixed(1)} s${eta})\n`);
        },
      },
    );
    if (result.providerNotice) log(`note: ${result.providerNotice}\n`);
    log(`done on ${providerLabel(result.providerUsed)} in ${(result.timings.totalMs / 1000).toFixed(1)} s\n`);
    take = {
      ...take,
      status: 'done',
      providerUsed: result.providerUsed,
      providerNotice: result.providerNotice,
      output: { frames: result.frames, width: result.width, height: result.height, fps: result.fps },
      timings: {
        ...take.timings,
        ...result.timings,
        finishedAt: new Date().toISOString(),
        stepMs: result.stepMs.map((x) => Math.round(x * 10) / 10),
      },
    };
    await writeJsonAtomic(path.join(out, TAKE_FILE), take);
    return take;
  } catch (err) {
    const cancelled = err instanceof CancelledError;
    take = {
      ...take,
      status: cancelled ? 'cancelled' : 'failed',
      message: cancelled ? 'Interrupted.' : (err as Error).message,
      timings: { ...take.timings, finishedAt: new Date().toISOString() },
    };
    await writeJsonAtomic(path.join(out, TAKE_FILE), take);
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await sessions.release();
  }
}

function parseIntArg(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

function parseFloatArg(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`must be a number from ${min} to ${max}`);
    return n;
  };
}

/** The same default as the studio's queue (chooseDefaultModel), or why there is none. */
/**
 * With no --model: the default (the setting, else the first learned model) when the files fit it,
 * else the first installed model made for their size, length and rate (reference samples at
 * 720x480 get the baseline beside a 144x96 learned default), else the default, whose refusal
 * names the mismatch.
 */
async function modelForFiles(roots: string[], wanted: string | null, files: ConditioningFiles): Promise<ModelBundle> {
  const { models, invalid } = await discoverModels(roots);
  const chosen = chooseDefaultModel(models, wanted);
  if (chosen) return firstModelFitting(chosen, models, () => files);
  const why = invalid.map((i) => i.problem).join('; ');
  throw new Error(`no model bundle is installed (searched ${roots.join(', ')})${why ? `: ${why}` : ''}`);
}
