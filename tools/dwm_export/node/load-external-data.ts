/**
 * Loads one graph of a model bundle the way the studio does and prints JSON figures, so a bundle
 * whose graph keeps its weights in an external-data file (over 2 GB) can be checked end to end:
 *
 *   npx tsx tools/dwm_export/node/load-external-data.ts BUNDLE_DIR [--graph NAME] [--mode MODE]
 *
 * NAME is a manifest graph (textEncoder, vaeEncoder, denoiser, vaeDecoder; default vaeDecoder).
 * MODE:
 *   studio         (default) loadBundle + SessionCache.get(..., ['cpu']) + one run + bundleHash twice
 *   hash           loadBundle + bundleHash only (time to hash every file the manifest names)
 *   buffer         ort.InferenceSession.create(Buffer of the .onnx file): how loading from memory fares
 *   buffer-folder  the same with session config session.model_external_initializers_file_folder_path
 *                  set to the bundle folder (where onnxruntime should then look for external data)
 *
 * Every input is fed zeros (symbolic dimensions become 1); outputs of up to 64 elements are
 * printed in full, larger ones as their dims. Peak RSS is the process's maxRSS. A graph that
 * cannot be loaded is reported as {"ok": false, "error": ...}, exit status 0. Used by
 * tools/dwm_export/tests/test_external_data.py.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { bundleHash, loadBundle } from '../../../src/main/models/bundle';
import { type GraphName, SessionCache } from '../../../src/main/pipeline/sessions';

const GRAPHS: GraphName[] = ['textEncoder', 'vaeEncoder', 'denoiser', 'vaeDecoder'];
const MODES = ['studio', 'hash', 'buffer', 'buffer-folder'] as const;
type Mode = (typeof MODES)[number];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : fallback;
}

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const peakRssBytes = (): number => process.resourceUsage().maxRSS * 1024; // maxRSS is in kilobytes

/** Zeros for every input the session declares (float32 or int64; symbolic dims -> 1). */
function zeroFeeds(session: ort.InferenceSession): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) throw new Error(`input ${meta.name} is not a tensor`);
    const dims = meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
    const size = dims.reduce((a, b) => a * b, 1);
    if (meta.type === 'float32') feeds[meta.name] = new ort.Tensor('float32', new Float32Array(size), dims);
    else if (meta.type === 'int64') feeds[meta.name] = new ort.Tensor('int64', new BigInt64Array(size), dims);
    else throw new Error(`input ${meta.name}: type ${meta.type} not supported by this script`);
  }
  return feeds;
}

async function run(session: ort.InferenceSession) {
  const start = process.hrtime.bigint();
  const results = await session.run(zeroFeeds(session));
  const runSeconds = seconds(start);
  const outputs: Record<string, { dims: readonly number[]; values?: number[] }> = {};
  for (const [name, t] of Object.entries(results)) {
    outputs[name] = { dims: t.dims, ...(t.size <= 64 ? { values: Array.from(t.data as Float32Array, Number) } : {}) };
  }
  return { runSeconds, outputs };
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const graph = arg('--graph', 'vaeDecoder') as GraphName;
  const mode = arg('--mode', 'studio') as Mode;
  if (!dir || !GRAPHS.includes(graph) || !MODES.includes(mode)) {
    throw new Error('usage: load-external-data.ts BUNDLE_DIR [--graph NAME] [--mode studio|hash|buffer|buffer-folder]');
  }
  const loaded = await loadBundle(path.resolve(dir));
  if (!loaded.ok) throw new Error(`loadBundle: ${loaded.invalid.problem}`);
  const bundle = loaded.bundle;
  const spec = bundle.manifest.graphs[graph];
  if (!spec) throw new Error(`graphs.${graph} is not in the manifest`);
  const report: Record<string, unknown> = { mode, graph, bundleBytes: bundle.bytes, files: bundle.files };

  if (mode === 'studio') {
    // The studio's path: the session cache creates the session from the file path, CPU only.
    const sessions = new SessionCache();
    let start = process.hrtime.bigint();
    try {
      const { session, provider } = await sessions.get(bundle, graph, ['cpu']);
      Object.assign(report, { provider, loadSeconds: seconds(start), rssAfterLoadBytes: process.memoryUsage().rss });
      Object.assign(report, await run(session));
      report.ok = true;
    } catch (err) {
      // What the studio would show (a BundleError names the file and onnxruntime's reason).
      Object.assign(report, { ok: false, error: `${(err as Error).name}: ${(err as Error).message}` });
    } finally {
      await sessions.release();
    }
    if (report.ok) {
      // Take provenance hashes the whole bundle; the second call hits bundle.ts's per-process cache.
      start = process.hrtime.bigint();
      report.hash = await bundleHash(bundle);
      report.hashSeconds = seconds(start);
      start = process.hrtime.bigint();
      await bundleHash(bundle);
      report.hashCachedSeconds = seconds(start);
    }
  } else if (mode === 'hash') {
    const start = process.hrtime.bigint();
    report.hash = await bundleHash(bundle);
    report.hashSeconds = seconds(start);
  } else {
    // From memory: onnxruntime then has no model path to resolve the external-data file against.
    const bytes = await fs.readFile(path.join(bundle.dir, spec.file));
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    };
    if (mode === 'buffer-folder') options.extra = { session: { model_external_initializers_file_folder_path: bundle.dir } };
    const start = process.hrtime.bigint();
    try {
      const session = await ort.InferenceSession.create(bytes, options);
      report.loadSeconds = seconds(start);
      Object.assign(report, await run(session));
      await session.release();
      report.ok = true;
    } catch (err) {
      report.ok = false;
      report.error = (err as Error).message;
    }
  }
  report.peakRssBytes = peakRssBytes();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
