export interface MoneyLike {
  amount: string;
  currencyCode: string;
}

const formats = new Map<string, Intl.NumberFormat>();

/** "1099.00" USD → "$1,099.00", in the shopper's locale. */
export function formatMoney(money: MoneyLike, locale?: string): string {
  const key = `${locale ?? ''}|${money.currencyCode}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currencyCode });
    formats.set(key, format);
  }
  return format.format(Number(money.amount));
}

/** A price facet value "100..200" ("*" open) as a range a shopper reads. */
export function formatPriceRange(value: string, currencyCode = 'USD', locale?: string): string {
  const [min = '*', max = '*'] = value.split('..');
  const price = (amount: string): string => formatMoney({ amount, currencyCode }, locale).replace(/\.00$/, '');
  if (min === '*' && max === '*') return 'Any price';
  if (min === '*') return `Under ${price(max)}`;
  if (max === '*') return `${price(min)} and above`;
  return `${price(min)} – ${price(max)}`;
}
