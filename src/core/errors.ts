// One catalogue of errors, split by what the caller must do next (STYLE.md §7).

export interface ErrorOptions {
  cause?: unknown;
  context?: Record<string, unknown>;
}

export class AuditPipelineError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly context: Record<string, unknown>;
  constructor(code: string, message: string, retriable: boolean, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = retriable;
    this.context = options.context ?? {};
  }
}

/** Bad configuration, rules or arguments: print one line per problem and exit 1. */
export class ConfigError extends AuditPipelineError {
  readonly problems: string[];
  constructor(problems: string[] | string, options?: ErrorOptions) {
    const list = Array.isArray(problems) ? problems : [problems];
    super('E_CONFIG', list.join('\n'), false, options);
    this.problems = list;
  }
}

/** Input that cannot be read at all (a missing file, a PNG): exit 1 with this message. */
export class InputError extends AuditPipelineError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_INPUT', message, false, options);
  }
}

/** A downstream hiccup (connection reset, 429, 5xx): retry with backoff. */
export class TransientError extends AuditPipelineError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_TRANSIENT', message, true, options);
  }
}

/** A downstream refused for good (bad credentials, mapping conflict): dead-letter or stop. */
export class DeliveryError extends AuditPipelineError {
  constructor(message: string, options?: ErrorOptions) {
    super('E_DELIVERY', message, false, options);
  }
}
