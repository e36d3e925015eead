"""jupyterlab_trail.content_compare: two files compared by what they hold
(for a verification whose file hash differs). Real files written by real
libraries (pickle, joblib, numpy, pandas, scikit-learn), some in separate
processes as a pipeline and its recording would write them."""

import hashlib
import json
import pickle
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jupyterlab_trail.content_compare import compare
from jupyterlab_trail.content_compare.walk import Walk

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "jupyterlab_trail"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path, value) -> Path:
    with open(path, "wb") as stream:
        pickle.dump(value, stream)
    return path


def test_equal_pickles_are_the_same(tmp_path):
    value = {"weights": np.arange(6.0).reshape(2, 3), "names": ["a", "b"], "meta": types.SimpleNamespace(k=3)}
    a = dump(tmp_path / "a.pkl", value)
    b = dump(tmp_path / "b.pkl", value)
    answer = compare(str(a), str(b))
    assert answer == {"comparable": True, "same": True, "format": "pickle", "differences": [], "count": 0, "complete": True}


def test_a_different_pickle_names_where_it_differs(tmp_path):
    model = lambda bias: {"steps": [("scale", types.SimpleNamespace(mean=1.5, bias=bias)), ("fit", None)]}  # noqa: E731
    a = dump(tmp_path / "a.pickle", model(0.25))
    b = dump(tmp_path / "b.pickle", model(0.5))
    answer = compare(str(a), str(b))
    assert answer["comparable"] is True and answer["same"] is False
    assert answer["differences"] == [{"path": "['steps'][0][1].bias", "recorded": "0.25", "reproduced": "0.5"}]
    # Within a tolerance: the same.
    assert compare(str(a), str(b), tolerance=0.3)["same"] is True
    # A missing key and a longer list are named too.
    c = dump(tmp_path / "c.pkl", {"steps": [1, 2, 3], "extra": True})
    d = dump(tmp_path / "d.pkl", {"steps": [1, 2]})
    paths = [d["path"] for d in compare(str(c), str(d))["differences"]]
    assert paths == ["len(['steps'])", "['extra']"]


def test_at_most_ten_differences_are_listed_and_all_counted(tmp_path):
    a = dump(tmp_path / "a.pkl", list(range(30)))
    b = dump(tmp_path / "b.pkl", [i + 1 for i in range(30)])
    answer = compare(str(a), str(b))
    assert len(answer["differences"]) == 10 and answer["count"] == 30
    assert answer["differences"][0] == {"path": "[0]", "recorded": "0", "reproduced": "1"}


def test_cycles_are_walked_once(tmp_path):
    def cyclic(value):
        node = types.SimpleNamespace(value=value)
        node.self = node
        ring = [node]
        ring.append(ring)
        return {"ring": ring, "node": node}

    assert compare(str(dump(tmp_path / "a.pkl", cyclic(1))), str(dump(tmp_path / "b.pkl", cyclic(1))))["same"]
    answer = compare(str(dump(tmp_path / "c.pkl", cyclic(1))), str(dump(tmp_path / "d.pkl", cyclic(2))))
    assert answer["same"] is False and answer["count"] == 1
    assert answer["differences"][0]["path"] == "['ring'][0].value"


def test_numpy_arrays_exactly_and_within_a_tolerance(tmp_path):
    base = np.linspace(0, 1, 50).reshape(5, 10)
    nudged = base.copy()
    nudged[3, 7] += 1e-9
    np.save(tmp_path / "a.npy", base)
    np.save(tmp_path / "b.npy", nudged)
    exact = compare(str(tmp_path / "a.npy"), str(tmp_path / "b.npy"))
    assert exact["same"] is False
    assert exact["differences"][0]["path"] == "[3, 7]"
    assert exact["differences"][0]["note"].startswith("1 of 50 elements differ (largest difference 1e-09")
    assert compare(str(tmp_path / "a.npy"), str(tmp_path / "b.npy"), tolerance=1e-6)["same"] is True
    # NaN is the same as NaN; a shape is named.
    np.save(tmp_path / "n1.npy", np.array([1.0, np.nan]))
    np.save(tmp_path / "n2.npy", np.array([1.0, np.nan]))
    assert compare(str(tmp_path / "n1.npy"), str(tmp_path / "n2.npy"))["same"] is True
    np.save(tmp_path / "s.npy", np.zeros(3))
    assert compare(str(tmp_path / "n1.npy"), str(tmp_path / "s.npy"))["differences"][0]["path"] == "shape"
    # .npz: by array name.
    np.savez(tmp_path / "a.npz", w=base, b=np.arange(3))
    np.savez(tmp_path / "b.npz", w=base, b=np.array([0, 1, 5]))
    answer = compare(str(tmp_path / "a.npz"), str(tmp_path / "b.npz"))
    assert [d["path"] for d in answer["differences"]] == ["['b'][2]"]


