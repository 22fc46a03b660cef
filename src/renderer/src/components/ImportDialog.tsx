import { useId, useRef, useState } from 'react';
import { api } from '../api';
import { SCENE_EXTENSIONS } from '../api/upload';
import { useStudio } from '../state/studio-store';
import { Dialog } from './Dialog';

const accept = SCENE_EXTENSIONS.map((e) => `.${e}`).join(',');

/**
 * Import a scene: by path (a file on the machine the studio runs on), with the desktop
 * app's file picker, or by dropping/choosing files in the browser, which uploads them (a
 * glTF or OBJ together with its .bin, .mtl and textures).
 */
export function ImportDialog() {
  const info = useStudio((s) => s.info);
  const busy = useStudio((s) => s.busy);
  const uploadFraction = useStudio((s) => s.uploadFraction);
  const setDialog = useStudio((s) => s.setDialog);
  const importScene = useStudio((s) => s.importScene);
  const importFiles = useStudio((s) => s.importFiles);
  const [path, setPath] = useState('');
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const pathId = useId();
  const web = info?.transport === 'web';

  const browse = async () => {
    const picked = await api.invoke('dialog.pickFile', { title: 'Import a scene', filter: 'scene' });
    if (picked.path) await importScene(picked.path);
  };

  return (
    <Dialog title="Import a scene" onClose={() => !busy && setDialog(null)}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void importScene(path.trim());
        }}
      >
        <p className="hint">
          glTF / GLB (Draco, meshopt, KTX2), OBJ + MTL, PLY meshes and coloured point clouds, Gaussian splats (3DGS .ply, .splat, .spz). The
          file and its textures are copied into the project.
        </p>
        <label htmlFor={pathId}>
          {web ? 'Path on the machine running the studio' : 'File'}
          <span className="row">
            <input
              id={pathId}
              value={path}
              spellCheck={false}
              placeholder="/path/to/room.glb"
              autoFocus
              onChange={(e) => setPath(e.target.value)}
            />
            {info?.nativeDialogs ? (
              <button type="button" onClick={browse} disabled={busy}>
                Browse…
              </button>
            ) : null}
          </span>
        </label>
        {web ? (
          // biome-ignore lint/a11y/noStaticElementInteractions: a drop target; the "Choose files" button inside it is the keyboard route
          <div
            className={`dropzone ${dragging ? 'dragging' : ''}`}
            data-testid="import-dropzone"
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragging(false);
              void importFiles([...e.dataTransfer.files]);
            }}
          >
            <span>Or drop the scene file here, with its .bin, .mtl and textures</span>
            <button type="button" onClick={() => fileInput.current?.click()} disabled={busy}>
              Choose files…
            </button>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              aria-label="Scene files to upload"
              accept={`${accept},.bin,.mtl,.png,.jpg,.jpeg,.ktx2,.webp`}
              onChange={(e) => void importFiles([...(e.target.files ?? [])])}
            />
          </div>
        ) : null}
        {busy ? (
          <div className="progress" role="status">
            {uploadFraction !== null ? `Uploading… ${Math.round(uploadFraction * 100)}%` : 'Importing…'}
          </div>
        ) : null}
        <div className="actions">
          <button type="button" onClick={() => setDialog(null)} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !path.trim()}>
            Import
          </button>
        </div>
      </form>
    </Dialog>
  );
}
