import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * The one way processes create their logger: JSON lines on stdout, with secrets redacted
 * wherever they may appear in structured fields, so a log line never carries a token or
 * a password even when a caller logs a whole request.
 */
export function createLogger(name: string, options: { level?: string } = {}): Logger {
  const settings: LoggerOptions = {
    name,
    level: options.level ?? 'info',
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'authorization',
        '*.authorization',
        'headers.authorization',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  };
  return pino(settings);
}
