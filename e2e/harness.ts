import { inject } from 'vitest';

/** Stops or starts a platform process (`order-worker`) or an engine (`connect`) of the running e2e platform. */
export async function control(kind: 'services' | 'components', name: string, action: 'stop' | 'start'): Promise<void> {
  const response = await fetch(`${inject('controlUrl')}/${kind}/${name}/${action}`, { method: 'POST' });
  if (!response.ok) throw new Error(`${action} ${name}: ${response.status} ${await response.text()}`);
}
