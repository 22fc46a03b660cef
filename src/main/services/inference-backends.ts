import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface BackendInfo {
  name: string;
  available: boolean;
}

const require = createRequire(import.meta.url);

/**
 * Ask the installed onnxruntime-node which execution providers it knows, and whether the
 * library each needs is present (CUDA's comes from a separate download the install may
 * have skipped). Never throws: a broken runtime is reported as no backends.
 */
export function listInferenceBackends(): BackendInfo[] {
  try {
    const ort = require('onnxruntime-node') as { listSupportedBackends?: () => { name: string; bundled: boolean }[] };
    const binDir = path.join(
      path.dirname(require.resolve('onnxruntime-node/package.json')),
      'bin',
      'napi-v6',
      process.platform,
      process.arch,
    );
    return (ort.listSupportedBackends?.() ?? []).map((b) => ({
      name: b.name,
      available: b.bundled || providerLibraryPresent(binDir, b.name),
    }));
  } catch {
    return [];
  }
}

function providerLibraryPresent(binDir: string, name: string): boolean {
  const ext = process.platform === 'win32' ? 'dll' : process.platform === 'darwin' ? 'dylib' : 'so';
  const prefix = process.platform === 'win32' ? '' : 'lib';
  return existsSync(path.join(binDir, `${prefix}onnxruntime_providers_${name}.${ext}`));
}
