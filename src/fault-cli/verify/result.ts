// The outcome of one self-test, as the verify table, the saved report and the dashboard show it.

export interface VerifyResult {
  type: string
  target: string
  signature: string
  seenIn: string
  ok: boolean
  detail: string
}
