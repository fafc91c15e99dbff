/** The few statistics the bench reports: a quantile, the median, and a spread around it. */

/** The q-quantile (0..1) of the samples, linearly interpolated between the two nearest. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('quantile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/**
 * The interquartile range relative to the median: 0.06 means the middle half of the samples
 * lies within 6% of the median's size. Robust to the odd sample another process on the
 * machine slowed down, which min–max is not.
 */
export function spread(samples: readonly number[]): number {
  const middle = median(samples);
  if (middle === 0) return 0;
  return (quantile(samples, 0.75) - quantile(samples, 0.25)) / Math.abs(middle);
}
