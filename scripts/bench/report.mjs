// Aggregation across rounds (medians; the ratio is taken per round, then its median) and the table.

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const sum = (values) => values.reduce((a, b) => a + b, 0);

/** rounds: [{ noop: runResult, scenario: runResult }] for one scenario */
export function summarise(name, rounds) {
  const ratios = rounds.map((r) => (r.noop.rps > 0 ? r.scenario.rps / r.noop.rps : NaN));
  // The same comparison in worker CPU: noop CPU per request ÷ scenario CPU per request (≤ 1 like the ratio).
  const cpuRatios = rounds.map((r) => (r.scenario.cpuMsPerReq > 0 ? r.noop.cpuMsPerReq / r.scenario.cpuMsPerReq : NaN));
  return {
    name,
    rounds: rounds.length,
    rps: median(rounds.map((r) => r.scenario.rps)),
    p50: median(rounds.map((r) => r.scenario.p50)),
    p99: median(rounds.map((r) => r.scenario.p99)),
    noopRps: median(rounds.map((r) => r.noop.rps)),
    noopP50: median(rounds.map((r) => r.noop.p50)),
    noopP99: median(rounds.map((r) => r.noop.p99)),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios.filter(Number.isFinite)),
    ratioMax: Math.max(...ratios.filter(Number.isFinite)),
    ratios,
    cpuMsPerReq: median(rounds.map((r) => r.scenario.cpuMsPerReq)),
    noopCpuMsPerReq: median(rounds.map((r) => r.noop.cpuMsPerReq)),
    cpuRatio: median(cpuRatios),
    cpuRatios,
    non2xx: sum(rounds.map((r) => r.scenario.non2xx)),
    errors: sum(rounds.map((r) => r.scenario.errors)),
    noopNon2xx: sum(rounds.map((r) => r.noop.non2xx)),
    noopErrors: sum(rounds.map((r) => r.noop.errors)),
  };
}

/** The no-op's own row: every no-op run of the whole bench (each scenario had its own). */
export function summariseNoop(allNoopRuns) {
  return {
    name: "noop",
    rounds: allNoopRuns.length,
    rps: median(allNoopRuns.map((r) => r.rps)),
    p50: median(allNoopRuns.map((r) => r.p50)),
    p99: median(allNoopRuns.map((r) => r.p99)),
    noopRps: NaN,
    ratio: 1,
    ratioMin: NaN,
    ratioMax: NaN,
    cpuMsPerReq: median(allNoopRuns.map((r) => r.cpuMsPerReq)),
    cpuRatio: 1,
    non2xx: sum(allNoopRuns.map((r) => r.non2xx)),
    errors: sum(allNoopRuns.map((r) => r.errors)),
  };
}

const fmt = {
  rps: (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "–"),
  ms: (x) => (Number.isFinite(x) ? x.toFixed(2) : "–"),
  ratio: (x) => (Number.isFinite(x) ? x.toFixed(2) : "–"),
};

export function renderTable(noopRow, rows) {
  const header = ["scenario", "req/s", "p50 ms", "p99 ms", "noop req/s", "ratio", "ratio range", "cpu ms/req", "cpu ratio", "non-2xx", "errors"];
  const line = (r, isNoop) => [
    r.name,
    fmt.rps(r.rps),
    fmt.ms(r.p50),
    fmt.ms(r.p99),
    isNoop ? "" : fmt.rps(r.noopRps),
    isNoop ? "1.00" : fmt.ratio(r.ratio),
    isNoop ? "" : `${fmt.ratio(r.ratioMin)}–${fmt.ratio(r.ratioMax)}`,
    fmt.ms(r.cpuMsPerReq),
    isNoop ? "1.00" : fmt.ratio(r.cpuRatio),
    String(r.non2xx),
    String(r.errors),
  ];
  const body = [line(noopRow, true), ...rows.map((r) => line(r, false))];
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const pad = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [pad(header), widths.map((w) => "─".repeat(w)).join("  "), ...body.map(pad)].join("\n");
}

/** The same table as Markdown, for docs/benchmarks.md. */
export function renderMarkdown(noopRow, rows) {
  const out = [
    "| scenario | req/s | p50 ms | p99 ms | noop req/s | ratio | ratio range | cpu ms/req | cpu ratio | non-2xx |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  out.push(`| noop | ${fmt.rps(noopRow.rps)} | ${fmt.ms(noopRow.p50)} | ${fmt.ms(noopRow.p99)} | | 1.00 | | ${fmt.ms(noopRow.cpuMsPerReq)} | 1.00 | ${noopRow.non2xx} |`);
  for (const r of rows) {
    out.push(
      `| ${r.name} | ${fmt.rps(r.rps)} | ${fmt.ms(r.p50)} | ${fmt.ms(r.p99)} | ${fmt.rps(r.noopRps)} | ${fmt.ratio(r.ratio)} | ${fmt.ratio(r.ratioMin)}–${fmt.ratio(r.ratioMax)} | ${fmt.ms(r.cpuMsPerReq)} | ${fmt.ratio(r.cpuRatio)} | ${r.non2xx} |`,
    );
  }
  return out.join("\n");
}

/**
 * One comparison of two scenarios measured in the same rounds (COMPARISONS in scenarios.mjs):
 * per round, scenario req/s ÷ baseline req/s and baseline cpu/req ÷ scenario cpu/req; their medians, and
 * the median per-round CPU a request of the scenario costs over one of the baseline.
 */
export function compare(comparison, scenarioRounds, baselineRounds) {
  const n = Math.min(scenarioRounds.length, baselineRounds.length);
  const pairs = Array.from({ length: n }, (_, i) => [scenarioRounds[i].scenario, baselineRounds[i].scenario]);
  const ratios = pairs.map(([s, b]) => (b.rps > 0 ? s.rps / b.rps : NaN));
  const cpuRatios = pairs.map(([s, b]) => (s.cpuMsPerReq > 0 ? b.cpuMsPerReq / s.cpuMsPerReq : NaN));
  const cpuDeltas = pairs.map(([s, b]) => s.cpuMsPerReq - b.cpuMsPerReq);
  const finite = ratios.filter(Number.isFinite);
  return {
    ...comparison,
    rounds: n,
    rps: median(pairs.map(([s]) => s.rps)),
    baselineRps: median(pairs.map(([, b]) => b.rps)),
    ratio: median(ratios),
    ratioMin: finite.length ? Math.min(...finite) : NaN,
    ratioMax: finite.length ? Math.max(...finite) : NaN,
    ratios,
    cpuMsPerReq: median(pairs.map(([s]) => s.cpuMsPerReq)),
    baselineCpuMsPerReq: median(pairs.map(([, b]) => b.cpuMsPerReq)),
    cpuRatio: median(cpuRatios),
    cpuMsDelta: median(cpuDeltas),
    cpuMsDeltas: cpuDeltas,
  };
}

export function renderComparison(c) {
  const sign = (x) => (Number.isFinite(x) ? `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(2)}` : "–");
  return (
    `${c.label}: ${c.scenario} ÷ ${c.baseline}  ratio ${fmt.ratio(c.ratio)} (range ${fmt.ratio(c.ratioMin)}–${fmt.ratio(c.ratioMax)}; ${fmt.rps(c.rps)} vs ${fmt.rps(c.baselineRps)} req/s)` +
    `   cpu ${fmt.ms(c.cpuMsPerReq)} vs ${fmt.ms(c.baselineCpuMsPerReq)} ms/req: ${sign(c.cpuMsDelta)} ms per request, cpu ratio ${fmt.ratio(c.cpuRatio)}`
  );
}
