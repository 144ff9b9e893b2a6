import { useApolloClient, useMutation } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { Link, NavLink, useNavigate } from 'react-router';
import { useCart } from '../api/cart.ts';
import { rolesOf, useSession, useSessionStore } from '../api/session-react.ts';
import { LogoutDocument } from '../generated/graphql.ts';
import { SearchBox } from './SearchBox.tsx';

function SignOutButton() {
  const store = useSessionStore();
  const client = useApolloClient();
  const navigate = useNavigate();
  const [logout, { loading }] = useMutation(LogoutDocument);
  return (
    <button
      type="button"
      className="link-button"
      disabled={loading}
      onClick={() => {
        // The session ends here whatever the server says; the server ends it everywhere when it can.
        void logout()
          .catch(() => undefined)
          .finally(() => {
            store.signOut();
            void client.clearStore().then(() => navigate('/'));
          });
      }}
    >
      Sign out
    </button>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { cart } = useCart();
  const count = cart?.totalQuantity ?? 0;
  const admin = rolesOf(session).includes('ADMIN');
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand" aria-label="Emporium home">
          Emporium
        </Link>
        <SearchBox />
        <nav aria-label="Account">
          <ul className="nav-list">
            <li>
              <NavLink to="/cart" aria-label={`Cart, ${count} ${count === 1 ? 'item' : 'items'}`}>
                Cart{' '}
                <span className="badge" data-testid="cart-count">
                  {count}
                </span>
              </NavLink>
            </li>
            {session && (
              <li>
                <NavLink to="/orders">Orders</NavLink>
              </li>
            )}
            {admin && (
              <li>
                <NavLink to="/admin">Admin</NavLink>
              </li>
            )}
            {session ? (
              <>
                <li className="muted hide-narrow">Hi, {session.user.displayName}</li>
                <li>
                  <SignOutButton />
                </li>
              </>
            ) : (
              <li>
                <NavLink to="/signin">Sign in</NavLink>
              </li>
            )}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
