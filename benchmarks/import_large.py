"""Import benchmark: time and peak memory of importing a large organisations file.

    PYTHONPATH=src python benchmarks/import_large.py                        # 112,000 rows (~50 MB), SQLite
    PYTHONPATH=src python benchmarks/import_large.py --rows 5000 --encoding cp932   # quicker; a Japanese CSV
    PYTHONPATH=src python benchmarks/import_large.py --database-url postgresql+psycopg://…/empty_db

Generates a CSV of ``--rows`` organisations (Italian and Japanese, descriptions of a few hundred
characters, so that 112k rows make about 50 MB, the size of the issue's report), written as a stream in the
chosen encoding, then runs ``kakehashi import organisations`` on it in a child process and reports its
wall time and peak resident memory (the child's own, the generator's excluded). Writes
benchmarks/results/import-large.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
KAKEHASHI = [sys.executable, "-c", "from kakehashi.cli import main; main()"]
HEADER = "external_id,name,name_ja,country,kind,sectors,city,website,description,description_language\r\n"
SECTORS = ("ai", "semiconductors", "quantum", "energy", "infrastructure", "biotech", "other")
IT_TEXT = (
    "Azienda manifatturiera specializzata in componenti di precisione per l'elettronica di potenza, "
    "con stabilimenti in Lombardia e in Emilia-Romagna; cerca partner giapponesi per la distribuzione "
    "e per progetti comuni di ricerca e sviluppo su materiali avanzati, collaudo e automazione. "
)
JA_TEXT = (
    "精密部品とパワーエレクトロニクス向け材料を開発・製造する企業です。関西と東北に工場を持ち、"
    "イタリアの販売代理店および共同研究開発のパートナーを探しています。"
)


def generate(path: Path, rows: int, encoding: str) -> int:
    with path.open("w", encoding=encoding, newline="") as handle:
        handle.write(HEADER)
        for n in range(rows):
            sector = f"{SECTORS[n % 7]}; {SECTORS[(n + 3) % 7]}"
            if n % 2:
                handle.write(
                    f"bench-{n},Nihon Seimitsu {n} K.K.,日本精密{n}株式会社,JP,company,{sector},大阪市,"
                    f'https://seimitsu{n}.example.jp,"{JA_TEXT * 2}",ja\r\n'
                )
            else:
                handle.write(
                    f"bench-{n},Meccanica Padana {n} S.r.l.,,IT,company,{sector},Bologna,"
                    f'https://padana{n}.example.it,"{IT_TEXT}",it\r\n'
                )
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=112_000)
    parser.add_argument("--encoding", default="utf-8", help="utf-8, cp932 or cp1252 (with no Japanese text)")
    parser.add_argument("--database-url", default=None, help="an empty store (default: a new SQLite file)")
    parser.add_argument("--out", type=Path, default=RESULTS / "import-large.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kakehashi-import-") as folder:
        work = Path(folder)
        csv_path = work / "organisations.csv"
        size = generate(csv_path, args.rows, args.encoding)
        env = {
            **os.environ,
            "KAKEHASHI_DATA_DIR": str(work / "data"),
            "KAKEHASHI_DATABASE_URL": args.database_url or f"sqlite:///{work / 'bench.db'}",
            "KAKEHASHI_SECRET_KEY": "benchmark",
        }
        subprocess.run([*KAKEHASHI, "db", "upgrade"], env=env, check=True)
        started = time.perf_counter()
        done = subprocess.run(
            [*KAKEHASHI, "import", "organisations", str(csv_path)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    result = {
        "rows": args.rows,
        "file_mb": round(size / 1e6, 1),
        "encoding": args.encoding,
        "store": "postgresql" if args.database_url else "sqlite",
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(peak_mib, 1),
        "output": done.stdout.strip(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
