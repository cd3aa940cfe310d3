// OTLP/gRPC receiver (the collector's and the seed's default, port 4317): the TraceService and
// LogsService Export methods over plain gRPC, their requests decoded by the same protobuf reader
// as OTLP/HTTP. Request bodies stay raw bytes, so no .proto files are loaded.
import { type handleUnaryCall, Server, ServerCredentials, type ServiceError, status } from '@grpc/grpc-js'
import { BakeryError, ErrorCode } from '../platform/errors.ts'
import type { Logger } from '../platform/log/index.ts'
import type { SpanStore } from '../platform/telemetry/index.ts'
import type { LogInput } from '../platform/telemetry/store/index.ts'
import { decodeOtlpProtobuf } from './otlp.ts'
import { decodeOtlpLogsProtobuf } from './otlp-logs.ts'

export const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export'
export const LOGS_EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export'
/** The largest request accepted, as the OTLP/HTTP receiver's gunzip limit. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024

export interface OtlpGrpcReceiver {
  start(): Promise<void>
  stop(): Promise<void>
  /** The bound port (after start). */
  port(): number
}

const raw = (bytes: Buffer) => bytes

export function createOtlpGrpcReceiver(options: {
  host: string
  port: number
  store: SpanStore | undefined
  /** Where received log records go; without it they are accepted and dropped. */
  logs?: ((record: LogInput) => void) | undefined
  log: Logger
}): OtlpGrpcReceiver {
  const { store, log, logs } = options
  const server = new Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': 1024,
  })
  // A request is decoded whole before anything is kept; an empty Export…ServiceResponse means
  // full success.
  const exporter =
    <T>(decode: (body: Uint8Array) => T[], keep: (item: T) => void): handleUnaryCall<Buffer, Buffer> =>
    (call, callback) => {
      try {
        for (const item of decode(call.request)) keep(item)
        callback(null, Buffer.alloc(0))
      } catch (error) {
        const details = error instanceof Error ? error.message : String(error)
        callback({ code: status.INVALID_ARGUMENT, details } as ServiceError)
      }
    }
  const method = (path: string) => ({
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: raw,
    requestDeserialize: raw,
    responseSerialize: raw,
    responseDeserialize: raw,
  })
  server.addService(
    { Export: method(TRACE_EXPORT_PATH) },
    { Export: exporter(decodeOtlpProtobuf, (span) => store?.add(span)) },
  )
  server.addService(
    { Export: method(LOGS_EXPORT_PATH) },
    { Export: exporter(decodeOtlpLogsProtobuf, (record) => logs?.(record)) },
  )
  let bound = 0
  return {
    start: () =>
      new Promise((resolve, reject) => {
        const address = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`
        server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => {
          if (error) {
            reject(
              new BakeryError(ErrorCode.CONFIG_INVALID, `OTLP/gRPC receiver cannot listen on ${address}`, {
                cause: error,
              }),
            )
            return
          }
          bound = port
          log.info(
            { url: `http://${options.host}:${port}`, protocol: 'grpc' },
            'OTLP/gRPC receiver listening',
          )
          resolve()
        })
      }),
    stop: () =>
      new Promise((resolve) => {
        // Exports in flight finish; a stuck client is cut after 5 s.
        const force = setTimeout(() => server.forceShutdown(), 5000)
        force.unref()
        server.tryShutdown(() => {
          clearTimeout(force)
          resolve()
        })
      }),
    port: () => bound,
  }
}
