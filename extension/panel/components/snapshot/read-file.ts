/** A picked file's text, or undefined once the failure is shown (the file went away, not text). */
import type { Ui } from '../../models/ui.js';

export async function readFile(file: File, ui: Ui): Promise<string | undefined> {
  try {
    return await file.text();
  } catch (error) {
    ui.fail(new Error(`Cannot read ${file.name}: ${error instanceof Error ? error.message : String(error)}`));
    return undefined;
  }
}
