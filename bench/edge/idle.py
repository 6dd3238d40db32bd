"""Idle keep-alive connections and what they cost a server: idle.py PORT COUNT PID [COMMAND].

Opens COUNT connections to 127.0.0.1:PORT (from 127.0.0.2.., so loopback's ephemeral ports are not the limit),
in waves of 250: each sends one GET for bench.local and reads the answer, then stays open and sends nothing.
Prints "rss_before_kib rss_after_kib open [output]": PID's VmRSS before the first connection and 3 s after the
last answer, how many connections the server still held then (not closed, not reset) and, with COMMAND, the
first line COMMAND (a shell command, run after that while the connections are still open) printed. Bounded:
each wave gives up after 20 s, the whole run after 90 s, COMMAND after 30 s.
"""
import select
import socket
import subprocess
import sys
import time

port, count, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
REQUEST = b"GET / HTTP/1.1\r\nHost: bench.local\r\n\r\n"
IP_BIND_ADDRESS_NO_PORT = 24


def rss_kib():
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))


def answered(buf):
    head, sep, body = buf.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return True


before = rss_kib()
socks, failed, deadline = [], 0, time.monotonic() + 90
for start in range(0, count, 250):
    if time.monotonic() > deadline:
        break
    wave = {}
    for i in range(start, min(count, start + 250)):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
        s.bind((f"127.0.0.{2 + i // 20000}", 0))
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        wave[s.fileno()] = [s, False, b""]   # socket, request sent, answer so far
    poll = select.poll()
    for fd in wave:
        poll.register(fd, select.POLLOUT)
    pending, until = len(wave), time.monotonic() + 20
    while pending and time.monotonic() < until:
        for fd, ev in poll.poll(1000):
            entry = wave[fd]
            s = entry[0]
            if ev & (select.POLLERR | select.POLLHUP) and not ev & select.POLLIN:
                failed += 1; pending -= 1; poll.unregister(fd); s.close(); continue
            if not entry[1]:
                try:
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        raise OSError("connect failed")
                    s.send(REQUEST)
                except OSError:
                    failed += 1; pending -= 1; poll.unregister(fd); s.close(); continue
                entry[1] = True; poll.modify(fd, select.POLLIN); continue
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                failed += 1; pending -= 1; poll.unregister(fd); s.close(); continue
            entry[2] += data
            if answered(entry[2]):
                pending -= 1; poll.unregister(fd); socks.append(s)
    for fd, (s, _, buf) in wave.items():
        if s.fileno() != -1 and s not in socks and not answered(buf):
            failed += 1; s.close()
time.sleep(3)
after = rss_kib()
check = select.poll()
for s in socks:
    check.register(s.fileno(), select.POLLIN)
closed = len(check.poll(0))   # readable while idle: the server closed or reset it
extra = ""
if len(sys.argv) > 4:
    out = subprocess.run(sys.argv[4], shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
    extra = " " + (out.splitlines()[0] if out else "-")
print(f"{before} {after} {len(socks) - closed}{extra}")
for s in socks:
    s.close()
