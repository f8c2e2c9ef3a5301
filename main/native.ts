// Native duties of the shell: the folder picker and printing a window to PDF.
import fs from 'node:fs/promises';
import path from 'node:path';
import { app, type BrowserWindow, dialog } from 'electron';
import { defaultPdfName, pdfTargetPath } from './ipc-contract';

export async function pickProjectFolder(win: BrowserWindow | null): Promise<string | null> {
  const options: Electron.OpenDialogOptions = {
    title: 'Open Neurofab project',
    buttonLabel: 'Open Project',
    properties: ['openDirectory', 'createDirectory'],
  };
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  if (result.canceled) return null;
  return result.filePaths[0] ?? null;
}

/** Asks where to save, prints the window's page to PDF there, and returns the path (null: cancelled). */
export async function printWindowToPdf(win: BrowserWindow): Promise<string | null> {
  const result = await dialog.showSaveDialog(win, {
    title: 'Print to PDF',
    defaultPath: path.join(app.getPath('documents'), defaultPdfName(win.getTitle())),
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  if (result.canceled || !result.filePath) return null;
  const target = pdfTargetPath(result.filePath);
  const data = await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' });
  await fs.writeFile(target, data);
  return target;
}
