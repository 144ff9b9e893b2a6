import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useCartActions } from '../api/cart.ts';
import { userErrorMessage } from '../api/errors.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { ProductImage } from '../components/ProductImage.tsx';
import { Rating } from '../components/Rating.tsx';
import { ProductDetailsDocument } from '../generated/graphql.ts';
import { formatMoney } from '../lib/money.ts';

const MAX_QUANTITY = 10;

function stockText(available: number, inStock: boolean): string {
  if (!inStock || available === 0) return 'Out of stock';
  return available <= 5 ? `Only ${available} left in stock` : 'In stock';
}

export default function ProductPage() {
  const { id = '' } = useParams();
  const { data, error, loading, refetch } = useQuery(ProductDetailsDocument, { variables: { id } });
  const { add, busy } = useCartActions();
  const [quantity, setQuantity] = useState(1);
  const [image, setImage] = useState(0);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  if (loading && !data) return <p className="loading">Loading…</p>;
  if (error && !data) {
    return (
      <ErrorNotice
        error={error}
        onRetry={() => {
          void refetch().catch(() => undefined);
        }}
      />
    );
  }
  const product = data?.product;
  if (!product) {
    return (
      <p>
        This product doesn't exist any more. <Link to="/">Back to search</Link>
      </p>
    );
  }
  const shown = product.images[image] ?? product.images[0];
  const available = product.inventory.available;

  return (
    <article className="product-page">
      <div className="gallery">
        <ProductImage url={shown?.url ?? null} alt={shown?.altText ?? product.name} name={product.name} size="large" />
        {product.images.length > 1 && (
          <ul className="thumbs" aria-label="More pictures">
            {product.images.map((picture, index) => (
              <li key={picture.url}>
                <button
                  type="button"
                  aria-label={`Show picture ${index + 1}`}
                  aria-pressed={index === image}
                  onClick={() => {
                    setImage(index);
                  }}
                >
                  <ProductImage url={picture.url} alt="" name={product.name} size="thumb" />
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="details">
        <p className="muted small">
          {product.brand} · {product.category.name}
        </p>
        <h1>{product.name}</h1>
        <Rating average={product.rating.average} count={product.rating.count} />
        <p className="price price-large">{formatMoney(product.price)}</p>
        <p className={available > 0 ? 'in-stock' : 'out-of-stock'} data-testid="stock">
          {stockText(available, product.inventory.inStock)}
        </p>
        <form
          className="add-to-cart"
          onSubmit={(event) => {
            event.preventDefault();
            setOutcome(null);
            setFailure(null);
            add(product.id, quantity).then(
              ({ userErrors }) => {
                const [first] = userErrors;
                setOutcome(
                  first ? { ok: false, text: userErrorMessage(first) } : { ok: true, text: 'Added to your cart.' },
                );
              },
              (problem: unknown) => {
                setFailure(problem);
              },
            );
          }}
        >
          <label>
            Quantity{' '}
            <select
              value={quantity}
              disabled={available === 0}
              onChange={(event) => {
                setQuantity(Number(event.target.value));
              }}
            >
              {Array.from({ length: Math.max(1, Math.min(MAX_QUANTITY, available)) }, (_, index) => (
                <option key={index + 1} value={index + 1}>
                  {index + 1}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy || available === 0}>
            {busy ? 'Adding…' : 'Add to cart'}
          </button>
        </form>
        <div role="status" className="status-line">
          {outcome && (
            <p className={outcome.ok ? 'ok' : 'error-text'}>
              {outcome.text} {outcome.ok && <Link to="/cart">View cart</Link>}
            </p>
          )}
        </div>
        {failure !== null && <ErrorNotice error={failure} />}
        <dl className="facts">
          {product.color && (
            <>
              <dt>Colour</dt>
              <dd>{product.color}</dd>
            </>
          )}
          <dt>Sold by</dt>
          <dd>{product.seller.name}</dd>
        </dl>
        <h2>About this item</h2>
        <p className="description">{product.description}</p>
      </div>
      <section className="reviews" aria-labelledby="reviews-heading">
        <h2 id="reviews-heading">Reviews ({product.reviews.totalCount})</h2>
        {product.reviews.edges.length === 0 && <p className="muted">No reviews yet.</p>}
        <ul>
          {product.reviews.edges.map(({ node }) => (
            <li key={node.id} className="review">
              <p>
                <span className="stars" aria-label={`${node.rating} out of 5`}>
                  {'★'.repeat(node.rating)}
                  {'☆'.repeat(5 - node.rating)}
                </span>{' '}
                <strong>{node.title}</strong>
              </p>
              <p>{node.body}</p>
              <p className="muted small">
                {node.author.displayName} · {new Date(node.createdAt).toLocaleDateString()}
              </p>
            </li>
          ))}
        </ul>
      </section>
    </article>
  );
}
