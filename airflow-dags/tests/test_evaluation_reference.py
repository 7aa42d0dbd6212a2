"""The reference values model-evaluation's Java tests hold its statistics against are still what
scikit-learn, statsmodels and scipy (pinned in requirements.lock) compute on the same data.

``model-evaluation/src/test/python/evaluation_reference.py`` made
``model-evaluation/src/test/resources/carelake/evaluation/reference/metrics.json``; this test runs its
``build()`` again and compares: data sets exactly, every number to 1e-12. A library upgrade that
changes a value, or a hand edit of the file, fails here.
"""

from __future__ import annotations

import importlib.util
import json
import math

from conftest import REPO

SCRIPT = REPO / "model-evaluation" / "src" / "test" / "python" / "evaluation_reference.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("evaluation_reference", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compare(stored, fresh, path="$"):
    if isinstance(fresh, dict):
        assert isinstance(stored, dict) and stored.keys() == fresh.keys(), path
        for key in fresh:
            _compare(stored[key], fresh[key], f"{path}.{key}")
    elif isinstance(fresh, list):
        assert isinstance(stored, list) and len(stored) == len(fresh), path
        for i, (a, b) in enumerate(zip(stored, fresh)):
            _compare(a, b, f"{path}[{i}]")
    elif isinstance(fresh, float):
        assert math.isclose(stored, fresh, rel_tol=1e-12, abs_tol=1e-12), f"{path}: {stored} != {fresh}"
    else:
        assert stored == fresh, f"{path}: {stored!r} != {fresh!r}"


def test_stored_reference_values_are_what_the_libraries_compute():
    module = _load_script()
    stored = json.loads(module.OUTPUT.read_text(encoding="utf-8"))
    fresh = json.loads(json.dumps(module.build()))
    _compare(stored, fresh)


def test_the_references_cover_every_statistic_the_java_tests_check():
    stored = json.loads(_load_script().OUTPUT.read_text(encoding="utf-8"))
    expected = stored["data_sets"][0]["expected"]
    assert {"auroc", "average_precision", "brier", "calibration_curve", "calibration", "operating_points",
            "delong", "obuchowski"} <= expected.keys()
    assert {"wilson", "mcnemar", "holm", "bootstrap_intervals"} <= stored.keys()
    # Agresti's worked example is among the McNemar cases
    assert any(c["b"] == 150 and c["c"] == 86 for c in stored["mcnemar"])


def test_the_independent_delong_implementations_agree():
    """Sun & Xu's mid-rank algorithm and DeLong's pairwise structural components give the same
    covariance; Obuchowski's clustered variance with one row per cluster is DeLong's up to the
    divisors I/(I-1)/M versus 1/(M-1)."""
    import numpy as np

    module = _load_script()
    y = np.array([1, 1, 0, 0, 0])
    s = np.array([0.8, 0.4, 0.6, 0.4, 0.2])
    aucs, cov, *_ = module.fast_delong(y, [s])
    # hand-worked: pairs 1+1+1 + 0+½+1 = 4.5 of 6; V10 = (1, ½), V01 = (½, ¾, 1);
    # Var = (1/8)/2 + (1/16)/3 = 1/12
    assert aucs[0] == 0.75 and math.isclose(cov[0, 0], 1 / 12, rel_tol=1e-14)
    pair_aucs, pair_cov = module.delong_pairs(y, [s])
    assert np.allclose(pair_cov, cov, atol=1e-15)
    ob_aucs, ob_cov, clusters = module.obuchowski(y, [s], [1, 2, 3, 4, 5])
    m, n, i = 2, 3, 5
    v10 = np.array([1.0, 0.5]) - 0.75
    v01 = np.array([0.5, 0.75, 1.0]) - 0.75
    expected = i / (i - 1) * ((v10 ** 2).sum() / m / m + (v01 ** 2).sum() / n / n)
    assert clusters == 5 and math.isclose(ob_cov[0, 0], expected, rel_tol=1e-14)
