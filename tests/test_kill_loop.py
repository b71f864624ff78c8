"""The crash loop (emulator.testing.kill_loop): two players trading, one buying and
selling and one banking while the real server is killed with SIGKILL at 50 random moments. After every
kill the store's ledger balances, every item is in one place, no trade is half done, and
after every restart the clients see what the store holds. The loop runs beside the suite
(tests/conftest.py) and its verdict is read here."""

from __future__ import annotations

import re


def test_fifty_kills_leave_nothing_duplicated_lost_or_half_traded(background_runs: dict[str, tuple[int, str]]) -> None:
    status, output = background_runs["kill_loop"]
    assert status == 0, output
    kills = re.findall(r"^kill (\d+): ", output, re.MULTILINE)
    assert kills == [str(n) for n in range(1, 51)], output
    summary = re.search(r"^kills: 50; trades (\d+), buys (\d+), sales (\d+), bankings (\d+); every invariant held",
                        output, re.MULTILINE)
    assert summary is not None, output
    assert all(int(count) > 0 for count in summary.groups()), output
    assert "BROKEN" not in output
