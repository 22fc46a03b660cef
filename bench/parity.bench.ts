import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const tools = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'tools', 'dwm_export');

/**
 * Time per denoising step of the PyTorch reference and of the studio's pipeline on the same
 * tiny CogVideoX-Fun + DWM LoRA graphs and inputs, in one run (tools/dwm_export/dwm_export/bench.py,
 * which also prints the parity figures). Needs a Python with tools/dwm_export/requirements.txt,
 * named by DWM_PYTHON (as npm test uses it).
 */
export async function benchParity(report: (line: string) => void): Promise<void> {
  const python = process.env.DWM_PYTHON || 'python3';
  if (spawnSync(python, ['-c', 'import torch, diffusers, peft, onnx'], { cwd: tools }).status !== 0) {
    report(
      `SKIPPED: ${python} lacks torch, diffusers, peft or onnx (pip install -r tools/dwm_export/requirements.txt, then set DWM_PYTHON)`,
    );
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn(python, ['-W', 'ignore', '-m', 'dwm_export', 'bench', '--steps', '20'], {
      cwd: tools,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) report(line);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`dwm_export bench exited ${code}:\n${err.slice(-3000)}`))));
  });
}
