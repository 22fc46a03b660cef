import { conditioningChannels, latentShape, type ModelManifest } from '../../shared/model/manifest';

/**
 * The rules a graph's declared inputs and outputs must meet for the pipeline to run it with a
 * manifest. One source of truth for both places that check them: pipeline/sessions.ts, with
 * the signature onnxruntime reports once a graph is loaded, and validate-bundle.ts, with the
 * signature read from the file (onnx-io.ts) before anything is loaded.
 */

export type GraphName = 'textEncoder' | 'vaeEncoder' | 'denoiser' | 'vaeDecoder';
export const GRAPH_NAMES: readonly GraphName[] = ['textEncoder', 'vaeEncoder', 'denoiser', 'vaeDecoder'];

/** One input or output: element type as onnxruntime names it (null: not a tensor), dimensions (null: rank unknown). */
export interface TensorInfo {
  name: string;
  type: string | null;
  shape: readonly (number | string | null)[] | null;
}

export interface GraphSignature {
  inputs: readonly TensorInfo[];
  outputs: readonly TensorInfo[];
}

/**
 * The tensors the manifest says the pipeline will feed and read must be exactly the graph's,
 * and the denoiser's sample input must have room for the latents plus the conditioning.
 */
export function signatureProblems(m: ModelManifest, name: GraphName, sig: GraphSignature): string[] {
  const spec = m.graphs[name];
  if (!spec) return [];
  const inputNames = sig.inputs.map((t) => t.name);
  const outputNames = sig.outputs.map((t) => t.name);
  const fed = Object.values(spec.inputs).filter((v): v is string => typeof v === 'string');
  const read = Object.values(spec.outputs).filter((v): v is string => typeof v === 'string');
  const missingIn = fed.filter((n) => !inputNames.includes(n));
  const unfed = inputNames.filter((n) => !fed.includes(n));
  const missingOut = read.filter((n) => !outputNames.includes(n));
  const problems: string[] = [];
  if (missingIn.length) problems.push(`the manifest feeds ${listNames(missingIn)} but the graph has no such input`);
  if (unfed.length) problems.push(`the graph needs ${listNames(unfed)} which the manifest does not name`);
  if (missingOut.length) problems.push(`the manifest reads ${listNames(missingOut)} but the graph has no such output`);
  if (name === 'denoiser' && problems.length === 0) problems.push(...denoiserChannelProblem(m, sig));
  return problems;
}

function denoiserChannelProblem(m: ModelManifest, sig: GraphSignature): string[] {
  const sampleName = m.graphs.denoiser.inputs.sample;
  const sample = sig.inputs.find((t) => t.name === sampleName);
  if (!sample || sample.type === null || !sample.shape || sample.shape.length !== 5) return [];
  const axis = m.latent.layout === 'BCFHW' ? 1 : 2;
  const dim = sample.shape[axis];
  const expected = m.latent.channels + conditioningChannels(m);
  if (typeof dim === 'number' && dim !== expected) {
    return [
      `input ${sampleName} has ${dim} channels (axis ${axis} of ${m.latent.layout}) but latent.channels plus conditioningLayout give ${expected}`,
    ];
  }
  return [];
}

/** What the pipeline feeds or reads for one tensor: its element type, and per axis a size (null: any) with where it comes from. */
interface Expected {
  type: string;
  /** Why that type: the manifest field that sets it, or the pipeline's fixed choice. */
  typeReason: string;
  dims: { label: string; size: number | null; source: string }[];
}

/**
 * Element types, ranks and fixed sizes of the graph's tensors against what the pipeline feeds
 * and reads (docs/model-bundles.md, "Tensor contract"). Symbolic and unnamed dimensions pass;
 * a fixed size must be the one the manifest implies. Only tensors the graph has are checked
 * (signatureProblems reports missing ones).
 */
