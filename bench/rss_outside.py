"""Resident MB of a process outside one address range (bench/executor-memory: outside the Java heap).
   python3 bench/rss_outside.py PID 0xSTART 0xEND"""
import re
import sys

pid, lo, hi = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16)
kb, inside = 0, False
with open(f"/proc/{pid}/smaps") as f:
    for line in f:
        if line.startswith("Rss:"):
            if not inside:
                kb += int(line.split()[1])
        elif m := re.match(r"([0-9a-f]+)-[0-9a-f]+ ", line):  # a mapping's header line
            inside = lo <= int(m.group(1), 16) < hi
print(kb // 1024)
