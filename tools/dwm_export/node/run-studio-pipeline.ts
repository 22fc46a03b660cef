/**
 * The studio's own TypeScript pipeline (src/main/pipeline) on one bundle, with everything the
 * parity check compares written to a folder as raw little-endian float32:
 *   tokens.json         the prompt and negative prompt as the studio tokenises them
 *   initial.f32         the seeded starting latents [C, F', H', W']
 *   step-NNN.f32        the latents after each denoising step [C, F', H', W']
 *   decoded.f32         the decoder's output [1, 3, F, H, W] in [-1, 1]
 *   result.json         timings (per step, per phase) and the provider used
 *
 * Run from the repository root: npx tsx tools/dwm_export/node/run-studio-pipeline.ts --bundle B
 *   --static S.mp4 --hands H.mp4 --dump DIR [--prompt P] [--negative N] [--seed 42] [--steps 50]
 *   [--guidance 6] [--out-video V.mp4] [--provider cpu|cuda|dml|coreml]
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadBundle } from '../../../src/main/models/bundle';
import { runPipeline } from '../../../src/main/pipeline/pipeline';
import { SessionCache } from '../../../src/main/pipeline/sessions';
import { PromptTokenizer } from '../../../src/main/pipeline/tokenize';

const { values: a } = parseArgs({
  options: {
    bundle: { type: 'string' },
    static: { type: 'string' },
    hands: { type: 'string' },
    dump: { type: 'string' },
    prompt: { type: 'string', default: '' },
    negative: { type: 'string', default: '' },
    seed: { type: 'string', default: '42' },
    steps: { type: 'string', default: '50' },
    guidance: { type: 'string', default: '6' },
    'out-video': { type: 'string' },
    // 'cuda' on a machine with an NVIDIA GPU and onnxruntime-node's CUDA provider (tried alone: an error, never a silent CPU run).
    provider: { type: 'string', default: 'cpu' },
  },
});
if (!a.bundle || !a.static || !a.hands || !a.dump) {
  console.error('usage: run-studio-pipeline.ts --bundle B --static S --hands H --dump DIR [options]');
  process.exit(2);
}
const dump = path.resolve(a.dump);
await fs.mkdir(dump, { recursive: true });
const loaded = await loadBundle(path.resolve(a.bundle));
if (!loaded.ok) {
  console.error(`${loaded.invalid.dir}: ${loaded.invalid.problem}`);
  process.exit(1);
}
const bundle = loaded.bundle;
const write = (name: string, data: Float32Array) =>
  fs.writeFile(path.join(dump, name), Buffer.from(data.buffer, data.byteOffset, data.byteLength));

if (bundle.manifest.tokenizer) {
  const tok = await PromptTokenizer.load(bundle);
  const ids = (s: string) => Array.from(tok.encode(s).ids, Number);
  await fs.writeFile(path.join(dump, 'tokens.json'), JSON.stringify({ prompt: ids(a.prompt), negative: ids(a.negative) }));
}

const pending: Promise<void>[] = [];
const sessions = new SessionCache();
const result = await runPipeline(
  {
    bundle,
    staticVideo: path.resolve(a.static),
    handsVideo: path.resolve(a.hands),
    outVideo: path.resolve(a['out-video'] ?? path.join(os.tmpdir(), `dwm-parity-${process.pid}.mp4`)),
    prompt: a.prompt,
    negativePrompt: a.negative,
    seed: Number(a.seed),
    steps: Number(a.steps),
    guidance: Number(a.guidance),
    providers: [a.provider],
  },
  {
    sessions,
    onInitialLatents: (l) => pending.push(write('initial.f32', l.slice())),
    onStepLatents: (i, l) => pending.push(write(`step-${String(i).padStart(3, '0')}.f32`, l.slice())),
    onDecoded: (v) => pending.push(write('decoded.f32', v.slice())),
  },
);
await Promise.all(pending);
await sessions.release();
if (!a['out-video']) await fs.rm(path.join(os.tmpdir(), `dwm-parity-${process.pid}.mp4`), { force: true });
await fs.writeFile(path.join(dump, 'result.json'), JSON.stringify(result, null, 2));
