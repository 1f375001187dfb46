// An append-only NDJSON file whose write() resolves once the lines are handed to the OS. A file
// error (no such directory, disk full) rejects the write — the batch fails instead of the process.
import { createWriteStream, type WriteStream } from 'node:fs';
import { DeliveryError } from '../../core/errors.js';

export class NdjsonWriter {
  private stream: WriteStream | undefined;
  private failure: Error | undefined;
  constructor(readonly path: string, private readonly flags: 'a' | 'w' = 'a') {}

  async write(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const s = this.open();
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      s.write(`${lines.join('\n')}\n`, (err) => (err ? reject(this.failure ?? this.wrap(err)) : resolve()));
    });
  }

  get opened(): boolean {
    return this.stream !== undefined;
  }

  async close(): Promise<void> {
    const s = this.stream;
    if (!s || this.failure) return;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(this.wrap(err)) : resolve())));
  }

  private open(): WriteStream {
    if (this.stream) return this.stream;
    const s = createWriteStream(this.path, { flags: this.flags });
    s.on('error', (err) => {
      this.failure ??= this.wrap(err);
    });
    this.stream = s;
    return s;
  }

  private wrap(err: Error): Error {
    return new DeliveryError(`${this.path}: cannot write: ${err.message}`, { cause: err });
  }
}
