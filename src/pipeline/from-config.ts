// Builds and runs a pipeline from its definition file.
import { dirname, resolve } from 'node:path';
import type { Sink, Source } from '../core/contracts.js';
import { createDecoder } from '../decode/decode.js';
import { loadCatalogue } from '../detect/catalogue.js';
import { createDetector } from '../detect/engine.js';
import { loadTuning } from '../detect/tuning.js';
import { createEnricher } from '../enrich/enrich.js';
import { createDeadLetterSink } from '../sinks/dead-letter/sink.js';
import { createEventsFileSink } from '../sinks/file/events-sink.js';
import { createSqliteSink } from '../sinks/sqlite/sink.js';
import { createAlertsSink } from '../sinks/terminal/alerts-sink.js';
import { createFollowSource } from '../sources/file/follow.js';
import { createFileSource } from '../sources/file/source.js';
import { loadPipelineConfig, type PipelineConfig } from './config.js';
import { runPipeline, type PipelineStats } from './run.js';

export async function runFromFile(file: string, signal: AbortSignal): Promise<PipelineStats> {
  const config = loadPipelineConfig(file);
  // Paths in a pipeline file are relative to the file, so `run -c pipelines/local.yaml` works from anywhere.
  return runFromConfig(config, dirname(resolve(file)), signal);
}

export async function runFromConfig(config: PipelineConfig, baseDir: string, signal: AbortSignal): Promise<PipelineStats> {
  const at = (p: string) => resolve(baseDir, p);
  const catalogue = loadCatalogue({ tuning: loadTuning(config.detect.config && at(config.detect.config)) });
  const s = config.source;
  const source: Source = s.follow
    ? createFollowSource({
        path: at(s.path),
        ...(s.checkpoint ? { checkpointFile: at(s.checkpoint) } : {}),
        startAt: s.start_at,
        cluster: config.cluster,
        batchSize: s.batch_size,
        pollMs: s.poll_ms,
        maxLineBytes: s.max_line_bytes,
      })
    : createFileSource({ paths: [at(s.path)], cluster: config.cluster, batchSize: s.batch_size });
  const sinks: Sink[] = [createDeadLetterSink(at(config.dead_letter))];
  for (const k of config.sinks) {
    if (k.type === 'sqlite') sinks.push(createSqliteSink(at(k.path)));
    else if (k.type === 'ndjson') sinks.push(createEventsFileSink(at(k.path)));
    else sinks.push(createAlertsSink(k.format, process.stdout, Boolean(process.stdout.isTTY)));
  }
  return runPipeline(
    {
      source,
      decoder: createDecoder({ defaultCluster: config.cluster }),
      enrich: createEnricher({ redact: config.detect.redact }),
      detector: createDetector(catalogue),
      sinks,
    },
    { signal },
  );
}
