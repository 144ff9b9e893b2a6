import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.ts';

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
