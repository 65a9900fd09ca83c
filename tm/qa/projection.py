"""Term projection: the span of a draft segment that translates a glossary term of its source.

A source segment names a term (``Treaty on Friendship and Cooperation``); the draft renders it
some way the glossary may not list (``Hiệp ước về Tình bạn và Hợp tác``). :meth:`Projector.locate`
finds that span so that ``check`` can point at it and ``correct`` replace it. Each draft syllable
of a candidate span is classed by what explains it:

- hit: a syllable of the term's form being tried (``Hiệp``, ``ước``, ``hợp``, ``tác``);
- link: a syllable the bilingual lexicon links to a word of the source term (``tình``, ``bạn``
  <-> ``friendship``), or the source word itself left in English;
- other: a syllable linked to a source word outside the term (``ký`` <-> ``signed``): never
  part of the span's evidence, and a cost;
- debris: a function word (``của``, ``về``), free inside a span, never at its edge;
- unexplained: anything else; as many as the form has syllables left unexplained count as
  substitutions (the draft's own wording of them), more are a cost.

The lexicon joins IBM Model 1 links learned from the glossary itself (every entry is a tiny
parallel text: ``Treaty`` <-> ``Hiệp ước``) and, when given, from the translation memory
(:class:`tm.align.lexicon.Lexicon`). Spans start and end on word boundaries
(:class:`tm.qa.wordunits.WordUnits`), never cross strong punctuation or another term of the
draft that the term's form does not hold, start on a capital when the form does (a name),
and sit near the term's relative position in the source.

The score of the best span is ``hits + 0.8 links + 0.4 substitutions - excess - 1.5 others``
(minus small costs for length and position); its confidence (0..1) grows with the share of
the span that is explained and the share of the term found in it (calibration: see the
README's projection benchmark).
"""
from __future__ import annotations

import re
import weakref
from collections import Counter
from dataclasses import dataclass, field

from corpus.normalize import match_key
from tm.align.lexicon import MIN_IDF
from tm.qa.garbled import FUNCTION_WORDS
from tm.qa.wordunits import Token, WordUnits, is_function, tokens

__all__ = ["Projection", "Projector", "glossary_lexicon", "glossary_units", "EN_STOP"]

EN_STOP = frozenset("""a an the of and on in for to at by with from 's s as its his her their""".split())
_EN_WORD = re.compile(r"[A-Za-z]+")
# Separators a span may hold between two syllables: spaces, a comma, a hyphen or dash.
_INNER = re.compile(r"[\s,\-\u2013']*\Z")
_MAX_EXTRA = 4  # a span may be this many syllables longer than the form
_W_LINK, _W_SUB, _W_EXCESS, _W_OTHER, _W_LEN, _W_POS = 0.8, 0.4, 1.0, 1.5, 0.05, 0.5
_GLOSSARY_LEXICA: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
# The glossary lexicon learns from at most this many (vi, en) form pairs, the first entries' (about
# a second of IBM Model 1; a 100,000-entry glossary would take five).
GLOSSARY_LEXICON_PAIRS = 20000


@dataclass
class Projection:
    """A located rendering of a source term in a draft segment.

    Parameters:
        entry: the glossary entry.
        start, end, text: the span in the draft segment, as written.
        form: the entry's form the span should be (closest in wording).
        confidence: 0..1.
        evidence: what supports the span, for a human (``shares “Hiệp ước”``).
        source_span: the term's offsets in the source segment.
        pseudo: the source is a pseudo-source (English text of the memory, not the draft's source).
    """

    entry: object
    start: int
    end: int
    text: str
    form: str
    confidence: float
    evidence: list = field(default_factory=list)
    source_span: tuple = (0, 0)
    pseudo: bool = False
    report_end: int | None = None  # where check's finding ends (past a word the span may go on with)
    report_start: int | None = None  # where it starts (before such a word)

    def describe(self) -> str:
        return "; ".join(self.evidence)


