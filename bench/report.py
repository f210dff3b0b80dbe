"""Collecting the figures and rendering them as Markdown, with the issue's targets checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.http_bench import Target
from bench.load import Figures, Load

GET_ONE = "GET one record"
LIST_TARGET_CASE = "clients?status=active (page 1, 2, middle, last; 25/page)"


@dataclass
class Report:
    data: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    verdicts: list[tuple[str, str, bool | None]] = field(default_factory=list)
    machine: dict[str, str] = field(default_factory=dict)
    command: str = ""

    @property
    def missed_targets(self) -> list[str]:
        return [name for name, _, ok in self.verdicts if ok is False]

    def target(self, name: str, figure: str, ok: bool | None) -> None:
        self.verdicts.append((name, figure, ok))

    def failed(self, section: str, error: str) -> None:
        self.data.setdefault("failed", {})[section] = error
        self.lines += [f"### Section `{section}` failed", "", "```", error[:2000], "```", ""]
        self.target(f"section {section} ran", "failed", False)

    def skipped(self, what: str, why: str) -> None:
        self.data.setdefault("skipped", {})[what] = why

    def http(self, targets: list[Target], load: Load, records: int) -> None:
        self.data["http"] = {
            "load": vars(load), "records": records,
            "targets": {t.server.name: {s: {"rps": f.rps, "latency_us": f.latency_us, "errors": f.errors,
                                            "requests": f.requests, "server_cpu_us_per_request": f.cpu_us_per_request}
                                        for s, f in t.figures.items()}
                        for t in targets}}
        names = [t.server.name for t in targets]
        by_name = {t.server.name: t for t in targets}
        title = (f"### Throughput on loopback (wrk -t{load.threads} -c{load.connections} -d{load.duration}s, "
                 f"best of {load.rounds} interleaved rounds after {load.warmup}s warm-up; {records:,} clients "
                 f"in each store)")
        self.lines += [title, "", "req/s (latency p50 / p99 ms) [server CPU µs per request]", "",
                       "| scenario | " + " | ".join(names) + " | mockcasa / raw | mockcasa / Prism |",
                       "|---|" + "---:|" * (len(names) + 2)]
        for scenario in targets[0].figures:
            cells = [self._cell(t.figures[scenario]) for t in targets]
            ours = by_name["mockcasa"].figures[scenario]
            raw = by_name["raw aiohttp"].figures[scenario]
            prism = by_name["Prism"].figures[scenario] if "Prism" in by_name else None
            self.lines.append(f"| {scenario} | " + " | ".join(cells) + f" | {self._ratio(ours, raw, '%')} | "
                              + (self._ratio(ours, prism, "x") if prism else "n/a") + " |")
        self.lines.append("")
        self.lines.append("Ratios: throughput, and in brackets the inverse ratio of server CPU per request "
                          "(less sensitive to other load on the machine).")
        for t in targets:
            for note in t.notes:
                self.lines.append(f"\nNote: {t.server.name}: {note}.")
        self.lines.append("")
        ours, raw = by_name["mockcasa"].figures[GET_ONE], by_name["raw aiohttp"].figures[GET_ONE]
        self.target("GET one ≥ 60% of raw aiohttp", self._ratio(ours, raw, "%"), ours.rps / raw.rps >= 0.6)
        if "Prism" in by_name:
            prism = by_name["Prism"].figures[GET_ONE]
            self.target("GET one ≥ 2× Prism", self._ratio(ours, prism, "x"), ours.rps / prism.rps >= 2)
        else:
            self.target("GET one ≥ 2× Prism", "Prism skipped: " + self.data["skipped"]["Prism"], None)

    @staticmethod
    def _cell(f: Figures) -> str:
        cpu = f" [{f.cpu_us_per_request:.0f}]" if f.cpu_us_per_request is not None else ""
        failed = f" ⚠ {f.failed} errors" if f.failed else ""
        return f"{f.rps:,.0f} ({f.latency_us['p50'] / 1e3:.2f} / {f.latency_us['p99'] / 1e3:.2f}){cpu}{failed}"

    @staticmethod
    def _ratio(ours: Figures, other: Figures, style: str) -> str:
        value = ours.rps / other.rps
        text = f"{value:.0%}" if style == "%" else f"{value:.1f}×"
        if ours.cpu_us_per_request and other.cpu_us_per_request:
            cpu = other.cpu_us_per_request / ours.cpu_us_per_request
            text += f" ({cpu:.0%})" if style == "%" else f" ({cpu:.1f}×)"
        return text

    def cold(self, figures: dict) -> None:
        self.data["cold_start"] = figures
        text = (f"median {figures['median_ms']:.0f} ms (min {figures['min_ms']:.0f}, max "
                f"{figures['max_ms']:.0f}; {figures['runs']} runs); the server used "
                f"{figures['cpu_median_ms']:.0f} ms of CPU for it. For reference: interpreter start "
                f"{figures['python_floor_ms']:.0f} ms, importing mockcasa {figures['import_ms']:.0f} ms (best of 5).")
        self.lines += ["### Cold start of `mockcasa serve` to the first 200", "", text, ""]
        self.target("cold start < 500 ms", f"{figures['median_ms']:.0f} ms", figures["median_ms"] < 500)
        self.lines += [(f"Building the demo world (`seeds/demo.yaml`, imports excluded): "
                        f"{figures['demo_load_ms']:.0f} ms (best of 5)."), ""]
        self.target("demo world loads < 1500 ms", f"{figures['demo_load_ms']:.0f} ms", figures["demo_load_ms"] < 1500)

    def org(self, figures: dict) -> None:
        self.data["fresh_org"] = figures
        text = (f"mean {figures['create_mean_us']:.1f} µs, p50 {figures['create_p50_us']:.1f} µs, p99 "
                f"{figures['create_p99_us']:.1f} µs over {figures['count']:,} ({figures['resources']} "
                f"resources); removing one: {figures['remove_mean_us']:.1f} µs. A fresh app (create_app, "
                f"which the pytest plugin also builds per test): p50 {figures['app_p50_ms']:.2f} ms, p99 "
                f"{figures['app_p99_ms']:.2f} ms.")
        self.lines += ["### A fresh organization (Sandbox.create_organization + issue_key)", "", text, ""]
        self.target("fresh organization < 1 ms", f"{figures['create_p99_us']:.0f} µs p99",
                    figures["create_p99_us"] < 1000)

    def pytest_setup(self, figures: dict) -> None:
        self.data["pytest_setup"] = figures
        self.lines += ["### Per-test setup in a partner's pytest suite (bench/pytest_setup.py)", "",
                       "| test | first test ms | median ms | mean ms | p90 ms | CPU median ms | CPU mean ms | tests |",
                       "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for kind, f in figures.items():
            self.lines.append(f"| {kind.partition('_')[2]} | {f['first_ms']:.1f} | {f['median_ms']:.2f} | "
                              f"{f['mean_ms']:.2f} | {f['p90_ms']:.2f} | {f['cpu']['median_ms']:.2f} | "
                              f"{f['cpu']['mean_ms']:.2f} | {f['tests']} |")
        self.lines.append("")
        empty, demo = figures["b_empty"], figures["c_demo"]
        self.target("pytest: empty org < 2 ms per test", f"{empty['median_ms']:.2f} ms median "
                    f"({empty['cpu']['median_ms']:.2f} ms CPU)", empty["median_ms"] < 2)
        self.target("pytest: demo world < 20 ms per test", f"{demo['median_ms']:.2f} ms median "
                    f"({demo['cpu']['median_ms']:.2f} ms CPU)", demo["median_ms"] < 20)

    def memory(self, figures: dict) -> None:
        self.data["memory"] = figures
        self.lines += [f"### Memory per stored record ({figures['records']:,} records in one organization)", "",
                       "| resource | tracemalloc bytes/record | RSS delta bytes/record |", "|---|---:|---:|"]
        worst = 0.0
        for resource in ("clients", "projects"):
            r = figures[resource]
            worst = max(worst, r["traced_per_record"], r["rss_per_record"])
            self.lines.append(f"| {resource} | {r['traced_per_record']:,.0f} | {r['rss_per_record']:,.0f} |")
        self.lines.append("")
        self.target("< 2 KB per stored record", f"{worst:,.0f} B (worst)", worst < 2048)

    def list_latency(self, figures: dict) -> None:
        self.data.setdefault("list_latency", []).append(figures)
        n = figures["records"]
        title = (f"### List latency through the app, {n:,} clients and {n:,} projects in one organization "
                 f"(filled in {figures['fill_seconds']:.0f} s)")
        self.lines += [title, "",
                       "| request | p50 ms | p99 ms | max ms | CPU p50 ms | CPU p99 ms | first request ms |",
                       "|---|---:|---:|---:|---:|---:|---:|"]
        for name, c in figures["cases"].items():
            self.lines.append(f"| {name} | {c['p50_ms']:.3f} | {c['p99_ms']:.3f} | {c['max_ms']:.3f} | "
                              f"{c['cpu_p50_ms']:.3f} | {c['cpu_p99_ms']:.3f} | {c['first_ms']:.1f} |")
        self.lines.append("")
        if n >= 1_000_000:
            worst = max(c["p99_ms"] for c in figures["cases"].values())
            self.target(f"filtered list page on {n:,} records < 5 ms p99", f"{worst:.2f} ms (worst case)",
                        worst < 5)

    def render(self, seconds: float) -> str:
        head = ["## Machine", "", *(f"- {k}: {v}" for k, v in self.machine.items()), "",
                f"Command: `{self.command.strip()}` ({seconds:.0f} s)", "", "## Targets", "",
                "| target | measured | met |", "|---|---|---|"]
        for name, figure, ok in self.verdicts:
            head.append(f"| {name} | {figure} | {'yes' if ok else 'no' if ok is False else 'skipped'} |")
        self.data["machine"] = self.machine
        self.data["targets"] = [{"target": n, "measured": f, "met": ok} for n, f, ok in self.verdicts]
        return "\n".join(head + ["", "## Figures", ""] + self.lines)
