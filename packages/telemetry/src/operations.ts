import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { trace } from '@opentelemetry/api';
import { Counter, Histogram, type Registry } from 'prom-client';
import { BoundedLabel, DURATION_BUCKETS } from './metrics.ts';

/** Requests whose operation never resolved: a body that does not parse or validate, or one refused before that. */
const UNRESOLVED = 'unknown';

const errorCode = (error: { extensions?: Record<string, unknown> }): string => {
  const code = error.extensions?.['code'];
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
};

/** Options of {@link operationMetricsPlugin}. */
export interface OperationMetricsOptions {
  /** Called once per error code of each request (a refusal in the context function included). */
  onErrorCode?: (code: string) => void;
}

/**
 * Apollo Server plugin measuring every GraphQL request by operation name and type:
 * `graphql_requests_total`, `graphql_request_duration_seconds` (a histogram) and
 * `graphql_errors_total` by error code (`extensions.code`). A request refused while its
 * context was built (a rate limit, a bad token) counts under operation `unknown`, as does
 * one that does not parse or validate. Names are bounded ({@link BoundedLabel}).
 *
 * With tracing on, the request's span (the HTTP server span) is named after the operation
 * (`query ProductPage`), so a trace store lists operations rather than a column of `POST`s.
 */
export function operationMetricsPlugin<TContext extends BaseContext>(
  registry: Registry,
  options: OperationMetricsOptions = {},
): ApolloServerPlugin<TContext> {
  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL requests by operation name and type',
    labelNames: ['operation', 'type'] as const,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors by operation name and extensions.code',
    labelNames: ['operation', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL request to sending its response, by operation name and type',
    labelNames: ['operation', 'type'] as const,
    buckets: [...DURATION_BUCKETS],
    registers: [registry],
  });
  const names = new BoundedLabel();
  const codes = new BoundedLabel(50);
  const countErrors = (operation: string, list: readonly { extensions?: Record<string, unknown> }[]): void => {
    for (const code of new Set(list.map(errorCode))) {
      const bounded = codes.value(code);
      errors.inc({ operation, code: bounded });
      options.onErrorCode?.(bounded);
    }
  };

  return {
    async contextCreationDidFail({ error }) {
      requests.inc({ operation: UNRESOLVED, type: UNRESOLVED });
      countErrors(UNRESOLVED, [error as { extensions?: Record<string, unknown> }]);
    },
    async requestDidStart() {
      const started = performance.now();
      return {
        async didResolveOperation(context) {
          if (!context.operation) return;
          // Bounded like the labels: a trace store indexes span names too.
          const name = names.value(context.operationName ?? 'anonymous');
          const type = context.operation.operation;
          trace
            .getActiveSpan()
            ?.setAttributes({ 'graphql.operation.name': name, 'graphql.operation.type': type })
            .updateName(`${type} ${name}`);
        },
        async didEncounterErrors(context) {
          const operation = context.operation ? names.value(context.operationName ?? 'anonymous') : UNRESOLVED;
          countErrors(operation, context.errors);
        },
        async willSendResponse(context) {
          const labels = context.operation
            ? { operation: names.value(context.operationName ?? 'anonymous'), type: context.operation.operation }
            : { operation: UNRESOLVED, type: UNRESOLVED };
          requests.inc(labels);
          duration.observe(labels, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
