"""badfix32: the evidence for `_encoding._koi8` (KOI8-R or Windows-1251?). Hand-written heads
of Cyrillic fleet / tracker exports (Russian, Ukrainian, Bulgarian, upper and lower case, short
and long), each encoded in both code pages where it can be, then decided by `legacy_cjk`: the
table gives each text's letters and the Russian-frequency score of both readings.
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badfix32/koi8.py [OUT_DIR]   (default
$TRAJLM_OUT or ./runs/badfix32; writes koi8.tsv there)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from trajlm.data.readers._encoding import legacy_cjk, russian_score

TEXTS = [
    "N;Объект;Время;Широта;Долгота;Скорость, км/ч\r\n"
    + "".join(f"{i};Газель А1;02.03.2026 08:1{i}:00;55,7{i};37,6{i};22\r\n" for i in range(6)),
    "Дата;Время;Широта;Долгота;Скорость;Курс;Высота;Спутники\n01.02.2026;10:00:00;55.7;37.6;12\n",
    "ТС;Водитель;Адрес;Дата\nКамаз 123;Иванов И.И.;ул. Ленина, д. 5, Москва;01.02.2026\n",
    "объект,время,широта,долгота\nмашина 1,2026-01-01 10:00,55.7,37.6\n",
    "ОБЪЕКТ;ВРЕМЯ;ШИРОТА;ДОЛГОТА\nГАЗЕЛЬ;2026-01-01 10:00;55.7;37.6\n",
    "Трактор;Поле;Сеялка;Время\nМТЗ-82;Поле 7;Амазоне;2026-05-04 07:00\n",
    "Номер;Маршрут;Остановка;Широта;Долгота\n12;Автовокзал - Центральный рынок;пл. Победы;54.7;20.5\n",
    "Устройство;Дата и время;Широта;Долгота;Пробег, км;Зажигание\nТрекер 5;2026;59.9;30.3;1200;вкл\n",
    "Назва;Час;Широта;Довгота\nАвтобус;2026-01-01 10:00;50.4;30.5\n",  # Ukrainian
    "Транспортний засіб;Водій;Швидкість\nМАЗ;Петренко;40\n",  # Ukrainian (і: no KOI8-R)
    "Име;Време;Географска ширина;Дължина\nКамион;2026-01-01 10:00;42.7;23.3\n",  # Bulgarian
    "Ширина;Дължина;Скорост\n42.7;23.3;50\n",  # Bulgarian, short
    "машина;время\nгрузовик;10:00\n",
    "Трактор;Поле;Сеялка\n",
]


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRAJLM_OUT", "runs/badfix32"))
    out.mkdir(parents=True, exist_ok=True)
    rows, right, n = ["encoded\tread as\tletters\tscore cp1251\tscore koi8_r\ttext"], 0, 0
    for text in TEXTS:
        for codec in ("cp1251", "koi8_r"):
            try:
                raw = text.encode(codec)
            except UnicodeEncodeError:
                continue  # `№`, Ukrainian `і`: not in KOI8-R
            got = legacy_cjk(raw)
            win, k = russian_score(raw.decode("cp1251"))
            koi, _ = russian_score(raw.decode("koi8_r"))
            n, right = n + 1, right + (got == codec)
            rows.append(f"{codec}\t{got}\t{k}\t{win:.2f}\t{koi:.2f}\t{text[:40]!r}")
    rows.append(f"# right: {right} of {n}")
    (out / "koi8.tsv").write_text("\n".join(rows) + "\n")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
