import { describe, expect, it } from 'vitest';
import { ROUTER_PORT } from '../infra/src/services.ts';

describe('router', () => {
  it('answers its health check on the public port', async () => {
    const response = await fetch(`http://127.0.0.1:${ROUTER_PORT}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
