"""Install pip into a venv made with --without-pip, from PyPI, using only the stdlib."""

import json
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as response:
    meta = json.load(response)
wheel = next(f for f in meta["urls"] if f["filename"].endswith(".whl"))
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / wheel["filename"]
    urllib.request.urlretrieve(wheel["url"], path)
    subprocess.run(
        [sys.executable, f"{path}/pip", "install", "--quiet", str(path)], check=True
    )
