import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { config } from '../config.ts';

export function javaBin(): string {
  return config.javaHome ? join(config.javaHome, 'bin', 'java') : 'java';
}

/**
 * A log4j2 configuration for Kafka's processes: everything to stdout, which the stack
 * appends to the component's log file. The published POMs ship no backend of their own.
 */
export function writeLog4j2(path: string): void {
  writeFileSync(
    path,
    [
      'status = warn',
      'appender.console.type = Console',
      'appender.console.name = STDOUT',
      'appender.console.layout.type = PatternLayout',
      'appender.console.layout.pattern = [%d{ISO8601}] %-5p %c{1} - %m%n',
      'rootLogger.level = INFO',
      'rootLogger.appenderRef.stdout.ref = STDOUT',
      // The state-change and request loggers repeat every partition move at INFO.
      'logger.stateChange.name = state.change.logger',
      'logger.stateChange.level = WARN',
      'logger.kafkaRequest.name = kafka.request.logger',
      'logger.kafkaRequest.level = WARN',
      '',
    ].join('\n'),
  );
}

/** JVM arguments common to Kafka's processes: a capped heap and our logging backend. */
export function jvmArgs(heap: string, log4jFile: string, libs: string): string[] {
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jFile}`,
    '-cp',
    `${libs}/*`,
  ];
}
