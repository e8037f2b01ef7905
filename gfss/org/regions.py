"""The 20 regions of the fund's branches (17 oblasts since 2022-07-01 and 3 cities).

``share`` is each region's approximate share of participants, used only to shape generated
data (domain.md: Almaty city and Turkistan oblast lead).
"""

from datetime import date
from typing import Any

ABAI_ULYTAU_ZHETYSU_FORMED = date(2022, 7, 1)

REGIONS: list[dict[str, Any]] = [
    {
        "code": "10",
        "kk": "Абай облысы",
        "ru": "Абайская область",
        "en": "Abai Region",
        "share": "0.030",
        "new": True,
    },
    {
        "code": "11",
        "kk": "Ақмола облысы",
        "ru": "Акмолинская область",
        "en": "Akmola Region",
        "share": "0.040",
    },
    {
        "code": "15",
        "kk": "Ақтөбе облысы",
        "ru": "Актюбинская область",
        "en": "Aktobe Region",
        "share": "0.045",
    },
    {
        "code": "19",
        "kk": "Алматы облысы",
        "ru": "Алматинская область",
        "en": "Almaty Region",
        "share": "0.070",
    },
    {
        "code": "23",
        "kk": "Атырау облысы",
        "ru": "Атырауская область",
        "en": "Atyrau Region",
        "share": "0.045",
    },
    {
        "code": "27",
        "kk": "Батыс Қазақстан облысы",
        "ru": "Западно-Казахстанская область",
        "en": "West Kazakhstan Region",
        "share": "0.035",
    },
    {
        "code": "31",
        "kk": "Жамбыл облысы",
        "ru": "Жамбылская область",
        "en": "Zhambyl Region",
        "share": "0.040",
    },
    {
        "code": "33",
        "kk": "Жетісу облысы",
        "ru": "Область Жетісу",
        "en": "Zhetysu Region",
        "share": "0.030",
        "new": True,
    },
    {
        "code": "35",
        "kk": "Қарағанды облысы",
        "ru": "Карагандинская область",
        "en": "Karaganda Region",
        "share": "0.065",
    },
    {
        "code": "39",
        "kk": "Қостанай облысы",
        "ru": "Костанайская область",
        "en": "Kostanay Region",
        "share": "0.045",
    },
    {
        "code": "43",
        "kk": "Қызылорда облысы",
        "ru": "Кызылординская область",
        "en": "Kyzylorda Region",
        "share": "0.030",
    },
    {
        "code": "47",
        "kk": "Маңғыстау облысы",
        "ru": "Мангистауская область",
        "en": "Mangystau Region",
        "share": "0.040",
    },
    {
        "code": "55",
        "kk": "Павлодар облысы",
        "ru": "Павлодарская область",
        "en": "Pavlodar Region",
        "share": "0.045",
    },
    {
        "code": "59",
        "kk": "Солтүстік Қазақстан облысы",
        "ru": "Северо-Казахстанская область",
        "en": "North Kazakhstan Region",
        "share": "0.030",
    },
    {
        "code": "61",
        "kk": "Түркістан облысы",
        "ru": "Туркестанская область",
        "en": "Turkistan Region",
        "share": "0.075",
    },
    {
        "code": "62",
        "kk": "Ұлытау облысы",
        "ru": "Область Ұлытау",
        "en": "Ulytau Region",
        "share": "0.010",
        "new": True,
    },
    {
        "code": "63",
        "kk": "Шығыс Қазақстан облысы",
        "ru": "Восточно-Казахстанская область",
        "en": "East Kazakhstan Region",
        "share": "0.045",
    },
    {
        "code": "71",
        "kk": "Астана қаласы",
        "ru": "город Астана",
        "en": "Astana city",
        "share": "0.090",
        "city": True,
    },
    {
        "code": "75",
        "kk": "Алматы қаласы",
        "ru": "город Алматы",
        "en": "Almaty city",
        "share": "0.135",
        "city": True,
    },
    {
        "code": "79",
        "kk": "Шымкент қаласы",
        "ru": "город Шымкент",
        "en": "Shymkent city",
        "share": "0.055",
        "city": True,
    },
]

CENTRAL_OFFICE = {
    "code": "HQ",
    "kk": "МӘСҚ орталық аппараты",
    "ru": "Центральный аппарат ГФСС",
    "en": "GFSS central office",
}


def branch_names(region: dict[str, object]) -> dict[str, str]:
    return {
        "name_kk": f"МӘСҚ {region['kk']} бойынша филиалы",
        "name_ru": f"Филиал ГФСС: {region['ru']}",
        "name_en": f"GFSS branch, {region['en']}",
    }
