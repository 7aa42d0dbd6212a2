"""Reference values for model-evaluation's statistics, from scikit-learn, statsmodels and scipy.

Writes ``src/test/resources/carelake/evaluation/reference/metrics.json``: fixed data sets (made here
with numpy's seeded generator and stored in the file, so Java never needs numpy) and, for each, what
the reference libraries compute on them. The Java tests (``TestReferenceValues``) hold
``io.carelake.evaluation.stats`` against these to 1e-9; ``airflow-dags/tests/test_evaluation_reference.py``
re-runs this script's ``build()`` with the pinned libraries and checks that the file still matches, so
the stored references cannot drift from the libraries they claim to come from.

Where no library implements a statistic, the reference is written out here from the publication,
independently of the Java code:

* DeLong's covariance: ``fast_delong`` follows Sun & Xu (IEEE SPL 2014;21:1389) Algorithm 2 (mid-ranks),
  and ``delong_pairs`` the original structural components of DeLong et al. (Biometrics 1988) pair by
  pair; both must agree.
* Obuchowski's clustered variance (Biometrics 1997;53:567): ``obuchowski`` with explicit loops.
* BCa (Efron 1987): ``bca`` from scipy's normal CDF and quantile and numpy's percentile.

Run: ``python evaluation_reference.py [output.json]`` (airflow-dags/.venv has the libraries).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
from scipy.special import ndtr, ndtri
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, confusion_matrix, roc_auc_score, roc_curve
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

OUTPUT = Path(__file__).resolve().parents[1] / "resources" / "carelake" / "evaluation" / "reference" / "metrics.json"
EPSILON = 1e-15  # LogisticCalibration.EPSILON: clipping before the logit

THRESHOLDS = [0.1, 0.2, 0.35, 0.5]
SENSITIVITY_TARGETS = [0.5, 0.8, 0.9, 1.0]


# --- data sets ---------------------------------------------------------------------------------------


def _synthetic(n: int, seed: int, decimals: int, prevalence: float, clusters: int | None = None):
    """Labels and probability scores, positives higher on average; rounded so that ties occur."""
    rng = np.random.default_rng(seed)
    if clusters:
        cluster = rng.integers(0, clusters, size=n)
        effect = rng.normal(0, 0.8, size=clusters)[cluster]
    else:
        cluster = np.arange(n)
        effect = np.zeros(n)
    labels = (rng.random(n) < prevalence).astype(int)
    eta = -1.2 + 1.3 * labels + effect + rng.normal(0, 1, size=n)
    scores = np.round(1 / (1 + np.exp(-eta)), decimals)
    scores = np.clip(scores, 10.0 ** -decimals, 1 - 10.0 ** -decimals)
    return labels, scores, cluster


def data_sets() -> list[dict]:
    sets = []
    # Hand-sized, with ties within and across classes (TestDelongAuroc's example).
    sets.append({"name": "ties14",
                 "labels": [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0],
                 "scores": [0.9, 0.8, 0.6, 0.6, 0.3, 0.7, 0.6, 0.6, 0.5, 0.3, 0.2, 0.1, 0.1, 0.9],
                 "clusters": [1, 1, 2, 3, 3, 4, 4, 5, 6, 6, 7, 8, 8, 9]})
    for name, n, seed, decimals, prevalence, clusters in (
            ("synthetic300", 300, 11, 2, 0.3, None),
            ("clustered400", 400, 12, 3, 0.25, 90),
            ("rare1000", 1000, 13, 4, 0.06, 300)):
        labels, scores, cluster = _synthetic(n, seed, decimals, prevalence, clusters)
        if name == "clustered400":
            # scores exactly on calibration-bin edges and thresholds pin the bin convention
            scores[:6] = [0.1, 0.2, 0.5, 0.35, 0.9, 0.3]
        sets.append({"name": name, "labels": labels.tolist(), "scores": scores.tolist(),
                     "clusters": cluster.tolist()})
    # A second model on the same rows (paired DeLong / Obuchowski).
    for s in sets:
        rng = np.random.default_rng(len(s["labels"]))
        other = np.clip(np.round(np.asarray(s["scores"]) + rng.normal(0, 0.08, len(s["scores"])), 3), 0.001, 0.999)
        s["scores2"] = other.tolist()
        # integer weights 0-3, as a Poisson resample gives them
        s["weights"] = rng.integers(0, 4, size=len(s["labels"])).tolist()
    return sets


# --- references from libraries -------------------------------------------------------------------------


def logit(p):
    p = np.clip(np.asarray(p, dtype=float), EPSILON, 1 - EPSILON)
    return np.log(p / (1 - p))


def calibration_fits(y, p) -> dict:
    x = logit(p)
    n = len(y)
    intercept = sm.GLM(y, np.ones((n, 1)), family=sm.families.Binomial(), offset=x).fit(
        method="newton", tol=1e-15, maxiter=200)
    slope = sm.GLM(y, sm.add_constant(x), family=sm.families.Binomial()).fit(method="newton", tol=1e-15, maxiter=200)
    return {"intercept": float(intercept.params[0]), "intercept_se": float(intercept.bse[0]),
            "slope_intercept": float(slope.params[0]), "slope": float(slope.params[1]),
            "slope_intercept_se": float(slope.bse[0]), "slope_se": float(slope.bse[1])}


def operating_points(y, p) -> dict:
    out = {"thresholds": [], "sensitivity_targets": []}
    for t in THRESHOLDS:
        tn, fp, fn, tp = confusion_matrix(y, (p >= t).astype(int), labels=[0, 1]).ravel()
        out["thresholds"].append({"threshold": t, "tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn)})
    fpr, tpr, thr = roc_curve(y, p, drop_intermediate=False)
    for target in SENSITIVITY_TARGETS:
        t = float(thr[np.argmax(tpr >= target)])
        tn, fp, fn, tp = confusion_matrix(y, (p >= t).astype(int), labels=[0, 1]).ravel()
        out["sensitivity_targets"].append({"target": target, "threshold": t, "tp": int(tp), "fp": int(fp),
                                           "tn": int(tn), "fn": int(fn)})
    return out


# --- references written out from the publications ------------------------------------------------------


def midranks(x: np.ndarray) -> np.ndarray:
    """Sun & Xu Algorithm 1: 1-based mid-ranks."""
    order = np.argsort(x, kind="mergesort")
    z = x[order]
    n = len(x)
    t = np.zeros(n)
    i = 0
    while i < n:
        j = i
        while j < n and z[j] == z[i]:
            j += 1
        t[i:j] = 0.5 * (i + j - 1) + 1
        i = j
    out = np.empty(n)
    out[order] = t
    return out


def fast_delong(y, scores: list[np.ndarray]):
    """Sun & Xu Algorithm 2: AUCs, covariance S10/m + S01/n, and the placements."""
    y = np.asarray(y)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    m, n = len(pos), len(neg)
    k = len(scores)
    v10 = np.empty((k, m))
    v01 = np.empty((k, n))
    for r, s in enumerate(scores):
        s = np.asarray(s, dtype=float)
        tz = midranks(np.concatenate([s[pos], s[neg]]))
        tx, ty = midranks(s[pos]), midranks(s[neg])
        v10[r] = (tz[:m] - tx) / n
        v01[r] = 1 - (tz[m:] - ty) / m
    aucs = v10.mean(axis=1)
    cov = np.atleast_2d(np.cov(v10)) / m + np.atleast_2d(np.cov(v01)) / n
    return aucs, cov, v10, v01, pos, neg


def delong_pairs(y, scores: list[np.ndarray]):
    """DeLong et al. 1988 from the kernel ψ pair by pair (O(mn)), to check fast_delong."""
    y = np.asarray(y)
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    k = len(scores)
    v10 = np.empty((k, len(pos)))
    v01 = np.empty((k, len(neg)))
    for r, s in enumerate(scores):
        s = np.asarray(s, dtype=float)
        psi = (s[pos][:, None] > s[neg][None, :]) + 0.5 * (s[pos][:, None] == s[neg][None, :])
        v10[r] = psi.mean(axis=1)
        v01[r] = psi.mean(axis=0)
    return v10.mean(axis=1), np.atleast_2d(np.cov(v10)) / len(pos) + np.atleast_2d(np.cov(v01)) / len(neg)


def obuchowski(y, scores: list[np.ndarray], clusters) -> tuple[np.ndarray, np.ndarray, int]:
    """Obuchowski 1997: placements summed per cluster; explicit loops over clusters and models."""
    aucs, _, v10, v01, pos, neg = fast_delong(y, scores)
    clusters = np.asarray(clusters)
    ids = sorted(set(clusters.tolist()))
    big_i, big_m, big_n = len(ids), len(pos), len(neg)
    k = len(scores)
    c10 = {c: np.zeros(k) for c in ids}
    c01 = {c: np.zeros(k) for c in ids}
    mi = dict.fromkeys(ids, 0)
    ni = dict.fromkeys(ids, 0)
    for a, row in enumerate(pos):
        c10[clusters[row]] += v10[:, a]
        mi[clusters[row]] += 1
    for b, row in enumerate(neg):
        c01[clusters[row]] += v01[:, b]
        ni[clusters[row]] += 1
    cov = np.zeros((k, k))
    for r in range(k):
        for s in range(k):
            s10 = sum((c10[c][r] - mi[c] * aucs[r]) * (c10[c][s] - mi[c] * aucs[s]) for c in ids)
            s01 = sum((c01[c][r] - ni[c] * aucs[r]) * (c01[c][s] - ni[c] * aucs[s]) for c in ids)
            s11rs = sum((c10[c][r] - mi[c] * aucs[r]) * (c01[c][s] - ni[c] * aucs[s]) for c in ids)
            s11sr = sum((c10[c][s] - mi[c] * aucs[s]) * (c01[c][r] - ni[c] * aucs[r]) for c in ids)
            f = big_i / (big_i - 1)
            cov[r, s] = (f / big_m * s10) / big_m + (f / big_n * s01) / big_n + f * (s11rs + s11sr) / (big_m * big_n)
    return aucs, cov, big_i


def bca(replicates: np.ndarray, estimate: float, jackknife: np.ndarray, level: float) -> list[float]:
    """Efron 1987's BCa endpoints; z0 counts ties one half."""
    below = np.mean(replicates < estimate) + 0.5 * np.mean(replicates == estimate)
    z0 = ndtri(below)
    d = jackknife.mean() - jackknife
    a = (d ** 3).sum() / (6 * ((d ** 2).sum()) ** 1.5)
    alpha = (1 - level) / 2
    out = []
    for z in (ndtri(alpha), ndtri(1 - alpha)):
        q = ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
        out.append(float(np.percentile(replicates, 100 * q)))
    return out


