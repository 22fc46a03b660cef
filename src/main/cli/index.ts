import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { SceneAsset } from '../../shared/scene/schema';
import { APP_NAME, APP_VERSION, defaultUserDataDir } from '../app-meta';
import { rendererBuildDir } from '../app-root';
import { createUploadStaging } from '../host/uploads';
import { startWebHost } from '../host/web-host';
import { ProjectService } from '../services/project-service';
import { SettingsStore } from '../services/settings-store';
import { createStudio, type Studio } from '../studio';
import { ensureRendererBuilt } from './ensure-build';
import { registerExport } from './export-command';
import { registerGenerate } from './generate-command';
import { registerImportSamples } from './import-samples-command';
import { registerMetrics } from './metrics-command';
import { registerModels } from './models-command';
import { registerRender } from './render-command';
import { registerSynth } from './synth-command';

/**
 * `dwm-studio`: the studio's command line. Each subcommand uses the same services as the
 * app; later capabilities add their own subcommands here.
 */
/** A fixed default port makes the URL predictable (SSH tunnels, bookmarks); the token still guards it. */
export const DEFAULT_PORT = 4680;

export function buildCli(): Command {
  const program = new Command();
  program
    .name('dwm-studio')
    .description(`${APP_NAME} ${APP_VERSION}: author egocentric hand-object shots and generate them with Dexterous World Models.`)
    .version(APP_VERSION)
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('import')
    .description('Import a scene file (glTF/GLB, OBJ+MTL, PLY mesh or point cloud, 3DGS PLY, .splat, .spz) into a project')
    .argument('<project>', 'project folder')
    .argument('<file>', 'scene file; its textures, .mtl and .bin files are found and copied with it')
    .option('-n, --name <name>', 'scene name (default: the file name)')
    .action(async (projectDir: string, file: string, opts: { name?: string }) => {
      const settings = new SettingsStore(defaultUserDataDir());
      await settings.load();
      const projects = new ProjectService({ settings, appVersion: APP_VERSION });
      await projects.open(projectDir);
      const state = await projects.importScene(file, opts.name ? { name: opts.name } : {});
      await projects.close();
      const scene = state.document.scenes[state.document.scenes.length - 1];
      if (scene) process.stdout.write(`Imported "${scene.name}" into ${state.dir}: ${describeScene(scene)}\n`);
    });

  registerRender(program);
  registerSynth(program);
  registerImportSamples(program);
  registerModels(program);
  registerGenerate(program);
  registerMetrics(program);
  registerExport(program);

  program
    .command('serve')
    .description('Serve the studio to a browser on 127.0.0.1 (the same UI and services as the desktop app)')
    .option(
      '-p, --port <n>',
      `port to listen on; 0 picks a free one (default ${DEFAULT_PORT}, or a free one when that is taken)`,
      parsePort,
    )
    .option('--project <dir>', 'open this project folder')
    .option('--no-build', 'do not build the renderer when out/renderer is missing')
    .option('--json', 'print one JSON line with url and openUrl (for scripts and tests)')
    .action(async (opts: { port?: number; project?: string; build: boolean; json?: boolean }) => {
      // `npm start` passes its explanation of why the desktop app did not start.
      const banner = process.env.DWM_SERVE_BANNER;
      await serve(banner ? { ...opts, banner } : opts);
    });

  program
    .command('new')
    .description('Create a new project folder (it must not exist yet, or be empty)')
    .argument('<dir>', 'folder for the project')
    .option('-n, --name <name>', 'project name (default: the folder name)')
    .option('--empty', 'start without the bundled sample room')
    .action(async (dir: string, opts: { name?: string; empty?: boolean }) => {
      const settings = new SettingsStore(defaultUserDataDir());
      await settings.load();
      const projects = new ProjectService({ settings, appVersion: APP_VERSION });
      const name = opts.name ?? path.basename(path.resolve(dir));
      const state = await projects.create(dir, name, { sampleRoom: !opts.empty });
      await projects.close();
      process.stdout.write(`Created project "${state.document.name}" in ${state.dir}\n`);
      for (const scene of state.document.scenes) {
        process.stdout.write(`  scene "${scene.name}": ${describeScene(scene)}\n`);
      }
    });

  return program;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

export async function serve(opts: { port?: number; project?: string; build: boolean; json?: boolean; banner?: string }): Promise<void> {
  const rendererDir = rendererBuildDir();
  if (opts.build) await ensureRendererBuilt();
  // The staging area asks the studio for the open project lazily, so it can be made first.
  let studio: Studio | undefined;
  const uploads = createUploadStaging(() => studio?.services.projects.dir ?? null);
  studio = await createStudio({ userDataDir: defaultUserDataDir(), host: { transport: 'web', uploads } });
  const settings = studio.services.settings.get();
  if (opts.project) {
    const dir = path.resolve(opts.project);
    await fs.access(path.join(dir, 'project.json')).catch(() => {
      throw new Error(`${dir} is not a DWM Studio project (no project.json); create one with: dwm-studio new ${dir}`);
    });
    await studio.services.projects.open(dir);
  } else if (settings.reopenLastProject && settings.recentProjects[0]) {
    const last = settings.recentProjects[0].dir;
    await studio.services.projects.open(last).catch((err: Error) => console.error(`Could not reopen ${last}: ${err.message}`));
  }
  const log = (m: string) => console.error(m);
  let host: Awaited<ReturnType<typeof startWebHost>>;
  try {
    host = await startWebHost({ studio, uploads, rendererDir, port: opts.port ?? DEFAULT_PORT, log });
  } catch (err) {
    // Only the default port falls back; a port the user asked for is theirs to free.
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.port !== undefined) throw err;
    console.error(`Port ${DEFAULT_PORT} is in use; picking a free port.`);
    host = await startWebHost({ studio, uploads, rendererDir, port: 0, log });
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ url: host.url, openUrl: host.openUrl, port: host.port })}\n`);
  } else {
    if (opts.banner) process.stdout.write(`${opts.banner}\n`);
    process.stdout.write(
      `${APP_NAME} is serving on ${host.url}\nOpen this URL in a browser (it carries the access token):\n\n  ${host.openUrl}\n\nPress Ctrl+C to stop.\n`,
    );
  }
  const stop = async () => {
    await studio.shutdown();
    await host.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function runCli(argv = process.argv): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`dwm-studio: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

function describeScene(scene: SceneAsset): string {
  const { triangles, points, splats } = scene.stats;
  const counts = [
    triangles ? `${triangles.toLocaleString('en')} triangles` : '',
    points ? `${points.toLocaleString('en')} points` : '',
    splats ? `${splats.toLocaleString('en')} splats` : '',
  ].filter(Boolean);
  const size = (scene.bounds.max.map((v, i) => v - (scene.bounds.min[i] as number)) as number[]).map((v) => v.toFixed(2)).join(' x ');
  return `${scene.format}, ${counts.join(', ')}, ${(scene.sizeBytes / 1e6).toFixed(2)} MB, extent ${size} (file units)${
    scene.articulations.length ? `, ${scene.articulations.length} articulated parts` : ''
  }`;
}
