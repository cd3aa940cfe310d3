// Where a fault command writes its output (the terminal, or a test's buffers).

export interface FaultIo {
  out: { write(text: string): unknown }
  err: { write(text: string): unknown }
}
