import { useId, useState } from 'react';
import { api } from '../api';
import { useStudio } from '../state/studio-store';
import { Dialog } from './Dialog';
import { RecentProjects } from './RecentProjects';

function slug(name: string): string {
  return (
    name
      .trim()
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'project'
  );
}

function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** New Project and Open Project. In a browser the folder is typed; in Electron a native picker helps. */
export function ProjectDialog({ kind }: { kind: 'new' | 'open' }) {
  const info = useStudio((s) => s.info);
  const busy = useStudio((s) => s.busy);
  const setDialog = useStudio((s) => s.setDialog);
  const createProject = useStudio((s) => s.createProject);
  const openProject = useStudio((s) => s.openProject);
  const [name, setName] = useState('Untitled shot study');
  const [dir, setDir] = useState('');
  const [dirTouched, setDirTouched] = useState(false);
  const nameId = useId();
  const dirId = useId();

  const suggested = info ? joinPath(info.projectsDir, slug(name)) : '';
  const folder = kind === 'new' && !dirTouched ? suggested : dir;

  const browse = async () => {
    const picked = await api.invoke('dialog.pickFolder', {
      title: kind === 'new' ? 'Choose a folder for the new project' : 'Open a project folder',
      purpose: kind === 'new' ? 'create' : 'open',
    });
    if (picked.path) {
      setDir(picked.path);
      setDirTouched(true);
    }
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!folder.trim()) return;
    if (kind === 'new') await createProject(folder.trim(), name.trim());
    else await openProject(folder.trim());
  };

  return (
    <Dialog title={kind === 'new' ? 'New project' : 'Open project'} onClose={() => setDialog(null)}>
      <form onSubmit={submit} className="form">
        {kind === 'new' ? (
          <label htmlFor={nameId}>
            Name
            <input id={nameId} value={name} maxLength={200} required autoFocus onChange={(e) => setName(e.target.value)} />
          </label>
        ) : null}
        <label htmlFor={dirId}>
          {kind === 'new' ? 'Folder (new or empty)' : 'Project folder (holds project.json)'}
          <span className="row">
            <input
              id={dirId}
              value={folder}
              required
              autoFocus={kind === 'open'}
              spellCheck={false}
              placeholder="/path/to/project"
              onChange={(e) => {
                setDir(e.target.value);
                setDirTouched(true);
              }}
            />
            {info?.nativeDialogs ? (
              <button type="button" onClick={browse}>
                Browse…
              </button>
            ) : null}
          </span>
        </label>
        {kind === 'open' ? <RecentProjects title="Recent projects" /> : null}
        <div className="actions">
          <button type="button" onClick={() => setDialog(null)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {kind === 'new' ? 'Create project' : 'Open'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
