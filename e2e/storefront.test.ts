/**
 * The storefront in a real browser (Debian's Chromium, driven by playwright-core) against the
 * platform the e2e setup boots: the built app served by the storefront process on :3000,
 * calling the router over CORS and WebSocket and tokenizing cards at the payment provider.
 * Screenshots of each page go to test-artifacts/storefront/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
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
    await shot(page, '07-order-awaiting-payment');

    // A declined card: the reason, in words, and the form stays to pay again.
    await page.getByLabel('Card number').fill(CARD_DECLINED);
    await page.getByLabel('Expiry (MM/YY)').fill('12/30');
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: 'Pay now' }).click();
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
