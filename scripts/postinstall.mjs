// Runs after `npm install` / `npm ci`. package.json's allowScripts keeps npm from running
// the install scripts of electron and onnxruntime-node, because they download binaries from
// hosts some machines cannot reach (offline labs, CI sandboxes) and would fail the whole
// install. Here each download is tried once, with a time limit, and whatever could not be
// fetched is reported without failing: the studio still works in a browser through the
// web host, and onnxruntime-node's bundled CPU runtime needs no download.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const TIMEOUT_MS = 120_000;
const skip = process.env.DWM_SKIP_BINARY_DOWNLOADS === '1';
const report = [];

function packageDir(name) {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

function tryScript(label, dir, script, args = [], env = {}) {
  if (skip) return { ok: false, why: 'skipped (DWM_SKIP_BINARY_DOWNLOADS=1)' };
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    env: { ...process.env, ...env },
  });
  if (result.status === 0) return { ok: true };
  // The useful line is the first error line, not the stack trace or Node's version banner.
  const lines = `${result.stderr ?? ''}\n${result.stdout ?? ''}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const errorLine = lines.find((l) => /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|Error:/.test(l)) ?? lines[0] ?? '';
  const why = result.error ? result.error.message : errorLine || `exit code ${result.status}`;
  return { ok: false, why: `${label}: ${why.slice(0, 300)}` };
}

// Electron: its install script downloads the platform binary.
const electronDir = packageDir('electron');
if (electronDir) {
  const binaryPresent = () => existsSync(path.join(electronDir, 'path.txt')) && existsSync(path.join(electronDir, 'dist'));
  if (!binaryPresent()) {
    const r = tryScript('electron download', electronDir, 'install.js');
    if (!binaryPresent()) {
      report.push(
        `Electron binary: not installed (${r.why ?? 'the download did not complete'}). 'npm start' will serve the studio to a browser instead.`,
      );
    }
  }
}

// onnxruntime-node: the CPU runtime is in the package; the CUDA provider is a separate download on Linux x64.
const ortDir = packageDir('onnxruntime-node');
if (ortDir && process.platform === 'linux' && process.arch === 'x64') {
  const cudaLib = path.join(ortDir, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
  if (!existsSync(cudaLib)) {
    const r = tryScript('onnxruntime CUDA provider download', ortDir, path.join('script', 'install.js'));
    if (!existsSync(cudaLib)) {
      report.push(
        `onnxruntime-node CUDA provider: not installed (${r.why ?? 'no CUDA download for this setup'}). Inference runs on the CPU.`,
      );
    }
  }
}

// ffmpeg is used from the system (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg).
const ffmpeg = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['ffmpeg'], { encoding: 'utf8' });
if (ffmpeg.status !== 0) report.push('ffmpeg: not found on PATH. Video encoding needs it (e.g. apt install ffmpeg).');

if (report.length > 0) {
  console.log('\nDWM Studio install: some optional binaries are not available; everything else is installed.');
  for (const line of report) console.log(`  - ${line}`);
  console.log('');
} else {
  console.log('DWM Studio install: all optional binaries present.');
}
