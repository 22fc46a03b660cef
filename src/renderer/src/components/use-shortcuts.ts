import { useEffect } from 'react';
import type { MenuCommand } from '../../../shared/api/contract';
import { api } from '../api';
import { undoInBin } from '../generation/takes-store';
import { useStudio } from '../state/studio-store';

function isTextField(el: Element | null): boolean {
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
}

/** Run a command from a shortcut, the toolbar or a native menu: one place decides what each does. */
export function runCommand(command: MenuCommand): void {
  const s = useStudio.getState();
  switch (command) {
    case 'project.new':
      s.setDialog('new');
      break;
    case 'project.open':
      s.setDialog('open');
      break;
    case 'project.save':
      void s.saveProject();
      break;
    case 'project.close':
      void s.closeProject();
      break;
    case 'edit.undo':
      // In the shot bin, undo restores the last deleted takes (the Electron menu's accelerator
      // sends it here rather than to the page); elsewhere it is the document's undo.
      if (undoInBin()) break;
      // In a text field, undo edits the text, as everywhere else.
      if (isTextField(document.activeElement)) document.execCommand('undo');
      else void s.undo();
      break;
    case 'edit.redo':
      if (isTextField(document.activeElement)) document.execCommand('redo');
      else void s.redo();
      break;
    case 'app.settings':
      s.setDialog('settings');
      break;
    case 'scene.import':
      if (s.project) s.setDialog('import');
      break;
  }
}

/**
 * Keyboard shortcuts for the browser (Electron's native menu sends the same commands as
 * menu.command events). Ctrl on Linux/Windows, Cmd on macOS.
 */
export function useShortcuts(): void {
  useEffect(() => {
    const off = api.on('menu.command', ({ command }) => runCommand(command));
    if (api.transport === 'electron') return off;
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod || e.altKey) return;
      const key = e.key.toLowerCase();
      let command: MenuCommand | null = null;
      if (key === 's') command = 'project.save';
      else if (key === 'o') command = 'project.open';
      else if (key === 'n' && e.shiftKey) command = 'project.new';
      else if (key === 'z') command = e.shiftKey ? 'edit.redo' : 'edit.undo';
      else if (key === 'y') command = 'edit.redo';
      else if (key === ',') command = 'app.settings';
      else if (key === 'i') command = 'scene.import';
      if (!command) return;
      if ((command === 'edit.undo' || command === 'edit.redo') && isTextField(document.activeElement)) return;
      e.preventDefault();
      runCommand(command);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      off();
      window.removeEventListener('keydown', onKey);
    };
  }, []);
}
