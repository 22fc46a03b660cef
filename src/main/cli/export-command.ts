import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { APP_VERSION, defaultUserDataDir } from '../app-meta';
import { type ExportFormat, exportTakes } from '../export/export-takes';
import { selectTakes, takesFromFolders } from '../export/select-takes';
import type { ExportableTake } from '../export/take-episode';
import { readTakeFolder, TakeStore } from '../generation/take-store';
import { ProjectService } from '../services/project-service';
import { SettingsStore } from '../services/settings-store';

interface ExportOptions {
  format: ExportFormat;
  out: string;
  project?: string;
  takes?: string[];
  shot?: string;
  minRating?: number;
  flagged?: boolean;
  model?: string;
  append?: boolean;
}

/** `dwm-studio export`: takes to a LeRobot v3 dataset, the DWM reference layout, or plain MP4 + JSON files. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Export finished takes: a LeRobot v3.0 dataset, the DWM reference layout, or plain MP4 + JSON per take')
    .addOption(new Option('--format <format>', 'lerobot | dwm | plain').choices(['lerobot', 'dwm', 'plain']).makeOptionMandatory())
    .requiredOption('--out <dir>', 'output folder (new or empty; with --append, an existing LeRobot dataset)')
    .option('--project <dir>', 'project folder whose takes to export (all finished takes that pass the filters)')
    .option('--takes <ids-or-folders...>', 'take ids (with --project) or take folders (e.g. made by dwm-studio generate)')
    .option('--shot <id|name>', 'only takes of this shot')
    .option('--min-rating <n>', 'only takes rated at least n stars', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 5) throw new InvalidArgumentError('must be 0 to 5');
      return n;
    })
    .option('--flagged', 'only flagged takes')
    .option('--model <id>', 'only takes of this model')
    .option('--append', 'lerobot: add the takes as new episodes of the dataset in --out')
    .action(async (opts: ExportOptions) => {
      const takes = await chooseTakes(opts);
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort());
      let last = '';
      const result = await exportTakes({
        format: opts.format,
        outDir: opts.out,
        takes,
        append: opts.append === true,
        signal: abort.signal,
        onProgress: (fraction, label) => {
          const line = `${Math.round(fraction * 100)}% ${label}`;
          if (line !== last) process.stderr.write(`${line}\n`);
          last = line;
        },
      });
      process.stdout.write(`Exported ${result.takes} take${result.takes === 1 ? '' : 's'} (${result.format}) to ${result.outDir}\n`);
    });
}

async function chooseTakes(opts: ExportOptions): Promise<ExportableTake[]> {
  const filter = { shot: opts.shot, minRating: opts.minRating, flaggedOnly: opts.flagged, modelId: opts.model };
  if (!opts.project) {
    if (!opts.takes?.length) throw new Error('say which takes: --project DIR (with optional filters) or --takes FOLDER...');
    return takesFromFolders(opts.takes, readTakeFolder);
  }
  const settings = new SettingsStore(defaultUserDataDir());
  await settings.load();
  const projects = new ProjectService({ settings, appVersion: APP_VERSION });
  const state = await projects.open(path.resolve(opts.project));
  try {
    return await selectTakes(new TakeStore(state.dir), state.document.shots, { takeIds: opts.takes, filter });
  } finally {
    await projects.close();
  }
}
