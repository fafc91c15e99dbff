/**
 * Runs every call, keeps the first error and rethrows it after all ran, so one throwing
 * listener never starves the others (the nanostores / preact-signals rule).
 */
export function runAll(calls: Iterable<() => void>): void {
  let failed = false;
  let first: unknown;
  for (const call of calls) {
    try {
      call();
    } catch (error) {
      if (!failed) first = error;
      failed = true;
    }
  }
  if (failed) throw first;
}