def test_csv_frames_cell_by_cell(tmp_path):
    frame = pd.DataFrame({"region": ["n", "s", "e"], "price": [1.5, 2.25, 3.0]})
    frame.to_csv(tmp_path / "a.csv", index=False)
    # Written differently (float formatting), the same numbers: the same content.
    (tmp_path / "b.csv").write_text("region,price\nn,1.50\ns,2.250\ne,3\n")
    assert sha(tmp_path / "a.csv") != sha(tmp_path / "b.csv")
    assert compare(str(tmp_path / "a.csv"), str(tmp_path / "b.csv"))["same"] is True
    (tmp_path / "c.csv").write_text("region,price\nn,1.5\ns,2.2500001\ne,3.0\n")
    answer = compare(str(tmp_path / "a.csv"), str(tmp_path / "c.csv"))
    assert answer["same"] is False
    assert answer["differences"][0]["path"] == "['price'][1]"
    assert compare(str(tmp_path / "a.csv"), str(tmp_path / "c.csv"), tolerance=1e-6)["same"] is True
    (tmp_path / "d.tsv").write_text("region\tprice\nn\t1.5\nw\t2.25\ne\t3.0\n")
    (tmp_path / "e.tsv").write_text("region\tprice\nn\t1.5\ns\t2.25\ne\t3.0\n")
    answer = compare(str(tmp_path / "d.tsv"), str(tmp_path / "e.tsv"))
    assert answer["differences"] == [{"path": "['region'][1]", "recorded": "'w'", "reproduced": "'s'"}]


def test_parquet_frames(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, 0.75]})
    frame.to_parquet(tmp_path / "a.parquet")
    frame.assign(b=[0.5, 0.8]).to_parquet(tmp_path / "b.parquet")
    assert compare(str(tmp_path / "a.parquet"), str(tmp_path / "a.parquet"))["same"] is True
    answer = compare(str(tmp_path / "a.parquet"), str(tmp_path / "b.parquet"))
    assert [d["path"] for d in answer["differences"]] == ["['b'][1]"]


def test_json_documents_with_a_tolerance(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"acc": 0.91, "labels": ["x", "y"], "n": 3}, indent=2))
    (tmp_path / "b.json").write_text(json.dumps({"n": 3, "labels": ["x", "y"], "acc": 0.9100000001}))
    exact = compare(str(tmp_path / "a.json"), str(tmp_path / "b.json"))
    assert exact["differences"] == [{"path": "['acc']", "recorded": "0.91", "reproduced": "0.9100000001"}]
    assert compare(str(tmp_path / "a.json"), str(tmp_path / "b.json"), tolerance=1e-6)["same"] is True


SKLEARN_MODEL = """
import pickle, sys
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
model = make_pipeline(CountVectorizer(stop_words="english"), LogisticRegression())
model.fit(["a good movie", "a bad movie", "great fun", "an awful bore"], [1, 0, 1, 0])
with open(sys.argv[1], "wb") as f:
    pickle.dump(model, f)
"""


