/**
 * A realistic demo catalogue, generated without I/O: a category tree, sellers, and products
 * (phones, laptops, cameras, accessories, clothes and shoes) with specs, images, stock and
 * reviews. Product `i` depends only on the seed, `i` and `now`, so any slice can be made
 * on its own and a million products stream through in batches without piling up in memory.
 */
import {
  MAX_REVIEWS_PER_PRODUCT,
  REVIEWER_NAMESPACE,
  createRandom,
  reviewerCount,
  seedUuid,
  type Random,
  type Weighted,
} from '@emporium/seed';
import type { ImageEntry, SpecEntry } from '../entities/product.entity.ts';

// ---------------------------------------------------------------------------------------
// What is generated

export interface SeedCategory {
  id: string;
  name: string;
  slug: string;
  parentId: string | null;
}

export interface SeedSeller {
  id: string;
  name: string;
  createdAt: Date;
}

export interface SeedReview {
  id: string;
  productId: string;
  authorId: string;
  /** 1 to 5. */
  rating: number;
  title: string;
  body: string;
  createdAt: Date;
}

export interface SeedProduct {
  id: string;
  name: string;
  description: string;
  brand: string;
  color: string | null;
  specs: SpecEntry[];
  images: ImageEntry[];
  /** Integer minor units (cents) of `currencyCode`. */
  priceMinor: number;
  currencyCode: 'USD';
  categoryId: string;
  sellerId: string;
  createdAt: Date;
  updatedAt: Date;
  /** Units on hand, for the inventory seed; the product table does not store it. */
  stockQuantity: number;
  reviews: SeedReview[];
}

/** Inputs of {@link createCatalogue}; equal options give an identical catalogue. */
export interface CatalogueOptions {
  seed: number;
  products: number;
  /** Dates are spread over the two years before this instant. */
  now: Date;
}

/** A generated catalogue: the small tables whole, the products on demand. */
export interface Catalogue {
  categories: readonly SeedCategory[];
  sellers: readonly SeedSeller[];
  /** Review authors are `seedUuid(REVIEWER_NAMESPACE, k)` for k below this. */
  reviewerCount: number;
  productCount: number;
  /** The `index`-th product with its reviews, in [0, productCount). */
  product(index: number): SeedProduct;
  /** Every product in order, `size` at a time; only the current batch is held. */
  batches(size: number): Generator<SeedProduct[], void, undefined>;
}

// ---------------------------------------------------------------------------------------
// Static data, kept as pipe-separated tables so a row reads like a spec sheet

function table<const K extends string>(columns: readonly K[], text: string): Record<K, string>[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const cells = line.split('|').map((cell) => cell.trim());
      if (cells.length !== columns.length) {
        throw new Error(`catalogue row has ${cells.length} cells, expected ${columns.length}: ${line}`);
      }
      return Object.fromEntries(columns.map((column, i) => [column, cells[i]])) as Record<K, string>;
    });
}

const list = (cell: string): string[] => (cell === '-' ? [] : cell.split(',').map((item) => item.trim()));
const cents = (cell: string): number => {
  const value = Math.round(Number(cell) * 100);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`invalid price "${cell}"`);
  return value;
};

interface Option {
  label: string;
  /** Added to the base price, in cents. */
  extra: number;
}

/** `label:extra;label:extra`, where extra is in dollars; `-` for none. */
const options = (cell: string): Option[] =>
  cell === '-'
    ? []
    : cell.split(';').map((entry) => {
        const at = entry.lastIndexOf(':');
        return { label: entry.slice(0, at).trim(), extra: Math.round(Number(entry.slice(at + 1)) * 100) };
      });

/** `Name=Value;Name=Value`. */
const specPairs = (cell: string): SpecEntry[] =>
  cell === '-'
    ? []
    : cell.split(';').map((pair) => {
        const at = pair.indexOf('=');
        return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
      });

type Leaf = 'mobiles' | 'laptops' | 'cameras' | 'accessories' | 'mens-clothing' | 'womens-clothing' | 'shoes';

const CATEGORY_TREE: readonly { name: string; slug: string; children: readonly { name: string; slug: Leaf }[] }[] = [
  {
    name: 'Electronics',
    slug: 'electronics',
    children: [
      { name: 'Mobiles', slug: 'mobiles' },
      { name: 'Laptops', slug: 'laptops' },
      { name: 'Cameras', slug: 'cameras' },
      { name: 'Accessories', slug: 'accessories' },
    ],
  },
  {
    name: 'Fashion',
    slug: 'fashion',
    children: [
      { name: "Men's Clothing", slug: 'mens-clothing' },
      { name: "Women's Clothing", slug: 'womens-clothing' },
      { name: 'Shoes', slug: 'shoes' },
    ],
  },
];

/** Share of the catalogue per leaf, roughly what a general marketplace lists. */
const LEAF_WEIGHTS: readonly Weighted<Leaf>[] = [
  ['mobiles', 22],
  ['laptops', 16],
  ['cameras', 9],
  ['accessories', 12],
  ['mens-clothing', 14],
  ['womens-clothing', 16],
  ['shoes', 11],
];

const PHONES = table(
  ['brand', 'model', 'price', 'storage', 'ram', 'screen', 'hz', 'panel', 'battery', 'chip', 'camera', 'os', 'colours'],
  `
Apple | iPhone 16 Pro Max | 1199 | 256,512,1024 | 8 | 6.9 | 120 | Super Retina XDR OLED | 4685 | A18 Pro | 48 MP + 48 MP + 12 MP | iOS 18 | Black Titanium,White Titanium,Natural Titanium,Desert Titanium
Apple | iPhone 16 Pro | 999 | 128,256,512,1024 | 8 | 6.3 | 120 | Super Retina XDR OLED | 3582 | A18 Pro | 48 MP + 48 MP + 12 MP | iOS 18 | Black Titanium,White Titanium,Natural Titanium,Desert Titanium
Apple | iPhone 16 Plus | 899 | 128,256,512 | 8 | 6.7 | 60 | Super Retina XDR OLED | 4674 | A18 | 48 MP + 12 MP | iOS 18 | Black,White,Pink,Teal,Ultramarine
Apple | iPhone 16 | 799 | 128,256,512 | 8 | 6.1 | 60 | Super Retina XDR OLED | 3561 | A18 | 48 MP + 12 MP | iOS 18 | Black,White,Pink,Teal,Ultramarine
Apple | iPhone 15 Pro | 999 | 128,256,512,1024 | 8 | 6.1 | 120 | Super Retina XDR OLED | 3274 | A17 Pro | 48 MP + 12 MP + 12 MP | iOS 17 | Natural Titanium,Blue Titanium,White Titanium,Black Titanium
Apple | iPhone 15 Plus | 799 | 128,256,512 | 6 | 6.7 | 60 | Super Retina XDR OLED | 4383 | A16 Bionic | 48 MP + 12 MP | iOS 17 | Black,Blue,Green,Yellow,Pink
Apple | iPhone 15 | 699 | 128,256,512 | 6 | 6.1 | 60 | Super Retina XDR OLED | 3349 | A16 Bionic | 48 MP + 12 MP | iOS 17 | Black,Blue,Green,Yellow,Pink
Apple | iPhone 14 | 599 | 128,256,512 | 6 | 6.1 | 60 | Super Retina XDR OLED | 3279 | A15 Bionic | 12 MP + 12 MP | iOS 17 | Midnight,Starlight,Blue,Purple,(PRODUCT)RED
Apple | iPhone SE (3rd generation) | 429 | 64,128,256 | 4 | 4.7 | 60 | Retina HD LCD | 2018 | A15 Bionic | 12 MP | iOS 17 | Midnight,Starlight,(PRODUCT)RED
Samsung | Galaxy S24 Ultra | 1299 | 256,512,1024 | 12 | 6.8 | 120 | Dynamic AMOLED 2X | 5000 | Snapdragon 8 Gen 3 for Galaxy | 200 MP + 50 MP + 12 MP + 10 MP | Android 14 | Titanium Black,Titanium Gray,Titanium Violet,Titanium Yellow
Samsung | Galaxy S24+ | 999 | 256,512 | 12 | 6.7 | 120 | Dynamic AMOLED 2X | 4900 | Exynos 2400 | 50 MP + 12 MP + 10 MP | Android 14 | Onyx Black,Marble Gray,Cobalt Violet,Amber Yellow
Samsung | Galaxy S24 | 799 | 128,256 | 8 | 6.2 | 120 | Dynamic AMOLED 2X | 4000 | Exynos 2400 | 50 MP + 12 MP + 10 MP | Android 14 | Onyx Black,Marble Gray,Cobalt Violet,Amber Yellow
Samsung | Galaxy S24 FE | 649 | 128,256 | 8 | 6.7 | 120 | Dynamic AMOLED 2X | 4700 | Exynos 2400e | 50 MP + 12 MP + 8 MP | Android 14 | Blue,Graphite,Gray,Mint,Yellow
Samsung | Galaxy Z Fold6 | 1899 | 256,512,1024 | 12 | 7.6 | 120 | Dynamic AMOLED 2X | 4400 | Snapdragon 8 Gen 3 for Galaxy | 50 MP + 12 MP + 10 MP | Android 14 | Silver Shadow,Pink,Navy
Samsung | Galaxy Z Flip6 | 1099 | 256,512 | 12 | 6.7 | 120 | Dynamic AMOLED 2X | 4000 | Snapdragon 8 Gen 3 for Galaxy | 50 MP + 12 MP | Android 14 | Blue,Silver Shadow,Mint,Yellow
Samsung | Galaxy A55 5G | 449 | 128,256 | 8 | 6.6 | 120 | Super AMOLED | 5000 | Exynos 1480 | 50 MP + 12 MP + 5 MP | Android 14 | Awesome Navy,Awesome Iceblue,Awesome Lilac
Samsung | Galaxy A35 5G | 399 | 128,256 | 6 | 6.6 | 120 | Super AMOLED | 5000 | Exynos 1380 | 50 MP + 8 MP + 5 MP | Android 14 | Awesome Navy,Awesome Iceblue,Awesome Lilac
Samsung | Galaxy A15 5G | 199 | 128 | 4 | 6.5 | 90 | Super AMOLED | 5000 | Dimensity 6100+ | 50 MP + 5 MP + 2 MP | Android 14 | Blue Black,Light Blue,Yellow
Google | Pixel 9 Pro XL | 1099 | 128,256,512,1024 | 16 | 6.8 | 120 | Super Actua LTPO OLED | 5060 | Tensor G4 | 50 MP + 48 MP + 48 MP | Android 14 | Obsidian,Porcelain,Hazel,Rose Quartz
Google | Pixel 9 Pro | 999 | 128,256,512,1024 | 16 | 6.3 | 120 | Super Actua LTPO OLED | 4700 | Tensor G4 | 50 MP + 48 MP + 48 MP | Android 14 | Obsidian,Porcelain,Hazel,Rose Quartz
Google | Pixel 9 | 799 | 128,256 | 12 | 6.3 | 120 | Actua OLED | 4700 | Tensor G4 | 50 MP + 48 MP | Android 14 | Obsidian,Porcelain,Wintergreen,Peony
Google | Pixel 8a | 499 | 128,256 | 8 | 6.1 | 120 | Actua OLED | 4492 | Tensor G3 | 64 MP + 13 MP | Android 14 | Obsidian,Porcelain,Bay,Aloe
Google | Pixel 8 Pro | 999 | 128,256,512 | 12 | 6.7 | 120 | Super Actua LTPO OLED | 5050 | Tensor G3 | 50 MP + 48 MP + 48 MP | Android 14 | Obsidian,Porcelain,Bay
OnePlus | 12 | 799 | 256,512 | 12 | 6.82 | 120 | LTPO AMOLED | 5400 | Snapdragon 8 Gen 3 | 50 MP + 64 MP + 48 MP | Android 14 | Silky Black,Flowy Emerald
OnePlus | 12R | 499 | 128,256 | 8 | 6.78 | 120 | LTPO AMOLED | 5500 | Snapdragon 8 Gen 2 | 50 MP + 8 MP + 2 MP | Android 14 | Iron Gray,Cool Blue
OnePlus | Open | 1699 | 512 | 16 | 7.82 | 120 | Flexi-fluid AMOLED | 4805 | Snapdragon 8 Gen 2 | 48 MP + 64 MP + 48 MP | Android 14 | Emerald Dusk,Voyager Black
OnePlus | Nord N30 5G | 299 | 128 | 8 | 6.72 | 120 | LCD | 5000 | Snapdragon 695 | 108 MP + 2 MP + 2 MP | Android 14 | Chromatic Gray
Xiaomi | 14 Ultra | 1299 | 512 | 16 | 6.73 | 120 | LTPO AMOLED | 5000 | Snapdragon 8 Gen 3 | 50 MP + 50 MP + 50 MP + 50 MP | Android 14 | Black,White
Xiaomi | 14 | 899 | 256,512 | 12 | 6.36 | 120 | LTPO OLED | 4610 | Snapdragon 8 Gen 3 | 50 MP + 50 MP + 50 MP | Android 14 | Black,White,Jade Green
Xiaomi | Redmi Note 13 Pro+ 5G | 449 | 256,512 | 12 | 6.67 | 120 | AMOLED | 5000 | Dimensity 7200-Ultra | 200 MP + 8 MP + 2 MP | Android 14 | Midnight Black,Moonlight White,Aurora Purple
Xiaomi | Redmi Note 13 | 199 | 128,256 | 8 | 6.67 | 120 | AMOLED | 5000 | Snapdragon 685 | 108 MP + 8 MP + 2 MP | Android 14 | Midnight Black,Ice Blue,Mint Green
Xiaomi | Poco F6 | 399 | 256,512 | 12 | 6.67 | 120 | AMOLED | 5000 | Snapdragon 8s Gen 3 | 50 MP + 8 MP | Android 14 | Black,Green,Titanium
Motorola | Edge (2024) | 549 | 256 | 8 | 6.6 | 144 | pOLED | 5000 | Snapdragon 7s Gen 2 | 50 MP + 13 MP | Android 14 | Midnight Blue
Motorola | Moto G Power 5G (2024) | 299 | 128 | 8 | 6.7 | 120 | LCD | 5000 | Dimensity 7020 | 50 MP + 8 MP | Android 14 | Midnight Blue,Pale Lilac
Sony | Xperia 1 VI | 1399 | 256,512 | 12 | 6.5 | 120 | OLED | 5000 | Snapdragon 8 Gen 3 | 48 MP + 12 MP + 12 MP | Android 14 | Black,Platinum Silver,Khaki Green
Nothing | Phone (2) | 599 | 128,256,512 | 12 | 6.7 | 120 | LTPO OLED | 4700 | Snapdragon 8+ Gen 1 | 50 MP + 50 MP | Android 14 | White,Dark Grey
`,
).map((row) => ({
  ...row,
  price: cents(row.price),
  storage: list(row.storage).map(Number),
  colours: list(row.colours),
}));

