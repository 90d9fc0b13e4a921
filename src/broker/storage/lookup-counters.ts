/**
 * Process-wide counters of the work an offset lookup does, read by the lookup
 * benchmark and by tests that check O(log n) index probes plus a bounded scan.
 * Incremented on the lookup paths only; plain numbers, no allocation.
 */
export const lookupCounters = {
  /** Index entries compared during binary searches (offset and time index). */
  indexProbes: 0,
  /** Batch headers examined while scanning forward from an index position. */
  headerReads: 0,
  /** pread calls issued to read batch headers. */
  headerPreads: 0,
  /** Bytes of the .log files scanned forward from an index position. */
  bytesScanned: 0,
};

export function resetLookupCounters(): void {
  lookupCounters.indexProbes = 0;
  lookupCounters.headerReads = 0;
  lookupCounters.headerPreads = 0;
  lookupCounters.bytesScanned = 0;
}
