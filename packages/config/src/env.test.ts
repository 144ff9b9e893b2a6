import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.ts';
import { readDatabaseUrl } from './stack.ts';

describe('loadConfig', () => {
  it('uses defaults for unset and blank variables and parses the set ones', () => {
    const config = loadConfig(
      (env) => ({
        port: env.int('PORT', 4000),
        debug: env.bool('DEBUG', false),
        brokers: env.list('BROKERS', ['a:1']),
        name: env.string('NAME', 'default'),
      }),
      { PORT: '4100', DEBUG: 'yes', BROKERS: ' b:1, ,c:2 ', NAME: '  ' },
    );
    expect(config).toEqual({ port: 4100, debug: true, brokers: ['b:1', 'c:2'], name: 'default' });
  });

  it('reports every problem at once instead of stopping at the first', () => {
    let caught: unknown;
    try {
      loadConfig(
        (env) => ({
          port: env.int('PORT', 4000, { max: 65535 }),
          secret: env.string('SECRET'),
          url: env.url('URL', 'http://localhost'),
          level: env.oneOf('LEVEL', ['info', 'debug'], 'info'),
          flag: env.bool('FLAG', false),
        }),
        { PORT: '70000', URL: 'not a url', LEVEL: 'loud', FLAG: 'maybe' },
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      'PORT must be at most 65535, got 70000',
      'SECRET is required',
      'URL must be a URL, got "not a url"',
      'LEVEL must be one of info, debug, got "loud"',
      'FLAG must be true or false, got "maybe"',
    ]);
  });

  it('rejects a non-integer number', () => {
    expect(() => loadConfig((env) => env.int('N', 1), { N: '1.5' })).toThrow('N must be an integer, got "1.5"');
  });
});

describe('secrets', () => {
  const read = (source: Record<string, string>) => () =>
    loadConfig((env) => ({ key: env.secret('WEBHOOK_SECRET'), db: readDatabaseUrl(env) }), source);
  const problems = (source: Record<string, string>): readonly string[] => {
    try {
      read(source)();
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('refuses a missing, short or published secret, naming the variable, in every environment', () => {
    expect(problems({})).toEqual(['WEBHOOK_SECRET is required']);
    expect(problems({ WEBHOOK_SECRET: 'too-short' })).toEqual(['WEBHOOK_SECRET must be at least 32 characters, got 9']);
    expect(problems({ WEBHOOK_SECRET: 'whsec_emporium_local' })).toEqual([
      'WEBHOOK_SECRET is a value published in the repository; generate a new one',
    ]);
    expect(problems({ WEBHOOK_SECRET: 'x'.repeat(40) })).toEqual([]);
  });

  it('needs a database URL with a real password in production, and not in development', () => {
    const secret = 'x'.repeat(40);
    expect(problems({ WEBHOOK_SECRET: secret, NODE_ENV: 'production' })).toEqual([
      'DATABASE_URL is required in production',
    ]);
    for (const [url, problem] of [
      ['postgres://emporium@db:5432/postgres', "DATABASE_URL's password is missing"],
      ['postgres://emporium:emporium@db:5432/postgres', "DATABASE_URL's password is a value published"],
      ['postgres://emporium:short@db:5432/postgres', "DATABASE_URL's password must be at least 16"],
    ] as const) {
      expect(problems({ WEBHOOK_SECRET: secret, NODE_ENV: 'production', DATABASE_URL: url })).toEqual([
        expect.stringContaining(problem),
      ]);
    }
    const strong = `postgres://emporium_order:${'p'.repeat(24)}@db:5432/postgres`;
    expect(problems({ WEBHOOK_SECRET: secret, NODE_ENV: 'production', DATABASE_URL: strong })).toEqual([]);
    expect(problems({ WEBHOOK_SECRET: secret })).toEqual([]);
  });

  it('reports what a parser throws under the variable name', () => {
    const parse = (value: string): number => {
      if (value !== '42') throw new Error('must be the answer');
      return 42;
    };
    expect(loadConfig((env) => env.parsed('ANSWER', parse), { ANSWER: '42' })).toBe(42);
    expect(() => loadConfig((env) => env.parsed('ANSWER', parse), { ANSWER: '7' })).toThrow(
      'ANSWER must be the answer',
    );
    expect(() => loadConfig((env) => env.parsed('ANSWER', parse), {})).toThrow('ANSWER is required');
  });
});
