/** Where the router is: the page's meta tag (set by the storefront server), else the build's default. */
export function graphqlUrl(): string {
  const fromPage = document.querySelector<HTMLMetaElement>('meta[name="emporium-graphql-url"]')?.content;
  if (fromPage) return fromPage;
  const fromBuild: unknown = import.meta.env['VITE_GRAPHQL_URL'];
  return typeof fromBuild === 'string' && fromBuild !== '' ? fromBuild : 'http://127.0.0.1:4000/graphql';
}

/** Subscriptions use the same path over WebSocket (graphql-transport-ws). */
export const webSocketUrl = (httpUrl: string): string => httpUrl.replace(/^http/, 'ws');