const LAPTOPS = table(
  ['brand', 'model', 'price', 'cpus', 'ram', 'ssd', 'screen', 'display', 'gpu', 'kg', 'wh', 'os', 'colours'],
  `
Apple | MacBook Air 13 (M3) | 1099 | M3 8-core CPU, 8-core GPU:0;M3 8-core CPU, 10-core GPU:100 | 8,16,24 | 256,512,1024,2048 | 13.6 | Liquid Retina | Integrated | 1.24 | 52.6 | macOS Sonoma | Midnight,Starlight,Space Gray,Silver
Apple | MacBook Air 15 (M3) | 1299 | M3 8-core CPU, 10-core GPU:0 | 8,16,24 | 256,512,1024,2048 | 15.3 | Liquid Retina | Integrated | 1.51 | 66.5 | macOS Sonoma | Midnight,Starlight,Space Gray,Silver
Apple | MacBook Pro 14 (M3 Pro) | 1999 | M3 Pro 11-core CPU, 14-core GPU:0;M3 Pro 12-core CPU, 18-core GPU:200 | 18,36 | 512,1024,2048 | 14.2 | Liquid Retina XDR, 120 Hz | Integrated | 1.61 | 72.4 | macOS Sonoma | Space Black,Silver
Apple | MacBook Pro 16 (M3 Max) | 3499 | M3 Max 14-core CPU, 30-core GPU:0;M3 Max 16-core CPU, 40-core GPU:500 | 36,48,64 | 1024,2048,4096 | 16.2 | Liquid Retina XDR, 120 Hz | Integrated | 2.16 | 100 | macOS Sonoma | Space Black,Silver
Dell | XPS 13 9340 | 1299 | Intel Core Ultra 5 125H:0;Intel Core Ultra 7 155H:200 | 16,32 | 512,1024,2048 | 13.4 | FHD+ IPS, 120 Hz | Intel Arc Graphics | 1.19 | 55 | Windows 11 Home | Platinum,Graphite
Dell | XPS 14 9440 | 1699 | Intel Core Ultra 7 155H:0 | 16,32,64 | 512,1024,2048 | 14.5 | 3.2K OLED touch, 120 Hz | NVIDIA GeForce RTX 4050 | 1.68 | 69.5 | Windows 11 Home | Platinum,Graphite
Dell | XPS 16 9640 | 2199 | Intel Core Ultra 7 155H:0;Intel Core Ultra 9 185H:300 | 16,32,64 | 512,1024,2048 | 16.3 | 4K+ OLED touch, 90 Hz | NVIDIA GeForce RTX 4060 | 2.13 | 99.5 | Windows 11 Home | Platinum,Graphite
Dell | Inspiron 15 3530 | 549 | Intel Core i5-1335U:0;Intel Core i7-1355U:150 | 8,16 | 256,512,1024 | 15.6 | FHD IPS, 120 Hz | Intel Iris Xe Graphics | 1.62 | 41 | Windows 11 Home | Carbon Black,Platinum Silver
Dell | Latitude 7440 | 1499 | Intel Core i5-1345U:0;Intel Core i7-1365U:250 | 16,32 | 256,512,1024 | 14 | FHD+ IPS | Intel Iris Xe Graphics | 1.39 | 57 | Windows 11 Pro | Titan Gray
Dell | Alienware m16 R2 | 1799 | Intel Core Ultra 7 155H:0;Intel Core Ultra 9 185H:300 | 16,32 | 1024,2048 | 16 | QHD+ IPS, 240 Hz | NVIDIA GeForce RTX 4070 | 2.61 | 90 | Windows 11 Home | Dark Metallic Moon
Lenovo | ThinkPad X1 Carbon Gen 12 | 1799 | Intel Core Ultra 5 125U:0;Intel Core Ultra 7 155U:220;Intel Core Ultra 7 165U:350 | 16,32,64 | 512,1024,2048 | 14 | 2.8K OLED | Intel Graphics | 1.09 | 57 | Windows 11 Pro | Black
Lenovo | ThinkPad T14 Gen 5 | 1199 | Intel Core Ultra 5 125U:0;Intel Core Ultra 7 155U:200 | 16,32,64 | 256,512,1024 | 14 | WUXGA IPS | Intel Graphics | 1.31 | 52.5 | Windows 11 Pro | Black
Lenovo | ThinkPad E14 Gen 6 | 799 | AMD Ryzen 5 7535HS:0;AMD Ryzen 7 7735HS:150 | 8,16,32 | 256,512,1024 | 14 | WUXGA IPS | AMD Radeon 660M | 1.44 | 57 | Windows 11 Home | Arctic Grey
Lenovo | Yoga Slim 7i Gen 9 | 1099 | Intel Core Ultra 7 155H:0 | 16,32 | 512,1024 | 14 | 2.8K OLED, 120 Hz | Intel Arc Graphics | 1.39 | 65 | Windows 11 Home | Luna Grey,Cosmic Blue
Lenovo | IdeaPad Slim 5 Gen 9 | 699 | AMD Ryzen 5 8645HS:0;AMD Ryzen 7 8845HS:150 | 8,16 | 512,1024 | 14 | WUXGA OLED | AMD Radeon 760M | 1.46 | 57 | Windows 11 Home | Cosmic Blue,Luna Grey
Lenovo | Legion Pro 5 Gen 9 | 1499 | Intel Core i7-14650HX:0;Intel Core i9-14900HX:300 | 16,32 | 1024,2048 | 16 | WQXGA IPS, 240 Hz | NVIDIA GeForce RTX 4060 | 2.5 | 80 | Windows 11 Home | Onyx Grey
HP | Spectre x360 14 | 1499 | Intel Core Ultra 7 155H:0 | 16,32 | 512,1024,2048 | 14 | 2.8K OLED touch, 120 Hz | Intel Arc Graphics | 1.44 | 68 | Windows 11 Home | Nightfall Black,Slate Blue
HP | EliteBook 840 G11 | 1599 | Intel Core Ultra 5 125U:0;Intel Core Ultra 7 165U:300 | 16,32,64 | 512,1024 | 14 | WUXGA IPS | Intel Graphics | 1.36 | 56 | Windows 11 Pro | Silver
HP | Pavilion 15 | 649 | Intel Core i5-1335U:0;Intel Core i7-1355U:150 | 8,16 | 512,1024 | 15.6 | FHD IPS | Intel Iris Xe Graphics | 1.75 | 41 | Windows 11 Home | Natural Silver,Fog Blue
HP | Envy x360 15 | 999 | AMD Ryzen 5 8640HS:0;AMD Ryzen 7 8840HS:200 | 16,32 | 512,1024 | 15.6 | FHD OLED touch | AMD Radeon 780M | 1.74 | 59 | Windows 11 Home | Glacier Silver
HP | OMEN 16 | 1299 | Intel Core i7-14700HX:0 | 16,32 | 1024 | 16.1 | QHD IPS, 240 Hz | NVIDIA GeForce RTX 4060 | 2.37 | 83 | Windows 11 Home | Shadow Black
Asus | Zenbook 14 OLED (UX3405) | 999 | Intel Core Ultra 5 125H:0;Intel Core Ultra 7 155H:200 | 16,32 | 512,1024 | 14 | 3K OLED, 120 Hz | Intel Arc Graphics | 1.2 | 75 | Windows 11 Home | Ponder Blue,Foggy Silver
Asus | ROG Zephyrus G14 (2024) | 1599 | AMD Ryzen 9 8945HS:0 | 16,32 | 512,1024 | 14 | 3K OLED, 120 Hz | NVIDIA GeForce RTX 4060 | 1.5 | 73 | Windows 11 Home | Eclipse Gray,Platinum White
Asus | ROG Strix G16 (2024) | 1499 | Intel Core i7-14650HX:0;Intel Core i9-14900HX:300 | 16,32 | 1024 | 16 | QHD+ IPS, 240 Hz | NVIDIA GeForce RTX 4060 | 2.5 | 90 | Windows 11 Home | Eclipse Gray
Asus | Vivobook 15 | 549 | Intel Core i5-1335U:0;Intel Core i7-1355U:150 | 8,16 | 512,1024 | 15.6 | FHD IPS | Intel Iris Xe Graphics | 1.7 | 42 | Windows 11 Home | Quiet Blue,Cool Silver
Asus | ProArt P16 (H7606) | 2499 | AMD Ryzen AI 9 HX 370:0 | 32,64 | 1024,2048 | 16 | 4K OLED touch, 120 Hz | NVIDIA GeForce RTX 4070 | 1.85 | 90 | Windows 11 Pro | Nano Black
Acer | Swift Go 14 | 749 | Intel Core Ultra 5 125H:0;Intel Core Ultra 7 155H:200 | 16,32 | 512,1024 | 14 | 2.8K OLED, 90 Hz | Intel Arc Graphics | 1.32 | 65 | Windows 11 Home | Pure Silver
Acer | Aspire 5 | 549 | Intel Core i5-1335U:0;Intel Core i7-1355U:150 | 8,16 | 512 | 15.6 | FHD IPS | Intel Iris Xe Graphics | 1.76 | 50 | Windows 11 Home | Steel Gray
Acer | Predator Helios 16 | 1599 | Intel Core i7-14700HX:0;Intel Core i9-14900HX:300 | 16,32 | 1024,2048 | 16 | WQXGA IPS, 240 Hz | NVIDIA GeForce RTX 4070 | 2.6 | 90 | Windows 11 Home | Abyssal Black
Microsoft | Surface Laptop (7th Edition) 13.8" | 999 | Snapdragon X Plus:0;Snapdragon X Elite:300 | 16,32 | 256,512,1024 | 13.8 | PixelSense Flow touch, 120 Hz | Qualcomm Adreno | 1.34 | 54 | Windows 11 Home | Platinum,Black,Dune,Sapphire
`,
).map((row) => ({
  ...row,
  price: cents(row.price),
  cpus: options(row.cpus),
  ram: list(row.ram).map(Number),
  ssd: list(row.ssd).map(Number),
  colours: list(row.colours),
}));

