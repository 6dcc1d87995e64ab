/**
 * Test helper: a Python 3 with PyTorch. Debian's `python3-torch` lives in the
 * system Python (/usr/bin/python3), which a pyenv or venv `python3` on PATH
 * may hide, so both are tried. When neither has torch and the machine is
 * Debian and we are root, `apt-get install -y python3-torch` installs it
 * (a few minutes, once per machine: measured 3.5 min here); otherwise the
 * caller skips with the returned reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type TorchPython = { python: string; version: string } | { python: null; reason: string };

function torchVersion(python: string): string | null {
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

function firstWithTorch(): { python: string; version: string } | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const version = torchVersion(python);
    if (version) return { python, version };
  }
  return null;
}

export function findTorchPython(): TorchPython {
  const found = firstWithTorch();
  if (found) return found;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!existsSync('/etc/debian_version') || !root) {
    return { python: null, reason: `no Python with torch, and installing Debian's python3-torch needs ${root ? 'a Debian system' : 'root'}: install PyTorch for python3 to run this test` };
  }
  const install = () => spawnSync('apt-get', ['install', '-y', 'python3-torch', 'libopenblas0-pthread'], { encoding: 'utf8', timeout: 900_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  let r = install();
  if (r.status !== 0) {
    // A fresh machine may have no package lists yet.
    spawnSync('apt-get', ['update'], { encoding: 'utf8', timeout: 600_000 });
    r = install();
  }
  const after = firstWithTorch();
  if (after) return after;
  return { python: null, reason: `apt-get install python3-torch failed (exit ${r.status}): ${(r.stderr || r.stdout || '').trim().split('\n').slice(-2).join(' ')}` };
}
