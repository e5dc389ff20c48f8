from sot.planning.siting import highs


def test_highs_banner_stays_out_of_standard_output(capfd):
    h = highs._quiet_highs()
    h.setOptionValue("time_limit", 1.0)
    out, _err = capfd.readouterr()
    assert "HiGHS" not in out
