// Reads the cross-language vectors in tests/vectors (shared with Foundry and the C# tests).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repositoryRoot = join(import.meta.dirname, '..', '..', '..');

export function loadVector<T>(name: string): T {
  return JSON.parse(readFileSync(join(repositoryRoot, 'tests', 'vectors', name), 'utf8')) as T;
}