def glossary_lexicon(entries):
    """IBM Model 1 links learned from the glossary's own entries (each one a tiny parallel text
    of its preferred and admitted forms; the first :data:`GLOSSARY_LEXICON_PAIRS` pairs)."""
    from tm.align.lexicon import Lexicon

    pairs = []
    for e in entries:
        for vi, _ in e.forms("vi"):
            for en, _ in e.forms("en"):
                pairs.append((vi, en))
            if len(pairs) >= GLOSSARY_LEXICON_PAIRS:
                break
        if len(pairs) >= GLOSSARY_LEXICON_PAIRS:
            break
    return Lexicon.from_pairs(pairs, iterations=8, threshold=0.2, max_pairs=GLOSSARY_LEXICON_PAIRS)


def glossary_units(entries) -> WordUnits:
    """Two-syllable words of the glossary: lower-case syllable pairs that stand together in the
    forms of at least two entries (``thương mại``, ``hợp tác``), most of the time."""
    lines = []
    for e in entries:
        runs = set()
        for form, _ in e.forms("vi"):
            for run in re.findall(r"(?:\b[^\W\d_A-ZÀ-ỸĐ][^\W\d_]*(?: |\b))+", form):
                if len(run.split()) >= 2:
                    runs.add(run.strip())
        lines.append(" | ".join(sorted(runs)))
    return WordUnits.learn(lines, strict=True)


def _en_words(text: str) -> list[str]:
    return [w.lower() for w in _EN_WORD.findall(text) if w.lower() not in EN_STOP]


