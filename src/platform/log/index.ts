export {
  createLogger,
  createLogging,
  createLogSink,
  type Logger,
  type LoggerOptions,
  type Logging,
  type LogSink,
} from './logger.ts'
