"""Side effects on the process (#15 F1, jupyterlab_trail.analysis.side_effects):
seeds, the working folder, folders made, environment variables and global
settings, found through the cell's imports and those of earlier cells."""

import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyterlab_trail.analysis import analyze, analyze_cell  # noqa: E402


def effects_of(code):
    return analyze_cell("c", textwrap.dedent(code))["sideEffects"]


def run(*cells):
    """The side effects of each cell of a run, analysed in order."""
    facts = analyze([{"id": str(i), "code": textwrap.dedent(c)} for i, c in enumerate(cells)])
    return [f["sideEffects"] for f in facts]


def kinds(found):
    return [(e["kind"], e["call"]) for e in found]


def test_seeds_through_aliases_and_from_imports():
    found = effects_of(
        """
        import numpy as np
        import random
        from numpy import random as npr
        from numpy.random import seed
        import torch
        import tensorflow as tf
        np.random.seed(7)
        random.seed(1)
        npr.seed(2)
        seed(3)
        torch.manual_seed(0)
        tf.random.set_seed(4)
        x = np.random.default_rng(0)   # a generator of its own: no global state
        y = np.random.rand(3)           # draws; sets nothing
        """
    )
    assert kinds(found) == [
        ("seed", "np.random.seed"),
        ("seed", "random.seed"),
        ("seed", "npr.seed"),
        ("seed", "seed"),
        ("seed", "torch.manual_seed"),
        ("seed", "tf.random.set_seed"),
    ]
    assert [e["line"] for e in found] == [8, 9, 10, 11, 12, 13]


def test_names_imported_in_earlier_cells():
    first, second, third = run(
        "import numpy as np\nfrom os import chdir, makedirs\nimport os\n",
        "np.random.seed(0)\nchdir('data')\nmakedirs('out/models', exist_ok=True)\n",
        "os.environ['MODE'] = 'fast'\n",
    )
    assert first == []
    assert second == [
        {"kind": "seed", "call": "np.random.seed", "line": 1},
        {"kind": "cwd", "call": "chdir", "line": 2, "path": "data"},
        {"kind": "filesystem", "call": "makedirs", "line": 3, "path": "out/models"},
    ]
    assert third == [{"kind": "environment", "call": "os.environ['MODE']", "line": 1}]


def test_a_name_rebound_since_its_import_is_not_the_module():
    _, second = run("import numpy as np\n", "np = FakeNumpy()\nnp.random.seed(0)\n")
    assert second == []
    # A name bound in an earlier cell is not taken for the module it usually names.
    _, after = run("random = Generator()\n", "random.seed(3)\n")
    assert after == []


def test_conventional_names_when_the_import_was_not_recorded():
    # The import ran before the recording started: np is numpy by convention.
    assert kinds(effects_of("np.random.seed(42)\nplt.rcParams['figure.dpi'] = 100\n")) == [
        ("seed", "np.random.seed"),
        ("settings", "plt.rcParams['figure.dpi']"),
    ]


def test_calls_inside_a_function_count_where_it_is_called_not_defined():
    defining, calling = run(
        """
        import numpy as np
        import random
        def set_seed(s):
            np.random.seed(s)
            random.seed(s)
        later = lambda: np.random.seed(1)
        class Model:
            def reset(self):
                np.random.seed(0)
        """,
        "set_seed(3)\nModel().reset()\n",
    )
    assert defining == []
    assert kinds(calling) == [
        ("seed", "set_seed → np.random.seed"),
        ("seed", "set_seed → random.seed"),
    ]


def test_environment_settings_and_rcparams_assignments():
    found = effects_of(
        """
        import os, sys, warnings
        import pandas as pd
        import matplotlib.pyplot as plt
        import matplotlib as mpl
        import torch
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
        os.environ.update({"A": "1"})
        os.environ.get("HOME")            # a read
        del os.environ["B"]
        sys.path.insert(0, "lib")
        warnings.filterwarnings("ignore")
        pd.set_option("display.max_columns", 50)
        pd.options.display.precision = 3
        plt.rcParams["figure.figsize"] = (4, 3)
        mpl.rcParams.update({"font.size": 9})
        mpl.use("Agg")
        torch.backends.cudnn.deterministic = True
        torch.use_deterministic_algorithms(True)
        df = pd.DataFrame()
        df["x"] = 1                        # not process state
        """
    )
    assert kinds(found) == [
        ("environment", 'os.environ[\'TOKENIZERS_PARALLELISM\']'),
        ("environment", "os.environ.update"),
        ("environment", "os.environ['B']"),
        ("settings", "sys.path.insert"),
        ("settings", "warnings.filterwarnings"),
        ("settings", "pd.set_option"),
        ("settings", "pd.options.display.precision"),
        ("settings", "plt.rcParams['figure.figsize']"),
        ("settings", "mpl.rcParams.update"),
        ("settings", "mpl.use"),
        ("settings", "torch.backends.cudnn.deterministic"),
        ("settings", "torch.use_deterministic_algorithms"),
    ]


def test_folders_made_with_their_literal_path():
    found = effects_of(
        """
        import os
        from pathlib import Path
        os.makedirs("out", exist_ok=True)
        os.mkdir(path="scratch")
        Path("models/v1").mkdir(parents=True, exist_ok=True)
        (Path("reports") / "figs").mkdir(parents=True)
        os.makedirs(os.path.join(root, "x"))
        !mkdir -p data/raw
        """
    )
    assert [(e["kind"], e.get("path")) for e in found] == [
        ("filesystem", "out"),
        ("filesystem", "scratch"),
        ("filesystem", "models/v1"),
        ("filesystem", "reports/figs"),
        ("filesystem", None),
        ("filesystem", "data/raw"),
    ]


def test_side_effects_in_top_level_blocks_count():
    found = effects_of(
        """
        import numpy as np, os
        if not os.path.exists("out"):
            os.makedirs("out")
        for s in (1, 2):
            np.random.seed(s)
        with open("cfg") as f:
            os.chdir(f.read().strip())
        """
    )
    assert kinds(found) == [
        ("filesystem", "os.makedirs"),
        ("seed", "np.random.seed"),
        ("cwd", "os.chdir"),
    ]


def test_cells_without_side_effects_and_unparsable_cells():
    assert effects_of("import numpy as np\nX = np.random.rand(3)\nprint(X.sum())\n") == []
    broken = analyze_cell("c", "def (:\n")
    assert broken["ok"] is False and broken["sideEffects"] == []


def test_cd_and_env_magics_become_python_with_their_side_effects():
    f = analyze_cell("c", "%cd data\n%env MODE=fast\n%env HOME\nrows = 1\n")
    assert f["python"] == (
        "import os\nos.chdir(os.path.expanduser('data'))\n"
        "os.environ['MODE'] = 'fast'\n# trail: dropped: %env HOME\nrows = 1\n"
    )
    assert [(t["magic"], t["action"]) for t in f["translations"]] == [
        ("%cd data", "unwrapped"),
        ("%env MODE=fast", "unwrapped"),
        ("%env HOME", "dropped"),
    ]
    assert f["sideEffects"] == [
        {"kind": "cwd", "call": "os.chdir", "line": 2, "path": "data"},
        {"kind": "environment", "call": "os.environ['MODE']", "line": 3},
    ]
    # The injected import is the translation's, not the cell's.
    assert f["defines"] == ["rows"] and f["imports"] == []
    # A bookmark, the previous folder or options are IPython's own: said, not guessed.
    for code in ("%cd -b project\n", "%cd -\n", "%cd\n"):
        assert analyze_cell("c", code)["translations"][0]["action"] == "untranslated"
