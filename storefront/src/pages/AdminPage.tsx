/** Catalogue administration for ADMIN accounts: create a product, set a product's stock. */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type ReactNode } from 'react';
import { Link, Navigate } from 'react-router';
import { userErrorMessage } from '../api/errors.ts';
import { rolesOf, useSession } from '../api/session-react.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import {
  CategoryNamesDocument,
  CreateProductDocument,
  RecentSellersDocument,
  SetStockDocument,
} from '../generated/graphql.ts';
import { formText as text } from '../lib/forms.ts';

type Outcome = { ok: true; node: ReactNode } | { ok: false; text: string } | { ok: false; error: unknown };

function OutcomeLine({ outcome }: { outcome: Outcome | null }) {
  if (!outcome) return <div role="status" />;
  if (outcome.ok) return <div role="status">{outcome.node}</div>;
  if ('error' in outcome) return <ErrorNotice error={outcome.error} />;
  return (
    <p role="alert" className="error-text">
      {outcome.text}
    </p>
  );
}

/**
 * The category from the catalogue's list (leaf categories, where products belong, first by
 * name), the seller from those of the newest products: the API lists no sellers, so the field
 * takes any other seller id too.
 */
function useCatalogueChoices(): {
  categories: { id: string; name: string }[];
  sellers: { id: string; name: string }[];
} {
  const categoryList = useQuery(CategoryNamesDocument).data?.categories ?? [];
  const parents = new Set(categoryList.flatMap((category) => (category.parent ? [category.parent.id] : [])));
  const categories = [...categoryList].sort(
    (a, b) => Number(parents.has(a.id)) - Number(parents.has(b.id)) || a.name.localeCompare(b.name),
  );
  const edges = useQuery(RecentSellersDocument).data?.products.edges ?? [];
  const sellers = [...new Map(edges.map(({ node }) => [node.seller.id, node.seller])).values()].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  return { categories, sellers };
}

function CreateProductForm() {
  const [createProduct, { loading }] = useMutation(CreateProductDocument);
  const { categories, sellers } = useCatalogueChoices();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  return (
    <form
      className="stacked-form"
      aria-labelledby="create-heading"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const input = {
          name: text(form, 'name'),
          description: text(form, 'description'),
          brand: text(form, 'brand'),
          price: { amount: text(form, 'amount'), currencyCode: text(form, 'currency') },
          categoryId: text(form, 'categoryId'),
          sellerId: text(form, 'sellerId'),
        };
        setOutcome(null);
        createProduct({ variables: { input } }).then(
          ({ data }) => {
            const payload = data?.createProduct;
            const [first] = payload?.userErrors ?? [];
            if (first) setOutcome({ ok: false, text: userErrorMessage(first) });
            else if (payload?.product) {
              const { id, name } = payload.product;
              setOutcome({
                ok: true,
                node: (
                  <p className="ok">
                    Created <Link to={`/products/${id}`}>{name}</Link> (id {id}).
                  </p>
                ),
              });
            }
          },
          (error: unknown) => {
            setOutcome({ ok: false, error });
          },
        );
      }}
    >
      <h2 id="create-heading">Create a product</h2>
      <label>
        Name <input name="name" required />
      </label>
      <label>
        Description <textarea name="description" required rows={3} />
      </label>
      <label>
        Brand <input name="brand" required />
      </label>
      <div className="row">
        <label>
          Price <input name="amount" required inputMode="decimal" pattern="\d+(\.\d{1,2})?" placeholder="99.00" />
        </label>
        <label>
          Currency
          <select name="currency" defaultValue="USD">
            {['USD', 'EUR', 'GBP', 'INR'].map((code) => (
              <option key={code}>{code}</option>
            ))}
          </select>
        </label>
      </div>
      <label>
        Category
        {categories.length > 0 ? (
          <select name="categoryId" required defaultValue="">
            <option value="" disabled>
              Choose a category
            </option>
            {categories.map((category) => (
              <option key={category.id} value={category.id}>
                {category.name}
              </option>
            ))}
          </select>
        ) : (
          <input name="categoryId" required placeholder="Category id" />
        )}
      </label>
      <label>
        Seller <input name="sellerId" required list="admin-sellers" placeholder="Choose or type a seller id" />
        <datalist id="admin-sellers">
          {sellers.map((seller) => (
            <option key={seller.id} value={seller.id}>
              {seller.name}
            </option>
          ))}
        </datalist>
      </label>
      <OutcomeLine outcome={outcome} />
      <button type="submit" disabled={loading}>
        Create product
      </button>
    </form>
  );
}

function SetStockForm() {
  const [setStock, { loading }] = useMutation(SetStockDocument);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  return (
    <form
      className="stacked-form"
      aria-labelledby="stock-heading"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const input = { productId: text(form, 'productId'), quantity: Number(text(form, 'quantity')) };
        setOutcome(null);
        setStock({ variables: { input } }).then(
          ({ data }) => {
            const payload = data?.setStock;
            const [first] = payload?.userErrors ?? [];
            if (first) setOutcome({ ok: false, text: userErrorMessage(first) });
            else if (payload?.inventory) {
              setOutcome({ ok: true, node: <p className="ok">Stock set: {payload.inventory.available} available.</p> });
            }
          },
          (error: unknown) => {
            setOutcome({ ok: false, error });
          },
        );
      }}
    >
      <h2 id="stock-heading">Set stock</h2>
      <label>
        Product id <input name="productId" required />
      </label>
      <label>
        Units on hand <input name="quantity" type="number" min={0} step={1} required />
      </label>
      <OutcomeLine outcome={outcome} />
      <button type="submit" disabled={loading}>
        Set stock
      </button>
    </form>
  );
}

export default function AdminPage() {
  const session = useSession();
  if (!session) return <Navigate to="/signin?next=/admin" replace />;
  if (!rolesOf(session).includes('ADMIN')) return <p>This page is for store administrators.</p>;
  return (
    <section className="admin-page">
      <h1>Catalogue administration</h1>
      <div className="admin-grid">
        <CreateProductForm />
        <SetStockForm />
      </div>
    </section>
  );
}
