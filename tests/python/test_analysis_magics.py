"""The magics of #15's cell facts (jupyterlab_trail.analysis): IPython's
transformer reads them, and each becomes plain Python, a requirement, or a
comment that says why it was not translated."""

import ast
import os
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyterlab_trail.analysis import analyze_cell  # noqa: E402


def facts(code, params=()):
    return analyze_cell("c", textwrap.dedent(code), params)


def parses(python):
    ast.parse(python)
    return True


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


@pytest.mark.parametrize(
    "code, action, effects",
    [
        ("%%html\n<b>done</b>\n", "dropped", "display"),
        ("%%capture\nmodel.fit(X)\n", "unwrapped", "state"),
        ("%env DATA_DIR=/data\n", "unwrapped", "state"),
        ("%pip list\n", "dropped", "display"),
        ("%load_ext sql\n", "untranslated", "state"),
    ],
)
def test_more_magics(code, action, effects):
    f = facts(code)
    assert [t["action"] for t in f["translations"]] == [action]
    assert f["effects"] == effects and parses(f["python"]) and "get_ipython" not in f["python"]


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
