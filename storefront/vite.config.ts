// `npx vite` in storefront/ (development, hot reload) uses the same configuration as the build.
import { viteConfig } from './server/build.ts';

export default viteConfig();
