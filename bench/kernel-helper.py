"""Costs of the Trail kernel helper, measured on real ipykernels.

    python bench/kernel-helper.py [--cells 400] [--files 1000] [--hash-mib 1024]

Prints:
  * hook time per cell (pre_run_cell + post_run_cell, measured inside the
    kernel) for cells that touch no file, and the execute round trip with and
    without the helper;
  * the cost of one `open` with the helper's audit hook off and on;
  * the cost per unchanged file read again (stat + hash-cache hit + entry);
  * hashing throughput on a large file, from the page cache and cold (the
    file's pages dropped with posix_fadvise(DONTNEED) first), and the delay
    from the cell's reply to the final capture that carries its hash;
  * the environment snapshot time and the per-cell package-change check.

Everything it creates lives in a temp folder it deletes at the end.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "python"))

from conftest import TrailKernel  # noqa: E402


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def fmt_us(ns):
    return "%.1f us" % (ns / 1000.0)


def round_trips(kernel, cells):
    times = []
    for _ in range(cells):
        t0 = time.perf_counter_ns()
        kernel.execute("x = 1")
        times.append(time.perf_counter_ns() - t0)
    return times


def in_kernel(kernel, code):
    """Run code in the kernel and return the value of `_bench` (its repr evaluated)."""
    kernel.run(textwrap.dedent(code))
    return kernel.value("_bench")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cells", type=int, default=400)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--hash-mib", type=int, default=1024)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="trail-kernel-bench-"))
    plain = helped = None
    try:
        print("Trail kernel helper benchmark (%s, %d CPUs)" % (sys.version.split()[0], os.cpu_count()))
        print()

        # -- per-cell overhead ---------------------------------------------------
        (work / "plain").mkdir()
        (work / "helped").mkdir()
        plain = TrailKernel(work / "plain")
        round_trips(plain, 50)  # warm up
        base = round_trips(plain, args.cells)

        helped = TrailKernel(work / "helped")
        t0 = time.perf_counter()
        helped.inject()
        helped.open_comm()
        helped.wait_for(lambda d: d["type"] == "environment", 120, "environment")
        env_wall = time.perf_counter() - t0
        helped.run("import trail; trail._st.cpu_timing = True")
        round_trips(helped, 50)
        with_helper = round_trips(helped, args.cells)
        stats = helped.stats()
        hooks = stats["hookNs"][-args.cells:]
        hooks_cpu = stats["hookCpuNs"][-args.cells:]

        print("Per cell, no file access (%d cells)" % args.cells)
        print("  hooks, thread CPU time    p50 %s   p95 %s   max %s" % (fmt_us(pct(hooks_cpu, 50)), fmt_us(pct(hooks_cpu, 95)), fmt_us(max(hooks_cpu))))
        print("  hooks, wall time          p50 %s   p95 %s   max %s   (with GIL waits and descheduling)" % (
            fmt_us(pct(hooks, 50)), fmt_us(pct(hooks, 95)), fmt_us(max(hooks))))
        print("  execute round trip        without helper p50 %.3f ms   with helper p50 %.3f ms   (p95 %.3f / %.3f ms)" % (
            pct(base, 50) / 1e6, pct(with_helper, 50) / 1e6, pct(base, 95) / 1e6, pct(with_helper, 95) / 1e6))
        intrinsic = in_kernel(helped, """
            import time, trail
            st = trail._st
            saved, st.current, st.depth, st.cpu_timing = st.current, None, 0, False
            t = time.perf_counter_ns()
            for _ in range(10000):
                trail._pre_run_cell(None)
                trail._post_run_cell(None)
            _bench = (time.perf_counter_ns() - t) / 10000
            st.current, st.depth, st.cpu_timing = saved, 1, True
            trail._runtime().audit = trail._on_audit
            del st.hook_ns[-10000:]
        """)
        print("  hooks called in a loop    %s per cell (the CPU cost without GIL waits and cache misses)" % fmt_us(intrinsic))
        check = in_kernel(helped, """
            import time, trail
            t = time.perf_counter_ns()
            for _ in range(1000):
                trail._package_signature()
            _bench = (time.perf_counter_ns() - t) / 1000
        """)
        print("  package-change check      %s per cell" % fmt_us(check))
        print()

        # -- audit hook cost per open --------------------------------------------
        open_loop = """
            import time, os
            open("o.txt", "w").close()
            t = time.perf_counter_ns()
            for _ in range(20000):
                open("o.txt").close()
            _bench = (time.perf_counter_ns() - t) / 20000
        """
        no_hook = in_kernel(plain, open_loop)
        helped.send_config(recording=False)
        hook_off = in_kernel(helped, open_loop)
        helped.send_config(recording=True)
        hook_on = in_kernel(helped, open_loop)
        print("open() + close() of one file, 20000 times")
        print("  no helper %s   helper, recording off %s   recording on %s" % (fmt_us(no_hook), fmt_us(hook_off), fmt_us(hook_on)))
        print()

        # -- unchanged files -------------------------------------------------------
        n = args.files
        # Written from here, not by the kernel: its first read is a cache miss.
        (work / "helped" / "many").mkdir()
        for i in range(n):
            (work / "helped" / "many" / ("f%05d.txt" % i)).write_text("x" * 100)
        time.sleep(0.2)  # past the racy window: the hashes of the next read are cached
        helped.send_config(hashInlineBytes=1 << 30)
        read_all = """
            import time
            t = time.perf_counter_ns()
            for i in range(%d):
                with open("many/f%%05d.txt" %% i) as f:
                    f.read()
            _bench = time.perf_counter_ns() - t
        """ % n
        cold_cell = in_kernel(helped, read_all)
        cold_hook = helped.stats()["hookCpuNs"][-1]
        before = helped.stats()
        warm_cell = in_kernel(helped, read_all)
        after = helped.stats()
        warm_hook = after["hookCpuNs"][-1]
        hits = after["hashCacheHits"] - before["hashCacheHits"]
        rehashed = after["filesHashed"] - before["filesHashed"]
        print("%d small files read in one cell (grouped into one folder entry; hook CPU time)" % n)
        print("  first read (%d hashed inline, the rest in the background): hooks %.2f ms = %s per file" % (
            64, cold_hook / 1e6, fmt_us(cold_hook / n)))
        print("  unchanged, read again: hooks %.2f ms = %s per file (cache hits %d, hashed again %d)" % (
            warm_hook / 1e6, fmt_us(warm_hook / n), hits, rehashed))
        print("  the cell's own reading loop: %s per file" % fmt_us(warm_cell / n))
        helped.send_config(hashInlineBytes=1 << 20)
        print()

        # -- hashing throughput ------------------------------------------------
        big = work / "helped" / "big.bin"
        size = args.hash_mib << 20
        block = os.urandom(16 << 20)
        with open(big, "wb") as f:
            for _ in range(size // len(block)):
                f.write(block)
            f.flush()
            os.fsync(f.fileno())
        del block
        throughput = in_kernel(helped, """
            import os, time, trail
            def drop(path):
                fd = os.open(path, os.O_RDONLY)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                os.close(fd)
            def rate(cold):
                if cold:
                    drop(%(path)r)
                t = time.perf_counter()
                trail._hash_file(%(path)r)
                return %(size)d / (time.perf_counter() - t) / 1e9
            _bench = {"warm": [rate(False) for _ in range(3)], "cold": [rate(True) for _ in range(3)]}
        """ % {"path": str(big), "size": size})
        print("Hashing a %d MiB file (sha256, GB/s, 3 runs each)" % args.hash_mib)
        print("  page cache  %s   median %.2f" % (" ".join("%.2f" % r for r in throughput["warm"]), statistics.median(throughput["warm"])))
        print("  cold        %s   median %.2f" % (" ".join("%.2f" % r for r in throughput["cold"]), statistics.median(throughput["cold"])))
        # end to end: the reply is not delayed, the final capture follows
        # _hash_file above does not fill the cache: this read is a cache miss
        t0 = time.perf_counter()
        msg_id = helped.run("open('big.bin', 'rb').read(16)")
        reply_s = time.perf_counter() - t0
        first = helped.captures(msg_id)[0]
        helped.wait_for(lambda d: d["type"] == "capture" and d["msgId"] == msg_id and d["final"], 300, "final capture")
        final_s = time.perf_counter() - t0
        print("  a cell reading the file: reply after %.1f ms (capture final=%s), final capture after %.0f ms (%.2f GB/s)" % (
            reply_s * 1e3, first["final"], final_s * 1e3, size / (final_s - reply_s) / 1e9 if final_s > reply_s else 0))
        big.unlink()
        print()

        # -- environment -----------------------------------------------------------
        env_times = in_kernel(helped, """
            import time, trail
            times = []
            for _ in range(3):
                t = time.perf_counter()
                env = trail._environment()
                times.append(time.perf_counter() - t)
            _bench = (times, len(env["packages"]))
        """)
        first_ms = helped.stats()["environmentMs"][0]
        print("Environment snapshot (%d packages): first (cold, in the background at injection) %.0f ms, then %s ms" % (
            env_times[1], first_ms, " ".join("%.0f" % (t * 1e3) for t in env_times[0])))
        print("  from the injection request to the environment message: %.0f ms" % (env_wall * 1e3))
    finally:
        for k in (plain, helped):
            if k is not None:
                try:
                    k.close()
                except Exception:
                    pass
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
