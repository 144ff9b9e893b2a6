import { describe, expect, it } from 'vitest';
import { freshEmail, run } from './client.ts';

interface AuthPayload {
  token: string | null;
  user: { id: string; email: string; displayName: string } | null;
  userErrors: { code: string; field: string[] | null; message: string }[];
}

const PASSWORD = 'Correct-Horse-42';

describe('identity through the router', () => {
  it('registers a shopper, signs in, and answers Me with the token', async () => {
    const email = freshEmail();
    const registered = await run<{ register: AuthPayload }>('Register', {
      input: { email: `  ${email.toUpperCase()} `, password: PASSWORD, displayName: 'Ana Lima' },
    });
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.register.userErrors).toEqual([]);
    expect(registered.data?.register.user).toMatchObject({ email, displayName: 'Ana Lima' });
    expect(registered.data?.register.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    const login = await run<{ login: AuthPayload }>('Login', { input: { email, password: PASSWORD } });
    expect(login.data?.login.userErrors).toEqual([]);
    const token = login.data?.login.token ?? '';

    const me = await run<{ me: { id: string; email: string } | null }>('Me', {}, { token });
    expect(me.data?.me).toEqual({ id: registered.data?.register.user?.id, email, displayName: 'Ana Lima' });
  });

  it('answers Me with null for an anonymous caller', async () => {
    const me = await run<{ me: null }>('Me');
    expect(me.errors).toBeUndefined();
    expect(me.data?.me).toBeNull();
  });
});