const CAMERAS = table(
  ['brand', 'model', 'price', 'sensor', 'mp', 'mount', 'video', 'stabilisation', 'grams', 'kits', 'colours'],
  `
Canon | EOS R6 Mark II | 2499 | Full-frame CMOS | 24.2 | Canon RF | 4K 60p | 5-axis in-body | 670 | RF 24-105mm f/4-7.1 IS STM:400;RF 24-105mm f/4L IS USM:1000 | Black
Canon | EOS R5 | 3899 | Full-frame CMOS | 45 | Canon RF | 8K 30p | 5-axis in-body | 738 | RF 24-105mm f/4L IS USM:1000 | Black
Canon | EOS R8 | 1499 | Full-frame CMOS | 24.2 | Canon RF | 4K 60p | Lens-based | 461 | RF 24-50mm f/4.5-6.3 IS STM:200 | Black
Canon | EOS R10 | 979 | APS-C CMOS | 24.2 | Canon RF | 4K 60p | Lens-based | 429 | RF-S 18-45mm f/4.5-6.3 IS STM:100;RF-S 18-150mm f/3.5-6.3 IS STM:400 | Black
Canon | EOS R50 | 679 | APS-C CMOS | 24.2 | Canon RF | 4K 30p | Lens-based | 375 | RF-S 18-45mm f/4.5-6.3 IS STM:120 | Black,White
Canon | EOS 90D | 1199 | APS-C CMOS | 32.5 | Canon EF/EF-S | 4K 30p | Lens-based | 701 | EF-S 18-135mm f/3.5-5.6 IS USM:400 | Black
Nikon | Z8 | 3999 | Full-frame stacked CMOS | 45.7 | Nikon Z | 8K 60p | 5-axis in-body | 910 | NIKKOR Z 24-120mm f/4 S:900 | Black
Nikon | Z6III | 2499 | Full-frame partially stacked CMOS | 24.5 | Nikon Z | 6K 60p | 5-axis in-body | 760 | NIKKOR Z 24-70mm f/4 S:500;NIKKOR Z 24-120mm f/4 S:900 | Black
Nikon | Z5 | 999 | Full-frame CMOS | 24.3 | Nikon Z | 4K 30p | 5-axis in-body | 675 | NIKKOR Z 24-50mm f/4-6.3:200 | Black
Nikon | Zf | 1999 | Full-frame CMOS | 24.5 | Nikon Z | 4K 60p | 5-axis in-body | 710 | NIKKOR Z 40mm f/2 SE:200 | Black
Nikon | Z fc | 959 | APS-C CMOS | 20.9 | Nikon Z | 4K 30p | Lens-based | 445 | NIKKOR Z DX 16-50mm f/3.5-6.3 VR:150 | Black,Silver
Nikon | Z50 II | 909 | APS-C CMOS | 20.9 | Nikon Z | 4K 60p | Lens-based | 550 | NIKKOR Z DX 16-50mm f/3.5-6.3 VR:150 | Black
Sony | Alpha 7 IV | 2499 | Full-frame Exmor R CMOS | 33 | Sony E | 4K 60p | 5-axis in-body | 658 | FE 28-70mm f/3.5-5.6 OSS:200 | Black
Sony | Alpha 7C II | 2199 | Full-frame Exmor R CMOS | 33 | Sony E | 4K 60p | 5-axis in-body | 514 | FE 28-60mm f/4-5.6:300 | Black,Silver
Sony | Alpha 7R V | 3899 | Full-frame Exmor R CMOS | 61 | Sony E | 8K 24p | 5-axis in-body | 723 | - | Black
Sony | Alpha 1 | 6499 | Full-frame stacked Exmor RS CMOS | 50.1 | Sony E | 8K 30p | 5-axis in-body | 737 | - | Black
Sony | Alpha 6700 | 1399 | APS-C Exmor R CMOS | 26 | Sony E | 4K 120p | 5-axis in-body | 493 | E 18-135mm f/3.5-5.6 OSS:400 | Black
Sony | ZV-E10 II | 999 | APS-C Exmor R CMOS | 26 | Sony E | 4K 60p | Electronic (Active mode) | 377 | E PZ 16-50mm f/3.5-5.6 OSS II:100 | Black,White
Fujifilm | X-T5 | 1699 | APS-C X-Trans CMOS 5 HR | 40.2 | Fujifilm X | 6.2K 30p | 5-axis in-body | 557 | XF 18-55mm f/2.8-4 R LM OIS:400;XF 16-80mm f/4 R OIS WR:400 | Black,Silver
Fujifilm | X-S20 | 1299 | APS-C X-Trans CMOS 4 | 26.1 | Fujifilm X | 6.2K 30p | 5-axis in-body | 491 | XC 15-45mm f/3.5-5.6 OIS PZ:100;XF 18-55mm f/2.8-4 R LM OIS:400 | Black
Fujifilm | X100VI | 1599 | APS-C X-Trans CMOS 5 HR | 40.2 | Fixed 23mm f/2 lens | 6.2K 30p | 6-axis in-body | 521 | - | Black,Silver
Fujifilm | X-H2S | 2499 | APS-C stacked X-Trans CMOS 5 HS | 26.1 | Fujifilm X | 6.2K 30p | 7-axis in-body | 660 | - | Black
Fujifilm | GFX100S II | 4999 | Medium format CMOS | 102 | Fujifilm G | 4K 30p | 5-axis in-body | 883 | GF 32-64mm f/4 R LM WR:1500 | Black
Panasonic | Lumix S5II | 1999 | Full-frame CMOS | 24.2 | L-Mount | 6K 30p | 5-axis in-body | 740 | Lumix S 20-60mm f/3.5-5.6:200 | Black
Panasonic | Lumix GH6 | 1699 | Micro Four Thirds Live MOS | 25.2 | Micro Four Thirds | 5.7K 60p | 5-axis in-body | 823 | Leica DG 12-60mm f/2.8-4:600 | Black
OM System | OM-1 Mark II | 2399 | Micro Four Thirds stacked BSI Live MOS | 20.4 | Micro Four Thirds | 4K 60p | 5-axis in-body | 599 | M.Zuiko 12-40mm f/2.8 PRO II:500 | Black
Leica | Q3 | 5995 | Full-frame BSI CMOS | 60.3 | Fixed 28mm f/1.7 lens | 8K 30p | Optical (lens) | 743 | - | Black
`,
).map((row) => ({ ...row, price: cents(row.price), kits: options(row.kits), colours: list(row.colours) }));

