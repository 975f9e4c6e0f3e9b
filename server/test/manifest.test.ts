/** The extension manifest (the root package.json): what VS Code and the Marketplace read from it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './helpers/paths';
import { docsBaseUrl } from '../src/rules/types';

interface Manifest {
  contributes: {
    commands: { command: string }[];
    menus?: { commandPalette?: { command: string; when?: string }[] };
  };
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;

test('every command is offered in the palette only for Motoko and Rust files', () => {
  const palette = manifest.contributes.menus?.commandPalette ?? [];
  for (const { command } of manifest.contributes.commands) {
    const entry = palette.find((p) => p.command === command);
    assert.equal(entry?.when, 'editorLangId == motoko || editorLangId == rust', command);
  }
});

test('the published rule pages live in the repository the manifest names', () => {
  const { repository } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    repository: { url: string };
  };
  assert.equal(docsBaseUrl, `${repository.url}/blob/main/`);
});
