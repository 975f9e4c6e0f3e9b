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

test('the Marketplace fields are set and the icon is a 128×128 PNG that is packaged', () => {
  const m = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    icon: string;
    categories: string[];
    keywords: string[];
    repository: { url: string };
  };
  const png = readFileSync(join(repoRoot, m.icon));
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  // vsce refuses more than 30 keywords; the Marketplace knows only its own categories.
  assert.ok(m.keywords.length > 0 && m.keywords.length <= 30);
  const known = ['Programming Languages', 'Linters', 'Visualization', 'Other', 'Testing', 'Debuggers'];
  assert.ok(
    m.categories.every((c) => known.includes(c)),
    m.categories.join(),
  );
  assert.match(m.repository.url, /^https:\/\//);
  const ignore = readFileSync(join(repoRoot, '.vscodeignore'), 'utf8').split('\n');
  for (const kept of [m.icon, 'CHANGELOG.md', 'README.md']) assert.ok(ignore.includes(`!${kept}`), kept);
});

test('every setting is documented in the README and docs/configuration.md', () => {
  const m = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, unknown> } };
  };
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const config = readFileSync(join(repoRoot, 'docs', 'configuration.md'), 'utf8');
  for (const key of Object.keys(m.contributes.configuration.properties)) {
    assert.ok(readme.includes(`\`${key}\``), `README: ${key}`);
    assert.ok(config.includes(`\`${key}\``), `docs/configuration.md: ${key}`);
  }
});

test('the README (the Marketplace page) is for users first: contributor commands only under Development', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const development = readme.indexOf('\n## Development');
  assert.ok(development > readme.length / 2, 'the Development section starts in the second half');
  // The two commands a newcomer runs on a clone open the README (the team's rule); after them, none until Development.
  const twoCommands = '```sh\nnpm install && npm start ';
  assert.ok(
    readme.startsWith(`# Canister Commit Points\n\n${twoCommands}`),
    'the two commands open the README',
  );
  // The Performance section, just before Development, says how to run the bench.
  const performance = readme.indexOf('\n## Performance');
  const userEnd = performance > 0 && performance < development ? performance : development;
  const userPart = readme.slice(readme.indexOf('```\n', twoCommands.length) + 4, userEnd);
  assert.doesNotMatch(userPart, /npm (test|start|run|ci)\b/);
  // It opens with what the extension does, then the editor features and a screenshot.
  assert.match(userPart.split('\n## ')[0], /commit point/);
  assert.ok(userPart.indexOf('## What it shows in the editor') < userPart.indexOf('images/screenshot.png'));
});
