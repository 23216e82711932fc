import { readFile } from 'node:fs/promises';

/** The last `lines` lines of a text file, or a note saying why there are none. */
export async function tailFile(path: string, lines = 40): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n') || '(log is empty)';
  } catch (err) {
    return `(no log at ${path}: ${(err as Error).message})`;
  }
}
