#!/usr/bin/env node
/**
 * Makes sure Debian's Chromium is at /usr/bin/chromium before the end-to-end
 * tests run. Playwright is pointed at that binary; this script never downloads
 * a browser. As root on Debian it installs the `chromium` package with
 * apt-get (output streamed); anywhere else it says what to install and fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const HOW = "install Debian's chromium: apt-get install -y chromium";

function fail(reason) {
  process.stderr.write(`ensure-chromium: ${reason}\nensure-chromium: ${HOW}\n`);
  process.exit(1);
}

function hasAptGet() {
  return spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args) {
  process.stdout.write(`ensure-chromium: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.error) fail(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

if (existsSync(CHROMIUM)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = existsSync('/etc/debian_version');
if (!isRoot || !isDebian || !hasAptGet()) {
  fail(`${CHROMIUM} is missing and it cannot be installed from here (${!isDebian ? 'not Debian' : !isRoot ? 'not root' : 'no apt-get'}).`);
}

run('apt-get', ['update']);
run('apt-get', ['install', '-y', 'chromium']);
if (!existsSync(CHROMIUM)) fail(`apt-get finished but ${CHROMIUM} is still missing.`);
process.stdout.write(`ensure-chromium: ${CHROMIUM} installed\n`);
