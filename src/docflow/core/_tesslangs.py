"""Tesseract language codes, and the names people write instead of them.

``CODES`` lists the tesseract 4 and 5 language data that Debian
packages as ``tesseract-ocr-<code>`` (underscores become hyphens), taken from
``apt-cache search tesseract-ocr-`` on Debian 12. Script data
(``script/Latin``) is not listed, so only an installed one is accepted.
"""

from __future__ import annotations

__all__ = ["ALIASES", "CODES", "NOT_LANGUAGES", "apt_package"]

CODES = frozenset(
    """
    afr amh ara asm aze aze_cyrl bel ben bod bos bre bul cat ceb ces chi_sim
    chi_sim_vert chi_tra chi_tra_vert chr cos cym dan deu div dzo ell eng enm epo
    est eus fao fas fil fin fra frk frm fry gla gle glg grc guj hat heb hin hrv
    hun hye iku ind isl ita ita_old jav jpn jpn_vert kan kat kat_old kaz khm kir
    kmr kor kor_vert lao lat lav lit ltz mal mar mkd mlt mon mri msa mya nep nld
    nor oci ori osd pan pol por pus que ron rus san sin slk slv snd spa spa_old
    sqi srp srp_latn sun swa swe syr tam tat tel tgk tha tir ton tur uig ukr urd
    uzb uzb_cyrl vie yid yor
    """.split()
)

#: Tesseract data that ``--list-langs`` lists but that reads no text, and what
#: it is for. Debian 12 ships osd with tesseract 5.3.0; equ is the equation
#: data of the tessdata repository.
NOT_LANGUAGES: dict[str, str] = {
    "osd": "orientation and script detection",
    "equ": "math equation detection",
}

#: English names and ISO 639-1 codes of common languages, lower case.
ALIASES: dict[str, str] = {
    "arabic": "ara",
    "ar": "ara",
    "chinese": "chi_sim",
    "zh": "chi_sim",
    "czech": "ces",
    "cs": "ces",
    "danish": "dan",
    "da": "dan",
    "dutch": "nld",
    "nl": "nld",
    "english": "eng",
    "en": "eng",
    "finnish": "fin",
    "fi": "fin",
    "french": "fra",
    "fr": "fra",
    "german": "deu",
    "de": "deu",
    "greek": "ell",
    "el": "ell",
    "hebrew": "heb",
    "he": "heb",
    "hindi": "hin",
    "hi": "hin",
    "hungarian": "hun",
    "hu": "hun",
    "italian": "ita",
    "it": "ita",
    "japanese": "jpn",
    "ja": "jpn",
    "korean": "kor",
    "ko": "kor",
    "norwegian": "nor",
    "no": "nor",
    "polish": "pol",
    "pl": "pol",
    "portuguese": "por",
    "pt": "por",
    "romanian": "ron",
    "ro": "ron",
    "russian": "rus",
    "ru": "rus",
    "spanish": "spa",
    "es": "spa",
    "swedish": "swe",
    "sv": "swe",
    "thai": "tha",
    "th": "tha",
    "turkish": "tur",
    "tr": "tur",
    "ukrainian": "ukr",
    "uk": "ukr",
    "vietnamese": "vie",
    "vi": "vie",
}


def apt_package(code: str) -> str:
    """Return the Debian package of a tesseract language code."""
    return "tesseract-ocr-" + code.replace("_", "-").lower()
