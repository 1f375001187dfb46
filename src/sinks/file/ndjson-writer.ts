// An append-only NDJSON file whose write() resolves once the lines are handed to the OS.
import { createWriteStream, type WriteStream } from 'node:fs';

export class NdjsonWriter {
  private stream: WriteStream | undefined;
  constructor(readonly path: string, private readonly flags: 'a' | 'w' = 'a') {}

  async write(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    this.stream ??= createWriteStream(this.path, { flags: this.flags });
    const s = this.stream;
    await new Promise<void>((resolve, reject) => {
      s.write(`${lines.join('\n')}\n`, (err) => (err ? reject(err) : resolve()));
    });
  }

  get opened(): boolean {
    return this.stream !== undefined;
  }

  async close(): Promise<void> {
    const s = this.stream;
    if (!s) return;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
