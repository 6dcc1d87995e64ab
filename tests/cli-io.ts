/** A CliIO for command tests: captured stdout and stderr lines, a given stdin, and in-memory files. */
import type { CliIO } from '../src/cli/io.ts';

export interface FakeIO extends CliIO {
  stdout: string[];
  stderr: string[];
}

export function fakeIO(stdin = '', files: Record<string, string> = {}): FakeIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    readStdin: async () => stdin,
    readFile: async (path) => {
      if (path in files) return files[path];
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    },
    out: (s) => stdout.push(s),
    err: (s) => stderr.push(s),
  };
}
