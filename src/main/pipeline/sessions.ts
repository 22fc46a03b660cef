import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { conditioningChannels, type ModelManifest } from '../../shared/model/manifest';
import type { ModelBundle } from '../models/bundle';
import { fallbackNotice } from './providers';

export type GraphName = 'textEncoder' | 'vaeEncoder' | 'denoiser' | 'vaeDecoder';

export interface LoadedGraph {
  session: ort.InferenceSession;
  provider: string;
}

/** A problem with the bundle itself (files, graph signatures), as opposed to the input or the machine. */
export class BundleError extends Error {
  override name = 'BundleError';
}

/**
 * ONNX sessions of one bundle, created on first use and reused by later takes (loading a
 * large denoiser costs far more than a step). Only one bundle is held at a time: asking
 * for another releases the previous one, and release() frees everything (idle, cancel).
 *
 * The provider is chosen once per bundle: the first graph tries the candidates in order and
 * later graphs use the one that worked, so a take never mixes devices silently.
 */
export class SessionCache {
  private bundleDir: string | null = null;
  private candidatesKey = '';
  private graphs = new Map<GraphName, LoadedGraph>();
  private chosen: string | null = null;
  private notice: string | null = null;

  get provider(): string | null {
    return this.chosen;
  }

  get providerNotice(): string | null {
    return this.notice;
  }

  async get(bundle: ModelBundle, name: GraphName, candidates: string[]): Promise<LoadedGraph> {
    const key = candidates.join(',');
    if (this.bundleDir !== bundle.dir || this.candidatesKey !== key) {
      await this.release();
      this.bundleDir = bundle.dir;
      this.candidatesKey = key;
    }
    const cached = this.graphs.get(name);
    if (cached) return cached;
    const spec = bundle.manifest.graphs[name];
    if (!spec) throw new BundleError(`${path.join(bundle.dir, 'manifest.json')}: graphs.${name} is not defined`);
    const file = path.join(bundle.dir, spec.file);
    const order = this.chosen ? [this.chosen] : candidates;
    const failures: { provider: string; reason: string }[] = [];
    for (const provider of order) {
      try {
        const session = await ort.InferenceSession.create(file, {
          executionProviders: [provider],
          graphOptimizationLevel: 'all',
          // Errors only: onnxruntime's warnings (e.g. about unused initialisers) are noise to a user.
          logSeverityLevel: 3,
        });
        checkSignature(bundle, name, session);
        const loaded = { session, provider };
        this.graphs.set(name, loaded);
        if (!this.chosen) {
          this.chosen = provider;
          this.notice = fallbackNotice(failures, provider);
        }
        return loaded;
      } catch (err) {
        if (err instanceof BundleError) throw err;
        const reason = firstLine((err as Error).message);
        if (isLoadError(reason)) throw new BundleError(`${file}: onnxruntime cannot load it (${reason})`);
        failures.push({ provider, reason });
      }
    }
    const detail = failures.map((f) => `${f.provider}: ${f.reason}`).join('; ');
    throw new Error(`no execution provider could run ${file} (${detail})`);
  }

  async release(): Promise<void> {
    const sessions = [...this.graphs.values()];
    this.graphs.clear();
    this.bundleDir = null;
    this.chosen = null;
    this.notice = null;
    await Promise.allSettled(sessions.map((g) => g.session.release()));
  }
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim().slice(0, 400);
}

/** Errors that mean the file is bad, not the provider (trying the CPU would fail the same way). */
function isLoadError(reason: string): boolean {
  return /no such file|Load model .* failed|protobuf parsing failed|INVALID_PROTOBUF|external data|model_path|ModelProto/i.test(reason);
}

/** The tensors the manifest says the pipeline will feed and read must be exactly the graph's. */
function checkSignature(bundle: ModelBundle, name: GraphName, session: ort.InferenceSession): void {
  const m = bundle.manifest;
  const spec = m.graphs[name];
  if (!spec) return;
  const file = path.join(bundle.dir, spec.file);
  const fed = Object.values(spec.inputs).filter((v): v is string => typeof v === 'string');
  const read = Object.values(spec.outputs).filter((v): v is string => typeof v === 'string');
  const missingIn = fed.filter((n) => !session.inputNames.includes(n));
  const unfed = session.inputNames.filter((n) => !fed.includes(n));
  const missingOut = read.filter((n) => !session.outputNames.includes(n));
  const problems: string[] = [];
  if (missingIn.length) problems.push(`the manifest feeds ${list(missingIn)} but the graph has no such input`);
  if (unfed.length) problems.push(`the graph needs ${list(unfed)} which the manifest does not name`);
  if (missingOut.length) problems.push(`the manifest reads ${list(missingOut)} but the graph has no such output`);
  if (name === 'denoiser' && problems.length === 0) problems.push(...denoiserChannelProblem(m, session));
  if (problems.length) {
    throw new BundleError(
      `${file}: does not match manifest.json graphs.${name}: ${problems.join('; ')} (graph inputs: ${list(session.inputNames)}; outputs: ${list(session.outputNames)})`,
    );
  }
}

function denoiserChannelProblem(m: ModelManifest, session: ort.InferenceSession): string[] {
  const sampleName = m.graphs.denoiser.inputs.sample;
  const meta = session.inputMetadata.find((v) => v.name === sampleName);
  if (!meta?.isTensor || meta.shape.length !== 5) return [];
  const axis = m.latent.layout === 'BCFHW' ? 1 : 2;
  const dim = meta.shape[axis];
  const expected = m.latent.channels + conditioningChannels(m);
  if (typeof dim === 'number' && dim !== expected) {
    return [
      `input ${sampleName} has ${dim} channels (axis ${axis} of ${m.latent.layout}) but latent.channels plus conditioningLayout give ${expected}`,
    ];
  }
  return [];
}

function list(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ') || 'none';
}
