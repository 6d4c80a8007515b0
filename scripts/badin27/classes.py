"""badin27: the class of every hostile case on its first read and after this branch's fixes
(R answered right, C one clear line, U an unclear line, S silently wrong, T a traceback / HTTP
500 / a hang), classified by hand from the scripts' outputs; prints docs/reliability.md's table.
Run: python scripts/badin27/classes.py
"""

from __future__ import annotations

# case number -> (first read, after); a letter alone: the same both times
SCALED = {  # scripts/badin27/scaled.py (109)
    **{
        i: "R"
        for i in (
            1,
            2,
            9,
            15,
            16,
            18,
            21,
            23,
            24,
            29,
            30,
            32,
            33,
            34,
            35,
            38,
            39,
            41,
            44,
            46,
            50,
            52,
            54,
            55,
            56,
            58,
            64,
            76,
            78,
            86,
            90,
            91,
            96,
            99,
            104,
            105,
            107,
            109,
        )
    },  # fmt: skip
    **{
        i: "C"
        for i in (
            3,
            4,
            5,
            6,
            7,
            8,
            10,
            11,
            12,
            13,
            14,
            19,
            20,
            22,
            25,
            26,
            27,
            28,
            31,
            40,
            42,
            43,
            45,
            47,
            48,
            49,
            53,
            57,
            59,
            60,
            61,
            62,
            63,
            68,
            69,
            70,
            71,
            74,
            75,
            77,
            79,
            80,
            81,
            82,
            83,
            84,
            85,
            87,
            88,
            89,
            92,
            93,
            94,
            95,
            97,
            98,
            101,
            102,
            103,
            106,
        )
    },  # fmt: skip
    17: "UC",
    36: "U",
    37: "TC",
    51: "TC",
    65: "TC",
    66: "SC",
    67: "UC",
    72: "SC",
    73: "SC",
    100: "TC",
    108: "U",
}
ASK = {  # scripts/badin27/ask.py (43)
    **{
        i: "R"
        for i in (1, 2, 7, 8, 9, 13, 15, 17, 19, 20, 21, 23, 28, 29, 30, 31, 33, 34, 36, 37, 43)
    },  # fmt: skip
    **{i: "C" for i in (4, 6, 10, 11, 12, 16, 18, 22, 24, 25, 27, 32, 35, 38, 40)},
    3: "SR",
    5: "U",
    14: "U",
    26: "SC",
    39: "SR",
    41: "SR",
    42: "S",
}
READERS = {  # scripts/badin27/readers.py (41)
    **{i: "R" for i in (1, 2, 6, 7, 8, 9, 11, 15, 18, 20, 24, 28, 33)},
    **{i: "C" for i in (10, 14, 17, 21, 22, 27, 32, 34, 35, 37, 38, 39, 40, 41)},
    **{i: "U" for i in (3, 4, 5, 12, 13, 16, 19, 36)},
    23: "S",
    25: "S",
    26: "S",
    29: "SR",
    30: "SR",
    31: "SR",
}
FEWTRIPS = {i: "R" for i in range(1, 19)}  # scripts/badin27/fewtrips.py (18)
LATEST = {  # scripts/badin27/latest.py (38)
    **{i: "R" for i in (1, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 19, 20, 24, 25, 26, 33, 36)},
    **{i: "C" for i in (2, 3, 4, 13, 15, 17, 21, 22, 23, 27, 28, 29, 31, 32, 34, 37)},
    30: "U",
    35: "TC",
    38: "TC",
}
PASSAGES = {  # scripts/badin27/passages.py (26)
    **{i: "R" for i in (1, 5, 6, 13, 16, 18, 19, 20, 21, 25, 26)},
    **{i: "C" for i in (2, 3, 4, 7, 8, 11, 12, 14, 15, 22, 23, 24)},
    9: "UR",
    10: "UR",
    17: "SR",
}


def row(name: str, cases: dict[int, str]) -> str:
    first = [c[0] for c in cases.values()]
    after = [c[-1] for c in cases.values()]
    cells = [f"{first.count(k)} -> {after.count(k)}" for k in "RCUST"]
    return f"| {name} | {len(cases)} | " + " | ".join(cells) + " |"


if __name__ == "__main__":
    print(
        "| script | cases | answered right | one clear line | unclear line | silent wrong | traceback / 500 / hang |"
    )
    print("|---|---|---|---|---|---|---|")
    sets = {
        "scaled.py": SCALED,
        "ask.py": ASK,
        "readers.py": READERS,
        "fewtrips.py": FEWTRIPS,
        "latest.py": LATEST,
        "passages.py": PASSAGES,
    }
    for name, cases in sets.items():
        print(row(name, cases))
    every = {f"{n}{i}": c for n, cases in sets.items() for i, c in cases.items()}
    print(row("**all**", every))
