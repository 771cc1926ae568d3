"""How the hybrid scales: training time, peak memory and serving latency on synthetic sites.

    manage.py bench_scale [--sizes 1x,3x,10x,cat3x,cat6x] [--seed 0] [--users 200]
                          [--ease-max-items N | --ease-full]
    manage.py bench_scale --quality [--caps 2000,3000] [--split-seeds 0,1]

Each size is a synthetic rating set drawn from a low-rank model fitted to ml-latest-small
(``recommender.hybrid.synthetic``: its biases, taste factors, noise, members' activity and
films' popularity, seeded). ``3x`` and ``10x`` have three and ten times its members and
ratings over the same 9,066 films; ``cat3x`` and ``cat6x`` three and six times its films,
with three and six times the members and ratings, so each film keeps the real rating count
of the film it copies (a bigger catalogue rated as thinly as the real one).

Each size is trained and timed in a child process of its own (``--child``), so its peak
memory (``ru_maxrss`` of that process: the data, the training and the served model) does
not carry over from the previous size. The child trains the hybrid as a retrain does
(``Hybrid`` with its 3 validation folds, then the star-rating model and the kept sums of the
longest histories), writes the model file to measure it, then times, for ``--users`` members
drawn at random: ``recommend`` (top 20, fold-in included, from the kept sums where the
member has them), and the fold-in of a new rating: the computation of the member's refreshed
rows (``recommendations._rows_for``: fold-in, blend, four rows with reasons) after they
rate one more film, no database on the timed path.

``--quality`` answers whether capping EASE costs quality: on the real ml-latest-small, per
split seed, the hybrid with EASE over every film with 3 ratings against EASE over only the
``--caps`` most rated of them (the rest ranked by ALS, the neighbour scorers and content),
NDCG@10 on the evaluation protocol of ``evaluate_recommender``.

Machine lines: ``scale size=... train_s=... peak_mb=... p50_ms=... p99_ms=... foldin_p95_ms=...``
per size, and ``scale_quality cap=... ndcg_ratio_min=...`` per cap.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from recommender import benchmarks
from recommender.hybrid import blend, synthetic

# name: (members and ratings, films), times ml-latest-small's
SIZES = {
    "1x": (1.0, 1.0),
    "3x": (3.0, 1.0),
    "10x": (10.0, 1.0),
    "cat3x": (3.0, 3.0),
    "cat6x": (6.0, 6.0),
}
RESULT = "SCALE_RESULT "


def _rss_mb() -> float:
    """Resident memory of this process now, MB (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _ms(samples: list[float], q: float) -> float:
    return float(np.percentile(np.array(samples) * 1000, q))


class Command(BaseCommand):
    help = "Training time, peak memory and per-user latency of the hybrid on synthetic sites of growing size."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes", default="1x,3x,10x,cat3x,cat6x", help=f"comma list of {', '.join(SIZES)}"
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--users", type=int, default=200, help="members timed per size")
        cap = parser.add_mutually_exclusive_group()
        cap.add_argument(
            "--ease-max-items",
            type=int,
            default=None,
            help=f"EASE over at most this many films (default: the hybrid's, {blend.EASE_MAX_ITEMS})",
        )
        cap.add_argument(
            "--ease-full", action="store_true", help="EASE over every film with 3 ratings (no cap)"
        )
        parser.add_argument(
            "--quality", action="store_true", help="capped against full EASE on ml-latest-small"
        )
        parser.add_argument("--caps", default="2000,3000", help="caps compared by --quality")
        parser.add_argument("--split-seeds", default="0,1", help="split seeds of --quality")
        parser.add_argument("--child", help=DONT_USE)

    def handle(self, *args, **opts):
        cap = None if opts["ease_full"] else (opts["ease_max_items"] or blend.EASE_MAX_ITEMS)
        if opts["child"]:
            return self._child(Path(opts["child"]), cap=cap, users=opts["users"], seed=opts["seed"])
        if opts["quality"]:
            return self._quality(_ints(opts["caps"]), _ints(opts["split_seeds"]))
        names = [s.strip() for s in opts["sizes"].split(",") if s.strip()]
        unknown = [s for s in names if s not in SIZES]
        if unknown or not names:
            raise CommandError(f"unknown sizes {unknown}: choose from {', '.join(SIZES)}")
        self._sizes(names, cap=cap, seed=opts["seed"], users=opts["users"])

    # -- the sizes, one child process each ----------------------------------------------
    def _sizes(self, names: list[str], *, cap: int | None, seed: int, users: int) -> None:
        from recommender.management.commands.evaluate_recommender import cached_content_vectors

        real = benchmarks.load_ml_latest_small()
        vectors, _ = cached_content_vectors(real, content="tfidf")
        start = time.perf_counter()
        low_rank = synthetic.fit_low_rank(real.matrix, seed=seed)
        self.stdout.write(
            f"low-rank model of {real.name}: rank {low_rank.item_factors.shape[1]}, "
            f"noise {low_rank.noise:.3f}, "
            f"fitted in {time.perf_counter() - start:.1f}s; real top-10% films hold "
            f"{synthetic.top_share(real.matrix):.0%} of ratings"
        )
        self.stdout.write(f"EASE cap: {cap or 'none (every film with 3 ratings)'}; load average {_load()}")
        results = []
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            for name in names:
                people, films = SIZES[name]
                bar = tqdm(desc=f"{name}: drawing ratings", unit="members", file=sys.stderr)

                def tick(done, total, bar=bar):
                    bar.total = total
                    bar.update(done - bar.n)

                drawn = synthetic.generate(low_rank, users=people, films=films, seed=seed, progress=tick)
                bar.close()
                folder = Path(tmp) / name
                folder.mkdir()
                sp.save_npz(folder / "ratings.npz", drawn.matrix)
                np.save(folder / "content.npy", synthetic.content_for(vectors, drawn.templates, seed=seed))
                (folder / "genres.json").write_text(
                    json.dumps([real.genres[t] for t in drawn.templates.tolist()])
                )
                skew = synthetic.top_share(drawn.matrix)
                n_users, n_items = drawn.matrix.shape
                nnz = drawn.matrix.nnz
                del drawn
                self.stdout.write(
                    f"{name}: {n_users:,} members, {n_items:,} films, {nnz:,} ratings "
                    f"(top-10% films hold {skew:.0%}); training in a child process, load average {_load()}"
                )
                result = self._run_child(folder, cap=cap, users=users, seed=seed)
                result.update(size=name, members=n_users, films=n_items, ratings=nnz, load=_load())
                results.append(result)
                self.stdout.write(f"  {self._line(result)}")
        self._table(results)

    def _run_child(self, folder: Path, *, cap: int | None, users: int, seed: int) -> dict:
        command = [sys.executable, "manage.py", "bench_scale", "--child", str(folder)]
        command += ["--users", str(users), "--seed", str(seed)]
        command += ["--ease-full"] if cap is None else ["--ease-max-items", str(cap)]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=_project_root())
        lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
        if done.returncode != 0 or not lines:
            # killed by the kernel for memory (-9) or failed: say so in the table, go on
            return {"failed": f"exit {done.returncode}"}
        return json.loads(lines[-1][len(RESULT) :])

    def _child(self, folder: Path, *, cap: int | None, users: int, seed: int) -> None:
        from recommender.hybrid.artifact import save_artifact
        from recommender.hybrid.serving import ServingModel
        from recommender.services.recommendations import History, _rows_for
        from recommender.services.recommender_model import rating_model

        matrix = sp.csr_matrix(sp.load_npz(folder / "ratings.npz"), dtype=np.float32)
        vectors = np.load(folder / "content.npy")
        genres = json.loads((folder / "genres.json").read_text())
        out: dict = {"rss_data_mb": round(_rss_mb(), 1)}
        stages = tqdm(desc="training", unit="step", file=sys.stderr)
        start, cpu = time.perf_counter(), time.process_time()
        hybrid = blend.Hybrid(content_vectors=vectors, seed=seed, ease_max_items=cap).fit(
            matrix, progress=lambda stage: _advance(stages, stage)
        )
        out["hybrid_s"] = time.perf_counter() - start
        out["hybrid_cpu_s"] = time.process_time() - cpu
        stages.close()
        start, cpu = time.perf_counter(), time.process_time()
        rating = rating_model(seed=seed).fit(matrix)
        out["rating_s"] = time.perf_counter() - start
        out["rating_cpu_s"] = time.process_time() - cpu
        item_ids = np.arange(1, matrix.shape[1] + 1)
        model = ServingModel(
            hybrid, item_ids=item_ids, titles=[f"Film {i}" for i in item_ids], genres=genres, version="scale"
        )
        model.rating = rating
        user_ids = np.arange(1, matrix.shape[0] + 1)
        start, cpu = time.perf_counter(), time.process_time()
        out["kept_sums"] = model.keep_partial_sums(matrix, user_ids)
        out["sums_s"] = time.perf_counter() - start
        out["train_s"] = out["hybrid_s"] + out["rating_s"] + out["sums_s"]
        # CPU seconds of the process: on a loaded shared machine wall time mostly says how
        # long it waited for a core
        out["train_cpu_s"] = out["hybrid_cpu_s"] + out["rating_cpu_s"] + time.process_time() - cpu
        out["peak_mb"] = round(_peak_mb(), 1)
        out["ease_films"] = len(hybrid.base.ease.items)
        with tempfile.TemporaryDirectory(prefix="bench-scale-model-") as tmp:
            out["model_mb"] = round(save_artifact(model, Path(tmp), activate=False).stat().st_size / 2**20, 1)
        out.update(self._latency(model, matrix, users=users, seed=seed, history=History, rows_for=_rows_for))
        out["peak_mb"] = round(_peak_mb(), 1)  # serving too, though training sets it
        self.stdout.write(RESULT + json.dumps(out))

    def _latency(self, model, matrix, *, users: int, seed: int, history, rows_for) -> dict:
        rng = np.random.default_rng(seed)
        chosen = rng.choice(matrix.shape[0], size=min(users, matrix.shape[0]), replace=False)
        histories = []
        for u in chosen.tolist():
            r = matrix[u]
            ratings = {int(model.item_ids[i]): float(v) for i, v in zip(r.indices, r.data, strict=True)}
            unseen = np.setdiff1d(model.item_ids, list(ratings))
            new = dict(ratings)
            new[int(rng.choice(unseen))] = 4.5
            histories.append((u + 1, ratings, new))
        model.recommend(histories[0][1], n=20, user_id=histories[0][0])  # warm caches
        recommend: list[float] = []
        recommend_cpu: list[float] = []
        foldin: list[float] = []
        foldin_cpu: list[float] = []
        for user_id, ratings, new in tqdm(histories, desc="timing members", file=sys.stderr):
            start, cpu = time.perf_counter(), time.thread_time()
            model.recommend(ratings, n=20, user_id=user_id)
            recommend.append(time.perf_counter() - start)
            recommend_cpu.append(time.thread_time() - cpu)
            start, cpu = time.perf_counter(), time.thread_time()
            rows_for(model, history(ratings=new, stars=new, user_id=user_id))
            foldin.append(time.perf_counter() - start)
            foldin_cpu.append(time.thread_time() - cpu)
        return {
            "p50_ms": _ms(recommend, 50),
            "p99_ms": _ms(recommend, 99),
            "cpu_p50_ms": _ms(recommend_cpu, 50),
            "cpu_p99_ms": _ms(recommend_cpu, 99),
            "foldin_p50_ms": _ms(foldin, 50),
            "foldin_p95_ms": _ms(foldin, 95),
            "foldin_cpu_p95_ms": _ms(foldin_cpu, 95),
            "timed": len(histories),
        }

    # -- output ---------------------------------------------------------------------------
    def _line(self, r: dict) -> str:
        if "failed" in r:
            return f"scale size={r['size']} failed={r['failed'].replace(' ', '_')}"
        return (
            f"scale size={r['size']} members={r['members']} films={r['films']} ratings={r['ratings']} "
            f"ease_films={r['ease_films']} train_s={r['train_s']:.1f} train_cpu_s={r['train_cpu_s']:.1f} "
            f"hybrid_s={r['hybrid_s']:.1f} peak_mb={r['peak_mb']:.0f} model_mb={r['model_mb']:.0f} "
            f"p50_ms={r['p50_ms']:.2f} p99_ms={r['p99_ms']:.2f} cpu_p99_ms={r['cpu_p99_ms']:.2f} "
            f"foldin_p95_ms={r['foldin_p95_ms']:.1f} foldin_cpu_p95_ms={r['foldin_cpu_p95_ms']:.1f} "
            f"load={r['load']}"
        )

    def _table(self, results: list[dict]) -> None:
        header = [
            "size", "members", "films", "ratings", "EASE films", "train s", "train CPU s", "CPU x 1x",
            "peak MB", "model MB", "p50 ms", "p99 ms", "CPU p99 ms", "fold-in p95 ms", "CPU p95 ms", "load",
        ]  # fmt: skip
        base = next((r["train_cpu_s"] for r in results if r.get("size") == "1x" and "failed" not in r), None)
        rows = [header]
        for r in results:
            if "failed" in r:
                rows.append(
                    [r["size"], f"{r['members']:,}", f"{r['films']:,}", f"{r['ratings']:,}", r["failed"]]
                )
                continue
            rows.append(
                [
                    r["size"],
                    f"{r['members']:,}",
                    f"{r['films']:,}",
                    f"{r['ratings']:,}",
                    f"{r['ease_films']:,}",
                    f"{r['train_s']:.1f}",
                    f"{r['train_cpu_s']:.1f}",
                    f"{r['train_cpu_s'] / base:.1f}" if base else "-",
                    f"{r['peak_mb']:,.0f}",
                    f"{r['model_mb']:,.0f}",
                    f"{r['p50_ms']:.2f}",
                    f"{r['p99_ms']:.2f}",
                    f"{r['cpu_p99_ms']:.2f}",
                    f"{r['foldin_p95_ms']:.1f}",
                    f"{r['foldin_cpu_p95_ms']:.1f}",
                    r["load"],
                ]  # fmt: skip
            )
        widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(header))]
        self.stdout.write("")
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=False)))
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        for r in results:
            self.stdout.write(self._line(r))

    # -- quality of the cap ------------------------------------------------------------
    def _quality(self, caps: list[int], split_seeds: list[int]) -> None:
        from recommender.hybrid import data, evaluation
        from recommender.management.commands.evaluate_recommender import cached_content_vectors

        real = benchmarks.load_ml_latest_small()
        vectors, _ = cached_content_vectors(real, content="tfidf")
        settings = [None, *caps]
        ndcg: dict[tuple[int | None, int], float] = {}
        covered: dict[tuple[int | None, int], float] = {}
        bar = tqdm(total=len(settings) * len(split_seeds), desc="hybrid fits", file=sys.stderr)
        splits = {split: data.holdout_split(real.matrix, seed=split) for split in split_seeds}
        # the full version on every split first, then one cap at a time, each cap's line as
        # soon as it is done: a run cut short still says what it measured
        for cap in settings:
            for split in split_seeds:
                train, test = splits[split]
                start = time.perf_counter()
                hybrid = blend.Hybrid(content_vectors=vectors, seed=0, ease_max_items=cap).fit(train)
                seconds = time.perf_counter() - start
                result = evaluation.evaluate_top_n(hybrid, train, test, train_seconds=seconds)
                ndcg[cap, split] = result.ndcg
                counts = np.bincount(train.indices, minlength=train.shape[1])
                covered[cap, split] = counts[hybrid.base.ease.items].sum() / counts.sum()
                bar.update(1)
                bar.write(
                    f"split {split}, EASE over {len(hybrid.base.ease.items):,} films "
                    f"({covered[cap, split]:.1%} of training ratings): "
                    f"NDCG@10 {result.ndcg:.4f} in {seconds:.0f}s"
                )
            if cap is not None:
                ratios = [ndcg[cap, s] / ndcg[None, s] for s in split_seeds]
                share = min(covered[cap, s] for s in split_seeds)
                self.stdout.write(
                    f"scale_quality cap={cap} ndcg_ratio_min={min(ratios):.4f} "
                    f"ratings_covered_min={share:.3f} splits={','.join(map(str, split_seeds))} load={_load()}"
                )
        bar.close()
        self.stdout.write(
            f"\nml-latest-small, hybrid NDCG@10 per split seed (model seed 0); load average {_load()}"
        )
        self.stdout.write(
            "EASE films        " + "  ".join(f"split {s}" for s in split_seeds) + "  min ratio to full"
        )
        for cap in settings:
            ratios = [ndcg[cap, s] / ndcg[None, s] for s in split_seeds]
            label = "all with 3+" if cap is None else f"{cap:,} most rated"
            cells = "  ".join(f"{ndcg[cap, s]:.4f}".rjust(7) for s in split_seeds)
            self.stdout.write(f"{label:<18}{cells}  {min(ratios):.4f}")


DONT_USE = "internal: measure one size from the files in this folder (bench_scale runs it)"


def _ints(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise CommandError(f"expected a comma list of integers, got {text!r}") from exc


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _project_root() -> Path:
    from django.conf import settings

    return Path(settings.BASE_DIR)


def _advance(bar, stage: str) -> None:
    bar.set_postfix_str(stage)
    bar.update(1)
