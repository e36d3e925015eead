"""The cell facts of #15 (jupyterlab_trail.analysis): names, display-only cells,
logged params and their rewrite, the JSON entry, and the time it takes on a
thousand cells (the magics: test_analysis_magics.py)."""

import ast
import json
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyterlab_trail.analysis import analyze, analyze_cell, rewrite_params  # noqa: E402


def facts(code, params=()):
    return analyze_cell("c", textwrap.dedent(code), params)


def parses(python):
    ast.parse(python)
    return True


# -- defines and uses


def test_assignments_bind_and_read_in_order():
    f = facts(
        """
        a = b + 1
        c, (d, *e) = f(a)
        x = x + 1
        g += 1
        h: int = 3
        k: int
        """
    )
    assert f["defines"] == ["a", "c", "d", "e", "x", "g", "h"]
    assert f["uses"] == ["b", "f", "x", "g"]
    assert f["effects"] == "state"


def test_for_and_with_targets_and_conditional_bindings():
    f = facts(
        """
        for i, row in enumerate(rows):
            total = i
        with open(path) as fh, lock:
            text = fh.read()
        if flag:
            y = 1
        print(y, total, text)
        """
    )
    assert f["defines"] == ["i", "row", "total", "fh", "text", "y"]
    # y and total may not be bound by this cell (branch, empty loop): read from before.
    assert set(f["uses"]) == {"enumerate", "rows", "path", "lock", "flag", "y", "total"} - {"enumerate"}
    assert "text" not in f["uses"] and "fh" not in f["uses"]


def test_comprehension_variables_are_not_cell_defines():
    f = facts(
        """
        squares = [n * n for n in numbers if n > limit]
        pairs = {k: v for k, v in table.items()}
        total = sum(w for w in weights)
        """
    )
    assert f["defines"] == ["squares", "pairs", "total"]
    assert set(f["uses"]) == {"numbers", "limit", "table", "weights"}


def test_def_and_class_bind_their_names_and_read_their_free_globals():
    f = facts(
        """
        def train(data, epochs=default_epochs):
            global trained
            trained = True
            model = make_model(data)
            return [model.fit(x) for x in batches]

        class Scaler(Base):
            factor = scale
            def apply(self, v):
                return v * helper(v) * train
        """
    )
    assert f["defines"] == ["trained", "train", "Scaler"]
    assert set(f["uses"]) == {"default_epochs", "make_model", "batches", "Base", "scale", "helper"}
    # `train` is bound by this very cell: its use inside a method is not from before.
    assert "train" not in f["uses"] and "model" not in f["defines"] and "x" not in f["defines"]


def test_imports_bind_names_and_list_top_level_modules():
    f = facts(
        """
        import numpy as np
        import os.path
        from sklearn.linear_model import LogisticRegression as LR
        from . import local
        def g():
            import scipy.stats
        """
    )
    assert f["defines"] == ["np", "os", "LR", "local", "g"]
    assert f["imports"] == ["numpy", "os", "sklearn", "scipy"]
    assert f["uses"] == []


def test_del_walrus_and_global_statement():
    f = facts(
        """
        global counter
        del stale
        if (n := len(items)) > 3:
            big = n
        z = (w := 2) + w
        """
    )
    assert f["defines"] == ["stale", "n", "big", "w", "z"]
    assert f["uses"] == ["stale", "items"]


def test_a_method_called_on_a_new_object_changes_no_name():
    # The export bench's clustering notebook: the exploratory k-means loop
    # was kept because KMeans(...).fit(X) counted as changing KMeans.
    f = facts(
        """
        km = KMeans(n_clusters=4, random_state=0).fit(X)
        scaled = StandardScaler().fit_transform(frame)
        make_pipeline(StandardScaler(), Ridge()).fit(X, y)
        """
    )
    assert f["defines"] == ["km", "scaled"]
    assert {"KMeans", "StandardScaler", "make_pipeline", "Ridge"} <= set(f["uses"])


