"""Second-look flags (server/domain/pii.py): table-driven, in English, Spanish and Persian."""
from __future__ import annotations

import pytest

from server.domain import pii

FLAGGED = [
    # English
    ("Call Officer Reyes at 555-867-5309, he knows", ["phone"]),
    ("His cell is (212) 555-0147", ["phone"]),
    ("text +1 415 555 2671 if you saw it", ["phone"]),
    ("The officer with badge 4411 is rude", ["badge"]),
    ("Badge #4411 stopped me twice", ["badge"]),
    ("#4411 again, every week", ["badge"]),
    ("officer ID: 88213 never explains anything", ["badge"]),
    ("write to sgt.miller@police.example.gov about it", ["email"]),
    ("She lives at 1423 Oak Street and gets stopped", ["address"]),
    ("outside 77 N 5th Ave every night", ["address"]),
    ("the house at 12 maple rd", ["address"]),
    # Spanish
    ("Llamen al 612 345 678 para quejarse", ["phone"]),
    ("el agente con placa 4411 nos insulta", ["badge"]),
    ("Número de placa: 30291", ["badge"]),
    ("escríbanle a maria.lopez@correo.example.mx", ["email"]),
    ("vive en la Calle Mayor 12, segundo piso", ["address"]),
    ("en Av. Juárez 123 siempre hay patrullas", ["address"]),
    ("Avenida de la Paz nº 7", ["address"]),
    # Persian, with Persian and Arabic-Indic digits
    ("شماره من ۰۹۱۲۳۴۵۶۷۸۹ است", ["phone"]),
    ("با ٠٩١٢٣٤٥٦٧٨٩ تماس بگیرید", ["phone"]),
    ("تلفن دفتر ۰۲۱-۸۸۷۷۶۶۵۵", ["phone"]),
    ("مامور شماره 4411 بی‌ادب بود", ["badge"]),
    ("مامور شماره ۴۴۱۱ بی‌ادب بود", ["badge"]),
    ("کد ۷۷۳۱ را همه می‌شناسند", ["badge"]),
    ("ایمیل او ali.rezaei@example.ir است", ["email"]),
    ("خانه‌اش در خیابان آزادی پلاک ۱۲ است", ["address"]),
    ("ماشین با پلاک ۴۵ همیشه آنجاست", ["address"]),
    # several at once
    ("Badge 4411, lives at 9 Elm St, call 555-201-3344 or mail x@y.org", ["address", "badge", "email", "phone"]),
]

NOT_FLAGGED = [
    "3 officers came to the meeting",
    "In 2019 there were 120 complaints",
    "from 1998-2004 nobody was hired from here",
    "between 1990 and 2020 trust fell",
    "meetings at 10:30 pm are too late",
    "8am-5pm only, closed weekends",
    "on 06/12/2024 the station closed",
    "1,200,000 dollars for new cars, none for youth programs",
    "Call 911 and nobody comes",
    "Main Street is dark at night",
    "the #1 problem is respect",
    "Three officers on Main Street every night",
    # Spanish
    "3 policías en la calle",
    "en 2023 hubo 45 quejas",
    "de 1990 a 2004 nadie fue contratado",
    "las reuniones son a las 18:30",
    "la calle principal no tiene luz",
    "el 12 de octubre de 2023 cerraron la estación",
    # Persian
    "۳ مامور به جلسه آمدند",
    "در سال ۱۴۰۰ شکایت‌ها بیشتر شد",
    "از ۱۳۹۸ تا ۱۴۰۲ کسی استخدام نشد",
    "جلسه ساعت ۱۸:۳۰ است",
    "خیابان‌ها شب‌ها تاریک‌اند",
    "در خیابان ۳ مامور بودند",
    "",
]


@pytest.mark.parametrize("text,expected", FLAGGED)
def test_identifying_text_is_flagged(text, expected):
    assert pii.flags(text) == expected


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_ordinary_text_is_not_flagged(text):
    assert pii.flags(text) == []


def test_digits_of_every_script_are_read():
    assert pii.ascii_digits("۰۱۲٣٤٥ab9") == "012345ab9"


def test_flags_are_a_sorted_subset_of_the_known_ones():
    out = pii.flags("Badge 4411, lives at 9 Elm St, call 555-201-3344 or mail x@y.org")
    assert out == sorted(out) and set(out) <= set(pii.FLAGS)
    assert pii.flags(None) == []
