#!/usr/bin/env python3
"""Writes N consultation files for `accord session import FILE…` benchmarks.

Each is Examples/consultation.yaml with another invented patient: the NIR's birth month and
order number vary (with their key recomputed), the birth date follows; the INS stays on the
test OID 1.2.250.1.213.1.4.10. Usage: consultation-files.py N FOLDER
"""
import pathlib
import sys

count, folder = int(sys.argv[1]), pathlib.Path(sys.argv[2])
folder.mkdir(parents=True, exist_ok=True)
example = (pathlib.Path(__file__).resolve().parent.parent / "Examples" / "consultation.yaml").read_text()
assert '"158056912345606"' in example and "birth_date: 1958-05-17" in example
for index in range(count):
    month, order = 1 + index % 12, 1 + index // 12
    assert order <= 999, "at most 11,988 distinct patients"
    body = f"158{month:02d}69123{order:03d}"
    nir = body + f"{97 - int(body) % 97:02d}"
    text = example.replace('"158056912345606"', f'"{nir}"').replace("birth_date: 1958-05-17", f"birth_date: 1958-{month:02d}-17")
    (folder / f"c{index + 1:05d}.yaml").write_text(text)