const ACCESSORIES = table(
  ['brand', 'name', 'price', 'type', 'variants', 'colours', 'specs'],
  `
Apple | AirPods Pro (2nd generation) with MagSafe Case (USB-C) | 249 | Wireless earbuds | - | White | Noise cancellation=Active;Battery life=Up to 6 hours (30 with case);Connectivity=Bluetooth 5.3
Samsung | Galaxy Buds3 Pro | 249.99 | Wireless earbuds | - | Silver,White | Noise cancellation=Active;Battery life=Up to 6 hours (26 with case);Connectivity=Bluetooth 5.4
Sony | WH-1000XM5 Wireless Noise Cancelling Headphones | 399.99 | Over-ear headphones | - | Black,Silver,Midnight Blue,Smoky Pink | Noise cancellation=Active;Battery life=Up to 30 hours;Connectivity=Bluetooth 5.2
Bose | QuietComfort Ultra Headphones | 429 | Over-ear headphones | - | Black,White Smoke,Sandstone | Noise cancellation=Active;Battery life=Up to 24 hours;Connectivity=Bluetooth 5.3
JBL | Flip 6 Portable Bluetooth Speaker | 129.95 | Portable speaker | - | Black,Blue,Red,Teal | Water resistance=IP67;Battery life=Up to 12 hours;Connectivity=Bluetooth 5.1
Anker | 737 Power Bank (PowerCore 24K) | 109.99 | Power bank | - | Black | Capacity=24,000 mAh;Output=140 W USB-C;Ports=2 × USB-C, 1 × USB-A
Anker | Nano Charger 30W USB-C | 19.99 | Wall charger | - | Black,White,Misty Blue | Output=30 W;Port=USB-C;Technology=GaN
Apple | 20W USB-C Power Adapter | 19 | Wall charger | - | White | Output=20 W;Port=USB-C
Belkin | BoostCharge Pro 3-in-1 Wireless Charging Stand with MagSafe | 149.99 | Wireless charger | - | Black,White | Output=15 W MagSafe;Compatibility=iPhone 12 and later, Apple Watch, AirPods
SanDisk | Extreme PRO SDXC UHS-I Card | 24.99 | Memory card | 64 GB:0;128 GB:10;256 GB:30;512 GB:70;1 TB:150 | - | Read speed=Up to 200 MB/s;Video speed class=V30;Bus=UHS-I U3
SanDisk | Extreme microSDXC UHS-I Card | 19.99 | Memory card | 128 GB:0;256 GB:15;512 GB:40;1 TB:90 | - | Read speed=Up to 190 MB/s;Video speed class=V30;Adapter=SD adapter included
Samsung | T7 Shield Portable SSD | 89.99 | Portable SSD | 1 TB:0;2 TB:60;4 TB:220 | Black,Beige,Blue | Interface=USB 3.2 Gen 2 (10 Gbps);Read speed=Up to 1,050 MB/s;Durability=IP65, 3 m drop resistant
Logitech | MX Master 3S Wireless Performance Mouse | 99.99 | Mouse | - | Graphite,Pale Gray | Sensor=8,000 DPI optical;Connectivity=Bluetooth, Logi Bolt;Battery life=Up to 70 days
Logitech | MX Keys S Wireless Keyboard | 109.99 | Keyboard | - | Graphite,Pale Gray | Layout=US English;Backlight=Smart illumination;Battery life=Up to 10 days with backlight
Spigen | Ultra Hybrid Case | 15.99 | Phone case | for iPhone 16 Pro:0;for iPhone 16 Pro Max:0;for iPhone 15:0;for Galaxy S24 Ultra:0;for Pixel 9 Pro:0 | Crystal Clear,Matte Black,Frost Black | Material=TPU bumper, polycarbonate back;Protection=Military-grade drop tested
OtterBox | Defender Series Pro Case | 64.95 | Phone case | for iPhone 16 Pro Max:0;for iPhone 15 Pro:0;for Galaxy S24 Ultra:0 | Black,Blue | Material=Polycarbonate shell, synthetic rubber slipcover;Protection=4 × military standard drops
Peak Design | Everyday Backpack V2 | 279.95 | Camera bag | 20L:0;30L:20 | Black,Charcoal,Ash,Midnight | Material=400D recycled nylon canvas;Laptop sleeve=Up to 16-inch;Weather resistance=DWR coating
Sony | FE 50mm F1.8 Lens | 248 | Camera lens | - | Black | Mount=Sony E;Format=Full-frame;Aperture range=f/1.8 to f/22
Canon | RF 50mm F1.8 STM Lens | 199 | Camera lens | - | Black | Mount=Canon RF;Format=Full-frame;Aperture range=f/1.8 to f/22
Anker | USB-C to USB-C Cable, 240W, Braided | 15.99 | Cable | 3 ft:0;6 ft:3;10 ft:6 | Black,White | Power=240 W;Data=USB 2.0 (480 Mbps)
`,
).map((row) => ({
  ...row,
  price: cents(row.price),
  variants: options(row.variants),
  colours: list(row.colours),
  specs: specPairs(row.specs),
}));

type Gender = 'Men' | 'Women';

const CLASSICS = table(
  ['brand', 'name', 'gender', 'price', 'fabric', 'fit', 'sizes', 'colours'],
  `
Levi's | 511 Slim Fit Jeans | Men | 69.50 | 99% cotton, 1% elastane | Slim | W28–W40, L30–L34 | Dark Indigo,Rinsed,Black,Light Stonewash,Grey
Levi's | 501 Original Fit Jeans | Men | 79.50 | 100% cotton | Straight | W28–W42, L30–L34 | Medium Stonewash,Black,Onewash,Light Indigo
Levi's | 502 Taper Jeans | Men | 69.50 | 99% cotton, 1% elastane | Tapered | W28–W40, L30–L34 | Dark Indigo,Medium Indigo,Black
Levi's | Trucker Jacket | Men | 98.00 | 100% cotton denim | Regular | S–XXL | Medium Stonewash,Black,Dark Indigo
Levi's | 721 High Rise Skinny Jeans | Women | 79.50 | 91% cotton, 7% polyester, 2% elastane | Skinny | W24–W34, L28–L32 | Blue Story,Black,Indigo
Levi's | Ribcage Straight Ankle Jeans | Women | 98.00 | 100% cotton | Straight | W23–W33, L27–L29 | Light Wash,Medium Wash,Black
Levi's | Original Trucker Jacket | Women | 89.50 | 100% cotton denim | Regular | XS–XL | Light Wash,Black
Nike | Sportswear Club Fleece Pullover Hoodie | Men | 60.00 | 80% cotton, 20% polyester | Standard | XS–3XL | Black,Dark Grey Heather,Midnight Navy,Game Royal,University Red
Nike | Dri-FIT Legend Fitness T-Shirt | Men | 25.00 | 100% polyester | Standard | S–XXL | Black,White,Game Royal,Anthracite
Nike | One High-Waisted Leggings | Women | 60.00 | 83% polyester, 17% spandex | Tight | XS–XXL | Black,Burgundy Crush,Mineral Teal
Nike | Sportswear Phoenix Fleece Oversized Hoodie | Women | 75.00 | 80% cotton, 20% polyester | Oversized | XS–XXL | Black,Dark Grey Heather,Light Orewood Brown
Adidas | Tiro 24 Training Pants | Men | 50.00 | 100% recycled polyester | Slim | XS–XXL | Black/White,Team Navy,Grey Four
Adidas | Essentials Single Jersey 3-Stripes T-Shirt | Men | 30.00 | 100% cotton | Regular | XS–4XL | Black,White,Legend Ink
Adidas | Adicolor Classics 3-Stripes Track Jacket | Women | 80.00 | 100% recycled polyester | Regular | XS–XL | Black,Better Scarlet,Collegiate Green
Uniqlo | Ultra Light Down Jacket | Men | 79.90 | 100% nylon shell, 90% down fill | Regular | XS–3XL | Black,Navy,Olive,Beige
Uniqlo | Ultra Light Down Jacket | Women | 79.90 | 100% nylon shell, 90% down fill | Regular | XXS–XXL | Black,Navy,Red,Off White
Uniqlo | Supima Cotton Crew Neck T-Shirt | Men | 14.90 | 100% Supima cotton | Regular | XS–3XL | White,Black,Navy,Gray,Olive
Uniqlo | HEATTECH Extra Warm Turtleneck | Women | 24.90 | 53% acrylic, 32% polyester, 8% rayon, 7% spandex | Slim | XXS–XXL | Black,Off White,Brown,Wine
Uniqlo | Smart Ankle Pants | Women | 49.90 | 65% polyester, 32% rayon, 3% spandex | Slim | XXS–XXL | Black,Navy,Gray,Beige
Ralph Lauren | Custom Slim Fit Mesh Polo Shirt | Men | 110.00 | 100% cotton | Slim | XS–XXL | White,Navy,Black,Red,Hunter Green
Patagonia | Better Sweater Fleece Jacket | Men | 159.00 | 100% recycled polyester | Regular | XS–XXL | Stonewash,Black,New Navy,Oatmeal Heather
Patagonia | Nano Puff Jacket | Women | 239.00 | 100% recycled polyester ripstop, PrimaLoft insulation | Regular | XXS–XXL | Black,Nouveau Green,Pitch Blue
The North Face | 1996 Retro Nuptse Jacket | Men | 330.00 | 100% recycled nylon ripstop, 700-fill down | Relaxed | XS–XXL | TNF Black,Summit Navy,Recycled TNF Yellow
The North Face | 1996 Retro Nuptse Jacket | Women | 330.00 | 100% recycled nylon ripstop, 700-fill down | Relaxed | XS–XL | TNF Black,Pink Moss,Gardenia White
Calvin Klein | Cotton Stretch Boxer Briefs (3-Pack) | Men | 46.00 | 95% cotton, 5% elastane | Fitted | S–XL | Black,Grey Heather,Multi
Zara | ZW Collection Wide-Leg Trousers | Women | 59.90 | 70% polyester, 28% viscose, 2% elastane | Wide leg | XS–XL | Black,Ecru,Chocolate
Mango | Wool-Blend Tailored Coat | Women | 199.99 | 60% wool, 40% polyester | Tailored | XXS–XL | Camel,Black,Grey
`,
).map((row) => ({ ...row, gender: row.gender as Gender, price: cents(row.price), colours: list(row.colours) }));