class Projector:
    """Locates the draft spans that render source terms.

    Parameters:
        matcher: the :class:`glossary.matcher.Matcher` of the glossary.
        lexicon: a :class:`tm.align.lexicon.Lexicon` learned from the memory, or None.
        units: :class:`tm.qa.wordunits.WordUnits`, or None for those of the glossary's forms.
    """

    def __init__(self, matcher, lexicon=None, units=None):
        self.matcher = matcher
        self._memory_lexicon = lexicon
        self._lexica = None
        self._units = units
        self._links: dict = {}
        self._forms: dict = {}

    @property
    def lexica(self) -> list:
        """The glossary's lexicon (built once per matcher, when first needed) and the memory's."""
        if self._lexica is None:
            if self.matcher not in _GLOSSARY_LEXICA:
                _GLOSSARY_LEXICA[self.matcher] = glossary_lexicon(self.matcher.entries)
            self._lexica = [_GLOSSARY_LEXICA[self.matcher]] + (
                [self._memory_lexicon] if self._memory_lexicon is not None else [])
        return self._lexica

    @property
    def units(self) -> WordUnits:
        """The word units given, or (built when first needed) the glossary's own (``thương mại``)."""
        if self._units is None:
            self._units = glossary_units(self.matcher.entries)
        return self._units

    def _form_units(self, entry) -> list:
        """``(form, its units as key lists, its keys)`` of *entry*'s Vietnamese forms, cached."""
        got = self._forms.get(entry.id)
        if got is None:
            got = []
            for form, _ in entry.forms("vi"):
                f_toks = tokens(form)
                if f_toks:
                    f_units = [[t.key for t in u] for u in self._group(form, f_toks)]
                    got.append((form, f_units, [k for u in f_units for k in u]))
            self._forms[entry.id] = got
        return got

    def links(self, word: str) -> frozenset:
        """Vietnamese syllable keys the lexica link to the English *word* (lower case)."""
        out = self._links.get(word)
        if out is None:
            found = set()
            for n, lex in enumerate(self.lexica):
                for tok in lex.tokenize(word):
                    for v in lex.links_en.get(tok, ()):
                        k = match_key(v)
                        # The memory's links to function words and common syllables are noise.
                        if n and (k in FUNCTION_WORDS or lex.idf_vi.get(v, MIN_IDF) < MIN_IDF):
                            continue
                        found.add(k)
            out = self._links[word] = frozenset(found)
        return out

    def _group(self, text: str, toks: list, matches=()) -> list:
        """*toks* grouped into words (lists of tokens); a glossary match of *matches* is one word."""
        out, cur = [], []
        spans = [(m.start, m.end) for m in matches]
        for k, t in enumerate(toks):
            cur.append(t)
            one = k + 1 < len(toks) and any(s <= t.start and toks[k + 1].end <= e for s, e in spans)
            edge = k + 1 < len(toks) and any(s <= t.start < e <= toks[k + 1].start or
                                             t.end <= s <= toks[k + 1].start for s, e in spans)
            if k + 1 >= len(toks) or not (one or (not edge and self.units.joined(text, toks, k))):
                out.append(cur)
                cur = []
        return out

    def _said(self, keys, term_words) -> set:
        """The source term's words that syllables *keys* render (linked or left in English)."""
        ks = set(keys)
        return {w for w in term_words if w in ks or self.links(w) & ks}

    def _best_from(self, draft, toks, units, a, f_units, f_keys, capital, taken, in_match, term_links,
                   term_raw, other_links, rel_src, term_words):
        """Scored spans of whole words starting at word *a* for one form: tuples
        ``(score, start token, end token, hits, links, subs, excess, others, L, classes)``."""
        first = units[a][0]
        index = self._index
        i = index[id(first)]
        if taken[i] or (len(units[a]) == 1 and is_function(first)):
            return []
        if capital and not first.capitalised and not all(t.key in f_keys for t in units[a]):
            return []  # a name starts with a capital, or (scrambled) with a word of the form
        f_set = set(f_keys)
        need = Counter(f_keys)
        L = len(f_keys)
        f_unit_of = {}
        for u_no, u in enumerate(f_units):
            for k in u:
                f_unit_of.setdefault(k, u_no)
        hit_units: set = set()
        said: set = set()  # words of the source term the span already renders
        hits = links = near = others = 0
        cls = []  # per unit: hit, near, link, other, debris, unexplained
        out = []
        for b in range(a, min(len(units), a + len(f_units) + _MAX_EXTRA)):
            u = units[b]
            k0 = index[id(u[0])]
            if any(taken[index[id(t)]] for t in u):
                break
            if b > a and not _INNER.match(draft[units[b - 1][-1].end:u[0].start]):
                break
            keys = [t.key for t in u]
            if any(k.isdigit() for k in keys) and not set(keys) <= f_set:
                break
            m = in_match[k0]
            if m is not None and not {t.key for t in tokens(m.text)} <= f_set \
                    and not set(keys) & (term_links | term_raw):
                break
            if len(u) == 1 and is_function(u[0]) and u[0].key not in f_set:
                if u[0].key not in _INSIDE_OK or not capital:
                    break  # a phrase holds no function word its forms lack; a name may (``về``, ``của``)
                cls.append("debris")
                continue
            if all(need[k] > 0 for k in keys) and len(keys) <= sum(need[k] for k in set(keys)):
                for k in keys:
                    need[k] -= 1
                    hit_units.add(f_unit_of[k])
                hits += len(keys)
                cls.append("hit")
                said |= self._said(keys, term_words)
            elif set(keys) & (term_links | term_raw) and not self._said(keys, term_words) <= said:
                links += len(keys)
                cls.append("link")
                said |= self._said(keys, term_words)
                for k in keys:
                    if need[k] > 0:
                        need[k] -= 1
                        hit_units.add(f_unit_of[k])
            elif any(need[k] > 0 for k in keys):
                for k in keys:
                    if need[k] > 0:
                        need[k] -= 1
                        hit_units.add(f_unit_of[k])
                near += len(keys)
                cls.append("near")
            elif set(keys) & other_links:
                others += 1
                cls.append("other")
                continue
            else:
                cls.append("unexplained")
                if capital and not u[0].capitalised:
                    continue  # inside a name a lower-case word may stand (``Hội nghị chuyên đề``), never at its end
            if hits + links + near == 0:
                continue
            # Budgets: the form's words with none of their syllables found, before/after the found ones.
            found = sorted(hit_units)
            missing = sum(1 for x in range(len(f_units)) if x not in hit_units)
            left = sum(1 for x in range(len(f_units)) if x not in hit_units and found and x < found[0])
            right = sum(1 for x in range(len(f_units)) if x not in hit_units and found and x > found[-1])
            inner_budget = max(0, missing - left - right)
            # Unexplained words, counted as words (two lower-case syllables of unknown grouping
            # make one: ``chuyên đề``), at the start, at the end and inside.
            words = _word_counts(cls, units[a:b + 1])
            lead, trail, inner = words["lead"], words["trail"], words["inner"]
            total = max(0, missing - min(1, cls.count("link")))
            unx = sum(len(units[a + k]) for k, c in enumerate(cls) if c == "unexplained")
            # Words unsaid: none of the span's links, and not half their links among its hits.
            hit_keys = {t.key for x, c in zip(units[a:b + 1], cls) if c == "hit" for t in x}
            unsaid = sum(1 for w in term_words if w not in said - self._said(hit_keys, term_words)
                         and 2 * len(self.links(w) & hit_keys) < max(1, len(self.links(w))))
            if not capital:  # a phrase's edges are unclear: no more new wording than words unsaid
                total = min(total, unsaid)
            subs = min(total, min(lead, left if found else total) + min(trail, right if found else total) + inner)
            excess = lead + trail + inner - subs
            if not capital and unx > 2 * unsaid:  # two syllables at most for each word unsaid
                extra = (unx - 2 * unsaid + 1) // 2
                subs, excess = max(0, subs - extra), excess + min(extra, subs)
            sub_syl = unx * subs / max(1, subs + excess)
            unmatched = max(0, missing - subs - (1 if links else 0))
            end = u[-1].end
            length = index[id(u[-1])] + 1 - i
            rel = (toks[i].start + end) / 2 / max(len(draft), 1)
            score = (hits + _W_LINK * links + 0.5 * near + _W_SUB * sub_syl - _W_EXCESS * excess - _W_OTHER * others
                     - 0.1 * unmatched - _W_LEN * length - _W_POS * abs(rel - rel_src))
            out.append((score, i, index[id(u[-1])] + 1, hits, links + near / 2, sub_syl, excess, others, L,
                        list(cls), a, b))
        return out

    def _whole_run(self, draft, units, ua, ub, in_match, taken, *, index_of, related, most: int = 4):
        """Units ``ua..ub`` widened over the capitalised words next to them (spaces only between;
        not a place or person of the glossary, not taken, not a sentence's first word unless it
        shares a syllable with the term's forms or links)."""
        index = {id(t): k for k, t in enumerate(index_of)}

        def joins(u, other):
            k = index[id(u[0])]
            m = in_match[k]
            if not u[0].capitalised or taken[k] or (m is not None and m.entry.type in ("place", "person")):
                return False
            a, b = (u, other) if u[0].start < other[0].start else (other, u)
            return not draft[a[-1].end:b[0].start].strip()

        added = 0
        def first_of_sentence(u_no):
            return u_no == 0 or re.search(r"[.!?:;]\s*$", draft[:units[u_no][0].start]) is not None

        while added < most and ua > 0 and joins(units[ua - 1], units[ua]) \
                and (not first_of_sentence(ua - 1) or {t.key for t in units[ua - 1]} & related):
            ua, added = ua - 1, added + 1
        # To the right only words of two syllables or more: a name's words (``Lẫn nhau``), not a
        # person's name after a title (``Tô Lâm``).
        while added < most and ub + 1 < len(units) and joins(units[ub + 1], units[ub]) and len(units[ub + 1]) > 1:
            ub, added = ub + 1, added + 1
        return ua, ub

    def _doubt(self, draft, toks, units, ua, ub, *, capital, related, other_links, in_match, taken,
               office=False):
        """``(left, right)``: the character span of the word next to the span's first and last words
        when the span may go on with it, else None; units *ua*..*ub* are the span's.

        A neighbour (only spaces between) is in doubt when it is a lower-case content syllable after
        a span ending on a lower-case one (``Tổng thư | ký``), a capitalised word continuing a name
        (``Thỏa thuận Hỗ trợ Pháp lý | Lẫn nhau``), or a word related to the term (linked to its
        source words or sharing a syllable with its forms: ``chiến tranh | kháng chiến``)."""
        index = {id(t): k for k, t in enumerate(toks)}

        def check(u_no, side):
            if u_no < 0 or u_no >= len(units):
                return None
            u = units[u_no]
            inner_edge = units[ub][-1] if side == "right" else units[ua][0]
            gap = draft[inner_edge.end:u[0].start] if side == "right" else draft[u[-1].end:inner_edge.start]
            if gap.strip():
                return None
            ks = [index[id(t)] for t in u]
            if any(taken[k] for k in ks) or all(t.key.isdigit() for t in u):
                return None
            if len(u) == 1 and is_function(u[0]):
                return None
            keys = {t.key for t in u}
            if keys & other_links:
                return None
            m = in_match[ks[0]]
            if m is not None and any({t.key for t in tokens(f)} <= related for f, _ in m.entry.forms("vi")):
                return (m.start, m.end)  # a term one of whose forms the term's form holds (``Hoa Kỳ`` = ``Mỹ``)
            if m is not None and m.entry.type in ("place", "person") and not keys & related:
                return None
            span = (u[0].start, u[-1].end)
            if side == "right" and not inner_edge.capitalised and not u[0].capitalised and m is None:
                return span
            if capital and u[0].capitalised and m is None and not (office and side == "right" and len(u) == 1):
                return span  # (a title's capitalised neighbour of one syllable is the holder's name)
            if keys & related:
                return span
            return None

        return check(ua - 1, "left"), check(ub + 1, "right")

    def locate(self, source: str, draft: str, term, *, draft_matches=(), blocked=(), pseudo: bool = False,
               src_spans=()):
        """The :class:`Projection` of the source term match *term* in *draft*, or None.

        Parameters:
            source, draft: the source and draft segments.
            term: a :class:`glossary.matcher.TermMatch` of the source.
            draft_matches: glossary matches of the draft (their spans are not crossed unless the
                term's form holds them).
            blocked: ``(start, end)`` spans of the draft already taken (other terms located).
            pseudo: *source* is a pseudo-source (lower confidence, stricter evidence).
            src_spans: ``(start, end)`` of the source segment's other terms (their words are
                rendered by their own spans, so they claim no syllable of this one's).
        """
        toks = tokens(draft)
        if not toks:
            return None
        entry = term.entry
        term_words = _en_words(term.text)
        term_raw = {w for w in term_words}
        forms = self._form_units(entry)
        draft_keys = {t.key for t in toks}
        # A rendering shares a content syllable with a form, or keeps a word of the term: without
        # either nothing is located (and no lexicon is needed).
        if not any(k in draft_keys and k not in FUNCTION_WORDS for _, _, f_keys in forms for k in f_keys) \
                and not term_raw & draft_keys:
            return None
        term_links = set().union(*(self.links(w) for w in term_words)) if term_words else set()
        # Words outside every source term: a term's words are rendered by its own span.
        cut, pos = [], 0
        for s0, e0 in sorted(set(src_spans) | {(term.start, term.end)}):
            if s0 >= pos:
                cut.append(source[pos:s0])
                pos = e0
        cut.append(source[pos:])
        outside = _en_words(" ".join(cut))
        # Syllables linked to source words outside the term, unless the draft has more of them
        # than those words need (``hai bên`` for ``two sides`` once, then for ``bilateral``).
        need_other = Counter(k for w in outside for k in self.links(w) - term_links)
        in_draft = Counter(t.key for t in toks)
        other_links = {k for k, n in need_other.items() if in_draft[k] <= n}
        n = len(toks)
        taken = [False] * n
        for s, e in blocked:
            for k, t in enumerate(toks):
                if t.start < e and s < t.end:
                    taken[k] = True
        in_match = [None] * n
        for m in draft_matches:
            for k, t in enumerate(toks):
                if t.start < m.end and m.start < t.end:
                    in_match[k] = m
        units = self._group(draft, toks, draft_matches)
        self._index = {id(t): k for k, t in enumerate(toks)}
        rel_src = (term.start + term.end) / 2 / max(len(source), 1)
        best, second = None, None
        for form, f_units, f_keys in forms:
            capital = form[:1].isupper()
            for a in range(len(units)):
                cand = self._best_from(draft, toks, units, a, f_units, f_keys, capital, taken, in_match,
                                       term_links, term_raw, other_links, rel_src, term_words)
                for c in cand:
                    c = (c[0],) + c[1:3] + (form,) + c[3:]
                    if best is None or c[0] > best[0]:
                        if best is not None and not _overlap(best, c):
                            second = best
                        best = c
                    elif not _overlap(best, c) and (second is None or c[0] > second[0]):
                        second = c
        if best is None:
            return None
        score, i, j, form, hits, links, subs, excess, others, L, cls, ua, ub = best
        start, end = toks[i].start, toks[j - 1].end
        text = draft[start:end]
        if match_key(text) in {match_key(f) for f, _ in entry.forms("vi")}:
            return None  # rendered as the glossary says
        content = sum(len(units[x]) for x, c in zip(range(ua, ub + 1), cls) if c != "debris")
        explained = hits + links
        if explained < 1 or others:
            return None
        f_all = {t.key for f, _ in entry.forms("vi") for t in tokens(f)}
        if pseudo and (hits < 2 or entry.type in ("person", "place")
                       or any(m.start < end and start < m.end and m.entry.id != entry.id
                              and not {t.key for t in tokens(m.text)} <= f_all for m in draft_matches)):
            return None  # comparable text: only a term the span visibly shares words with
        purity = explained / max(content, 1)
        coverage = min(1.0, (hits + links + 0.5 * subs) / L)
        span_keys = {toks[k].key for k in range(i, j)}
        found_words = sum(1 for w in term_words if self.links(w) & span_keys or w in span_keys)
        word_share = found_words / len(term_words) if term_words else 0.0
        conf = 0.3 + 0.3 * purity + 0.25 * coverage + 0.15 * word_share - 0.1 * excess
        # Edges in doubt: the draft's word or name may go on past the span. Reported with the
        # span, never edited (an edit there would leave part of the word behind).
        f_all = {t.key for f, _ in entry.forms("vi") for t in tokens(f)}
        related = term_links | term_raw | f_all
        f_all = {t.key for f, _ in entry.forms("vi") for t in tokens(f)}
        related = term_links | term_raw | f_all
        if form[:1].isupper():
            # In a title-case draft a name is its whole run of capitalised words: take the run's
            # other words too (``Thỏa thuận Hỗ trợ Pháp lý | Lẫn nhau``), at most four of them.
            ua, ub = self._whole_run(draft, units, ua, ub, in_match, taken, index_of=toks, related=related)
            i = toks.index(units[ua][0])
            j = toks.index(units[ub][-1]) + 1
            start, end = toks[i].start, toks[j - 1].end
            text = draft[start:end]
        doubt_left, doubt_right = self._doubt(draft, toks, units, ua, ub, capital=form[:1].isupper(),
                                              related=related, other_links=other_links, in_match=in_match,
                                              taken=taken, office=entry.type == "office")
        if doubt_right is not None and entry.type == "office" and j + 1 < n \
                and toks[j].start == doubt_right[0] and toks[j].end == doubt_right[1] \
                and toks[j + 1].capitalised and not draft[toks[j].end:toks[j + 1].start].strip() \
                and not toks[j].capitalised:
            # A title runs up to the name it precedes (``Tổng thư ký | Nông Đức Mạnh``).
            j += 1
            end, doubt_right = toks[j - 1].end, None
            text = draft[start:end]
        if form[:1].isupper() and _whole_name(draft, toks, i, j, in_match):
            conf += 0.1  # the span is a whole capitalised name of the draft
        if second is not None and second[0] > score - 1.0:
            conf -= 0.1  # another place fits almost as well
        if pseudo:
            conf *= 0.85
        if doubt_left is not None or doubt_right is not None:
            conf = min(conf, _DOUBT_CAP)
        conf = round(max(0.0, min(0.97, conf)), 3)
        words = {c: [" ".join(t.text for t in units[x]) for x, cc in zip(range(ua, ub + 1), cls) if cc == c]
                 for c in ("hit", "near", "link")}
        evidence = []
        if words["hit"] or words["near"]:
            evidence.append("shares " + ", ".join(words["hit"] + words["near"]) + f" with “{form}”")
        if words["link"]:
            evidence.append("lexicon links " + ", ".join(words["link"]) + f" to “{term.text}”")
        if subs:
            evidence.append(f"{round(subs)} syllable(s) of its own wording")
        if pseudo:
            evidence.append("pseudo-source: English text of the memory")
        for d in (doubt_left, doubt_right):
            if d is not None:
                evidence.append(f"the name or word may go on with “{draft[d[0]:d[1]]}”: not edited")
        return Projection(entry, start, end, text, form, conf, evidence, (term.start, term.end), pseudo,
                          doubt_right[1] if doubt_right is not None else None,
                          doubt_left[0] if doubt_left is not None else None)


