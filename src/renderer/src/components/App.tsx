import { useEffect } from 'react';
import { HeadlessRender } from '../conditioning/HeadlessRender';
import { HeadlessSynth } from '../conditioning/HeadlessSynth';
import { useTakes } from '../generation/takes-store';
import { useStudio } from '../state/studio-store';
import { TimelinePanel } from '../timeline/TimelinePanel';
import { ExportDialog } from './ExportDialog';
import { ImportDialog } from './ImportDialog';
import { OpenFailureBanner } from './OpenFailureBanner';
import { ProjectDialog } from './ProjectDialog';
import { SamplesDialog } from './SamplesDialog';
import { ScenePanel } from './ScenePanel';
import { SettingsDialog } from './SettingsDialog';
import { ShotBinPanel } from './ShotBinPanel';
import { StatusBar } from './StatusBar';
import { Toasts } from './Toasts';
import { Toolbar } from './Toolbar';
import { useShortcuts } from './use-shortcuts';
import { ViewportPanel } from './ViewportPanel';

/** The studio shell: toolbar, viewport, shot bin, timeline and status bar. */
export function App() {
  const init = useStudio((s) => s.init);
  const dialog = useStudio((s) => s.dialog);
  const checkedTakes = useTakes((s) => s.checked);
  useEffect(() => {
    void init();
  }, [init]);
  useShortcuts();

  return (
    <div className="shell">
      <Toolbar />
      <OpenFailureBanner />
      <main className="workspace">
        <ScenePanel />
        <ViewportPanel />
        <ShotBinPanel />
        <TimelinePanel />
      </main>
      <StatusBar />
      {dialog === 'new' || dialog === 'open' ? <ProjectDialog kind={dialog} /> : null}
      {dialog === 'settings' ? <SettingsDialog /> : null}
      {dialog === 'import' ? <ImportDialog /> : null}
      {dialog === 'samples' ? <SamplesDialog /> : null}
      {dialog === 'export' ? <ExportDialog selectedTakeIds={checkedTakes} /> : null}
      <Toasts />
      <HeadlessRender />
      <HeadlessSynth />
    </div>
  );
}
