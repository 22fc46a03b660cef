import { useEffect, useRef, useState } from 'react';
import { useStudio } from '../state/studio-store';
import { runCommand } from './use-shortcuts';

const mod = navigator.platform.startsWith('Mac') ? '⌘' : 'Ctrl+';

export function Toolbar() {
  const project = useStudio((s) => s.project);
  const canUndo = useStudio((s) => s.canUndo);
  const canRedo = useStudio((s) => s.canRedo);
  const isWeb = useStudio((s) => s.info?.transport === 'web');
  return (
    <header className="toolbar" role="toolbar" aria-label="Studio toolbar">
      <div className="brand" title="DWM Studio">
        <span className="brand-mark" aria-hidden>
          ◆
        </span>
        DWM Studio
      </div>
      <nav className="toolbar-group" aria-label="Project">
        <button type="button" onClick={() => runCommand('project.new')} title={`New project (${isWeb ? `${mod}Shift+N` : `${mod}N`})`}>
          New
        </button>
        <button type="button" onClick={() => runCommand('project.open')} title={`Open project (${mod}O)`}>
          Open
        </button>
        <button type="button" onClick={() => runCommand('project.save')} disabled={!project} title={`Save (${mod}S)`}>
          Save
        </button>
        <button type="button" onClick={() => runCommand('project.close')} disabled={!project} title="Close project">
          Close
        </button>
        <button
          type="button"
          onClick={() => useStudio.getState().setDialog('export')}
          disabled={!project}
          title="Export finished takes: LeRobot dataset, DWM reference layout, or plain files"
        >
          Export takes…
        </button>
      </nav>
      <nav className="toolbar-group" aria-label="History">
        <button type="button" onClick={() => runCommand('edit.undo')} disabled={!canUndo} title={`Undo (${mod}Z)`} aria-label="Undo">
          ↶
        </button>
        <button type="button" onClick={() => runCommand('edit.redo')} disabled={!canRedo} title={`Redo (${mod}Shift+Z)`} aria-label="Redo">
          ↷
        </button>
      </nav>
      <div className="toolbar-title">{project ? <ProjectName /> : <span className="muted">No project open</span>}</div>
      <button
        type="button"
        className="icon-button"
        onClick={() => runCommand('app.settings')}
        title={`Settings (${mod},)`}
        aria-label="Settings"
      >
        ⚙
      </button>
    </header>
  );
}

/** The project name; click to rename, Enter to commit (one undo step), Escape to cancel. */
function ProjectName() {
  const name = useStudio((s) => s.project?.document.name ?? '');
  const dirty = useStudio((s) => s.project?.dirty ?? false);
  const editDocument = useStudio((s) => s.editDocument);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(name);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const commit = () => {
    setEditing(false);
    const next = draft.trim();
    if (next && next !== name) void editDocument((doc) => ({ ...doc, name: next }));
  };
  if (editing) {
    return (
      <input
        ref={input}
        className="name-input"
        aria-label="Project name"
        value={draft}
        maxLength={200}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setEditing(false);
        }}
      />
    );
  }
  return (
    <button
      type="button"
      className="project-name"
      title="Rename project"
      onClick={() => {
        setDraft(name);
        setEditing(true);
      }}
    >
      <span data-testid="project-name">{name}</span>
      {dirty ? (
        <span className="dirty-dot" title="Unsaved changes">
          ●
        </span>
      ) : null}
    </button>
  );
}
