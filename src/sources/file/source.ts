// The file source for `scan`: reads each input in turn and hands the pipeline one batch at a time.
// Pulling is the backpressure: the next batch is read only when the pipeline asks for it.
import type { SourceBatch } from '../../core/batch.js';
import type { Source } from '../../core/contracts.js';
import { InputError } from '../../core/errors.js';
import { discoverInputs } from './discover.js';
import { openInput, readAuditFile } from './reader.js';

/**
 * Single JSON documents up to this size are parsed whole (JSON.parse: fast, but the text and its
 * parsed tree at once, ~3× the bytes); larger ones are streamed item by item. At 256 MB a webhook
 * capture alone took ~1 GB; 16 MB keeps it within the scan's budget (issue 7: 256 MB peak RSS).
 */
export const WHOLE_DOCUMENT_LIMIT_BYTES = 16 * 1024 * 1024;

export interface FileSourceOptions {
  paths: string[];
  cluster?: string;
  batchSize?: number;
  wholeDocumentLimitBytes?: number;
  onBytes?: (n: number) => void;
  /** JSON-lines files as byte chunks for worker threads to split (reader.ts lineChunks). */
  lineChunks?: boolean;
  /** Called when a file ends, with how many records it produced (lines, for line chunks). */
  onFileDone?: (path: string, records: number) => void;
}

export function createFileSource(options: FileSourceOptions): Source & { files: string[] } {
  const files = discoverInputs(options.paths);
  return {
    name: 'file',
    files,
    async *batches(signal: AbortSignal): AsyncIterable<SourceBatch> {
      for (const file of files) {
        if (signal.aborted) return;
        const input = openInput(file);
        let count = 0;
        try {
          for await (const b of readAuditFile(file === '-' ? 'stdin' : file, input, {
            batchSize: options.batchSize ?? 250,
            wholeDocumentLimitBytes: options.wholeDocumentLimitBytes ?? WHOLE_DOCUMENT_LIMIT_BYTES,
            ...(options.cluster === undefined ? {} : { cluster: options.cluster }),
            ...(options.onBytes ? { onBytes: options.onBytes } : {}),
            ...(options.lineChunks ? { lineChunks: true } : {}),
          })) {
            count += b.lineCount ?? b.records.length;
            // A scan has nothing to commit; acknowledgements matter to follow mode and the other sources.
            yield b.lines ? { records: [], lines: b.lines, ack() {}, fail() {} } : { records: b.records, ack() {}, fail() {} };
            if (signal.aborted) return;
          }
        } catch (e) {
          if (e instanceof InputError) throw e;
          throw new InputError(`${file}: ${(e as Error).message}`, { cause: e });
        } finally {
          if (file !== '-') input.destroy();
        }
        options.onFileDone?.(file, count);
      }
    },
    async close() {},
  };
}
