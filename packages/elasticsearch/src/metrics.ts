/**
 * Elasticsearch request latency for Prometheus: every API call the client makes, timed from
 * the call to its answer (retries included: the wait a caller sees), by API name and
 * outcome. Measured in the client's transport, the extension point the client offers for
 * this, so no caller has to remember to time its requests.
 */
import {
  SniffingTransport,
  errors,
  type TransportRequestOptions,
  type TransportRequestOptionsWithMeta,
  type TransportRequestOptionsWithOutMeta,
  type TransportRequestParams,
  type TransportResult,
} from '@elastic/elasticsearch';
import { Histogram, type Registry } from 'prom-client';

/** Seconds: a cached get (a ms) to a bulk write or a slow search at the indexer's 30 s timeout. */
export const ELASTICSEARCH_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** How a request ended; a few values, so the label stays bounded. */
export type RequestOutcome =
  'ok' | 'not_found' | 'conflict' | 'client_error' | 'server_error' | 'timeout' | 'connection_error' | 'error';

/**
 * The outcome of a failed request. A 404 (an index or document not there yet) and a 409 (a
 * version conflict the indexer expects when a change lost to a newer one) are answers, told
 * apart from failures so that an error-rate panel does not count them.
 */
export function outcomeOf(error: unknown): RequestOutcome {
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    if (status === 404) return 'not_found';
    if (status === 409) return 'conflict';
    return status >= 500 ? 'server_error' : 'client_error';
  }
  if (error instanceof errors.TimeoutError) return 'timeout';
  if (error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError) {
    return 'connection_error';
  }
  return 'error';
}

/** The API name of a request (`search`, `bulk`, `indices.refresh`), as the client names it; bounded by the API. */
const operationOf = (params: TransportRequestParams): string => params.meta?.name ?? 'other';

// prom-client refuses a second series of one name in a registry: each registry gets it once.
const byRegistry = new WeakMap<Registry, Histogram<'operation' | 'outcome'>>();

function durationsOn(registry: Registry): Histogram<'operation' | 'outcome'> {
  let histogram = byRegistry.get(registry);
  if (!histogram) {
    histogram = new Histogram({
      name: 'elasticsearch_request_duration_seconds',
      help: 'Time of an Elasticsearch API call (retries included), by API name and outcome',
      labelNames: ['operation', 'outcome'] as const,
      buckets: [...ELASTICSEARCH_BUCKETS],
      registers: [registry],
    });
    byRegistry.set(registry, histogram);
  }
  return histogram;
}

/** The client's default transport, timing each request into `registry`. */
export function measuredTransport(registry: Registry): typeof SniffingTransport {
  const durations = durationsOn(registry);
  return class MeasuredTransport extends SniffingTransport {
    override request<TResponse = unknown>(
      params: TransportRequestParams,
      options?: TransportRequestOptionsWithOutMeta,
    ): Promise<TResponse>;
    override request<TResponse = unknown, TContext = unknown>(
      params: TransportRequestParams,
      options?: TransportRequestOptionsWithMeta,
    ): Promise<TransportResult<TResponse, TContext>>;
    override request<TResponse = unknown>(
      params: TransportRequestParams,
      options?: TransportRequestOptions,
    ): Promise<TResponse>;
    override async request(params: TransportRequestParams, options?: TransportRequestOptions): Promise<unknown> {
      const end = durations.startTimer({ operation: operationOf(params) });
      try {
        const answer: unknown = await super.request(params, options);
        end({ outcome: 'ok' });
        return answer;
      } catch (error) {
        end({ outcome: outcomeOf(error) });
        throw error;
      }
    }
  };
}
