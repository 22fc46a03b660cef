import type { Command } from 'commander';
import { defaultUserDataDir } from '../app-meta';
import { bundledModelsDir } from '../app-root';
import { discoverModels } from '../models/model-registry';
import { validateBundle } from '../models/validate-bundle';
import { SessionCache } from '../pipeline/sessions';
import { SettingsStore } from '../services/settings-store';

/** `dwm-studio models`: the installed bundles, the unusable ones with why, and optionally a load check. */
export function registerModels(program: Command): void {
  program
    .command('models')
    .description('List model bundles (bundled and in the folders named in settings); invalid ones with the reason')
    .option(
      '--check',
      "check each graph's declared inputs and outputs against the manifest, then load every graph on the CPU (slow for large models)",
    )
    .option('--json', 'print JSON')
    .action(async (opts: { check?: boolean; json?: boolean }) => {
      const settings = new SettingsStore(defaultUserDataDir());
      await settings.load();
      const roots = [bundledModelsDir(), ...settings.get().modelFolders];
      const { models, invalid } = await discoverModels(roots);
      const problems = [...invalid];
      if (opts.check) {
        for (const bundle of models) {
          // The file-level check first: it names element types and sizes too, and costs no loading.
          const { problems: found } = await validateBundle(bundle.dir);
          if (found.length) {
            problems.push({ dir: bundle.dir, id: bundle.manifest.id, problem: found.join('; ') });
            continue;
          }
          const sessions = new SessionCache();
          try {
            for (const graph of ['textEncoder', 'vaeEncoder', 'denoiser', 'vaeDecoder'] as const) {
              if (bundle.manifest.graphs[graph]) await sessions.get(bundle, graph, ['cpu']);
            }
          } catch (err) {
            problems.push({ dir: bundle.dir, id: bundle.manifest.id, problem: (err as Error).message });
          } finally {
            await sessions.release();
          }
        }
      }
      const usable = models.filter((b) => !problems.some((p) => p.dir === b.dir));
      if (opts.json) {
        const list = usable.map((b) => ({
          id: b.manifest.id,
          name: b.manifest.name,
          version: b.manifest.version,
          baseline: b.manifest.baseline,
          dir: b.dir,
          bytes: b.bytes,
        }));
        process.stdout.write(`${JSON.stringify({ roots, models: list, invalid: problems }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`Searched: ${roots.join(', ')}\n`);
      for (const b of usable) {
        const m = b.manifest;
        const c = m.conditioning;
        process.stdout.write(
          `  ${m.id}  ${m.name} ${m.version}${m.baseline ? ' [baseline: no learned dynamics]' : ''}  ${c.width}x${c.height}, ${c.frames} frames at ${c.fps} fps, ${m.scheduler.type}, ${m.defaults.steps} steps  (${(b.bytes / 1e6).toFixed(1)} MB)\n`,
        );
      }
      if (usable.length === 0) process.stdout.write('  (no usable model)\n');
      for (const p of problems) process.stdout.write(`  INVALID ${p.id ?? p.dir}: ${p.problem}\n`);
      if (problems.length) process.exitCode = 1;
    });
}
