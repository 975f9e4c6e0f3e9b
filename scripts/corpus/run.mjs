// Runs the analysis of one corpus project in its own process (so wall time and peak memory are its own).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './manifest.mjs';

export function analyseProject(dir, paths) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--max-old-space-size=16384',
        join(repoRoot, 'scripts', 'corpus', 'analyse-project.mjs'),
        dir,
        ...paths,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString();
      if (code !== 0) {
        resolve({
          error: `exited with ${signal ?? code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
        });
        return;
      }
      resolve(JSON.parse(Buffer.concat(out).toString()));
    });
  });
}

/** Builds out/server (the TypeScript project build) so the scripts measure the current sources. */
export async function buildServer() {
  const { spawnSync } = await import('node:child_process');
  const tsc = spawnSync(
    process.execPath,
    [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'server'],
    { stdio: 'inherit', cwd: repoRoot },
  );
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
