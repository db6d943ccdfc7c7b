"""Resident MB of a process outside one address range (bench/executor-memory: outside the Java heap).
   python3 bench/rss_outside.py PID 0xSTART 0xEND"""
import sys

pid, lo, hi = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16)
kb, inside = 0, False
with open(f"/proc/{pid}/smaps") as f:
    for line in f:
        if line.startswith("Rss:"):
            if not inside:
                kb += int(line.split()[1])
        elif "-" in line.split(" ", 1)[0] and not line.startswith(("VmFlags", "THPeligible")):
            start = int(line.split("-", 1)[0], 16)
            inside = lo <= start < hi
print(kb // 1024)
