"""The README's Python example runs as printed (taken from README.md at test time)."""

import os
import re
from pathlib import Path

from conftest import run_python


def test_readme_python_example_runs(tmp_path):
    readme = Path(os.environ["PJ_SOURCE_DIR"], "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(blocks) == 1 and len(blocks[0].strip().splitlines()) == 5
    code = f"import os; os.chdir({str(tmp_path)!r})\n" + blocks[0]
    r = run_python(code)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "2 True You are a sentiment classifier.\n"
    assert (tmp_path / "sessions" / "demo" / "events.jsonl").is_file()
