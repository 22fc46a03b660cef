import type { ProviderChoice } from '../../shared/model/take';
import type { BackendInfo } from '../services/inference-backends';

/** Which GPU providers each platform can have, fastest first; the CPU is always last. */
const GPU_ORDER: Record<string, string[]> = {
  linux: ['cuda'],
  win32: ['cuda', 'dml'],
  darwin: ['coreml'],
};

const LABELS: Record<string, string> = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'Core ML' };

export function providerLabel(name: string): string {
  return LABELS[name] ?? name;
}

/**
 * The execution providers to try, in order. 'auto' tries the platform's GPU providers that
 * this onnxruntime-node install knows, then the CPU; a forced choice is tried alone, so a
 * user who asked for CUDA gets an error rather than a silent CPU run.
 */
export function providerCandidates(choice: ProviderChoice, backends: BackendInfo[], platform: string = process.platform): string[] {
  if (choice !== 'auto') return [choice];
  const known = new Set(backends.filter((b) => b.available).map((b) => b.name));
  return [...(GPU_ORDER[platform] ?? []).filter((p) => known.has(p)), 'cpu'];
}

/** What the user is told when the run did not get the provider they would have wanted. */
export function fallbackNotice(failures: { provider: string; reason: string }[], used: string): string | null {
  if (failures.length === 0) return null;
  const tried = failures.map((f) => `${providerLabel(f.provider)} could not start (${f.reason})`).join('; ');
  return `${tried}; ran on ${providerLabel(used)} instead.`;
}