const SHOES = table(
  ['brand', 'name', 'price', 'upper', 'sole', 'closure', 'colours'],
  `
Nike | Air Force 1 '07 | 115 | Leather | Rubber cupsole with Air cushioning | Lace-up | White,Black,White/Black
Nike | Air Max 90 | 130 | Leather and textile | Rubber waffle outsole, visible Air unit | Lace-up | White/Cool Grey,Black,Infrared
Nike | Pegasus 41 Road Running Shoes | 140 | Engineered mesh | ReactX foam, rubber outsole | Lace-up | Black/White,Photon Dust,Volt
Adidas | Ultraboost Light Running Shoes | 190 | Primeknit+ textile | Light Boost midsole, Continental rubber outsole | Lace-up | Core Black,Cloud White,Lucid Blue
Adidas | Samba OG | 100 | Leather with suede overlays | Gum rubber outsole | Lace-up | Cloud White/Core Black,Core Black/Gum,Wonder White
Adidas | Stan Smith | 100 | Leather | Rubber cupsole | Lace-up | Cloud White/Green,Cloud White/Navy
New Balance | 574 Core | 90 | Suede and mesh | ENCAP midsole, rubber outsole | Lace-up | Grey,Navy,Black
New Balance | 990v6 Made in USA | 200 | Pigskin suede and mesh | FuelCell midsole, rubber outsole | Lace-up | Grey,Navy,Black
Converse | Chuck Taylor All Star High Top | 65 | Canvas | Vulcanised rubber | Lace-up | Black,Optical White,Navy,Red
Vans | Old Skool | 70 | Suede and canvas | Waffle rubber outsole | Lace-up | Black/White,Navy,True White
Dr. Martens | 1460 Smooth Leather Lace Up Boots | 170 | Smooth leather | AirWair air-cushioned PVC sole | Lace-up | Black,Cherry Red
Puma | Suede Classic XXI | 75 | Suede | Rubber outsole | Lace-up | Black/White,Peacoat,High Risk Red
Asics | Gel-Kayano 31 | 165 | Engineered mesh | FF Blast+ foam, PureGEL | Lace-up | Black/White,Sheet Rock,Illusion Blue
Hoka | Clifton 9 | 145 | Engineered knit | Compression-moulded EVA | Lace-up | Black/White,Harbor Mist,Ice Water
Nike | Dunk Low Retro | 115 | Leather | Rubber cupsole | Lace-up | White/Black,Grey Fog,University Blue
Adidas | Gazelle | 100 | Suede | Rubber outsole | Lace-up | Core Black,Collegiate Green,Scarlet
New Balance | 550 | 110 | Leather | Rubber cupsole | Lace-up | White/Green,White/Navy,White/Grey
Salomon | XT-6 | 200 | Textile and synthetic | EnergyCell midsole, Contagrip outsole | Quicklace | Black,Vanilla Ice,Lunar Rock
On | Cloud 5 | 140 | Recycled polyester mesh | CloudTec sole | Speed-lacing | All Black,Undyed White,Glacier
Clarks | Wallabee | 170 | Suede | Crepe rubber | Lace-up | Beeswax,Maple Suede,Black Suede
Timberland | 6-Inch Premium Waterproof Boots | 210 | Waterproof nubuck | Rubber lug outsole | Lace-up | Wheat Nubuck,Black,Dark Brown
UGG | Classic Mini II Boots | 160 | Twinface sheepskin | Treadlite outsole | Pull-on | Chestnut,Black,Sand
Birkenstock | Arizona Soft Footbed Sandals | 110 | Birko-Flor | Cork-latex footbed, EVA outsole | Buckle | Black,Mocha,Stone
`,
).map((row) => ({ ...row, price: cents(row.price), colours: list(row.colours) }));

/** High-street labels whose ranges are made of plain garments: price factor, cents ending. */
const LABELS = table(
  ['brand', 'factor', 'ending'],
  `
H&M | 0.6 | 99
Zara | 1.0 | 90
Uniqlo | 0.85 | 90
Mango | 1.05 | 99
Gap | 0.95 | 95
Levi's | 1.3 | 50
Tommy Hilfiger | 1.9 | 0
Calvin Klein | 1.7 | 50
Ralph Lauren | 2.6 | 0
`,
).map((row) => ({ brand: row.brand, factor: Number(row.factor), ending: Number(row.ending) }));

const MATERIALS = new Map(
  table(
    ['material', 'fabric', 'factor'],
    `
Linen | 100% linen | 1.2
Cotton Poplin | 100% cotton | 1
Oxford Cotton | 100% cotton | 1
Flannel | 100% brushed cotton flannel | 1.05
Corduroy | 100% cotton corduroy | 1.1
Organic Cotton | 100% organic cotton | 1.05
Heavyweight Cotton | 100% cotton, 240 gsm | 1.15
Pima Cotton | 100% Pima cotton | 1.2
Slub Cotton | 100% cotton slub jersey | 1
Piqué Cotton | 100% cotton piqué | 1
Knitted Cotton | 100% cotton knit | 1.05
Merino Wool | 100% extra-fine merino wool | 1.6
Stretch Cotton | 98% cotton, 2% elastane | 1
Cotton Twill | 100% cotton twill | 1
Linen-Blend | 55% linen, 45% cotton | 1.1
Wool-Blend | 60% wool, 35% polyester, 5% other fibres | 1.5
Cotton Fleece | 80% cotton, 20% polyester | 1
Brushed Cotton | 100% brushed cotton | 1.05
Cashmere-Blend | 80% wool, 20% cashmere | 2
Lambswool | 100% lambswool | 1.4
Nylon | 100% nylon | 1
Recycled Nylon | 100% recycled nylon shell, recycled polyester fill | 1
Water-Repellent Nylon | 100% nylon with a water-repellent finish | 1.1
Satin | 100% polyester satin | 1
Crepe | 100% viscose crepe | 1
Ribbed Knit | 95% viscose, 5% elastane | 1
Chiffon | 100% polyester chiffon | 1
Denim | 100% cotton denim | 1
Rigid Denim | 100% cotton denim | 1
Stretch Denim | 92% cotton, 6% polyester, 2% elastane | 1
Ribbed Cotton | 95% cotton, 5% elastane | 1
Mohair-Blend | 40% mohair, 35% acrylic, 25% polyamide | 1.4
Cotton Gabardine | 100% cotton gabardine | 1.2
Modal-Blend | 92% modal, 8% elastane | 1
`,
  ).map((row) => [row.material, { fabric: row.fabric, factor: Number(row.factor) }] as const),
);

const GARMENTS = table(
  ['gender', 'garment', 'price', 'materials', 'styles', 'sizes'],
  `
Men | Shirt | 35 | Linen,Cotton Poplin,Oxford Cotton,Flannel,Corduroy | Slim Fit,Regular Fit,Relaxed Fit | S–XXL
Men | T-Shirt | 18 | Organic Cotton,Heavyweight Cotton,Pima Cotton,Slub Cotton | Regular Fit,Relaxed Fit,Oversized | XS–XXL
Men | Polo Shirt | 30 | Piqué Cotton,Knitted Cotton,Merino Wool | Slim Fit,Regular Fit | S–XXL
Men | Chinos | 45 | Stretch Cotton,Cotton Twill,Linen-Blend | Slim Fit,Regular Fit,Tapered | W28–W38
Men | Trousers | 55 | Wool-Blend,Linen-Blend,Stretch Cotton,Corduroy | Slim Fit,Relaxed Fit,Tapered | W28–W38
Men | Hoodie | 45 | Cotton Fleece,Brushed Cotton,Heavyweight Cotton | Regular Fit,Oversized | XS–XXL
Men | Crew Neck Sweater | 55 | Merino Wool,Cashmere-Blend,Knitted Cotton,Lambswool | Regular Fit,Slim Fit | S–XXL
Men | Overshirt | 60 | Wool-Blend,Cotton Twill,Corduroy,Flannel | Regular Fit,Relaxed Fit | S–XXL
Men | Bomber Jacket | 90 | Nylon,Cotton Twill,Wool-Blend | Regular Fit | S–XXL
Men | Puffer Jacket | 120 | Recycled Nylon,Water-Repellent Nylon | Regular Fit,Relaxed Fit | S–XXL
Men | Blazer | 140 | Wool-Blend,Linen,Stretch Cotton | Slim Fit,Regular Fit | EU 44–56
Men | Shorts | 30 | Linen-Blend,Cotton Twill,Stretch Cotton | Regular Fit,Relaxed Fit | W28–W38
Women | Blouse | 40 | Satin,Crepe,Linen,Cotton Poplin | Regular Fit,Relaxed Fit | XXS–XL
Women | Shirt | 38 | Linen,Cotton Poplin,Oxford Cotton | Oversized,Regular Fit | XXS–XL
Women | T-Shirt | 18 | Organic Cotton,Ribbed Cotton,Pima Cotton | Regular Fit,Slim Fit,Oversized | XXS–XL
Women | Midi Dress | 65 | Satin,Linen-Blend,Crepe,Ribbed Knit | Wrap,A-Line,Slip | XXS–XL
Women | Maxi Dress | 75 | Linen-Blend,Chiffon,Crepe | Tiered,Wrap,A-Line | XXS–XL
Women | Midi Skirt | 45 | Satin,Crepe,Denim,Linen-Blend | A-Line,Slip,Pleated | XXS–XL
Women | Wide-Leg Trousers | 55 | Linen-Blend,Wool-Blend,Crepe | High-Waisted,Pleated | EU 32–46
Women | Straight Jeans | 60 | Rigid Denim,Stretch Denim | High-Rise,Mid-Rise | W24–W34
Women | Cardigan | 50 | Merino Wool,Cashmere-Blend,Knitted Cotton,Mohair-Blend | Cropped,Relaxed Fit,Regular Fit | XXS–XL
Women | Crew Neck Sweater | 55 | Merino Wool,Cashmere-Blend,Knitted Cotton | Regular Fit,Oversized | XXS–XL
Women | Blazer | 110 | Wool-Blend,Linen,Crepe | Oversized,Tailored,Double-Breasted | EU 32–46
Women | Trench Coat | 160 | Cotton Gabardine,Water-Repellent Nylon | Belted,Oversized | XXS–XL
Women | Puffer Jacket | 120 | Recycled Nylon,Water-Repellent Nylon | Cropped,Regular Fit | XXS–XL
Women | Tank Top | 15 | Ribbed Cotton,Modal-Blend | Slim Fit,Regular Fit | XXS–XL
Women | Jumpsuit | 70 | Linen-Blend,Crepe,Denim | Wide-Leg,Belted | XXS–XL
`,
).map((row) => {
  const materials = list(row.materials);
  for (const material of materials) if (!MATERIALS.has(material)) throw new Error(`unknown material ${material}`);
  return { ...row, gender: row.gender as Gender, price: cents(row.price), materials, styles: list(row.styles) };
});

