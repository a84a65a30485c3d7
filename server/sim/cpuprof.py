"""A stack sampler on the process's own CPU clock, for `common-ground bench --cpu-profile DIR`.

Wall-clock profilers (py-spy, cProfile) blame whatever a process was doing when the machine took the
core away: on two busy cores a send that was preempted looks expensive. This sampler uses
`ITIMER_PROF`, which counts only the CPU the process itself spends (user and system), so each sample
is a slice of the process's own work. Every `INTERVAL` s of that CPU the handler records the
interrupted Python stack (under eventlet: the green thread that was running), weighted by the CPU
the process spent since the previous sample: Python runs a handler between bytecodes, so signals that
arrive during one long C call (a driver's execute, a JSON encode) become one call, and counting calls
would undercount such work. Stacks are written folded (`frame;frame;frame microseconds`, the format
flame-graph tools read), the weight in microseconds of CPU.

The bench starts a server with `CG_CPU_PROFILE=DIR` in its environment; the server (server/cli.py)
then calls `install_from_env`, which only installs two signal handlers: SIGUSR1 starts sampling,
SIGUSR2 stops and writes `DIR/<name>.<pid>.folded`. The bench sends them at the start and end of the
connect burst and of the vote storm, and moves each phase's files into `DIR/burst/` and
`DIR/storm/`. Sampling costs the process CPU of its own (about a third more here): a profiled run
shows where the CPU goes, its figures are not the benchmark's.

`python -m server.sim.cpuprof DIR` prints the largest shares, by function, of the files in DIR.
Unix only (setitimer); not for production.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path

ENV = "CG_CPU_PROFILE"
INTERVAL = 0.002  # s of the process's CPU between samples
MAX_DEPTH = 200


def frame_name(code) -> str:
    """`package/module.py:Qualified.name` for a code object: short, and unique enough to read."""
    path = Path(code.co_filename)
    return f"{path.parent.name}/{path.name}:{getattr(code, 'co_qualname', code.co_name)}"


class Sampler:
    """Counts the Python stacks a process is running, one sample per INTERVAL of its CPU."""

    def __init__(self, out_dir: Path, name: str):
        self.out_dir = Path(out_dir)
        self.name = name
        self.counts: Counter[str] = Counter()  # stack -> microseconds of CPU
        self.running = False
        self.last = 0.0

    def start(self, *_signal) -> None:
        self.counts.clear()
        self.running = True
        self.last = time.process_time()
        signal.signal(signal.SIGPROF, self._sample)
        signal.setitimer(signal.ITIMER_PROF, INTERVAL, INTERVAL)

    def stop(self, *_signal) -> Path | None:
        """Stop sampling and write the folded stacks; the file's path (None if it was not running)."""
        if not self.running:
            return None
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, signal.SIG_IGN)
        self.running = False
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / f"{self.name}.{os.getpid()}.folded"
        tmp = path.with_suffix(".part")
        tmp.write_text("".join(f"{stack} {n}\n" for stack, n in self.counts.most_common()))
        tmp.replace(path)  # whole or absent: the bench waits for this name
        return path

    def _sample(self, _signum, frame) -> None:
        now = time.process_time()
        spent, self.last = now - self.last, now
        names = []
        while frame is not None and len(names) < MAX_DEPTH:
            names.append(frame_name(frame.f_code))
            frame = frame.f_back
        self.counts[";".join(reversed(names)) or "(no Python frame)"] += round(spent * 1e6)


def install(out_dir: Path, name: str) -> Sampler:
    """SIGUSR1 starts a Sampler, SIGUSR2 stops it and writes `out_dir/<name>.<pid>.folded`."""
    sampler = Sampler(Path(out_dir), name)
    signal.signal(signal.SIGUSR1, sampler.start)
    signal.signal(signal.SIGUSR2, sampler.stop)
    return sampler


def install_from_env(name: str) -> Sampler | None:
    """`install` into $CG_CPU_PROFILE when it is set; else nothing at all."""
    out = os.environ.get(ENV)
    return install(Path(out), name) if out else None


def signal_all(pids, signum: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:  # a process that already ended has nothing to sample
            pass


def wait_written(out_dir: Path, count: int, timeout: float = 30.0) -> list[Path]:
    """The folded files in out_dir once `count` are there (or whatever is there at the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        files = sorted(Path(out_dir).glob("*.folded"))
        if len(files) >= count or time.monotonic() > deadline:
            return files
        time.sleep(0.1)


def read_folded(path: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in Path(path).read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if stack:
            counts[stack] += int(n)
    return counts


def shares(counts: Counter[str]) -> tuple[int, list[tuple[str, float, float]]]:
    """(total weight, [(function, inclusive share, self share)]) largest inclusive first; a function
    that appears twice in one stack (recursion) counts once for it."""
    total = sum(counts.values())
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for stack, n in counts.items():
        frames = stack.split(";")
        for f in set(frames):
            inclusive[f] += n
        own[frames[-1]] += n
    rows = [(f, inclusive[f] / total, own[f] / total) for f in inclusive] if total else []
    rows.sort(key=lambda r: (-r[1], -r[2], r[0]))
    return total, rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m server.sim.cpuprof", description=__doc__.split("\n\n")[0])
    p.add_argument("dir", type=Path, help="a --cpu-profile directory (or one .folded file)")
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--self", dest="by_self", action="store_true", help="order by own (self) share")
    args = p.parse_args(argv)
    files = [args.dir] if args.dir.is_file() else sorted(args.dir.glob("*.folded"))
    if not files:
        print(f"no .folded files in {args.dir}", file=sys.stderr)
        return 2
    counts: Counter[str] = Counter()
    for f in files:
        counts.update(read_folded(f))
    total, rows = shares(counts)
    if args.by_self:
        rows.sort(key=lambda r: (-r[2], r[0]))
    print(f"{total / 1e6:.2f} CPU-s sampled in {', '.join(f.name for f in files)}")
    print(f"{'incl %':>7} {'self %':>7}  function")
    for f, inc, own in rows[:args.top]:
        print(f"{inc * 100:7.1f} {own * 100:7.1f}  {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
