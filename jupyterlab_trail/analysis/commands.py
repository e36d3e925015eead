"""Shell commands of a cell (``!cmd``, ``%%bash``, ``%pip``) as plain Python:
the command as a Python string expression (IPython expands ``$name`` and
``{expr}`` in commands from the namespace: an f-string does the same), and
the requirements of a ``pip install``."""

import ast
import re
import shlex

# `$name` (a Python variable, as IPython expands it); `$$` is a literal `$`.
# `${VAR}` and an all-capitals `$VAR` are left to the shell: IPython leaves a
# command unexpanded when a name is missing, which is what usually happens to
# environment variables, and the script should do the same.
_DOLLAR = re.compile(r"\$\$|\$\{[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)")

# pip options that take a value (the value is not a requirement).
_PIP_VALUE_OPTIONS = {
    "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
    "-t", "--target", "--prefix", "--root", "--src", "--upgrade-strategy", "--progress-bar",
    "--platform", "--python-version", "--implementation", "--abi", "--no-binary",
    "--only-binary", "--trusted-host", "--cache-dir", "--log", "--proxy", "--timeout",
    "--retries", "--exists-action", "--cert", "--client-cert", "--global-option",
    "--config-settings", "-C", "--python",
}


def command_expression(command):
    """A Python expression for ``command`` with IPython's variable expansion
    (``$name``, ``{expr}``) kept as an f-string; a plain string literal when
    there is nothing to expand or the expansion is not valid Python."""
    if "$" not in command and "{" not in command:
        return repr(command)

    def dollar(match):
        text = match.group(0)
        if text == "$$":
            return "$"
        name = match.group(1)
        if name is None or name.isupper():
            # Shell variables: literal, braces escaped for the f-string.
            return text.replace("{", "{{").replace("}", "}}")
        return "{" + name + "}"

    converted = _DOLLAR.sub(dollar, command)
    if "{" not in converted:
        return repr(converted)
    literal = "f" + repr(converted)
    try:
        ast.parse(literal, mode="eval")
    except SyntaxError:
        return repr(command)
    return literal


def pip_install(words):
    """The requirements of pip arguments after ``install``, and notes on what
    could not become a requirement (``-r file``, ``-e path``, variables)."""
    requirements = []
    problems = []
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word in ("-r", "--requirement"):
            problems.append("requirements file %s" % (words[i + 1] if i + 1 < len(words) else "?"))
            skip = True
        elif word in ("-e", "--editable"):
            problems.append("editable install %s" % (words[i + 1] if i + 1 < len(words) else "?"))
            skip = True
        elif word in _PIP_VALUE_OPTIONS:
            skip = True
        elif word.startswith("-"):
            if word.startswith(("--requirement=", "--editable=")):
                problems.append(word)
            continue
        elif "$" in word or "{" in word:
            problems.append("a variable in %s" % word)
        else:
            requirements.append(word)
    return requirements, problems


def pip_command(command):
    """The pip arguments after ``install`` when ``command`` is a pip install
    (``pip install``, ``pip3 install``, ``python -m pip install``,
    ``{sys.executable} -m pip install``); ``None`` for other commands."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if len(words) >= 2 and words[0] in ("pip", "pip3") and words[1] == "install":
        return words[2:]
    if (
        len(words) >= 4
        and (words[0].startswith("python") or "executable" in words[0])
        and words[1:4] == ["-m", "pip", "install"]
    ):
        return words[4:]
    return None