const byGender = <T extends { gender: Gender }>(rows: readonly T[]): Record<Gender, T[]> => ({
  Men: rows.filter((row) => row.gender === 'Men'),
  Women: rows.filter((row) => row.gender === 'Women'),
});
const CLASSICS_BY_GENDER = byGender(CLASSICS);
const GARMENTS_BY_GENDER = byGender(GARMENTS);

const GARMENT_COLOURS = list(
  'Black,White,Navy,Ecru,Beige,Khaki,Olive,Charcoal,Light Blue,Sage Green,Burgundy,Camel,Stone,Rust,Dusty Pink,Chocolate',
);

// ---------------------------------------------------------------------------------------
// Products

/** What a product kind contributes before ids, seller, dates, images and reviews. */
interface Draft {
  leaf: Leaf;
  name: string;
  /** How reviews and alt texts refer to it, e.g. "Galaxy S24 Ultra", "OnePlus 12". */
  shortName: string;
  brand: string;
  color: string | null;
  specs: SpecEntry[];
  priceMinor: number;
  description: string;
  kind: Kind;
}

type Kind = 'phone' | 'laptop' | 'camera' | 'accessory' | 'apparel' | 'shoes';

const gb = (size: number): string => (size >= 1024 ? `${size / 1024} TB` : `${size} GB`);
const spec = (name: string, value: string): SpecEntry => ({ name, value });
/** Lower-cases a plain leading word for use mid-sentence, leaving names like FuelCell or Birko-Flor. */
const lowerFirst = (text: string): string =>
  text.replace(/^[A-Z][a-z]+(?:-[a-z]+)*(?=[\s,]|$)/, (word) => word.toLowerCase());
const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
/** "Pixel 8a" → "Google Pixel 8a", but "OnePlus 12" stays as it is. */
const withBrand = (brand: string, shortName: string): string =>
  shortName.startsWith(brand) ? shortName : `${brand} ${shortName}`;

// Sellers word the same product differently; mostly they add nothing.
const PHONE_LISTING = ['', '', '', '', ', Unlocked', ', Dual SIM', ', eSIM', ', Unlocked, Dual SIM'];
const CAMERA_BUNDLES: readonly Weighted<Option | null>[] = [
  [null, 80],
  [{ label: '128 GB SD card', extra: 4000 }, 12],
  [{ label: 'spare battery', extra: 6000 }, 8],
];
/** Small consumables are often sold in pairs. */
const PACKABLE = new Set(['Cable', 'Wall charger', 'Memory card']);

/**
 * A seller's price: most sell at the list price, some at a discount, rounded to whole
 * dollars and given the brand's usual ending (.99, .90, .00…).
 */
function retailPrice(random: Random, listMinor: number, ending: number): number {
  const discount = random.chance(0.35) ? random.int(3, 20) / 100 : 0;
  const dollars = Math.max(1, Math.round((listMinor * (1 - discount)) / 100));
  return ending === 0 ? dollars * 100 : dollars * 100 - (100 - ending);
}

/** Refurbished electronics are a real slice of marketplace listings, and cheaper. */
function condition(random: Random, share: number): { renewed: boolean; factor: number; suffix: string } {
  const renewed = random.chance(share);
  return { renewed, factor: renewed ? 0.72 : 1, suffix: renewed ? ' (Renewed)' : '' };
}

function phone(random: Random): Draft {
  const model = random.pick(PHONES);
  const storageIndex = random.int(0, model.storage.length - 1);
  const storage = model.storage[storageIndex] ?? 128;
  const colour = random.pick(model.colours);
  const state = condition(random, 0.12);
  const extra = [0, 100, 300, 500][storageIndex] ?? 500;
  const listMinor = Math.round((model.price + extra * 100) * state.factor);
  // "the 12" reads oddly in a review; "the OnePlus 12" does not.
  const shortName = /^\d/.test(model.model) ? `${model.brand} ${model.model}` : model.model;
  const display = `${model.screen}-inch ${model.panel}, ${model.hz} Hz`;
  return {
    leaf: 'mobiles',
    kind: 'phone',
    name: `${model.brand} ${model.model} ${gb(storage)} – ${colour}${random.pick(PHONE_LISTING)}${state.suffix}`,
    shortName,
    brand: model.brand,
    color: colour,
    specs: [
      spec('Display', display),
      spec('Processor', model.chip),
      spec('RAM', `${model.ram} GB`),
      spec('Storage', gb(storage)),
      spec('Rear cameras', model.camera),
      spec('Battery', `${model.battery} mAh`),
      spec('Operating system', model.os),
      spec('Network', '5G'),
      spec('Condition', state.renewed ? 'Renewed – excellent' : 'New'),
    ],
    priceMinor: retailPrice(random, listMinor, model.brand === 'Apple' ? 0 : 99),
    description: [
      `The ${withBrand(model.brand, shortName)} pairs a ${display} display with the ${model.chip} and ${model.ram} GB of RAM.`,
      random.pick([
        `Its ${model.camera} camera system handles everything from portraits to night scenes.`,
        `The ${model.camera} rear cameras shoot sharp photos and stable 4K video.`,
        `Photos come out crisp on the ${model.camera} cameras, in daylight and at night.`,
      ]),
      `A ${model.battery} mAh battery gets you through the day, and ${gb(storage)} leaves room for apps, photos and offline music.`,
      state.renewed
        ? 'Professionally inspected, cleaned and tested; shows little to no signs of wear. Ships unlocked with a charging cable.'
        : `This listing is the unlocked ${gb(storage)} model in ${colour}.`,
    ].join(' '),
  };
}

function laptop(random: Random): Draft {
  const model = random.pick(LAPTOPS);
  const cpu = random.pick(model.cpus);
  const ramIndex = random.int(0, model.ram.length - 1);
  const ssdIndex = random.int(0, model.ssd.length - 1);
  const ram = model.ram[ramIndex] ?? 16;
  const ssd = model.ssd[ssdIndex] ?? 512;
  const colour = random.pick(model.colours);
  const state = condition(random, 0.08);
  const step = model.brand === 'Apple' ? 200 : 120;
  const listMinor = Math.round((model.price + cpu.extra + (ramIndex + ssdIndex) * step * 100) * state.factor);
  const processor = model.brand === 'Apple' ? `Apple ${cpu.label}` : cpu.label;
  const display = `${model.screen}-inch ${model.display}`;
  return {
    leaf: 'laptops',
    kind: 'laptop',
    name: `${model.brand} ${model.model} – ${processor}, ${ram} GB RAM, ${gb(ssd)} SSD, ${colour}${state.suffix}`,
    shortName: model.model,
    brand: model.brand,
    color: colour,
    specs: [
      spec('Processor', processor),
      spec('Memory', `${ram} GB`),
      spec('Storage', `${gb(ssd)} SSD`),
      spec('Display', display),
      spec('Graphics', model.gpu === 'Integrated' ? `Integrated (${processor})` : model.gpu),
      spec('Weight', `${model.kg} kg`),
      spec('Battery', `${model.wh} Wh`),
      spec('Operating system', model.os),
      spec('Condition', state.renewed ? 'Renewed – excellent' : 'New'),
    ],
    priceMinor: retailPrice(random, listMinor, model.brand === 'Apple' ? 0 : 99),
    description: [
      `The ${model.brand} ${model.model} combines the ${processor} with ${ram} GB of memory and a ${gb(ssd)} SSD.`,
      `Its ${display} display is ${random.pick(['sharp and bright', 'great for long documents and films', 'colour-accurate enough for photo editing'])}.`,
      model.gpu.startsWith('NVIDIA')
        ? `An ${model.gpu} handles modern games and creative work.`
        : `At ${model.kg} kg it slips easily into a bag for work on the move.`,
      `Ships with ${model.os}.`,
    ].join(' '),
  };
}

function camera(random: Random): Draft {
  const model = random.pick(CAMERAS);
  const fixedLens = model.mount.startsWith('Fixed');
  const kit = model.kits.length > 0 && random.chance(0.55) ? random.pick(model.kits) : undefined;
  const colour = random.pick(model.colours);
  const state = condition(random, 0.08);
  const bundle = random.weighted(CAMERA_BUNDLES);
  const listMinor = Math.round((model.price + (kit?.extra ?? 0) + (bundle?.extra ?? 0)) * state.factor);
  const variant = fixedLens ? 'Compact Camera' : kit ? `with ${kit.label} Lens Kit` : 'Body';
  const colourPart = model.colours.length > 1 ? `, ${colour}` : '';
  return {
    leaf: 'cameras',
    kind: 'camera',
    name: `${model.brand} ${model.model} ${variant}${colourPart}${bundle ? ` + ${capitalise(bundle.label)} Bundle` : ''}${state.suffix}`,
    shortName: model.model,
    brand: model.brand,
    color: colour,
    specs: [
      spec('Sensor', model.sensor),
      spec('Resolution', `${model.mp} MP`),
      spec(fixedLens ? 'Lens' : 'Lens mount', model.mount),
      spec('Video', model.video),
      spec('Stabilisation', model.stabilisation),
      spec('Weight', `${model.grams} g (body with battery)`),
      spec('In the box', ['Body', kit?.label, 'battery', 'charger', 'strap', bundle?.label].filter(Boolean).join(', ')),
      spec('Condition', state.renewed ? 'Renewed – excellent' : 'New'),
    ],
    priceMinor: retailPrice(random, listMinor, 0),
    description: [
      `The ${model.brand} ${model.model} has a ${model.mp} MP ${model.sensor.startsWith('Micro') ? model.sensor : lowerFirst(model.sensor)} sensor and records ${model.video} video.`,
      fixedLens
        ? `Its ${model.mount.replace('Fixed ', '')} is built in, so it is ready to shoot the moment it leaves your pocket.`
        : `It takes ${model.mount} lenses${kit ? `, and this kit includes the ${kit.label}` : '; this listing is the body only'}.`,
      random.pick([
        'Weather sealing and a deep grip make it at home outdoors.',
        'Fast, reliable autofocus tracks people, animals and vehicles.',
        'Dual card slots and a long-lasting battery suit event work.',
        'An articulating screen makes low angles and vlogging easy.',
      ]),
    ].join(' '),
  };
}

