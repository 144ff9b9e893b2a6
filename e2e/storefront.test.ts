/**
 * The storefront in a real browser (Debian's Chromium, driven by playwright-core) against the
 * platform the e2e setup boots: the built app served by the storefront process on :3000,
 * calling the router over CORS and WebSocket and tokenizing cards at the payment provider.
 * Screenshots of each page go to test-artifacts/storefront/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page, type Request, type WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { eventually } from '@emporium/testing';
import { repoRoot } from '../infra/src/config.ts';
import { STOREFRONT, serviceUrl } from '../infra/src/services.ts';
import { ROUTER_URL, freshEmail, run } from './client.ts';
import { productOnSale } from './shop.ts';

const STOREFRONT_URL = serviceUrl(STOREFRONT);
const ARTIFACTS = join(repoRoot, 'test-artifacts', 'storefront');
/** The first page's JavaScript, gzipped, at most. */
const FIRST_PAGE_JS_BUDGET = 200 * 1024;
const CARD_OK = '4242 4242 4242 4242';
const CARD_DECLINED = '4000 0000 0000 0002';

let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      // Root cannot use Chromium's sandbox; the pages are our own.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-gpu',
      '--disable-dev-shm-usage',
      // The machine's network is closed: no calls home, no component updates.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser.close();
});

async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: STOREFRONT_URL });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

const shot = async (page: Page, name: string): Promise<void> => {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
};

/** Every GraphQL request the page sends the router, as JSON bodies. */
function recordRouterRequests(page: Page): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  page.on('request', (request: Request) => {
    if (request.url() !== ROUTER_URL || request.method() !== 'POST') return;
    bodies.push(request.postDataJSON() as Record<string, unknown>);
  });
  return bodies;
}

const SESSION_KEY = 'emporium.session';

/** The session the page keeps in localStorage (shared by the tabs of one browser context). */
async function storedSession(page: Page): Promise<{ token: string; refreshToken: string; expiresAt: string } | null> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY);
  return raw === null ? null : (JSON.parse(raw) as { token: string; refreshToken: string; expiresAt: string });
}

/**
 * Proxies the page's subscription sockets to the router, and can drop them as a network
 * would: `drop()` closes the open socket (both ends) and refuses reconnections until
 * `restore()`. The close codes are ones graphql-ws retries (1012 service restart, 1013 try
 * again later), like the 1006 of a real cut.
 */
async function droppableSockets(page: Page): Promise<{ drop: () => void; restore: () => void; opened: () => number }> {
  let open: { page: WebSocketRoute; server: WebSocketRoute } | undefined;
  let refusing = false;
  let count = 0;
  await page.routeWebSocket(/\/graphql$/, (socket) => {
    if (refusing) {
      void socket.close({ code: 1013, reason: 'still down' });
      return;
    }
    count += 1;
    open = { page: socket, server: socket.connectToServer() };
  });
  return {
    drop: () => {
      refusing = true;
      void open?.server.close({ code: 1000, reason: 'dropped by the test' });
      void open?.page.close({ code: 1012, reason: 'dropped by the test' });
    },
    restore: () => {
      refusing = false;
    },
    opened: () => count,
  };
}

