import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportTakes } from '../src/main/export/export-takes';
import { selectTakes } from '../src/main/export/select-takes';
import { TakeStore } from '../src/main/generation/take-store';
import { DEFAULT_CONDITIONING_SPEC } from '../src/shared/conditioning/spec';
import { writeDoneTake } from '../tests/unit/export/take-fixtures';

/** Export time per episode: five finished 720x480, 49-frame test takes with poses, in each format. */
export async function benchExport(report: (line: string) => void): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'dwm-bench-export-'));
  const project = path.join(root, 'project');
  const n = 5;
  for (let i = 0; i < n; i++)
    await writeDoneTake(project, {
      name: `Bench take ${i + 1}`,
      prompt: 'open the drawer',
      withPoses: true,
      spec: DEFAULT_CONDITIONING_SPEC,
    });
  const takes = await selectTakes(new TakeStore(project), [], { filter: {} });
  for (const format of ['lerobot', 'dwm', 'plain'] as const) {
    const started = performance.now();
    await exportTakes({ format, outDir: path.join(root, format), takes });
    const ms = performance.now() - started;
    report(
      `${format}: ${(ms / n).toFixed(0)} ms per episode (${n} takes of 49 frames at 720x480, with poses; ${(ms / 1000).toFixed(2)} s in all)`,
    );
  }
  await fs.rm(root, { recursive: true, force: true });
}
