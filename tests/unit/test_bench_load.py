"""The bench's load client: percentiles, error counting, loopback only, one real round trip."""

from __future__ import annotations

import pytest

from bench.load import Sample, Seen, Target, fixed_time, gateway_target, percentile, sequential, stats
from tests.harness import json_server


def test_percentile_interpolates():
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([5], 95) == 5
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)


def test_stats_counts_non_2xx_and_unusable_answers_as_errors():
    samples = [Sample(0, 10, 200, "a", True), Sample(0, 20, 503, "a", False),
               Sample(0, 30, -200, "a", False), Sample(0, 40, 0, "a", False)]
    st = stats(samples)
    assert (st.n, st.errors, st.p50) == (4, 3, 10)
    assert st.statuses == {"200": 1, "503": 1, "-200": 1, "0": 1}


@pytest.mark.parametrize("url", ["http://10.0.0.1:8000", "http://192.168.1.2/", "http://example.org/"])
def test_targets_must_be_on_this_machine(url):
    with pytest.raises(ValueError, match="loopback"):
        gateway_target(url)


def test_sequential_and_fixed_time_against_a_local_server():
    with json_server(lambda body: {"replies": [{"text": body["message"]}]}) as url:
        target = gateway_target(url)
        seen = Seen()
        convs = [("a", ["一", "二"]), ("b", ["三"])]
        samples = sequential(target, 2, "t", seen, conversations=convs)
        assert [s.status for s in samples] == [200] * 6
        assert [s.first for s in samples] == [True, True, True, False, False, False]
        samples, wall = fixed_time(target, 2, 0.5, "f", seen, conversations=convs)
        assert samples and all(s.status == 200 for s in samples) and 0.4 < wall < 5
        capped, _ = fixed_time(target, 2, 5, "g", seen, conversations=convs, max_requests=7)
        assert len(capped) == 7
        bad = Target("x", f"{url}/", lambda s, m: {"message": m},
                     ok=lambda status, data: False)
        assert [s.status for s in sequential(bad, 1, "b", Seen(), conversations=[("a", ["x"])])] == [-200]