def test_the_same_fitted_vectorizer_from_two_processes_differs_only_in_its_id(tmp_path):
    pytest.importorskip("sklearn")
    for name in ("recorded.pkl", "reproduced.pkl"):
        subprocess.run([sys.executable, "-c", SKLEARN_MODEL, str(tmp_path / name)], check=True)
    assert sha(tmp_path / "recorded.pkl") != sha(tmp_path / "reproduced.pkl")
    answer = compare(str(tmp_path / "recorded.pkl"), str(tmp_path / "reproduced.pkl"))
    assert answer["comparable"] is True and answer["same"] is False and answer["complete"] is True
    assert [d["path"] for d in answer["differences"]] == ["steps[0][1]._stop_words_id"]
    assert answer["differences"][0]["recorded"].isdigit()
    assert answer["differences"][0]["reproduced"].isdigit()


NOTEBOOK_CLASS = """
import pickle, sys
class Model:
    def __init__(self, w):
        self.w = w
        self.table = {"k": [w, w * 2]}
with open(sys.argv[1], "wb") as f:
    pickle.dump(Model(float(sys.argv[2])), f)
"""


def test_a_class_defined_in_the_notebook_is_compared_by_its_pickled_state(tmp_path):
    for name, w in (("a.pkl", "1.5"), ("b.pkl", "1.5"), ("c.pkl", "2.5")):
        subprocess.run([sys.executable, "-c", NOTEBOOK_CLASS, str(tmp_path / name), w], check=True)
    same = compare(str(tmp_path / "a.pkl"), str(tmp_path / "b.pkl"))
    assert same["same"] is True
    assert same["notes"] == ["not importable here, compared by their pickled state: __main__.Model"]
    answer = compare(str(tmp_path / "a.pkl"), str(tmp_path / "c.pkl"))
    assert [d["path"] for d in answer["differences"]] == ["w", "table['k'][0]", "table['k'][1]"]


def test_what_cannot_be_compared_says_why(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    answer = compare(str(tmp_path / "a.png"), str(tmp_path / "a.png"))
    assert answer["comparable"] is False and answer["reason"] == "no content comparison for .png"
    (tmp_path / "bad.pkl").write_bytes(b"not a pickle")
    answer = compare(str(tmp_path / "bad.pkl"), str(tmp_path / "bad.pkl"))
    assert answer["comparable"] is False and answer["reason"].startswith("cannot load bad.pkl: ")
    # Out of time before any difference: nothing can be said.
    big = dump(tmp_path / "big.pkl", [[i] for i in range(1000)])
    answer = compare(str(big), str(big), timeout=0)
    assert answer["comparable"] is False and answer["complete"] is False
    assert answer["reason"] == "the comparison took longer than 0 s"


def test_it_runs_isolated_from_a_folder_holding_only_the_package_and_prints_json(tmp_path):
    # As the verification runs it: python -I, the package linked into an empty folder.
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "jupyterlab_trail").symlink_to(PACKAGE)
    a = dump(tmp_path / "a.pkl", {"x": 1.0})
    b = dump(tmp_path / "b.pkl", {"x": 1.05})
    code = f"import sys; sys.path.insert(0, {str(shim)!r}); import runpy; runpy.run_module('jupyterlab_trail.content_compare', run_name='__main__')"
    run = subprocess.run([sys.executable, "-I", "-c", code, str(a), str(b), "--tolerance", "0.1"],
                         capture_output=True, text=True, check=True)
    assert json.loads(run.stdout)["same"] is True
    bad = subprocess.run([sys.executable, "-I", "-c", code, str(a), str(b), "--tolerance", "-1"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--tolerance must be a number >= 0" in bad.stderr


class _FreshState:
    """Pickles as a state made anew at each call (as scikit-learn's __getstate__ does)."""

    def __init__(self, items):
        self.items = items

    def __getstate__(self):
        return {"items": list(self.items)}

    def __setstate__(self, state):
        self.items = state["items"]


def test_states_made_anew_are_all_compared(tmp_path):
    # Each object's state is a new list, freed once walked: its id must not
    # make a later state look already compared.
    a = [_FreshState([i, [i]]) for i in range(200)]
    b = [_FreshState([i, [i]]) for i in range(200)]
    b[150].items[1] = [-1]
    walk = Walk()
    walk.walk(a, b)
    assert [d["path"] for d in walk.differences] == ["[150].items[1][0]"]
