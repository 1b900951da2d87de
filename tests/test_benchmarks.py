"""The benchmark report judges each input against the latency targets, and says
when the bare control given the same inputs misses a target too (no browser)."""

import json

import benchmarks.__main__ as report


def test_latency_table_judges_rows_against_the_targets(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "REPORT_DIR", tmp_path)
    (tmp_path / "results").mkdir()
    row = lambda median, p95: {"median_ms": median, "p95_ms": p95, "max_ms": 30, "n": 50}  # noqa: E731
    hero = {
        "drag": row(4.3, 5.7),
        "knobs": row(12.0, 10.1),
        "hero all": row(5, 9),
        "bare drag, chapter": row(2.4, 20),
    }
    widgets = {
        "landscape.lr.drag": row(6.0, 21.0),
        "layer.w.jump": row(12.4, 23.2),
        "bare jump, chapter": row(12.1, 9.0),
    }
    for name, rows in [("hero", hero), ("widgets", widgets)]:
        for throttle in ("1", "4"):
            (tmp_path / "results" / f"{name}-cpu{throttle}x.json").write_text(
                json.dumps({"input_to_paint": rows})
            )

    def verdicts(throttle):
        lines = report.latency_table(throttle)
        return {
            line.split(" | ")[0].lstrip("| "): line.split(" | ")[-1].rstrip(" |")
            for line in lines[2:]
        }

    assert verdicts("1") == {
        "hero drag": "met",  # met, though the bare drag misses p95
        "knobs": "missed: median",  # 12.0 is not under 12; no bare knobs measured
        "bare drag, chapter": "reference",
        "landscape.lr.drag": "missed: p95 (bare: 20.0)",
        "layer.w.jump": "missed: median (bare: 12.1), p95",
        "bare jump, chapter": "reference",
    }
    # At 4x CPU the targets are 35 / 50 ms: the same numbers meet them all.
    assert set(verdicts("4").values()) == {"met", "reference"}
    assert report.latency_targets("4") == ["Targets at 4x CPU: median < 35 ms, p95 < 50 ms."]
