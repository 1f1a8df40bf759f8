"""Bounds: peak memory and time of a refresh of the whole hostile corpus, and of a 30 MB feed.

The CLI runs in a subprocess so that its peak RSS can be read with os.wait4. Big feeds are
generated here, at test time.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from functools import cache
from pathlib import Path

from tests.hostile import (
    test_data_oddities,
    test_encodings,
    test_injection,
    test_network,
    test_xml_attacks,
)
from tests.hostile.documents import rss, rss_item
from tests.hostile.harness import (
    FORBIDDEN,
    Case,
    check_link,
    cli,
    serve_cases,
    servers,
    sweep_database,
    write_config,
)
from tests.hostile.test_state import cli_command, subprocess_env

GIB = 1 << 30


@cache
def many_items(count: int = 20_000) -> bytes:
    items = [
        rss_item(
            f"Article {n} : l’économie du numérique",
            guid=f"many-{n}",
            link=f"https://many.example/{n}",
            pub=f"Tue, 24 Nov 2026 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d} +0000",
            desc=f"&lt;p&gt;Résumé {n}&lt;/p&gt;",
        )
        for n in range(count)
    ]
    return rss(items).encode()


@cache
def thirty_megabytes() -> bytes:
    paragraph = (
        "&lt;p&gt;" + "Un paragraphe assez long sur l’actualité française. " * 40 + "&lt;/p&gt;"
    )
    items = [
        rss_item(
            f"Gros article {n}",
            guid=f"big-{n}",
            link=f"https://big.example/{n}",
            desc=paragraph * 3,
        )
        for n in range(4_300)
    ]
    body = rss(items).encode()
    assert len(body) >= 30_000_000, len(body)
    return body


def tree_rss(root: int) -> int:
    """Resident memory of `root` and all its descendants now, in bytes (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree)


def refresh_in_subprocess(config: Path, data: Path) -> tuple[dict, float, int]:
    """Run `python -m tui_reader refresh --json`; return its JSON, wall time and peak memory.

    The peak is the larger of the child's ru_maxrss (os.wait4) and the largest sum of RSS
    over its whole process tree sampled every 10 ms: a big refresh parses in a pool of
    worker processes, which ru_maxrss of the CLI process alone would not count.
    """
    command = cli_command(config, data, "refresh", "--json")
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env()
    )
    sampled = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.01):
            sampled[0] = max(sampled[0], tree_rss(proc.pid))

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        out = proc.stdout.read()  # type: ignore[union-attr]
        err = proc.stderr.read()  # type: ignore[union-attr]
    finally:
        done.set()
        sampler.join()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, err.decode()
    peak = max(usage.ru_maxrss * 1024, sampled[0])  # ru_maxrss is in KiB on Linux
    return json.loads(out), elapsed, peak


def corpus() -> list[Case]:
    cases: list[Case] = []
    for module in (
        test_injection,
        test_xml_attacks,
        test_encodings,
        test_data_oddities,
        test_network,
    ):
        cases += [case for case in module.CASES if case.name != "net-refused"]
    cases.append(Case("bulk-20000-items", body=many_items(), items=20_000))
    cases.append(
        Case("bulk-30mb-over-default-cap", "error", body=thirty_megabytes(), error_has=("cut off",))
    )
    return cases


def test_whole_corpus_refresh_memory_and_results(tmp_path: Path, record_property) -> None:
    cases = corpus()
    test_network.gzip_bomb()
    with servers(extra_hosts=sum(case.raw is not None for case in cases)) as (http, raw):
        feeds = serve_cases(cases, http, raw)
        config = write_config(tmp_path / "config.toml", feeds, max_feed_bytes=10_000_000)
        data = tmp_path / "data"
        summary, elapsed, peak = refresh_in_subprocess(config, data)
    print(f"\nwhole corpus: {len(cases)} feeds, {elapsed:.2f} s, peak RSS {peak / 2**20:.0f} MiB")
    record_property("corpus_peak_rss_mib", round(peak / 2**20))
    record_property("corpus_elapsed_s", round(elapsed, 2))
    assert peak < GIB
    by_name = {feed["name"]: feed for feed in summary["feeds"]}
    for case in cases:
        assert by_name[case.name]["status"] == case.status, (case.name, by_name[case.name])
    assert by_name["bulk-20000-items"]["new_items"] == 20_000
    assert sweep_database(data / "tui-reader.db") >= 20_000

    listed = cli(
        config, data, "headlines", "--json", "--feed", "bulk-20000-items", "--limit", "100000"
    )
    assert listed.code == 0 and len(json.loads(listed.out)) == 20_000
    found = json.loads(cli(config, data, "headlines", "--json", "--search", "economie 19999").out)
    assert [item["title"] for item in found] == ["Article 19999 : l’économie du numérique"]
    everything = json.loads(cli(config, data, "headlines", "--json", "--limit", "1000000").out)
    for item in everything:
        assert not FORBIDDEN.search(item["title"] + item["author"])
        check_link(item["link"])
    for item in everything[:: max(1, len(everything) // 50)]:
        assert cli(config, data, "show", str(item["id"])).code == 0


def test_thirty_megabyte_feed_memory(tmp_path: Path, record_property) -> None:
    body = thirty_megabytes()
    with servers(extra_hosts=0) as (http, raw):
        feeds = serve_cases([Case("bulk-30mb", body=body)], http, raw)
        config = write_config(
            tmp_path / "config.toml", feeds, max_feed_bytes=50_000_000, timeout=15
        )
        summary, elapsed, peak = refresh_in_subprocess(config, tmp_path / "data")
    print(
        f"\n30 MB feed ({len(body) / 1e6:.1f} MB): {elapsed:.2f} s, peak RSS {peak / 2**20:.0f} MiB"
    )
    record_property("big_feed_peak_rss_mib", round(peak / 2**20))
    record_property("big_feed_elapsed_s", round(elapsed, 2))
    assert peak < 2 * GIB
    (feed,) = summary["feeds"]
    assert feed["status"] == "ok" and feed["new_items"] == 4_300, feed
    assert elapsed < 15 + 1 + 30, "fetch within the timeout, then parse and store"
