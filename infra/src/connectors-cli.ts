/**
 * `node infra/src/connectors-cli.ts`: registers the CDC connectors of `cdc-connectors/`
 * (idempotent), e.g. as part of docker compose's provisioning step.
 */
import { registerConnectors } from './connectors.ts';

try {
  await registerConnectors({
    report: (line) => {
      console.log(line);
    },
  });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
