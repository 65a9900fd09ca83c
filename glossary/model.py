"""Glossary entries: one concept with its preferred, admitted and deprecated terms per language."""
from __future__ import annotations

from dataclasses import dataclass, field

from corpus.normalize import nfc

__all__ = ["TYPES", "LANGS", "STATUSES", "DETAIL_FIELDS", "TEMPLATE_SLOT", "Deprecated", "Entry", "normalize_form",
           "extra_key", "split_extra_key"]

TYPES = ("person", "place", "office", "organisation", "treaty", "event", "phrase")
LANGS = ("vi", "en")
STATUSES = ("preferred", "admitted", "deprecated")
# In a variant, stands for a person's name: the variant is admitted only before one.
TEMPLATE_SLOT = "{name}"


def normalize_form(text: str) -> str:
    """A term as it should be stored: NFC, trimmed, single spaces (case and tones kept)."""
    return " ".join(nfc(text).split())


@dataclass(frozen=True)
class Deprecated:
    """A wrong or outdated form of a term.

    Parameters:
        form: the form as a translation (often a machine translation) writes it.
        reason: why it is wrong, or "".
    """

    form: str
    reason: str = ""

    def __str__(self):
        return f"{self.form} [{self.reason}]" if self.reason else self.form


@dataclass
class Entry:
    """One glossary concept.

    Parameters:
        id: a stable identifier (``place.pyongyang``).
        type: one of :data:`TYPES`.
        vi, en: the preferred term in each language.
        vi_variants, en_variants: admitted variants.
        vi_deprecated, en_deprecated: :class:`Deprecated` forms.
        confused_with: ids of other entries whose forms a machine translation
            wrongly puts in place of this one.
        note: free text for the translator.
        source: where the entry comes from (seed and line, or a reference).
        definition: what the concept is (TBX ``definition``).
        subject: the subject field as written, when it is not one of :data:`TYPES`.
        vi_context, en_context: an example of the preferred term in use (TBX ``context``).
        pos: part of speech of the preferred terms (TBX ``partOfSpeech``: noun, verb...).
        other_terms: terms in other languages, language code as written -> forms.
        extra: other data categories of the concept, kept by where they were and their
            name (see :func:`extra_key`) -> text: admin data, usage notes...
    """

    id: str
    type: str
    vi: str
    en: str
    vi_variants: list[str] = field(default_factory=list)
    en_variants: list[str] = field(default_factory=list)
    vi_deprecated: list[Deprecated] = field(default_factory=list)
    en_deprecated: list[Deprecated] = field(default_factory=list)
    confused_with: list[str] = field(default_factory=list)
    note: str = ""
    source: str = ""
    definition: str = ""
    subject: str = ""
    vi_context: str = ""
    en_context: str = ""
    pos: str = ""
    other_terms: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    def preferred(self, lang: str) -> str:
        """The preferred term in *lang* (``vi`` or ``en``)."""
        return self.vi if lang == "vi" else self.en

    def context(self, lang: str) -> str:
        return self.vi_context if lang == "vi" else self.en_context

    def variants(self, lang: str) -> list[str]:
        return self.vi_variants if lang == "vi" else self.en_variants

    def deprecated(self, lang: str) -> list[Deprecated]:
        return self.vi_deprecated if lang == "vi" else self.en_deprecated

    def forms(self, lang: str, *, deprecated: bool = False) -> list[tuple[str, str]]:
        """``(form, status)`` pairs of *lang*: the preferred term, the admitted
        variants and, with *deprecated*, the deprecated forms; empty forms skipped."""
        out = [(self.preferred(lang), "preferred")] + [(v, "admitted") for v in self.variants(lang)
                                                        if TEMPLATE_SLOT not in v]
        if deprecated:
            out += [(d.form, "deprecated") for d in self.deprecated(lang)]
        return [(f, s) for f, s in out if f]

    def templates(self, lang: str) -> list[str]:
        """Admitted variants written with the :data:`TEMPLATE_SLOT` (``Chủ tịch {name}``): the form
        is admitted only right before a person's name (a title used as an honorific)."""
        return [v for v in self.variants(lang) if TEMPLATE_SLOT in v]

    def to_dict(self) -> dict:
        """A JSON-able dict (what the store keeps)."""
        return {
            "id": self.id, "type": self.type, "vi": self.vi, "en": self.en,
            "vi_variants": list(self.vi_variants), "en_variants": list(self.en_variants),
            "vi_deprecated": [{"form": d.form, "reason": d.reason} for d in self.vi_deprecated],
            "en_deprecated": [{"form": d.form, "reason": d.reason} for d in self.en_deprecated],
            "confused_with": list(self.confused_with), "note": self.note, "source": self.source,
            **{name: copy_detail(getattr(self, name)) for name in DETAIL_FIELDS if getattr(self, name)},
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Entry":
        """The inverse of :meth:`to_dict`."""
        def deps(items):
            return [Deprecated(d["form"], d.get("reason", "")) for d in items or ()]

        return cls(
            id=data["id"], type=data["type"], vi=data["vi"], en=data["en"],
            vi_variants=list(data.get("vi_variants") or ()), en_variants=list(data.get("en_variants") or ()),
            vi_deprecated=deps(data.get("vi_deprecated")), en_deprecated=deps(data.get("en_deprecated")),
            confused_with=list(data.get("confused_with") or ()),
            note=data.get("note", ""), source=data.get("source", ""),
            **{name: copy_detail(data[name]) for name in DETAIL_FIELDS if data.get(name)},
        )


# Fields a glossary exchange file may carry besides terms (written by to_dict() only when set).
DETAIL_FIELDS = ("definition", "subject", "vi_context", "en_context", "pos", "other_terms", "extra")


def copy_detail(value):
    if isinstance(value, dict):
        return {k: list(v) if isinstance(v, list) else v for k, v in value.items()}
    return value


def extra_key(element: str, kind: str | None = None, lang: str | None = None, form: str | None = None) -> str:
    """The :attr:`Entry.extra` key of a data category: ``[lang/[form/]]element[:type]``.

    ``descrip:Usage note`` (on the concept), ``en/descrip:definition`` (on the
    English section), ``en/data bus/termNote:grammaticalGender`` (on one term).
    """
    name = f"{element}:{kind}" if kind else element
    if lang:
        return f"{lang}/{form}/{name}" if form else f"{lang}/{name}"
    return name


def split_extra_key(key: str) -> tuple[str | None, str | None, str, str | None]:
    """The inverse of :func:`extra_key`: ``(lang, form, element, type)``."""
    lang, form = None, None
    if "/" in key:
        lang, rest = key.split("/", 1)
        if "/" in rest:
            form, rest = rest.rsplit("/", 1)
        key = rest
    element, _, kind = key.partition(":")
    return lang, form, element, kind or None
