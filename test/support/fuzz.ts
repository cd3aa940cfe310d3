// How many cases property/fuzz tests run: a bounded default for CI, more on demand
// (FUZZ_RUNS=100000 npm test -- albums).
const requested = Number(process.env.FUZZ_RUNS)

export function fuzzRuns(fallback: number): number {
  return Number.isInteger(requested) && requested > 0 ? requested : fallback
}
