"""Collecting the figures and rendering them as Markdown, with the issue's targets checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.http_bench import Target
from bench.load import Figures, Load

GET_ONE = "GET one record"
LIST_PAGE = "GET filtered list page"
POST = "POST create + Idempotency-Key"
LIST_TARGET_CASE = "clients?status=active (page 1, 2, middle, last; 25/page)"
MILLION = 1_000_000
# Issue 17's targets, in its order: key, what, target. Each row is filled by the section measuring it.
ISSUE_17 = (
    ("get", "GET one, default configuration (journal on), vs raw aiohttp", "≥ 80%"),
    ("list", "GET filtered list page vs raw", "≥ 70%"),
    ("post", "POST create + Idempotency-Key vs raw", "≥ 65%"),
    ("post_p99", "POST p99 / raw aiohttp POST p99, same run", "≤ 2×"),
    ("filters", ("p99 of any list filter, including derived ones (invoices `status=overdue`, `partial`, `paid`), "
                "1,000,000 invoices"), "< 5 ms"),
    ("isolation", ("p99 of a small organization's GET while another organization of 100k records is generated, "
                  "exported or filtered"), "< 20 ms"),
    ("bytes", "bytes per stored record, every resource (invoices with two line items included)", "< 1.2 KB"),
    ("cold", "cold start to first 200, vs the raw aiohttp app started the same way in the same run", "≤ 1.3×"),
    ("first", "list filter that must build an index first, 1M records, first request", "< 100 ms"),
)
# Rows filled from several sections (the worst counts): key -> limit, and how a figure is written.
WORST = {"filters": (5.0, "{:.2f} ms p99"), "first": (100.0, "{:.0f} ms"), "bytes": (1200.0, "{:,.0f} B")}


@dataclass
class Report:
    data: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    verdicts: list[tuple[str, str, bool | None]] = field(default_factory=list)
    machine: dict[str, str] = field(default_factory=dict)
    command: str = ""
    goals: dict[str, tuple[str, bool | None]] = field(default_factory=dict)  # issue 17: key -> (measured, met)
    worst: dict[str, list[tuple[float, str]]] = field(default_factory=dict)  # key -> [(figure, what)]
    curves: list[str] = field(default_factory=list)
    section_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def missed_targets(self) -> list[str]:
        return [name for name, _, ok in self.verdicts if ok is False] + \
            [key for key, (_, ok) in self.goals.items() if ok is False]

    def goal(self, key: str, measured: str, ok: bool | None) -> None:
        """Fill one row of issue 17's table."""
        self.goals[key] = (measured, ok)

    def candidate(self, key: str, figure: float, what: str) -> None:
        """A figure for a row whose worst figure over several sections counts (``WORST``)."""
        self.worst.setdefault(key, []).append((figure, what))

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
        ours, raw = by_name["mockcasa"].figures, by_name["raw aiohttp"].figures
        for key, scenario, least in (("get", GET_ONE, 0.8), ("list", LIST_PAGE, 0.7), ("post", POST, 0.65)):
            self.goal(key, self._ratio(ours[scenario], raw[scenario], "%"),
                      ours[scenario].rps / raw[scenario].rps >= least)
        p99, raw_p99 = ours[POST].latency_us["p99"], raw[POST].latency_us["p99"]
        self.goal("post_p99", f"{p99 / raw_p99:.1f}× ({p99 / 1e3:.2f} / {raw_p99 / 1e3:.2f} ms)", p99 <= 2 * raw_p99)
        if any(t.curve for t in targets):
            self.connection_curve(targets)
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
        ratio = figures["median_ms"] / figures["raw_median_ms"]
        raw = (f"The raw aiohttp app (`bench/raw_app.py`), started the same way, alternating: median "
               f"{figures['raw_median_ms']:.0f} ms (min {figures['raw_min_ms']:.0f}, max {figures['raw_max_ms']:.0f}; "
               f"{figures['raw_cpu_median_ms']:.0f} ms of CPU): mockcasa takes {ratio:.2f}× as long "
               f"({figures['cpu_median_ms'] / figures['raw_cpu_median_ms']:.2f}× the CPU).")
        self.lines += ["### Cold start of `mockcasa serve` to the first 200", "", text, "", raw, ""]
        self.goal("cold", f"{ratio:.2f}× ({figures['median_ms']:.0f} / {figures['raw_median_ms']:.0f} ms)",
                  ratio <= 1.3)
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
            self.candidate("bytes", max(r["traced_per_record"], r["rss_per_record"]),
                           f"{resource}, {figures['records']:,} records")
        self.lines.append("")
        self.target("< 2 KB per stored record (clients, projects)", f"{worst:,.0f} B (worst)", worst < 2048)

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
        self._list_candidates(figures, "")

    def _list_candidates(self, figures: dict, resource: str) -> None:
        if figures["records"] < MILLION:
            return
        for name, c in figures["cases"].items():
            self.candidate("filters", c["p99_ms"], f"{resource}{name}; CPU p99 {c['cpu_p99_ms']:.2f} ms")
            self.candidate("first", c["first_ms"], f"{resource}{name}")

    def connection_curve(self, targets: list[Target]) -> None:
        counts = sorted({c for t in targets for points in t.curve.values() for c in points})
        self.data["http"]["curve"] = {t.server.name: {s: {c: {"rps": f.rps, "latency_us": f.latency_us,
                                                               "server_cpu_us_per_request": f.cpu_us_per_request}
                                                           for c, f in points.items()}
                                                      for s, points in t.curve.items()} for t in targets}
        self.curves += ["### Throughput and p99 by connections (wrk -c; the main load's count is its best round)",
                        "", "req/s (p99 ms)", "", "| scenario | server | " + " | ".join(f"-c{c}" for c in counts)
                        + " |", "|---|---|" + "---:|" * len(counts)]
        for scenario in targets[0].curve:
            for t in targets:
                points = t.curve.get(scenario, {})
                cells = [f"{points[c].rps:,.0f} ({points[c].latency_us['p99'] / 1e3:.2f})" if c in points else "–"
                         for c in counts]
                self.curves.append(f"| {scenario} | {t.server.name} | " + " | ".join(cells) + " |")
        self.curves.append("")

    def derived(self, figures: dict) -> None:
        self.data.setdefault("derived", []).append(figures)
        n = figures["records"]
        self.lines += [(f"### Every invoice list filter, {n:,} invoices and {figures['payments']:,} payments in one "
                        f"organization (built through create_record in {figures['fill_seconds']:.0f} s)"), "",
                       ("| request (pages 1, 2, last; 25/page) | total | p50 ms | p99 ms | max ms | CPU p99 ms | "
                       "first request ms | requests |"), "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, c in figures["cases"].items():
            self.lines.append(f"| {name} | {c['total']:,} | {c['p50_ms']:.3f} | {c['p99_ms']:.3f} | "
                              f"{c['max_ms']:.3f} | {c['cpu_p99_ms']:.3f} | {c['first_ms']:.1f} | {c['rounds']} |")
        self.lines.append("")
        self._list_candidates(figures, "")

    def footprint(self, figures: dict) -> None:
        self.data["footprint"] = figures
        self.lines += [(f"### Bytes per stored record, every resource (tracemalloc; {figures['records']:,} generated "
                       f"records each unless said)"), "",
                       "| resource | revision | records | bytes/record |", "|---|---|---:|---:|"]
        for name, r in figures["resources"].items():
            extra = f" (with {r['with']}, per record of both)" if "with" in r else ""
            self.lines.append(f"| {name}{extra} | {r['revision']} | {r['records']:,} | "
                              f"{r['bytes_per_record']:,.0f} |")
            self.candidate("bytes", r["bytes_per_record"], name)
        for what, problem in figures["problems"].items():
            self.lines.append(f"\nNote: generating {what} reported: {problem[:300]}")
        self.lines.append("")

    def org_scaling(self, figures: dict) -> None:
        self.data["org_scaling"] = figures
        self.curves += ["### Per-organization cost by number of organizations in one app", "",
                        ("| organizations | create µs (mean / p99) | bytes per organization | "
                        "GET one µs (p50 / p99) | GET one CPU p50 µs |"), "|---:|---:|---:|---:|---:|"]
        for r in figures["rows"]:
            self.curves.append(f"| {r['organizations']:,} | {r['create_mean_us']:.0f} / {r['create_p99_us']:.0f} | "
                               f"{r['bytes_per_org']:,.0f} | {r['get_p50_us']:.0f} / {r['get_p99_us']:.0f} | "
                               f"{r['get_cpu_p50_us']:.0f} |")
        self.curves += ["", "Each organization: create_organization + issue_key + one client (create_record).", ""]

    def isolation(self, phases: list[dict]) -> None:
        self.data["isolation"] = phases
        self.lines += ["### A small organization's GET while another does heavy work (bench/stalls.py, over HTTP)",
                       "", "| heavy request | took s | small GET p50 ms | p99 ms | max ms | probes |",
                       "|---|---:|---:|---:|---:|---:|"]
        for ph in phases:
            self.lines.append(f"| {ph['phase']} | {ph['seconds']} | {ph['p50_ms']} | {ph['p99_ms']} | "
                              f"{ph['max_ms']} | {ph['probes']} |")
        self.lines.append("")
        heavy = [ph for ph in phases if ph["phase"] != "idle"]
        worst = max(heavy, key=lambda ph: ph["p99_ms"])
        self.goal("isolation", f"{worst['p99_ms']:.1f} ms ({worst['phase']})", worst["p99_ms"] < 20)

    def list_curve(self) -> None:
        """List p99 by records, for every case measured at several sizes (list and derived sections)."""
        runs = self.data.get("list_latency", []) + self.data.get("derived", [])
        sizes = sorted({r["records"] for r in runs})
        if len(sizes) < 2:
            return
        by_case: dict[str, dict[int, float]] = {}
        for r in runs:
            for name, c in r["cases"].items():
                by_case.setdefault(name, {})[r["records"]] = c["p99_ms"]
        self.curves += ["### List p99 (ms) by records in the organization", "",
                        "| request | " + " | ".join(f"{n:,}" for n in sizes) + " |", "|---|" + "---:|" * len(sizes)]
        for name, points in by_case.items():
            self.curves.append(f"| {name} | " + " | ".join(f"{points[n]:.3f}" if n in points else "–"
                                                         for n in sizes) + " |")
        self.curves += ["", "Clients and projects: as many of each; invoices: with 0.4 payments each.", ""]

    def _settle_worst(self) -> None:
        for key, (limit, style) in WORST.items():
            if key in self.goals or not self.worst.get(key):
                continue
            figure, what = max(self.worst[key])
            self.goal(key, style.format(figure) + f" ({what})", figure < limit)

    def render(self, seconds: float) -> str:
        self._settle_worst()
        self.list_curve()
        issue = ["## Targets of issue 17", "", "| what | target | measured | met |", "|---|---|---|---|"]
        for key, what, target in ISSUE_17:
            missing = "not run at 1,000,000 records" if key in ("filters", "first") else "not run"
            measured, ok = self.goals.get(key, (missing, None))
            issue.append(f"| {what} | {target} | {measured} | {'yes' if ok else 'no' if ok is False else '–'} |")
        self.data["issue_17"] = [{"what": w, "target": t, "measured": self.goals.get(k, ("not run", None))[0],
                                  "met": self.goals.get(k, (None, None))[1]} for k, w, t in ISSUE_17]
        head = ["## Machine", "", *(f"- {k}: {v}" for k, v in self.machine.items()), "",
                f"Command: `{self.command.strip()}` ({seconds:.0f} s: "
                + ", ".join(f"{k} {v:.0f} s" for k, v in self.section_seconds.items()) + ")", "", *issue, "", "## Other targets", "",
                "| target | measured | met |", "|---|---|---|"]
        for name, figure, ok in self.verdicts:
            head.append(f"| {name} | {figure} | {'yes' if ok else 'no' if ok is False else 'skipped'} |")
        self.data["machine"] = self.machine
        self.data["section_seconds"] = self.section_seconds
        self.data["targets"] = [{"target": n, "measured": f, "met": ok} for n, f, ok in self.verdicts]
        curves = ["## Scaling curves", "", *self.curves] if self.curves else []
        return "\n".join(head + ["", *curves, "## Figures", ""] + self.lines)