def test_mutations_via_method_calls_and_item_or_attribute_assignment():
    f = facts(
        """
        df["ratio"] = df.a / df.b
        config.seed = 3
        model.fit(X_train, y_train)
        plt.plot(history)
        np.random.seed(0)
        results.append(score)
        preds = model.predict(X_test)
        frame.dropna(inplace=True)
        trail.log_metric("acc", acc)
        fitted = [m.fit(X_train) for m in candidates]
        """
    )
    assert f["defines"] == ["preds", "fitted", "df", "config", "model", "plt", "np", "results", "frame"]
    # Reads (predict), trail's logging and comprehension variables change nothing.
    assert "trail" not in f["defines"] and "m" not in f["defines"]
    assert {"df", "model", "X_train", "plt", "np", "results", "frame", "candidates"} <= set(f["uses"])


def test_builtins_and_ipython_names_are_not_uses():
    f = facts("print(len(data), display, get_ipython, __name__)\n")
    assert f["uses"] == ["data"]


# -- display-only cells


@pytest.mark.parametrize(
    "code",
    [
        "print(df.shape)\n",
        "display(df.head(10))\n",
        "df.head()\n",
        "df.describe()\ndf.info()\n",
        "df\n",
        "df.columns\n",
        "df['a']\n",
        "plt.show()\n",
        "print(accuracy_score(y, model.predict(X)))\n",
        "df.isna().sum()\n",
        "f'{score:.3f}'\n",
        "%matplotlib inline\n",
        "df?\n",
        "",
    ],
)
def test_cells_that_only_show_things(code):
    f = facts(code)
    assert f["ok"] and f["effects"] == "display" and f["defines"] == []


@pytest.mark.parametrize(
    "code",
    [
        "x = 1\nprint(x)\n",
        "model.fit(X)\n",
        "plt.plot(x)\n",
        "df.dropna(inplace=True)\n",
        "df.to_csv('out.csv')\n",
        "!ls\n",
        "%foo\n",
        "f(1)\n",
        "print(n := 3)\n",
    ],
)
def test_cells_that_change_state(code):
    assert facts(code)["effects"] == "state"


# -- params


def test_params_with_and_without_a_literal_target():
    f = facts(
        """
        import trail
        lr = 0.01
        epochs: int = 20
        layers = [64, 32]
        batch = compute_batch()
        trail.log_param("lr", lr)
        trail.log_params({"epochs": epochs, "batch": batch, "seed": 7, "layers": layers})
        trail.log_params(dict(dropout=lr))
        """
    )
    assert f["params"] == [
        {"name": "lr", "target": "lr"},
        {"name": "epochs", "target": "epochs"},
        {"name": "batch"},
        {"name": "seed"},
        {"name": "layers", "target": "layers"},
        {"name": "dropout", "target": "lr"},
    ]


def test_a_param_whose_name_was_rebound_has_no_target():
    f = facts("lr = 0.1\nlr = lr / 2\nlog_param('lr', lr)\n")
    assert f["params"] == [{"name": "lr"}]


def test_params_of_a_dict_the_analysis_cannot_read_come_from_the_run():
    f = facts("alpha = 0.5\nbeta = 2\ntrail.log_params(config())\n", params=["alpha", "gamma"])
    assert f["params"] == [{"name": "alpha", "target": "alpha"}]


def test_rewrite_params_keeps_everything_else_byte_identical():
    python = (
        "# Training settings\n"
        "lr   =   0.001  # tuned by hand\n"
        "épochs = (\n    30\n)\n"
        "name = 'ünïcode'; seed = -7\n"
        "trail.log_params({'lr': lr, 'epochs': épochs, 'seed': seed})\n"
        "lr = 0.5  # after logging: left alone\n"
    )
    out = rewrite_params(python, {"lr": "lr", "epochs": "épochs", "seed": "seed"})
    assert out == (
        "# Training settings\n"
        'lr   =   PARAMS["lr"]  # tuned by hand\n'
        'épochs = (\n    PARAMS["epochs"]\n)\n'
        "name = 'ünïcode'; seed = PARAMS[\"seed\"]\n"
        "trail.log_params({'lr': lr, 'epochs': épochs, 'seed': seed})\n"
        "lr = 0.5  # after logging: left alone\n"
    )
    # A target that is not the logged literal is not touched.
    assert rewrite_params(python, {"lr": "name"}) == python


# -- the JSON entry and the whole


def _run(request):
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_trail.analysis"],
        input=json.dumps(request).encode(),
        capture_output=True,
        cwd=ROOT,
    )


