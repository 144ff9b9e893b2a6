import { ApolloProvider } from '@apollo/client/react';
import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { createApolloClient } from './api/client.ts';
import { SessionStore } from './api/session.ts';
import { SessionContext } from './api/session-react.ts';
import { Layout } from './components/Layout.tsx';
import { SearchPage } from './pages/SearchPage.tsx';
import './styles.css';

// The first page (search) is in the main bundle; every other page loads when first visited.
const ProductPage = lazy(() => import('./pages/ProductPage.tsx'));
const CartPage = lazy(() => import('./pages/CartPage.tsx'));
const SignInPage = lazy(() => import('./pages/SignInPage.tsx'));
const CheckoutPage = lazy(() => import('./pages/CheckoutPage.tsx'));
const OrderPage = lazy(() => import('./pages/OrderPage.tsx'));
const OrdersPage = lazy(() => import('./pages/OrdersPage.tsx'));
const AdminPage = lazy(() => import('./pages/AdminPage.tsx'));

const session = new SessionStore();
const client = createApolloClient(session);
const root = document.getElementById('root');
if (!root) throw new Error('no #root element');

createRoot(root).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <SessionContext value={session}>
        <BrowserRouter>
          <Layout>
            <Suspense fallback={<p className="loading">Loading…</p>}>
              <Routes>
                <Route path="/" element={<SearchPage />} />
                <Route path="/products/:id" element={<ProductPage />} />
                <Route path="/cart" element={<CartPage />} />
                <Route path="/signin" element={<SignInPage mode="signin" />} />
                <Route path="/register" element={<SignInPage mode="register" />} />
                <Route path="/checkout" element={<CheckoutPage />} />
                <Route path="/orders" element={<OrdersPage />} />
                <Route path="/orders/:id" element={<OrderPage />} />
                <Route path="/admin" element={<AdminPage />} />
                <Route path="*" element={<p>That page doesn't exist.</p>} />
              </Routes>
            </Suspense>
          </Layout>
        </BrowserRouter>
      </SessionContext>
    </ApolloProvider>
  </StrictMode>,
);
