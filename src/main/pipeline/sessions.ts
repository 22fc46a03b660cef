import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelBundle } from '../models/bundle';
import { type GraphName, listNames, signatureProblems, type TensorInfo } from '../models/graph-signature';
import { fallbackNotice } from './providers';

export type { GraphName };

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

/** The graph must fit the manifest (graph-signature.ts holds the rules, shared with the check made before loading). */
function checkSignature(bundle: ModelBundle, name: GraphName, session: ort.InferenceSession): void {
  const spec = bundle.manifest.graphs[name];
  if (!spec) return;
  const file = path.join(bundle.dir, spec.file);
  const problems = signatureProblems(bundle.manifest, name, {
    inputs: describe(session.inputMetadata),
    outputs: describe(session.outputMetadata),
  });
  if (problems.length) {
    throw new BundleError(
      `${file}: does not match manifest.json graphs.${name}: ${problems.join('; ')} (graph inputs: ${listNames(session.inputNames)}; outputs: ${listNames(session.outputNames)})`,
    );
  }
}

function describe(metadata: readonly ort.InferenceSession.ValueMetadata[]): TensorInfo[] {
  return metadata.map((v) => ({ name: v.name, type: v.isTensor ? v.type : null, shape: v.isTensor ? v.shape : null }));
}