describe('storefront', () => {
  it('loads the first page with at most 200 KB of gzipped JavaScript, and serves the manifest of its operations', async () => {
    const page = await newPage();
    const scripts = new Map<string, Promise<Buffer>>();
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.set(response.url(), response.body());
    });
    await page.goto('/', { waitUntil: 'networkidle' });
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('All products');
    const bodies = await Promise.all(scripts.values());
    const gzipped = bodies.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);
    console.log(`first page: ${scripts.size} scripts, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(scripts.size).toBeGreaterThan(0);
    expect(gzipped).toBeLessThanOrEqual(FIRST_PAGE_JS_BUDGET);

    const manifest = await fetch(`${STOREFRONT_URL}/persisted-documents.json`);
    expect(manifest.ok).toBe(true);
    const documents = (await manifest.json()) as Record<string, string>;
    expect(Object.values(documents).some((text) => text.includes('query SearchProducts('))).toBe(true);
    await page.context().close();
  });

  it('takes a guest from search to a paid order: cart merged on registering, a declined card explained, PAID live', async () => {
    // A product of this test's own, in stock, and searchable once the indexer has seen it.
    const product = await productOnSale('49.99', 20);
    await eventually(
      async () => {
        const result = await run<{ searchProducts: { edges: { node: { id: string } | null }[] } }>('SearchProducts', {
          query: product.name,
          first: 5,
        });
        return result.data?.searchProducts.edges.some((edge) => edge.node?.id === product.id) ? true : undefined;
      },
      { what: `${product.name} in the search index`, timeoutMs: 60_000 },
    );

    const page = await newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    onTestFailed(async () => {
      console.log(`browser errors:\n${problems.join('\n')}`);
      await shot(page, 'failed-flow');
    });
    const sent = recordRouterRequests(page);
    const sockets = await droppableSockets(page);
    await page.goto('/');

    // Search with suggestions as you type.
    const search = page.getByRole('combobox', { name: 'Search products' });
    await search.fill(product.name.slice(0, 10));
    const suggestions = page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option');
    await expect.poll(() => suggestions.count()).toBeGreaterThan(0);
    await shot(page, '01-search-suggestions');
    await search.fill(product.name);
    await search.press('Enter');
    const result = page.getByRole('link', { name: product.name });
    await result.waitFor();
    // The category facet, by name: search counts ids, the page names them.
    const categoryFacet = page.getByRole('group', { name: 'Category' });
    await categoryFacet.waitFor();
    const categoryLabels = await categoryFacet.locator('.facet-value span:not(.count)').allTextContents();
    expect(categoryLabels.length).toBeGreaterThan(0);
    for (const label of categoryLabels) expect(label).not.toMatch(/^[0-9a-f-]{36}$/i);
    await shot(page, '02-search-results');

    // The product page; into the guest cart.
    await result.click();
    await page.getByRole('heading', { level: 1, name: product.name }).waitFor();
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByText('Added to your cart.').waitFor();
    await expect.poll(() => page.getByTestId('cart-count').textContent()).toBe('1');
    await shot(page, '03-product');

    await page.getByRole('link', { name: /^Cart/ }).click();
    await page.getByRole('link', { name: product.name }).waitFor();
    await shot(page, '04-guest-cart');

    // Registering merges the guest cart into the new account's and goes on to checkout.
    await page.getByRole('link', { name: 'or create an account' }).click();
    await page.getByLabel('Your name').fill('Storefront Tester');
    await page.getByLabel('Email').fill(freshEmail('storefront'));
    await page.getByLabel('Password').fill('correct horse battery staple');
    await shot(page, '05-register');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Checkout' }).waitFor();
    await expect.poll(() => page.getByTestId('cart-count').textContent()).toBe('1');
    await expect.poll(() => page.getByRole('cell', { name: product.name }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('expected-total').textContent()).toContain('49.99');
    await shot(page, '06-checkout');

    // Checkout places the order and opens its page; the reservation's countdown runs.
    // A value only this page load holds: still there at PAID means the page never reloaded.
    const marker = Math.random().toString(36).slice(2);
    await page.evaluate(`window.storefrontTestMarker = '${marker}'`);
    await page.getByRole('button', { name: /^Place order/ }).click();
    await page.waitForURL(/\/orders\/[\w-]+$/);
    await expect
      .poll(() => page.getByTestId('order-status').textContent(), { timeout: 30_000 })
      .toBe('Items reserved, awaiting payment');
    await expect.poll(() => page.getByTestId('countdown').textContent()).toMatch(/Pay within \d+:\d\d/);
    // The reserved lines left the cart, and the header says so (not the count before checkout).
    await expect.poll(() => page.getByTestId('cart-count').textContent()).toBe('0');
    await shot(page, '07-order-awaiting-payment');

    // The live connection drops, and the declined payment happens while it is down: once the
    // socket is back, the page fetches what it missed, so no status is lost.
    const orderId = /\/orders\/([\w-]+)$/.exec(page.url())?.[1] ?? '';
    const socketsBefore = sockets.opened();
    sockets.drop();

    // A declined card: the reason, in words, and the form stays to pay again.
    await page.getByLabel('Card number').fill(CARD_DECLINED);
    await page.getByLabel('Expiry (MM/YY)').fill('12/30');
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: 'Pay now' }).click();
    const token = (await storedSession(page))?.token ?? '';
    await eventually(
      async () => {
        const order = await run<{ order: { status: string } | null }>('OrderStatus', { id: orderId }, { token });
        return order.data?.order?.status === 'PAYMENT_FAILED' ? true : undefined;
      },
      { what: 'the declined payment recorded while the socket is down', timeoutMs: 30_000 },
    );
    sockets.restore();
    await expect.poll(() => sockets.opened(), { timeout: 30_000 }).toBeGreaterThan(socketsBefore);
    const missed = page.getByTestId('timeline').locator('li');
    await expect
      .poll(async () => Promise.all((await missed.all()).map((item) => item.getAttribute('data-status'))), {
        timeout: 30_000,
      })
      .toEqual(expect.arrayContaining(['PAYMENT_PROCESSING', 'PAYMENT_FAILED']));
    await expect
      .poll(() => page.getByTestId('payment-failure').textContent(), { timeout: 30_000 })
      .toContain('Your card was declined');
    await expect.poll(() => page.getByTestId('countdown').isVisible()).toBe(true);
    await shot(page, '08-payment-declined');

    // Paying again with a good card: PAID arrives over the subscription, without a reload.
    await page.getByLabel('Card number').fill(CARD_OK);
    await page.getByLabel('Expiry (MM/YY)').fill('12/30');
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: 'Pay now' }).click();
    await expect.poll(() => page.getByTestId('order-status').textContent(), { timeout: 30_000 }).toBe('Paid');
    expect(await page.evaluate('window.storefrontTestMarker')).toBe(marker);
    const timeline = page.getByTestId('timeline').locator('li');
    const statuses = async (): Promise<(string | null)[]> =>
      Promise.all((await timeline.all()).map((item) => item.getAttribute('data-status')));
    await expect
      .poll(statuses)
      .toEqual(expect.arrayContaining(['PENDING', 'AWAITING_PAYMENT', 'PAYMENT_PROCESSING', 'PAYMENT_FAILED', 'PAID']));
    await shot(page, '09-order-paid');

    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { name: 'Your orders' }).waitFor();
    await expect.poll(() => page.getByText('Paid').count()).toBeGreaterThan(0);
    await shot(page, '10-order-history');

    // Card numbers went to the provider only; every request to the router was a listed document.
    const manifest = (await (await fetch(`${STOREFRONT_URL}/persisted-documents.json`)).json()) as Record<
      string,
      string
    >;
    expect(sent.length).toBeGreaterThan(5);
    for (const body of sent) {
      const text = JSON.stringify(body);
      expect(text).not.toContain('4242424242424242');
      expect(text).not.toContain('4000000000000002');
      const hash = (body['extensions'] as { persistedQuery?: { sha256Hash?: string } } | undefined)?.persistedQuery
        ?.sha256Hash;
      expect(manifest[`sha256:${hash ?? ''}`], `${String(body['operationName'])} is a trusted document`).toBe(
        body['query'],
      );
    }
    await page.context().close();
  }, 240_000);

  it('refreshes an expiring session silently, once for two tabs, and both stay signed in', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: STOREFRONT_URL });
    const first = await context.newPage();
    first.setDefaultTimeout(30_000);
    await first.goto('/register?next=/orders');
    await first.getByLabel('Your name').fill('Two Tabs');
    await first.getByLabel('Email').fill(freshEmail('storefront-tabs'));
    await first.getByLabel('Password').fill('correct horse battery staple');
    await first.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(async () => (await storedSession(first))?.refreshToken ?? null).not.toBeNull();
    const signedIn = await storedSession(first);
    if (!signedIn) throw new Error('no session after registering');

    // The access token about to expire (as it would be 14 minutes later): every tab that
    // loads now must refresh before its first request, and they all load at once.
    await first.evaluate(
      ([key, session]) => {
        localStorage.setItem(key, session);
      },
      [SESSION_KEY, JSON.stringify({ ...signedIn, expiresAt: new Date(Date.now() + 1000).toISOString() })] as const,
    );
    const second = await context.newPage();
    second.setDefaultTimeout(30_000);
    const refreshes: string[] = [];
    for (const page of [first, second]) {
      page.on('request', (request: Request) => {
        if (request.url() !== ROUTER_URL || request.method() !== 'POST') return;
        const body = request.postDataJSON() as { operationName?: string };
        if (body.operationName === 'RefreshSession') refreshes.push(request.url());
      });
    }
    await Promise.all([first.goto('/orders'), second.goto('/orders')]);
    for (const page of [first, second]) {
      await page.getByRole('heading', { name: 'Your orders' }).waitFor();
    }

    // One refresh between them: a second one with the same token would have ended the session.
    await expect.poll(async () => (await storedSession(first))?.refreshToken).not.toBe(signedIn.refreshToken);
    expect(refreshes).toHaveLength(1);
    const refreshed = await storedSession(first);
    expect(refreshed?.token).not.toBe(signedIn.token);
    expect(Date.parse(refreshed?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 60_000);
    // Both tabs still signed in, with working tokens: a fresh load of each shows the orders page.
    for (const page of [first, second]) {
      await page.reload();
      await page.getByRole('heading', { name: 'Your orders' }).waitFor();
      expect(page.url()).toContain('/orders');
    }
    await context.close();
  }, 120_000);

  it('fits a phone-width screen', async () => {
    const page = await newPage({ width: 390, height: 844 });
    await page.goto('/?q=phone');
    await page.getByRole('heading', { name: 'Results for “phone”' }).waitFor();
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    // Nothing wider than the screen: no sideways scrolling.
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await shot(page, '11-search-phone');
    await page.context().close();
  });
});
