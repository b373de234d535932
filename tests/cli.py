"""Run the `labinov` console script as a user does, in a subprocess."""

import subprocess
import sys
from pathlib import Path

LABINOV = Path(sys.executable).with_name("labinov")


def run(*args, env, check=True, timeout=120):
    result = subprocess.run(
        [str(LABINOV), *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result
