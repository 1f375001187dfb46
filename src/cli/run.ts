// k8s-audit run -c PIPELINE.yaml: a long-lived pipeline built from a definition file.
import type { Command } from 'commander';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a long-lived pipeline: file-follow, Kafka or webhook source into the store, Elasticsearch, Kafka and alert outputs (see pipelines/)')
    .requiredOption('-c, --config <file>', 'pipeline definition (YAML)')
    .action(async (opts: { config: string }) => {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        // Loaded here, not at start-up: the Kafka and Elasticsearch clients take ~400 ms to import.
        const { runFromFile } = await import('../pipeline/from-config.js');
        await runFromFile(opts.config, controller.signal);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
