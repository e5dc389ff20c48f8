import subprocess
import sys


def test_highs_banner_stays_out_of_standard_output():
    # HiGHS prints its banner once per process, so check in a fresh one.
    code = (
        "from sot.planning.siting import highs\n"
        "highs._quiet_highs(); highs._quiet_highs(); print('done')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "done\n"
    bare = subprocess.run(
        [sys.executable, "-c", "import highspy; highspy.Highs()"],
        capture_output=True,
        text=True,
    )
    assert "HiGHS" in bare.stdout  # the banner this guards against
