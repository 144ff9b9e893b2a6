/** Result of a closed-loop load run: every request's latency, and how many failed. */
export interface LoadResult {
  latenciesMs: number[];
  errors: number;
  elapsedMs: number;
  firstError?: string;
}

/**
 * Closed-loop load: `concurrency` workers each send a request, wait for the answer, send
 * the next, until `requests` have been sent (or, with `durationMs`, that long has passed,
 * whichever comes first). Bounded in count or time, so it always stops.
 */
export async function runLoad(options: {
  concurrency: number;
  requests: number;
  durationMs?: number;
  send: (index: number) => Promise<void>;
}): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const stopAt = started + (options.durationMs ?? Number.POSITIVE_INFINITY);
  const worker = async (): Promise<void> => {
    for (let index = next++; index < options.requests && performance.now() < stopAt; index = next++) {
      const begin = performance.now();
      try {
        await options.send(index);
        latenciesMs.push(performance.now() - begin);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { latenciesMs, errors, elapsedMs: performance.now() - started, ...(firstError ? { firstError } : {}) };
}

/** POSTs a GraphQL request and fails on any GraphQL error, so errors count as errors. */
export async function postGraphQL(
  url: string,
  query: string,
  variables: object,
  headers: Record<string, string> = {},
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: { message: string }[] };
  if (!response.ok || body.errors) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
}

/** A GraphQL request through the router, as a signed-in client (or anonymous); fails on any GraphQL error. */
export async function routerGraphQL<T>(url: string, query: string, variables: object, token?: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data: T; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors[0]?.message);
  return body.data;
}
