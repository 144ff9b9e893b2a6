import { describe, expect, it } from 'vitest';
import { formatMinor } from '@emporium/money';
import { MAX_REVIEWS_PER_PRODUCT, REVIEWER_NAMESPACE, UUID_PATTERN, reviewerCount, seedUuid } from '@emporium/seed';
import { validateProductFields } from '../services/product-input.ts';
import { createCatalogue, type SeedProduct } from './catalogue.ts';

const now = new Date('2026-11-25T12:00:00Z');
const TWO_YEARS_MS = 730 * 86_400_000;
const catalogue = createCatalogue({ seed: 7, products: 3_000, now });
const products: SeedProduct[] = [...catalogue.batches(500)].flat();
const reviews = products.flatMap((product) => product.reviews);
const categoryById = new Map(catalogue.categories.map((category) => [category.id, category]));
const leafIds = new Set(
  catalogue.categories
    .filter((category) => !catalogue.categories.some((child) => child.parentId === category.id))
    .map((category) => category.id),
);

describe('createCatalogue', () => {
  it('is deterministic for the same options and differs for another seed', () => {
    const again = createCatalogue({ seed: 7, products: 3_000, now });
    expect(again.categories).toEqual(catalogue.categories);
    expect(again.sellers).toEqual(catalogue.sellers);
    for (const index of [0, 1, 1_234, 2_999]) expect(again.product(index)).toEqual(products[index]);
    const other = createCatalogue({ seed: 8, products: 3_000, now });
    expect(other.product(0).id).not.toBe(products[0]?.id);
    const names = (from: (index: number) => SeedProduct | undefined): (string | undefined)[] =>
      Array.from({ length: 10 }, (_, index) => from(index)?.name);
    expect(names((index) => other.product(index))).not.toEqual(names((index) => products[index]));
  });

  it('gives the same products whatever the batch size, and covers every index once', () => {
    const small = createCatalogue({ seed: 7, products: 103, now });
    const bySeven = [...small.batches(7)];
    expect(bySeven.map((batch) => batch.length)).toEqual([...new Array<number>(14).fill(7), 5]);
    expect(bySeven.flat()).toEqual([...small.batches(1_000)].flat());
    expect(new Set(products.map((product) => product.id)).size).toBe(products.length);
    expect(() => small.product(103)).toThrow(RangeError);
  });

  it('builds a category tree with unique slugs whose leaves hold every product', () => {
    const slugs = catalogue.categories.map((category) => category.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const category of catalogue.categories) {
      expect(category.id).toMatch(UUID_PATTERN);
      if (category.parentId !== null) expect(categoryById.has(category.parentId)).toBe(true);
    }
    expect(slugs).toEqual(expect.arrayContaining(['electronics', 'mobiles', 'laptops', 'cameras', 'fashion', 'shoes']));
    const used = new Set(products.map((product) => product.categoryId));
    for (const id of used) expect(leafIds.has(id), categoryById.get(id)?.slug).toBe(true);
    expect(used).toEqual(leafIds);
  });

  it('has between 50 and 200 distinct sellers who joined before their products', () => {
    expect(catalogue.sellers.length).toBeGreaterThanOrEqual(50);
    expect(catalogue.sellers.length).toBeLessThanOrEqual(200);
    expect(new Set(catalogue.sellers.map((seller) => seller.name)).size).toBe(catalogue.sellers.length);
    const sellerIds = new Set(catalogue.sellers.map((seller) => seller.id));
    for (const product of products) expect(sellerIds.has(product.sellerId)).toBe(true);
    for (const seller of catalogue.sellers)
      expect(seller.createdAt.getTime()).toBeLessThan(now.getTime() - TWO_YEARS_MS);
  });

  it('produces products the catalogue API itself would accept', () => {
    for (const product of products) {
      const { errors } = validateProductFields(
        {
          name: product.name,
          description: product.description,
          brand: product.brand,
          color: product.color,
          price: formatMinor(product.priceMinor, product.currencyCode),
          categoryId: product.categoryId,
          sellerId: product.sellerId,
          specs: product.specs,
          images: product.images,
        },
        true,
      );
      expect(errors, product.name).toEqual([]);
      expect(Number.isSafeInteger(product.priceMinor) && product.priceMinor > 0).toBe(true);
      expect(product.currencyCode).toBe('USD');
      expect(product.specs.length).toBeGreaterThanOrEqual(3);
      expect(product.images.length).toBeGreaterThanOrEqual(1);
      expect(product.images.length).toBeLessThanOrEqual(5);
      product.images.forEach((image, n) => {
        expect(image.key).toBe(`products/${product.id}/${n + 1}.jpg`);
        expect(image.altText).toContain(product.brand);
      });
      expect(product.createdAt.getTime()).toBeGreaterThanOrEqual(now.getTime() - TWO_YEARS_MS);
      expect(product.createdAt.getTime()).toBeLessThan(now.getTime());
      expect(product.updatedAt.getTime()).toBeGreaterThanOrEqual(product.createdAt.getTime());
      expect(Number.isInteger(product.stockQuantity)).toBe(true);
      expect(product.stockQuantity).toBeGreaterThanOrEqual(0);
      expect(product.stockQuantity).toBeLessThanOrEqual(500);
    }
  });

  it('prices each category in a realistic range', () => {
    const median = (slug: string): number => {
      const prices = products
        .filter((product) => categoryById.get(product.categoryId)?.slug === slug)
        .map((product) => product.priceMinor / 100)
        .sort((a, b) => a - b);
      return prices[Math.floor(prices.length / 2)] ?? Number.NaN;
    };
    expect(median('mobiles')).toBeGreaterThan(300);
    expect(median('mobiles')).toBeLessThan(1_500);
    expect(median('laptops')).toBeGreaterThan(600);
    expect(median('laptops')).toBeLessThan(3_000);
    expect(median('cameras')).toBeGreaterThan(800);
    expect(median('cameras')).toBeLessThan(5_000);
    for (const slug of ['mens-clothing', 'womens-clothing', 'shoes']) {
      expect(median(slug)).toBeGreaterThan(15);
      expect(median(slug)).toBeLessThan(250);
    }
  });

  it('writes reviews by known reviewers, at most one per author and product', () => {
    const reviewerIds = new Set(
      Array.from({ length: reviewerCount(3_000) }, (_, k) => seedUuid(REVIEWER_NAMESPACE, k)),
    );
    expect(catalogue.reviewerCount).toBe(reviewerIds.size);
    const pairs = new Set<string>();
    for (const product of products) {
      expect(product.reviews.length).toBeLessThanOrEqual(MAX_REVIEWS_PER_PRODUCT);
      for (const review of product.reviews) {
        expect(review.productId).toBe(product.id);
        expect(reviewerIds.has(review.authorId)).toBe(true);
        pairs.add(`${review.productId}/${review.authorId}`);
        expect(Number.isInteger(review.rating)).toBe(true);
        expect(review.rating).toBeGreaterThanOrEqual(1);
        expect(review.rating).toBeLessThanOrEqual(5);
        expect(review.title.length).toBeGreaterThan(0);
        expect(review.title.length).toBeLessThanOrEqual(120);
        expect(review.body.length).toBeLessThanOrEqual(5_000);
        expect(review.createdAt.getTime()).toBeGreaterThanOrEqual(product.createdAt.getTime());
        expect(review.createdAt.getTime()).toBeLessThanOrEqual(now.getTime());
      }
    }
    expect(pairs.size).toBe(reviews.length);
    expect(new Set(reviews.map((review) => review.id)).size).toBe(reviews.length);
  });

  it('skews review counts low and ratings high, like a real shop', () => {
    const unreviewed = products.filter((product) => product.reviews.length === 0).length / products.length;
    expect(unreviewed).toBeGreaterThan(0.1);
    expect(unreviewed).toBeLessThan(0.35);
    expect(products.some((product) => product.reviews.length === MAX_REVIEWS_PER_PRODUCT)).toBe(true);
    const mean = reviews.reduce((sum, review) => sum + review.rating, 0) / reviews.length;
    expect(mean).toBeGreaterThan(3.6);
    expect(mean).toBeLessThan(4.5);
    const fives = reviews.filter((review) => review.rating === 5).length;
    const ones = reviews.filter((review) => review.rating === 1).length;
    expect(fives).toBeGreaterThan(3 * ones);
    expect(ones).toBeGreaterThan(0);
  });

  it('keeps some products out of stock and most in stock', () => {
    const outOfStock = products.filter((product) => product.stockQuantity === 0).length / products.length;
    expect(outOfStock).toBeGreaterThan(0.03);
    expect(outOfStock).toBeLessThan(0.15);
  });

  it('names products distinctly enough to search for, with brands and model variants', () => {
    expect(new Set(products.map((product) => product.name)).size / products.length).toBeGreaterThan(0.5);
    const names = products.map((product) => product.name);
    expect(names.some((name) => /^Samsung Galaxy S24 Ultra (256|512) GB/.test(name))).toBe(true);
    expect(names.some((name) => name.startsWith('Lenovo ThinkPad X1 Carbon Gen 12 – '))).toBe(true);
    expect(names.some((name) => /^Canon EOS R6 Mark II (Body|with )/.test(name))).toBe(true);
    expect(names.some((name) => name.startsWith("Levi's Men's 511 Slim Fit Jeans"))).toBe(true);
    const brands = new Set(products.map((product) => product.brand));
    for (const brand of ['Apple', 'Samsung', 'Google', 'Dell', 'Lenovo', 'Sony', 'Nike', 'Adidas', 'Zara', 'Uniqlo']) {
      expect(brands.has(brand), brand).toBe(true);
    }
  });
});
