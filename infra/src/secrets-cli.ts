/**
 * `node infra/src/secrets-cli.ts > .env`: fresh secrets for a production deployment such as
 * docker compose, one `NAME=value` line each, every value new and random. Nothing here is
 * stored: run it once per deployment and keep the output as secret as a password.
 */
import { randomBytes } from 'node:crypto';
import { generateAssertionKeyPair } from '@emporium/auth';
import { SERVICE_DATABASES } from '@emporium/config';

const token = (bytes = 32): string => randomBytes(bytes).toString('base64url');
const router = generateAssertionKeyPair();
const orderService = generateAssertionKeyPair();

const lines: [string, string][] = [
  ['ROUTER_PRIVATE_KEY', router.privateKey],
  ['ROUTER_PUBLIC_KEY', router.publicKey],
  ['ORDER_SERVICE_PRIVATE_KEY', orderService.privateKey],
  ['ORDER_SERVICE_PUBLIC_KEY', orderService.publicKey],
  ['IDENTITY_KEY_ENCRYPTION_KEY', randomBytes(32).toString('base64')],
  ['POSTGRES_PASSWORD', token()],
  ...SERVICE_DATABASES.map((service): [string, string] => [`${service.toUpperCase()}_DB_PASSWORD`, token()]),
  ['CDC_DB_PASSWORD', token()],
  // The simulator's; with a real provider these come from its dashboard instead.
  ['PAYMENT_PROVIDER_PUBLISHABLE_KEY', `pk_${token(24)}`],
  ['PAYMENT_PROVIDER_SECRET_KEY', `sk_${token()}`],
  ['PAYMENT_PROVIDER_WEBHOOK_SECRET', `whsec_${token()}`],
];
process.stdout.write(lines.map(([name, value]) => `${name}=${value}\n`).join(''));
