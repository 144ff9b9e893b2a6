/**
 * Register and sign in. After either, this browser's guest cart is merged into the shopper's
 * cart (the server adds quantities up, capped by stock, and says which lines it capped).
 */
import { useApolloClient, useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { userErrorMessage } from '../api/errors.ts';
import { guestCartId, rememberGuestCart } from '../api/guest-cart.ts';
import { useSessionStore } from '../api/session-react.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import {
  LoginDocument,
  MergeGuestCartDocument,
  MyCartDocument,
  RegisterDocument,
  type UserErrorFieldsFragment,
} from '../generated/graphql.ts';
import { formText } from '../lib/forms.ts';

/** Only paths of this site, so a crafted link cannot send the shopper elsewhere after sign-in. */
const safeNext = (next: string | null): string => (next?.startsWith('/') && !next.startsWith('//') ? next : '/');

export default function SignInPage({ mode }: { mode: 'signin' | 'register' }) {
  const store = useSessionStore();
  const client = useApolloClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [login] = useMutation(LoginDocument);
  const [register] = useMutation(RegisterDocument);
  const [merge] = useMutation(MergeGuestCartDocument);
  const [errors, setErrors] = useState<readonly UserErrorFieldsFragment[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ended = store.endedReason;
  const registering = mode === 'register';

  const fieldError = (field: string): string | undefined => {
    const error = errors.find((e) => e.field?.at(-1) === field);
    return error ? userErrorMessage(error) : undefined;
  };

  const submit = async (form: FormData): Promise<void> => {
    const email = formText(form, 'email');
    // Passwords are taken as typed: spaces may be part of them.
    const password = form.get('password');
    if (typeof password !== 'string') return;
    const displayName = formText(form, 'displayName');
    const { data } = registering
      ? await register({ variables: { input: { email, password, displayName } } })
      : await login({ variables: { input: { email, password } } });
    const payload = data && ('register' in data ? data.register : data.login);
    if (!payload) return;
    if (payload.userErrors.length > 0 || !payload.token || !payload.user) {
      setErrors(payload.userErrors);
      return;
    }
    // Whatever the guest had cached belongs to no one now.
    await client.clearStore();
    store.signIn({
      token: payload.token,
      refreshToken: payload.refreshToken,
      expiresAt: payload.expiresAt,
      user: payload.user,
    });
    const cartId = guestCartId();
    if (cartId !== null) {
      const merged = await merge({ variables: { input: { cartId } } });
      // Merged, or gone already (CART_NOT_FOUND): either way this browser's guest cart is done with.
      rememberGuestCart(null);
      // The shopper's cart may have been read before the merge finished.
      await client.refetchQueries({ include: [MyCartDocument] });
      const problems = merged.data?.mergeGuestCart.userErrors ?? [];
      if (problems.some((problem) => problem.code === 'INSUFFICIENT_STOCK')) {
        void navigate('/cart?capped=1');
        return;
      }
    }
    void navigate(next);
  };

  return (
    <section className="auth-page" aria-labelledby="auth-heading">
      <h1 id="auth-heading">{registering ? 'Create your account' : 'Sign in'}</h1>
      {ended && !registering && (
        <p className="notice" role="status">
          {ended}
        </p>
      )}
      <form
        className="stacked-form"
        noValidate={false}
        onSubmit={(event) => {
          event.preventDefault();
          setErrors([]);
          setFailure(null);
          setBusy(true);
          submit(new FormData(event.currentTarget))
            .catch((problem: unknown) => {
              setFailure(problem);
            })
            .finally(() => {
              setBusy(false);
            });
        }}
      >
        {registering && (
          <label>
            Your name
            <input name="displayName" autoComplete="name" required maxLength={100} aria-describedby="name-error" />
            <span id="name-error" className="field-error">
              {fieldError('displayName')}
            </span>
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required aria-describedby="email-error" />
          <span id="email-error" className="field-error">
            {fieldError('email')}
          </span>
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={registering ? 'new-password' : 'current-password'}
            required
            minLength={registering ? 8 : undefined}
            aria-describedby="password-error"
          />
          <span id="password-error" className="field-error">
            {fieldError('password')}
          </span>
        </label>
        <div role="alert">
          {errors
            .filter((error) => !['email', 'password', 'displayName'].includes(error.field?.at(-1) ?? ''))
            .map((error) => (
              <p key={error.code} className="error-text" data-code={error.code}>
                {userErrorMessage(error)}
              </p>
            ))}
        </div>
        {failure !== null && <ErrorNotice error={failure} />}
        <button type="submit" disabled={busy}>
          {busy ? 'Please wait…' : registering ? 'Create account' : 'Sign in'}
        </button>
      </form>
      <p>
        {registering ? (
          <>
            Already have an account? <Link to={`/signin?next=${encodeURIComponent(next)}`}>Sign in</Link>
          </>
        ) : (
          <>
            New to Emporium? <Link to={`/register?next=${encodeURIComponent(next)}`}>Create an account</Link>
          </>
        )}
      </p>
    </section>
  );
}