def interval_cases() -> list[dict]:
    cases = []
    for seed, skew in ((21, 0.0), (22, 0.6), (23, -0.4)):
        rng = np.random.default_rng(seed)
        reps = rng.normal(0.8, 0.03, 2000) + skew * 0.02 * rng.chisquare(3, 2000)
        jack = 0.8 + rng.normal(0, 0.002, 97) + skew * 0.0005 * rng.chisquare(2, 97)
        estimate = 0.8 + skew * 0.01
        for level in (0.95, 0.9):
            cases.append({"replicates": reps.tolist(), "estimate": estimate, "jackknife": jack.tolist(),
                          "level": level,
                          "percentile": np.percentile(reps, [100 * (1 - level) / 2, 100 * (1 + level) / 2]).tolist(),
                          "bca": bca(reps, estimate, jack, level)})
    return cases


# --- the file ------------------------------------------------------------------------------------------


def build() -> dict:
    sets = []
    for d in data_sets():
        y = np.asarray(d["labels"])
        p = np.asarray(d["scores"])
        w = np.asarray(d["weights"], dtype=float)
        prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="uniform")
        fast_aucs, fast_cov, *_ = fast_delong(y, [p, np.asarray(d["scores2"])])
        pair_aucs, pair_cov = delong_pairs(y, [p, np.asarray(d["scores2"])])
        assert np.allclose(fast_aucs, pair_aucs, atol=1e-14) and np.allclose(fast_cov, pair_cov, atol=1e-14)
        ob_aucs, ob_cov, ob_clusters = obuchowski(y, [p, np.asarray(d["scores2"])], d["clusters"])
        expected = {
            "auroc": roc_auc_score(y, p),
            "auroc_weighted": roc_auc_score(y, p, sample_weight=w),
            "average_precision": average_precision_score(y, p),
            "average_precision_weighted": average_precision_score(y, p, sample_weight=w),
            "brier": brier_score_loss(y, p),
            "brier_weighted": brier_score_loss(y, p, sample_weight=w),
            "calibration_curve": {"prob_true": prob_true.tolist(), "prob_pred": prob_pred.tolist()},
            "calibration": calibration_fits(y, p),
            "operating_points": operating_points(y, p),
            "delong": {"auroc": fast_aucs.tolist(), "covariance": fast_cov.tolist()},
            "obuchowski": {"auroc": ob_aucs.tolist(), "covariance": ob_cov.tolist(), "clusters": ob_clusters},
        }
        sets.append({**d, "expected": expected})
    wilson = []
    for x, n, level in ((0, 10, 0.95), (3, 10, 0.95), (10, 10, 0.95), (81, 120, 0.95), (81, 120, 0.9), (1, 1000, 0.99)):
        lo, hi = proportion_confint(x, n, alpha=1 - level, method="wilson")
        wilson.append({"successes": x, "n": n, "level": level, "low": float(lo), "high": float(hi)})
    mcnemar_cases = []
    # Agresti, Categorical Data Analysis (3rd ed., Table 11.1): approval of the president's
    # performance in two surveys of the same 1,600 people; b = 150, c = 86.
    for table in ([[794, 150], [86, 570]], [[10, 3], [9, 20]], [[5, 0], [0, 5]], [[3, 7], [0, 2]]):
        result = mcnemar(np.asarray(table), exact=True)
        mcnemar_cases.append({"table": table, "b": table[0][1], "c": table[1][0], "p_value": float(result.pvalue)})
    holm_p = [0.01, 0.04, 0.03, 0.005, 0.5, 0.04]
    return {
        "generated_by": "model-evaluation/src/test/python/evaluation_reference.py",
        "libraries": {"numpy": np.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__,
                      "statsmodels": statsmodels.__version__},
        "epsilon": EPSILON,
        "thresholds": THRESHOLDS,
        "sensitivity_targets": SENSITIVITY_TARGETS,
        "data_sets": sets,
        "wilson": wilson,
        "mcnemar": mcnemar_cases,
        "holm": {"p": holm_p, "adjusted": multipletests(holm_p, method="holm")[1].tolist()},
        "bootstrap_intervals": interval_cases(),
    }


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else OUTPUT
    out.write_text(json.dumps(build(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv)
