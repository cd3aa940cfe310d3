export { createLogger, createLogging, type Logger, type LoggerOptions, type Logging } from './logger.ts'