_DOUBT_CAP = 0.6  # the confidence of a span whose edge is in doubt: a suggestion, never an edit
_INSIDE_OK = frozenset(match_key(w) for w in ("về", "của", "các", "và"))


def _whole_name(text: str, toks, i: int, j: int, in_match) -> bool:
    """Whether tokens ``[i, j)`` are a whole run of capitalised words: no capitalised word right
    before or after them (only spaces between) but a place or person of the glossary (``Bộ Văn
    hoá | Việt Nam``), and the run starts with a capital."""
    def named(k):
        m = in_match[k]
        return m is not None and m.entry.type in ("place", "person")

    if not toks[i].capitalised:
        return False
    if i > 0 and toks[i - 1].capitalised and not text[toks[i - 1].end:toks[i].start].strip() and not named(i - 1):
        return False
    if j < len(toks) and toks[j].capitalised and not text[toks[j - 1].end:toks[j].start].strip() and not named(j):
        return False
    return True


def _word_counts(cls, units) -> dict:
    """Words of the runs of unexplained units of a span, at its start (``lead``), its end
    (``trail``) and inside: a run's capitalised or multi-syllable units are a word each, its
    lone lower-case syllables one word per two."""
    runs, cur = [], None
    for k, c in enumerate(cls):
        if c == "unexplained":
            if cur is None:
                cur = [k, k]
                runs.append(cur)
            cur[1] = k
        elif c != "debris":
            cur = None
    out = {"lead": 0, "trail": 0, "inner": 0}
    first = next((k for k, c in enumerate(cls) if c != "debris"), 0)
    last = max((k for k, c in enumerate(cls) if c != "debris"), default=0)
    for lo, hi in runs:
        us = [units[k] for k in range(lo, hi + 1) if cls[k] == "unexplained"]
        loose = sum(1 for u in us if len(u) == 1 and not u[0].capitalised)
        n = len(us) - loose + (loose + 1) // 2
        where = "lead" if lo == first else "trail" if hi == last else "inner"
        out[where] += n
    return out


def _run(items, value) -> int:
    """Length of the run of *value* at the start of *items*, debris skipped."""
    n = 0
    for x in items:
        if x == value:
            n += 1
        elif x != "debris":
            break
    return n


def _overlap(a, b) -> bool:
    return a[1] < b[2] and b[1] < a[2]
