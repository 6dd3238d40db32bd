"""Reads one number (milliseconds) per line on stdin; prints median, p90, min and the count."""
import statistics
import sys

xs = sorted(float(l) for l in sys.stdin if l.strip())
if not xs:
    print("no samples")
    sys.exit(0)
p90 = xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
print(f"median {statistics.median(xs):7.0f} ms   p90 {p90:7.0f} ms   min {xs[0]:7.0f} ms   n={len(xs)}")
