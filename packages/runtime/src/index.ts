export { startProcess } from './process.ts';
export type {
  DatabaseOptions,
  JobOptions,
  ProcessConfig,
  RunningConsumer,
  ServiceProcess,
  StopPhase,
  Stoppable,
} from './process.ts';