def test_json_entry_answers_facts_and_rewrites():
    done = _run({"cells": [{"id": "e1", "code": "%pip install pandas\nimport pandas as pd\n"}], "params": []})
    assert done.returncode == 0, done.stderr
    (cell,) = json.loads(done.stdout)["cells"]
    assert cell["id"] == "e1" and cell["requirements"] == ["pandas"] and cell["imports"] == ["pandas"]
    done = _run({"rewrite": {"python": "lr = 0.1\nlog_param('lr', lr)\n", "params": {"lr": "lr"}}})
    assert json.loads(done.stdout) == {"python": 'lr = PARAMS["lr"]\nlog_param(\'lr\', lr)\n'}


def test_json_entry_refuses_bad_input_precisely():
    done = _run({"cells": [{"id": 3, "code": "x"}]})
    assert done.returncode == 2 and done.stdout == b""
    assert b"cells[0] must have a string id and code" in done.stderr


TYPICAL = [
    "import pandas as pd\nimport numpy as np\nfrom sklearn.model_selection import train_test_split\n",
    "%matplotlib inline\nimport matplotlib.pyplot as plt\n",
    "df = pd.read_csv('data/train.csv')\ndf['ratio'] = df['a'] / (df['b'] + 1)\ndf.head()\n",
    "features = [c for c in df.columns if c not in ('target', 'id')]\nX = df[features].fillna(0)\ny = df['target']\n",
    "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)\n",
    "lr = 0.05\nepochs = 30\ntrail.log_params({'lr': lr, 'epochs': epochs})\n",
    "def train(X, y, lr=lr):\n    model = make_model(lr)\n    for epoch in range(epochs):\n        model.fit(X, y)\n    return model\n",
    "%%time\nmodel = train(X_train, y_train)\nacc = model.score(X_test, y_test)\ntrail.log_metric('acc', acc)\n",
    "!mkdir -p out\nimport joblib\njoblib.dump(model, 'out/model.pkl')\n",
    "plt.plot(df['ratio'])\nplt.savefig('out/ratio.png')\nplt.show()\n",
]


def test_a_thousand_typical_cells_take_under_two_seconds():
    cells = [{"id": str(i), "code": TYPICAL[i % len(TYPICAL)]} for i in range(1000)]
    # CPU time of the child (the machine is shared: wall time varies with load).
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = _run({"cells": cells, "params": ["lr", "epochs"]})
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)["cells"]
    assert len(answer) == 1000 and all(c["ok"] for c in answer)
    assert sum(1 for c in answer if c["translations"]) == 300  # the magics went through IPython
    print("analysis of 1,000 cells, process start included: %.2f s CPU, %.2f s wall" % (cpu, elapsed))
    assert cpu < 2.0


def test_analyze_keeps_order_and_ids():
    result = analyze([{"id": "a", "code": "x = 1"}, {"id": "b", "code": "y = x"}])
    assert [(c["id"], c["defines"], c["uses"]) for c in result] == [("a", ["x"], []), ("b", ["y"], ["x"])]


def test_try_match_and_the_name_get_ipython():
    f = facts(
        """
        try:
            data = load()
        except OSError as err:
            data = None
        match command:
            case ["go", direction]:
                moved = direction
            case {"speed": speed, **rest}:
                moved = speed
        ip = get_ipython
        """
    )
    assert set(f["defines"]) == {"data", "err", "direction", "moved", "speed", "rest", "ip"}
    assert set(f["uses"]) == {"load", "command"}
    assert f["python"].endswith("ip = get_ipython\n") and f["translations"] == []


@pytest.mark.parametrize(
    "code",
    [
        "customers['churned'].mean().round(4)\n",
        "sorted(a.owner for a in accounts)\n",
        "{a.owner: round(a.balance * 1.02, 2) for a in accounts}\n",
        "{}\n",
        "x if flag else {'a': y, **z}\n",
        "pd.Series(coef, index=names).sort_values()\n",
        "datetime.now()\n",
    ],
)
def test_expressions_that_answer_a_value_only_show_it(code):
    f = facts(code)
    assert f["effects"] == "display" and f["defines"] == []


def test_new_objects_from_modules_do_not_change_the_module_but_random_draws_do():
    f = facts("coef = pd.Series(w).sort_values()\nnoise = np.random.normal(size=3)\nrng.shuffle(items)\n")
    assert f["defines"] == ["coef", "noise", "np", "rng"]
