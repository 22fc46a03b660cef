import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppInfo, CallInput, CallName, CallOutput } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { listInferenceBackends } from '../services/inference-backends';
import type { ProjectService } from '../services/project-service';
import type { SettingsStore } from '../services/settings-store';

/** What differs between the Electron shell and the web host; everything else is shared. */
export interface HostAdapter {
  transport: AppInfo['transport'];
  /** Native folder picker; absent in the web host. */
  pickFolder?: (title: string, purpose: 'create' | 'open') => Promise<string | null>;
}

export interface Services {
  appName: string;
  appVersion: string;
  settings: SettingsStore;
  projects: ProjectService;
}

export type Handlers = { [N in CallName]: (input: CallOutputOfInput<N>) => Promise<CallOutput<N>> };
/** Handlers receive the input after schema parsing (defaults applied). */
type CallOutputOfInput<N extends CallName> = import('zod').output<import('../../shared/api/contract').Calls[N]['input']>;

export function createHandlers(services: Services, host: HostAdapter): Handlers {
  const { settings, projects } = services;
  return {
    'app.info': async () => ({
      name: services.appName,
      version: services.appVersion,
      transport: host.transport,
      platform: `${process.platform}-${process.arch}`,
      nativeDialogs: host.pickFolder !== undefined,
      userDataDir: settings.userDataDir,
      projectsDir: path.join(os.homedir(), 'DWM Studio Projects'),
      inferenceBackends: listInferenceBackends(),
      models: [],
    }),
    'settings.get': async () => settings.get(),
    'settings.update': async (patch) => settings.update(patch),
    'project.recent': async () => settings.get().recentProjects.map((r) => ({ ...r, exists: existsSync(r.dir) })),
    'project.current': async () => projects.current(),
    'project.create': async ({ dir, name }) => projects.create(dir, name),
    'project.open': async ({ dir, fromBackup }) => projects.open(dir, fromBackup),
    'project.update': async ({ document, baseRevision }) => projects.update(document, baseRevision),
    'project.save': async () => projects.save(),
    'project.close': async () => ({ closed: await projects.close() }),
    'dialog.pickFolder': async ({ title, purpose }) => {
      if (!host.pickFolder) throw new ApiError('UNSUPPORTED', 'Folder dialogs exist only in the desktop app; type the folder path instead');
      return { path: await host.pickFolder(title, purpose) };
    },
  };
}

export type { CallInput };