function accessory(random: Random): Draft {
  const item = random.pick(ACCESSORIES);
  const variant = item.variants.length > 0 ? random.pick(item.variants) : undefined;
  const colour = item.colours.length > 0 ? random.pick(item.colours) : null;
  const capacityLike = variant !== undefined && !variant.label.startsWith('for ');
  const pair = PACKABLE.has(item.type) && random.chance(0.2);
  const unitMinor = item.price + (variant?.extra ?? 0);
  return {
    leaf: 'accessories',
    kind: 'accessory',
    name: `${item.brand} ${item.name}${variant ? ` ${variant.label}` : ''}${colour && item.colours.length > 1 ? ` – ${colour}` : ''}${pair ? ' (2-Pack)' : ''}`,
    shortName: item.name.split(/,| with | \(/)[0] ?? item.name,
    brand: item.brand,
    color: colour,
    specs: [
      spec('Type', item.type),
      ...(variant ? [spec(capacityLike ? 'Size' : 'Compatibility', variant.label.replace(/^for /, ''))] : []),
      ...item.specs,
      ...(pair ? [spec('Pack', '2 units')] : []),
    ],
    priceMinor: retailPrice(random, pair ? Math.round(unitMinor * 1.8) : unitMinor, item.brand === 'Apple' ? 0 : 99),
    description: [
      `${item.brand} ${item.name}${variant ? ` (${variant.label})` : ''}.`,
      item.specs.map((entry) => `${entry.name}: ${entry.value}.`).join(' '),
      random.pick([
        'Backed by the manufacturer’s warranty.',
        'A dependable everyday upgrade.',
        'A favourite with reviewers for its build quality.',
      ]),
    ].join(' '),
  };
}

const CLASSIC_LINES = [
  'A wardrobe staple that goes with everything.',
  'Made to be worn season after season.',
  'An icon of the brand, updated with modern details.',
];
const GARMENT_LINES = [
  'Easy to dress up or down.',
  'Cut for everyday comfort.',
  'Pairs well with the rest of the collection.',
  'A versatile piece for the new season.',
];
const SHOE_LINES = [
  'Comfortable from the first wear.',
  'A classic that never goes out of style.',
  'Built for miles of everyday wear.',
];

const careFor = (fabric: string): string =>
  /wool|cashmere|mohair|down/i.test(fabric)
    ? 'Hand wash cold or dry clean'
    : /linen/i.test(fabric)
      ? 'Machine wash cold, line dry'
      : 'Machine wash at 30 °C';

function apparel(random: Random, gender: Gender): Draft {
  const leaf: Leaf = gender === 'Men' ? 'mens-clothing' : 'womens-clothing';
  if (random.chance(0.35)) {
    const item = random.pick(CLASSICS_BY_GENDER[gender]);
    const colour = random.pick(item.colours);
    return {
      leaf,
      kind: 'apparel',
      name: `${item.brand} ${gender}'s ${item.name} – ${colour}`,
      shortName: item.name,
      brand: item.brand,
      color: colour,
      specs: [
        spec('Fabric', item.fabric),
        spec('Fit', item.fit),
        spec('Sizes', item.sizes),
        spec('Care', careFor(item.fabric)),
      ],
      priceMinor: retailPrice(random, item.price, item.price % 100),
      description: [
        `The ${item.brand} ${item.name} in ${colour}: a ${item.fit.toLowerCase()} fit in ${item.fabric}.`,
        random.pick(CLASSIC_LINES),
        `Available in sizes ${item.sizes}.`,
      ].join(' '),
    };
  }
  const label = random.pick(LABELS);
  const garment = random.pick(GARMENTS_BY_GENDER[gender]);
  const materialName = random.pick(garment.materials);
  const material = MATERIALS.get(materialName) ?? { fabric: materialName, factor: 1 };
  const style = random.pick(garment.styles);
  const colour = random.pick(GARMENT_COLOURS);
  const title = `${style} ${materialName} ${garment.garment}`;
  return {
    leaf,
    kind: 'apparel',
    name: `${label.brand} ${gender}'s ${title} – ${colour}`,
    shortName: `${materialName} ${garment.garment}`.toLowerCase(),
    brand: label.brand,
    color: colour,
    specs: [
      spec('Fabric', material.fabric),
      spec('Fit', style),
      spec('Sizes', garment.sizes),
      spec('Care', careFor(material.fabric)),
    ],
    priceMinor: retailPrice(random, Math.round(garment.price * label.factor * material.factor), label.ending),
    description: [
      `${capitalise(`${style} ${garment.garment}`.toLowerCase())} in ${material.fabric}, shown in ${colour.toLowerCase()}.`,
      random.pick(GARMENT_LINES),
      `Sizes ${garment.sizes}.`,
    ].join(' '),
  };
}

function shoes(random: Random): Draft {
  const item = random.pick(SHOES);
  const gender: Gender = random.chance(0.5) ? 'Men' : 'Women';
  const colour = random.pick(item.colours);
  const sizes = gender === 'Men' ? 'US 7–14' : 'US 5–11';
  return {
    leaf: 'shoes',
    kind: 'shoes',
    name: `${item.brand} ${gender}'s ${item.name} – ${colour}`,
    shortName: item.name,
    brand: item.brand,
    color: colour,
    specs: [spec('Upper', item.upper), spec('Sole', item.sole), spec('Closure', item.closure), spec('Sizes', sizes)],
    priceMinor: retailPrice(random, item.price, 0),
    description: [
      `The ${item.brand} ${item.name} in ${colour}, with a ${lowerFirst(item.upper)} upper and ${lowerFirst(item.sole)}.`,
      random.pick(SHOE_LINES),
      `${gender}'s sizes ${sizes}.`,
    ].join(' '),
  };
}

function draft(random: Random): Draft {
  switch (random.weighted(LEAF_WEIGHTS)) {
    case 'mobiles':
      return phone(random);
    case 'laptops':
      return laptop(random);
    case 'cameras':
      return camera(random);
    case 'accessories':
      return accessory(random);
    case 'mens-clothing':
      return apparel(random, 'Men');
    case 'womens-clothing':
      return apparel(random, 'Women');
    case 'shoes':
      return shoes(random);
  }
}

const VIEWS: Record<Kind, readonly string[]> = {
  phone: ['front view', 'back view', 'side profile', 'camera close-up', 'in the box'],
  laptop: ['open, front view', 'keyboard close-up', 'side ports', 'lid closed', 'in the box'],
  camera: ['front view', 'top plate', 'rear screen', 'side view', 'in the hand'],
  accessory: ['front view', 'back view', 'in use', 'detail', 'in the box'],
  apparel: ['front view', 'back view', 'fabric detail', 'on model', 'folded'],
  shoes: ['side view', 'pair', 'sole', 'top view', 'heel'],
};

// ---------------------------------------------------------------------------------------
// Reviews

const REVIEW_COUNTS: readonly Weighted<number>[] = [
  [0, 22],
  [1, 18],
  [2, 15],
  [3, 12],
  [4, 10],
  [5, 8],
  [6, 6],
  [7, 5],
  [8, 4],
];

/** J-shaped like real ratings: mostly fives and fours, a bump at one; worse for a few products. */
const RATINGS: Record<'good' | 'mixed' | 'poor', readonly Weighted<number>[]> = {
  good: [
    [5, 58],
    [4, 28],
    [3, 7],
    [2, 3],
    [1, 4],
  ],
  mixed: [
    [5, 30],
    [4, 30],
    [3, 20],
    [2, 10],
    [1, 10],
  ],
  poor: [
    [5, 15],
    [4, 15],
    [3, 20],
    [2, 20],
    [1, 30],
  ],
};

const ASPECTS: Record<Kind, { good: readonly string[]; bad: readonly string[] }> = {
  phone: {
    good: [
      'The battery easily lasts a full day, often more.',
      'The camera takes sharp photos even in low light.',
      'The screen is bright and silky smooth to scroll.',
      'It feels fast; apps open instantly.',
      'Moving my data over from my old phone was painless.',
    ],
    bad: [
      'Battery life is shorter than I hoped.',
      'It gets warm when gaming or charging.',
      'No charger in the box, which stings at this price.',
      'The camera struggles indoors.',
      'It is slippery without a case.',
    ],
  },
  laptop: {
    good: [
      'The keyboard is a pleasure to type on.',
      'The battery gets me through a whole workday.',
      'The display is crisp and colour-accurate.',
      'It stays quiet under everyday workloads.',
      'Build quality feels premium.',
    ],
    bad: [
      'The fans get loud under load.',
      'Too few ports, so I needed a dongle.',
      'The webcam is mediocre.',
      'Battery life is well below the advertised figure.',
      'The screen is quite reflective outdoors.',
    ],
  },
  camera: {
    good: [
      'Autofocus locks on to eyes reliably, even with moving subjects.',
      'Image quality is superb straight out of camera.',
      'The grip is comfortable on long shoots.',
      'Stabilisation lets me handhold at slow shutter speeds.',
      'The menus are logical once customised.',
    ],
    bad: [
      'Battery life is short; buy a spare.',
      'The menus take a while to learn.',
      'It gets hot during long 4K recordings.',
      'The kit lens is soft in the corners.',
      'It is heavier than I expected.',
    ],
  },
  accessory: {
    good: [
      'Works exactly as described.',
      'Build quality feels solid.',
      'Set-up took seconds and it has been reliable since.',
      'Great value compared with the alternatives.',
    ],
    bad: [
      'It stopped working properly after a few weeks.',
      'It feels cheaper than the price suggests.',
      'The connection drops now and then.',
      'The instructions were unclear.',
    ],
  },
  apparel: {
    good: [
      'The fit is true to size.',
      'The fabric feels soft and well made.',
      'It held up well after several washes.',
      'The colour is exactly as pictured.',
      'Smart enough for the office, comfortable enough for weekends.',
    ],
    bad: [
      'It runs small, so size up.',
      'It shrank a little after the first wash.',
      'The fabric is thinner than expected.',
      'The colour is duller than in the photos.',
      'A seam came loose after a month.',
    ],
  },
  shoes: {
    good: [
      'Comfortable straight out of the box.',
      'True to size.',
      'Great grip and support on long walks.',
      'They look even better in person.',
    ],
    bad: [
      'They run half a size small.',
      'They took weeks to break in.',
      'The sole started to wear quickly.',
      'Not much arch support.',
    ],
  },
};

const TITLES: Record<number, readonly string[]> = {
  5: [
    'Love it',
    'Exactly what I wanted',
    'Best purchase this year',
    'Highly recommend',
    'Worth every penny',
    'Great {short}',
  ],
  4: ['Very good, minor quibbles', 'Solid choice', 'Great value', 'Happy with it', 'Almost perfect'],
  3: ['Decent but not great', "It's okay", 'Mixed feelings', 'Does the job', 'Average {short}'],
  2: ['Disappointed', 'Expected more', 'Not as good as the reviews say', 'Meh'],
  1: ['Would not buy again', 'Returned it', 'Poor quality', 'Stopped working', 'Avoid this {short}'],
};

const OPENERS: Record<number, readonly string[]> = {
  5: [
    'Bought the {short} {when} and I love it.',
    'Upgraded to the {short} and have no regrets.',
    'The {short} is excellent.',
  ],
  4: ['Really happy with the {short} overall.', 'Got the {short} {when}; very good so far.'],
  3: ['The {short} is fine, but not amazing.', 'Had the {short} for a few months now; mixed feelings.'],
  2: ['I had high hopes for the {short}.', 'Bought the {short} {when} and regret it a little.'],
  1: ['The {short} was a let-down.', 'Bought the {short} {when}. Big mistake.'],
};

const CLOSERS: Record<number, readonly string[]> = {
  5: ['Highly recommend.', 'Would buy again.', 'Five stars.'],
  4: ['Would recommend.', 'Good value overall.'],
  3: ['Okay for the price.', 'Wait for a sale.'],
  2: ['Probably returning it.', 'There are better options.'],
  1: ['Returning it.', 'Would not recommend.'],
};

const WHEN = ['last week', 'a month ago', 'on sale', 'as a gift', 'a few months ago'];

const fill = (template: string, shortName: string, random: Random): string =>
  template.replace('{short}', shortName).replace('{when}', random.pick(WHEN));

function reviewText(random: Random, kind: Kind, rating: number, shortName: string): { title: string; body: string } {
  const aspects = ASPECTS[kind];
  const [good, bad] = rating >= 4 ? [2, rating === 4 ? 1 : 0] : rating === 3 ? [1, 1] : [0, 2];
  const points = [
    ...random.shuffle(aspects.good).slice(0, good),
    ...random
      .shuffle(aspects.bad)
      .slice(0, bad)
      .map((point, i) =>
        i === 0 && good > 0 ? `Only gripe: ${point.charAt(0).toLowerCase()}${point.slice(1)}` : point,
      ),
  ];
  const title = fill(random.pick(TITLES[rating] ?? []), shortName, random);
  const body = [
    fill(random.pick(OPENERS[rating] ?? []), shortName, random),
    ...points,
    random.pick(CLOSERS[rating] ?? []),
  ];
  return { title: title.slice(0, 120), body: body.join(' ') };
}

// ---------------------------------------------------------------------------------------
// Sellers

const SELLER_PLACES = list(
  'Northwind,Bluebird,Summit,Harbor,Maple,Urban,Cedar,Silverline,Brightside,Redwood,Lakeshore,Ironbridge,Evergreen,Pioneer,Crescent,Sterling,Atlas,Horizon,Riverbend,Oakridge,Metro,Coastal,Highland,Sunset,Blue Ridge,Keystone,Liberty,Granite,Willow,Golden Gate',
);
const SELLER_TRADES: Record<'electronics' | 'fashion' | 'general', readonly string[]> = {
  electronics: list('Electronics,Gadgets,Tech,Mobile,Digital,Camera,Computers,Photo,Wireless'),
  fashion: list('Apparel,Threads,Style,Wardrobe,Footwear,Outfitters,Clothing,Boutique'),
  general: list('Goods,Supply,Trading,Retail,Market,Deals,Direct,Emporium'),
};
const SELLER_SUFFIXES = ['', '', ' Co.', ' LLC', ' Inc.', ' Ltd', ' Store', ' Outlet', ' Shop'];
type Trade = keyof typeof SELLER_TRADES;

const DAY_MS = 86_400_000;

interface SellerPools {
  sellers: SeedSeller[];
  /** Who may list what: specialists plus general stores. */
  electronics: readonly SeedSeller[];
  fashion: readonly SeedSeller[];
}

function createSellers(seed: number, products: number, now: Date): SellerPools {
  const random = createRandom(seed, 0x5e11e5);
  const count = Math.min(200, Math.max(50, Math.round(products / 100)));
  const trades: Trade[] = ['electronics', 'fashion', 'general'];
  const sellers: SeedSeller[] = [];
  const byTrade: Record<Trade, SeedSeller[]> = { electronics: [], fashion: [], general: [] };
  const names = new Set<string>();
  while (sellers.length < count) {
    // The first three cover every trade, so each product always has someone to sell it.
    const trade =
      sellers.length < trades.length
        ? (trades[sellers.length] ?? 'general')
        : random.weighted<Trade>([
            ['electronics', 40],
            ['fashion', 35],
            ['general', 25],
          ]);
    const name = `${random.pick(SELLER_PLACES)} ${random.pick(SELLER_TRADES[trade])}${random.pick(SELLER_SUFFIXES)}`;
    if (names.has(name)) continue;
    names.add(name);
    const seller: SeedSeller = {
      id: seedUuid(`seller:${seed}`, sellers.length),
      name,
      // Every seller joined before the oldest product, two to four years ago.
      createdAt: new Date(now.getTime() - (730 + random.int(1, 730)) * DAY_MS - random.int(0, DAY_MS - 1)),
    };
    sellers.push(seller);
    byTrade[trade].push(seller);
  }
  return {
    sellers,
    electronics: [...byTrade.electronics, ...byTrade.general],
    fashion: [...byTrade.fashion, ...byTrade.general],
  };
}

// ---------------------------------------------------------------------------------------
// The catalogue

function createCategories(): { categories: SeedCategory[]; leafIds: Record<Leaf, string> } {
  const categories: SeedCategory[] = [];
  const leafIds = {} as Record<Leaf, string>;
  for (const root of CATEGORY_TREE) {
    const rootId = seedUuid(`category:${root.slug}`, 0);
    categories.push({ id: rootId, name: root.name, slug: root.slug, parentId: null });
    for (const child of root.children) {
      const id = seedUuid(`category:${child.slug}`, 0);
      categories.push({ id, name: child.name, slug: child.slug, parentId: rootId });
      leafIds[child.slug] = id;
    }
  }
  return { categories, leafIds };
}

const TWO_YEARS_MS = 730 * DAY_MS;

/** A deterministic catalogue of `products` products; see {@link Catalogue}. */
export function createCatalogue(options: CatalogueOptions): Catalogue {
  const { seed, products: productCount, now } = options;
  if (!Number.isSafeInteger(productCount) || productCount < 0)
    throw new RangeError(`invalid product count ${productCount}`);
  const nowMs = now.getTime();
  const { categories, leafIds } = createCategories();
  const pools = createSellers(seed, productCount, now);
  const reviewers = reviewerCount(productCount);
  // Hashing is most of the cost of a product; each reviewer's id is hashed once, on first use.
  const authorIds: (string | undefined)[] = new Array<string | undefined>(reviewers);
  const authorId = (k: number): string => (authorIds[k] ??= seedUuid(REVIEWER_NAMESPACE, k));
  const productNamespace = `product:${seed}`;
  const reviewNamespace = `review:${seed}`;

  const skewedPick = <T>(random: Random, items: readonly T[], power: number): T =>
    items[Math.min(items.length - 1, Math.floor(items.length * random.next() ** power))] as T;

  function product(index: number): SeedProduct {
    if (!Number.isSafeInteger(index) || index < 0 || index >= productCount) {
      throw new RangeError(`product index ${index} is outside [0, ${productCount})`);
    }
    const random = createRandom(seed, index);
    const base = draft(random);
    const id = seedUuid(productNamespace, index);
    // Skewed towards the present: a catalogue grows, so recent listings outnumber old ones.
    const createdMs = nowMs - Math.floor(TWO_YEARS_MS * random.next() ** 1.6) - 1;
    const updatedMs = random.chance(0.3) ? createdMs + Math.floor((nowMs - createdMs) * random.next()) : createdMs;
    const imageCount = random.weighted<number>([
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 25],
      [5, 15],
    ]);
    const subject = `${withBrand(base.brand, base.shortName)}${base.color ? ` in ${base.color}` : ''}`;
    const images: ImageEntry[] = VIEWS[base.kind]
      .slice(0, imageCount)
      .map((view, n) => ({ key: `products/${id}/${n + 1}.jpg`, altText: `${subject}, ${view}` }));
    const stockQuantity = random.chance(0.08) ? 0 : 1 + Math.floor(500 * random.next() ** 2.2);

    const quality = random.weighted<keyof typeof RATINGS>([
      ['good', 70],
      ['mixed', 20],
      ['poor', 10],
    ]);
    const reviewTotal = random.weighted(REVIEW_COUNTS);
    const authors = new Set<number>();
    const reviews: SeedReview[] = [];
    for (let j = 0; j < reviewTotal; j++) {
      // A few prolific reviewers and a long tail, as on any real site.
      let author = Math.floor(reviewers * random.next() ** 1.5);
      while (authors.has(author)) author = random.int(0, reviewers - 1);
      authors.add(author);
      const rating = random.weighted(RATINGS[quality]);
      const text = reviewText(random, base.kind, rating, base.shortName);
      reviews.push({
        id: seedUuid(reviewNamespace, index * MAX_REVIEWS_PER_PRODUCT + j),
        productId: id,
        authorId: authorId(author),
        rating,
        title: text.title,
        body: text.body,
        createdAt: new Date(createdMs + Math.floor((nowMs - createdMs) * random.next())),
      });
    }

    const sellers =
      base.leaf === 'mens-clothing' || base.leaf === 'womens-clothing' || base.leaf === 'shoes'
        ? pools.fashion
        : pools.electronics;
    return {
      id,
      name: base.name,
      description: base.description,
      brand: base.brand,
      color: base.color,
      specs: base.specs,
      images,
      priceMinor: base.priceMinor,
      currencyCode: 'USD',
      categoryId: leafIds[base.leaf],
      sellerId: skewedPick(random, sellers, 2).id,
      createdAt: new Date(createdMs),
      updatedAt: new Date(updatedMs),
      stockQuantity,
      reviews,
    };
  }

  return {
    categories,
    sellers: pools.sellers,
    reviewerCount: reviewers,
    productCount,
    product,
    *batches(size) {
      if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`invalid batch size ${size}`);
      for (let start = 0; start < productCount; start += size) {
        const end = Math.min(productCount, start + size);
        const batch: SeedProduct[] = [];
        for (let index = start; index < end; index++) batch.push(product(index));
        yield batch;
      }
    },
  };
}
