"""The cell facts of #15 (jupyterlab_trail.analysis): names, display-only cells,
magics as plain Python, logged params and their rewrite, the JSON entry, and
the time it takes on a thousand cells."""

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


# -- magics


def test_pip_install_becomes_requirements():
    f = facts(
        """
        %pip install -q scikit-learn==1.5.0 "pandas>=2" --upgrade
        !pip install matplotlib
        !{sys.executable} -m pip install seaborn
        import pandas as pd
        """
    )
    assert f["requirements"] == ["scikit-learn==1.5.0", "pandas>=2", "matplotlib", "seaborn"]
    assert [t["action"] for t in f["translations"]] == ["requirement"] * 3
    assert [t["line"] for t in f["translations"]] == [2, 3, 4]
    assert f["translations"][0]["magic"] == '%pip install -q scikit-learn==1.5.0 "pandas>=2" --upgrade'
    assert "pip" not in f["python"].replace("# trail", "#").split("#")[0]
    assert "get_ipython" not in f["python"] and parses(f["python"])
    assert f["python"].splitlines()[-1] == "import pandas as pd"


def test_pip_install_from_a_requirements_file_is_reported():
    f = facts("%pip install -r requirements.txt\n")
    assert f["requirements"] == []
    assert f["translations"][0]["action"] == "untranslated"
    assert "requirements file requirements.txt" in f["translations"][0]["reason"]
    assert "# trail: not translated (pip install with requirements file requirements.txt): %pip" in f["python"]


def test_shell_commands_become_subprocess_runs():
    f = facts(
        """
        !ls -la data
        !wc -l $path {name.upper()} $HOME
        listing = !ls *.csv
        """
    )
    lines = f["python"].splitlines()
    assert lines[0] == "import subprocess"  # once, at the top level
    assert lines[1] == "subprocess.run('ls -la data', shell=True, check=True)"
    assert lines[2] == "subprocess.run(f'wc -l {path} {name.upper()} $HOME', shell=True, check=True)"
    assert lines[3] == (
        "listing = subprocess.run('ls *.csv', shell=True, check=True, capture_output=True, text=True)"
        ".stdout.splitlines()"
    )
    assert [t["action"] for t in f["translations"]] == ["subprocess"] * 3
    assert set(f["uses"]) == {"path", "name"}
    assert f["defines"] == ["listing"] and f["imports"] == []
    assert f["effects"] == "state"


def test_shell_command_inside_a_block_keeps_the_block():
    f = facts("for i in range(3):\n    !echo {i}\n")
    assert f["python"] == (
        "for i in range(3):\n    import subprocess\n    subprocess.run(f'echo {i}', shell=True, check=True)\n"
    )
    assert f["translations"] == [{"line": 2, "magic": "!echo {i}", "action": "subprocess"}]


def test_session_magics_are_dropped():
    f = facts(
        """
        %matplotlib inline
        %load_ext autoreload
        %autoreload 2
        import numpy as np
        """
    )
    assert [t["action"] for t in f["translations"]] == ["dropped"] * 3
    assert [t["magic"] for t in f["translations"]] == ["%matplotlib inline", "%load_ext autoreload", "%autoreload 2"]
    assert f["python"].rstrip().endswith("import numpy as np") and parses(f["python"])
    assert f["defines"] == ["np"]


def test_dropped_magic_alone_in_a_block_leaves_a_pass():
    f = facts("if interactive:\n    %matplotlib inline\nx = 1\n")
    assert f["python"] == "if interactive:\n    pass  # trail: dropped: %matplotlib inline\nx = 1\n"


def test_time_and_timeit_are_unwrapped():
    f = facts("%time model = train(X)\n%timeit -n 10 -r 3 score(model)\nresult = %time evaluate(model)\n")
    assert f["python"] == "model = train(X)\nscore(model)\nresult = evaluate(model)\n"
    assert [t["action"] for t in f["translations"]] == ["unwrapped"] * 3
    assert f["translations"][1]["reason"] == "runs once"
    assert f["defines"] == ["model", "result"]
    assert set(f["uses"]) == {"train", "X", "score", "evaluate"}


def test_time_cell_magic_is_unwrapped_with_its_own_magics():
    f = facts("%%time\nmodel = train(X)\n!touch done.flag\nacc = model.score(X, y)\n")
    assert f["python"] == (
        "model = train(X)\nimport subprocess\nsubprocess.run('touch done.flag', shell=True, check=True)\n"
        "acc = model.score(X, y)\n"
    )
    assert f["translations"] == [
        {"line": 1, "magic": "%%time", "action": "unwrapped"},
        {"line": 3, "magic": "!touch done.flag", "action": "subprocess"},
    ]
    assert f["defines"] == ["model", "acc"]


