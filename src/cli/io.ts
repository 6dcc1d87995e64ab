/**
 * What a CLI command may touch of the outside world. Commands take it as a
 * parameter so tests can run them with a fake (no spawn, no real files).
 */
export interface CliIO {
  /** the whole of standard input, UTF-8 */
  readStdin(): Promise<string>;
  /** writes text to standard output; a trailing newline is added when missing */
  out(s: string): void;
  /** writes text to standard error; a trailing newline is added when missing */
  err(s: string): void;
  /** a file's contents, UTF-8; rejects (e.g. ENOENT) when it cannot be read */
  readFile(path: string): Promise<string>;
}
