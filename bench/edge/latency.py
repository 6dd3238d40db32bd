"""Reads an h2load --log-file (start us, status, duration us per line) on stdin; prints "p50 p99" in ms."""
import sys

xs = sorted(int(f[2]) for f in (l.split() for l in sys.stdin) if len(f) >= 3)
if not xs:
    print("0 0")
    sys.exit(0)
pct = lambda p: xs[min(len(xs) - 1, int(round(p * (len(xs) - 1))))] / 1000.0
print(f"{pct(0.50):.2f} {pct(0.99):.2f}")