export function tensorProblems(m: ModelManifest, name: GraphName, sig: GraphSignature): string[] {
  const spec = m.graphs[name];
  if (!spec) return [];
  const expected = expectations(m, name);
  const problems: string[] = [];
  for (const [kind, tensors, verb] of [
    ['input', sig.inputs, 'feeds'],
    ['output', sig.outputs, 'reads'],
  ] as const) {
    for (const t of tensors) {
      const want = expected[kind].get(t.name);
      if (!want) continue;
      if (t.type === null) {
        problems.push(`${kind} "${t.name}" is not a tensor; the pipeline ${verb} a ${want.type} tensor`);
        continue;
      }
      if (t.type !== want.type) problems.push(`${kind} "${t.name}" is ${t.type}, ${want.typeReason}`);
      if (!t.shape) continue;
      if (t.shape.length !== want.dims.length) {
        problems.push(
          `${kind} "${t.name}" has ${t.shape.length} dimensions, the pipeline ${verb} ${want.dims.length} ([${want.dims.map((d) => d.label).join(', ')}])`,
        );
        continue;
      }
      want.dims.forEach((d, axis) => {
        const actual = t.shape?.[axis];
        if (d.size !== null && typeof actual === 'number' && actual !== d.size) {
          problems.push(`${kind} "${t.name}" has ${actual} at axis ${axis} (${d.label}), manifest says ${d.size} (${d.source})`);
        }
      });
    }
  }
  return problems;
}

function expectations(m: ModelManifest, name: GraphName): { input: Map<string, Expected>; output: Map<string, Expected> } {
  const input = new Map<string, Expected>();
  const output = new Map<string, Expected>();
  const f32 = (verb: 'feeds' | 'reads') => ({ type: 'float32', typeReason: `the pipeline ${verb} float32` });
  const any = (label: string) => ({ label, size: null, source: '' });
  const { width, height, frames } = m.conditioning;
  const [c, lf, lh, lw] = latentShape(m);
  const video = [
    any('batch'),
    { label: 'colour channels', size: 3, source: 'RGB' },
    { label: 'frames', size: frames, source: 'conditioning.frames' },
    { label: 'height', size: height, source: 'conditioning.height' },
    { label: 'width', size: width, source: 'conditioning.width' },
  ];
  const latentFrames = { label: 'latent frames', size: lf, source: 'conditioning.frames and latent.temporalCompression' };
  const latentRest = [
    { label: 'latent height', size: lh, source: 'conditioning.height / latent.spatialCompression' },
    { label: 'latent width', size: lw, source: 'conditioning.width / latent.spatialCompression' },
  ];
  // The VAE's latents are always B,C,F,H,W; the denoiser's follow latent.layout.
  const latentDims = (channels: Expected['dims'][number], layout: 'BCFHW' | 'BFCHW') =>
    layout === 'BCFHW' ? [any('batch'), channels, latentFrames, ...latentRest] : [any('batch'), latentFrames, channels, ...latentRest];
  const latentChannels = { label: 'channels', size: c, source: 'latent.channels' };
  const tokens = m.tokenizer ? { label: 'tokens', size: m.tokenizer.maxLength, source: 'tokenizer.maxLength' } : any('tokens');
  switch (name) {
    case 'textEncoder': {
      const te = m.graphs.textEncoder;
      if (!te) break;
      const ids = { type: 'int64', typeReason: 'the pipeline feeds int64 token ids', dims: [any('batch'), tokens] };
      input.set(te.inputs.inputIds, ids);
      if (te.inputs.attentionMask) input.set(te.inputs.attentionMask, { ...ids, typeReason: 'the pipeline feeds an int64 mask' });
      output.set(te.outputs.hiddenStates, { ...f32('reads'), dims: [any('batch'), tokens, any('hidden size')] });
      break;
    }
    case 'vaeEncoder':
      input.set(m.graphs.vaeEncoder.inputs.video, { ...f32('feeds'), dims: video });
      output.set(m.graphs.vaeEncoder.outputs.latent, { ...f32('reads'), dims: latentDims(latentChannels, 'BCFHW') });
      break;
    case 'vaeDecoder':
      input.set(m.graphs.vaeDecoder.inputs.latent, { ...f32('feeds'), dims: latentDims(latentChannels, 'BCFHW') });
      output.set(m.graphs.vaeDecoder.outputs.video, { ...f32('reads'), dims: video });
      break;
    case 'denoiser': {
      const d = m.graphs.denoiser;
      // The sample's channel count is signatureProblems' to report (sessions.ts checks it too), so it is not repeated here.
      input.set(d.inputs.sample, { ...f32('feeds'), dims: latentDims(any('channels'), m.latent.layout) });
      input.set(d.inputs.timestep, {
        type: m.timestepType,
        typeReason: `manifest says ${m.timestepType} (timestepType)`,
        dims: [any('batch')],
      });
      if (d.inputs.text) input.set(d.inputs.text, { ...f32('feeds'), dims: [any('batch'), tokens, any('hidden size')] });
      output.set(d.outputs.prediction, { ...f32('reads'), dims: latentDims(latentChannels, m.latent.layout) });
      break;
    }
  }
  return { input, output };
}

export function listNames(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ') || 'none';
}
