"""CPU per request of two (or more) code versions, run alternately on the same store: the difference is
what a change saved, even on a loaded machine (each version's minimum over the rounds is reported).

Each version's ``src`` is taken from git (``git archive REV src``; ``WORK`` is the working tree) and put
first on ``PYTHONPATH`` for ``benchmarks/web_cpu.py`` (this tree's script), as a visitor and as a member:

    .venv/bin/python benchmarks/web_cpu_compare.py 4908f52 WORK --data-dir benchmarks/data/web-demo
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = [
    "/opportunities",
    "/opportunities?q=炭化ケイ素",
    "/opportunities/{id}",
    "/api/v1/search?q=sensori per robotica",
]
MEMBER = "member.it@kakehashi.example"


def source_of(revision: str, scratch: Path) -> Path:
    if revision == "WORK":
        return ROOT / "src"
    target = scratch / revision
    if not target.exists():
        target.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision, "src"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def run_once(source: Path, who: str, args: argparse.Namespace, out: Path) -> dict[str, float]:
    command = [
        sys.executable, str(ROOT / "benchmarks" / "web_cpu.py"), "--data-dir", str(args.data_dir.resolve()),
        "--repeat", str(args.repeat), "--embedder", args.embedder, "--out", str(out), *args.paths,
    ]  # fmt: skip
    if who == "member":
        command += ["--sign-in", MEMBER]
    env = {**os.environ, "PYTHONPATH": str(source)}
    subprocess.run(command, env=env, check=True, stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    paths = json.loads(out.read_text(encoding="utf-8"))["paths"]
    return {path: float(figure["cpu_ms_per_request"]) for path, figure in paths.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("revisions", nargs="+", help="Git revisions; WORK is the working tree.")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--embedder", default="combined", help="The store's embedder (web_cpu.py's).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--who", nargs="+", default=["visitor", "member"])
    parser.add_argument("--paths", nargs="+", default=PATHS)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    runs: dict[str, dict[str, dict[str, list[float]]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        sources = {rev: source_of(rev, Path(scratch)) for rev in args.revisions}
        out = Path(scratch) / "run.json"
        for _ in range(args.rounds):
            for revision, source in sources.items():
                for who in args.who:
                    for path, cpu in run_once(source, who, args, out).items():
                        runs.setdefault(who, {}).setdefault(path, {}).setdefault(revision, []).append(cpu)
    report = {
        "benchmark": "web_cpu_compare",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "rounds": args.rounds,
        "embedder": args.embedder,
        "repeat": args.repeat,
        "cpu_ms_per_request_min": {
            who: {path: {rev: min(v) for rev, v in per.items()} for path, per in paths.items()}
            for who, paths in runs.items()
        },
    }
    for who, paths in report["cpu_ms_per_request_min"].items():
        for path, per in paths.items():
            print(f"{who:8} {path:45} " + "  ".join(f"{rev} {ms:6.2f}" for rev, ms in per.items()))
    if args.out is not None:
        args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
