import { CURRENCY_CODE, parseAmount } from '@emporium/money';
import { isUuid, userError, type UserError } from '@emporium/graphql-server';
import type { ImageEntry, SpecEntry } from '../entities/product.entity.ts';

/** Currencies the store sells in. */
export const CURRENCIES = new Set(['USD', 'EUR', 'GBP', 'INR']);

export const LIMITS = {
  name: 200,
  description: 10_000,
  brand: 100,
  color: 50,
  specs: 50,
  specText: 200,
  images: 20,
  imageKey: 300,
  altText: 200,
} as const;

/** What createProduct/updateProduct may set; absent fields are left alone on update. */
export interface ProductFields {
  name?: string | null;
  description?: string | null;
  brand?: string | null;
  color?: string | null;
  price?: { amount: string; currencyCode: string } | null;
  categoryId?: string | null;
  sellerId?: string | null;
  specs?: readonly SpecEntry[] | null;
  images?: readonly ImageEntry[] | null;
}

export interface ValidProductFields {
  name?: string;
  description?: string;
  brand?: string;
  color?: string | null;
  priceMinor?: number;
  currencyCode?: string;
  categoryId?: string;
  sellerId?: string;
  specs?: SpecEntry[];
  images?: ImageEntry[];
}

const IMAGE_KEY = /^[A-Za-z0-9][A-Za-z0-9/_.-]*$/;
export { isUuid } from '@emporium/graphql-server';

/**
 * Checks every field and reports all problems at once, each with its input path. On
 * create, `required` lists the fields that must be present.
 */
export function validateProductFields(
  input: ProductFields,
  required: boolean,
): { fields: ValidProductFields; errors: UserError[] } {
  const errors: UserError[] = [];
  const fields: ValidProductFields = {};
  const invalid = (path: string[], message: string): void => {
    errors.push(userError('INVALID_INPUT', message, ['input', ...path]));
  };
  const text = (key: 'name' | 'description' | 'brand', max: number, allowEmpty: boolean): void => {
    const value = input[key];
    if (value === undefined || value === null) {
      if (required) invalid([key], `${key} is required`);
      return;
    }
    const trimmed = value.trim();
    if (!allowEmpty && trimmed === '') invalid([key], `${key} must not be empty`);
    else if (trimmed.length > max) invalid([key], `${key} must be at most ${max} characters`);
    else fields[key] = trimmed;
  };
  text('name', LIMITS.name, false);
  text('description', LIMITS.description, true);
  text('brand', LIMITS.brand, false);

  if (input.color !== undefined) {
    const color = input.color?.trim() ?? '';
    if (color.length > LIMITS.color) invalid(['color'], `color must be at most ${LIMITS.color} characters`);
    else fields.color = color === '' ? null : color;
  }

  if (input.price === undefined || input.price === null) {
    if (required) invalid(['price'], 'price is required');
  } else {
    const minor = parseAmount(input.price.amount);
    if (minor === undefined) {
      invalid(['price', 'amount'], 'price must be a non-negative decimal amount with at most two decimals');
    } else {
      fields.priceMinor = Number(minor);
    }
    const currency = input.price.currencyCode.trim().toUpperCase();
    if (!CURRENCY_CODE.test(currency) || !CURRENCIES.has(currency)) {
      invalid(['price', 'currencyCode'], `currencyCode must be one of ${[...CURRENCIES].join(', ')}`);
    } else {
      fields.currencyCode = currency;
    }
  }

  for (const key of ['categoryId', 'sellerId'] as const) {
    const value = input[key];
    if (value === undefined || value === null) {
      if (required) invalid([key], `${key} is required`);
    } else if (!isUuid(value)) {
      invalid([key], `${key} is not a valid id`);
    } else {
      fields[key] = value.toLowerCase();
    }
  }

  if (input.specs) {
    if (input.specs.length > LIMITS.specs) invalid(['specs'], `at most ${LIMITS.specs} specs`);
    else {
      const specs = input.specs.map((spec) => ({ name: spec.name.trim(), value: spec.value.trim() }));
      const bad = specs.findIndex(
        (spec) => !spec.name || spec.name.length > LIMITS.specText || spec.value.length > LIMITS.specText,
      );
      if (bad >= 0)
        invalid(
          ['specs', String(bad)],
          `a spec needs a name, and name and value of at most ${LIMITS.specText} characters`,
        );
      else fields.specs = specs;
    }
  }

  if (input.images) {
    if (input.images.length > LIMITS.images) invalid(['images'], `at most ${LIMITS.images} images`);
    else {
      const images = input.images.map((image) => ({ key: image.key.trim(), altText: image.altText.trim() }));
      const bad = images.findIndex(
        (image) =>
          !IMAGE_KEY.test(image.key) ||
          image.key.includes('..') ||
          image.key.length > LIMITS.imageKey ||
          image.altText.length > LIMITS.altText,
      );
      if (bad >= 0)
        invalid(['images', String(bad)], 'an image key must be a relative object key of letters, digits, / _ . -');
      else fields.images = images;
    }
  }
  return { fields, errors };
}