def test_bash_cell_runs_its_script():
    f = facts("%%bash\nmkdir -p out\necho $HOME > out/home.txt\n")
    ns = {}
    assert f["translations"] == [{"line": 1, "magic": "%%bash", "action": "subprocess"}]
    assert f["python"].startswith("import subprocess\nsubprocess.run(['bash'], input=")
    tree = ast.parse(f["python"])
    call = tree.body[1].value
    assert ast.literal_eval(call.keywords[0].value) == "mkdir -p out\necho $HOME > out/home.txt\n"
    assert ns == {} and f["effects"] == "state"


def test_writefile_cell_writes_the_file(tmp_path):
    f = facts("%%writefile -a notes/run.txt\nline one\nline {two}\n")
    assert f["translations"] == [
        {"line": 1, "magic": "%%writefile -a notes/run.txt", "action": "unwrapped", "reason": "written with open()"}
    ]
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "run.txt").write_text("before\n")
    code = compile(f["python"], "cell", "exec")
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(code, {})
    finally:
        os.chdir(cwd)
    assert (tmp_path / "notes" / "run.txt").read_text() == "before\nline one\nline {two}\n"
    assert f["defines"] == []


def test_unknown_magics_stay_as_comments_with_the_reason():
    f = facts("x = 1\n%store x\n%%sql\nSELECT 1\n".replace("%%sql\nSELECT 1\n", ""))
    assert f["python"] == "x = 1\n# trail: not translated (IPython magic %store): %store x\n"
    assert f["translations"] == [
        {"line": 2, "magic": "%store x", "action": "untranslated", "reason": "IPython magic %store"}
    ]
    cell = facts("%%sql sqlite://\nSELECT *\nFROM t\n")
    assert cell["python"] == (
        "# trail: not translated (cell magic %%sql): %%sql sqlite://\n# SELECT *\n# FROM t\n"
    )
    assert cell["translations"][0]["action"] == "untranslated" and cell["effects"] == "state"


def test_continued_magic_lines_keep_the_lines_after_them():
    f = facts("%pip install pandas \\\n    numpy\n!ls\nx = 1\n")
    assert f["requirements"] == ["pandas", "numpy"]
    assert [t["line"] for t in f["translations"]] == [1, 3]
    assert f["python"].endswith("x = 1\n")


def test_a_cell_that_does_not_parse():
    f = facts("x = 1\n%time y = 2\ndef broken(:\n    pass\n")
    assert f["ok"] is False
    assert f["error"].startswith("SyntaxError: ") and f["error"].endswith("(line 3)")
    assert f["defines"] == [] and f["python"] == "x = 1\n%time y = 2\ndef broken(:\n    pass\n"


def test_plain_python_is_kept_byte_for_byte():
    code = "x = 1   # spaced\n\n\ny = [\n  x,\n]\n"
    assert facts(code)["python"] == code


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
    "code, action, effects",
    [
        ("%%html\n<b>done</b>\n", "dropped", "display"),
        ("%%capture\nmodel.fit(X)\n", "unwrapped", "state"),
        ("%env DATA_DIR=/data\n", "untranslated", "state"),
        ("%pip list\n", "dropped", "display"),
        ("%load_ext sql\n", "untranslated", "state"),
    ],
)
def test_more_magics(code, action, effects):
    f = facts(code)
    assert [t["action"] for t in f["translations"]] == [action]
    assert f["effects"] == effects and parses(f["python"]) and "get_ipython" not in f["python"]


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


def test_continued_magic_and_windows_line_ends():
    f = facts("%pip install a \\\n  b\nimport a\n")
    assert f["python"] == "# trail: requirement: %pip install a \\\n# b\nimport a\n"
    assert f["translations"][0]["magic"] == "%pip install a \\\nb"
    f = facts("x = 1\r\n!ls\r\ny = 2\r\n")
    assert f["python"] == "x = 1\r\nimport subprocess\r\nsubprocess.run('ls', shell=True, check=True)\r\ny = 2\r\n"


def test_get_ipython_in_a_block_header_is_reported_and_kept():
    code = "if get_ipython() is not None:\n    %matplotlib inline\n    interactive = True\n"
    f = facts(code)
    assert f["translations"] == [
        {
            "line": 1,
            "magic": "if get_ipython() is not None:",
            "action": "untranslated",
            "reason": "get_ipython() in a block's header, kept as it is",
        },
        {"line": 2, "magic": "%matplotlib inline", "action": "dropped"},
    ]
    assert f["python"] == (
        "if get_ipython() is not None:\n    # trail: dropped: %matplotlib inline\n    interactive = True\n"
    )
    assert f["effects"] == "state"
