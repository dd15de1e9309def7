// The progress line of a long jobs run (a month close over many accounts):
// accounts done of the total, the rate so far and the time left at that rate.

const n = (x: number) => Math.round(x).toLocaleString("en-US");

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** "Jobs: 2,500/10,000 accounts (25.0 %) in 31 s, 81 accounts/s, about 1 min 33 s left" */
export function progressLine(done: number, total: number, elapsedMs: number, failed = 0): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? done / seconds : 0;
  const pct = total ? ((done / total) * 100).toFixed(1) : "100.0";
  const left = done >= total ? "done" : rate > 0 ? `about ${duration((total - done) / rate)} left` : "time left unknown";
  return `Jobs: ${n(done)}/${n(total)} accounts (${pct} %) in ${duration(seconds)}, ${rate.toFixed(rate < 10 ? 1 : 0)} accounts/s, ${left}${failed ? `, ${n(failed)} failed` : ""}`;
}

/** Calls `log` with a progress line at most every `everyMs`, and once at the end. */
export function progressReporter(total: number, log: (line: string) => void, everyMs = 5000, clock: () => number = Date.now) {
  const start = clock();
  let last = start;
  let done = 0;
  let failed = 0;
  return (ok: boolean) => {
    done++;
    if (!ok) failed++;
    const t = clock();
    if (done === total || t - last >= everyMs) {
      last = t;
      log(progressLine(done, total, t - start, failed));
    }
  };
}
